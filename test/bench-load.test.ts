import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { loadGoals, loadProblems } from '../bench/load-checks.js';
import { send } from '../bench/load-client.js';
import { memoryTrend } from '../bench/load-memory.js';
import { runLoad, type LoadResult } from '../bench/load-run.js';
import { INGEST_CLASS, REPORT_CLASSES, reportClassesNamed, reportRequests } from '../bench/load-traffic.js';
import { LiveStatements, preloadBatches, StatementIdentities } from '../bench/load-statements.js';
import { deriveStatementId } from '../src/ingest/statement-id.js';
import type { Statement } from '../src/ingest/statement-validation.js';
import { BACKEND, SERVER_URL } from './support/databases.js';

describe('the load benchmark (npm run bench:load), tiny', () => {
  // On a server database the run is of two processes on it, the load taken by each in turn (as behind a balancer).
  const instances = BACKEND === 'postgres' ? 2 : 1;

  it(`loads ${instances === 1 ? 'a real server process' : 'two real server processes on one database'} with statements and report requests, and every acknowledged statement is stored`, async function () {
    // A first PGlite start creates its database, and ltijs makes a 4096-bit key for the platform: seconds each on a busy machine.
    this.timeout(180_000);
    const result = await runLoad({
      backend: BACKEND,
      ...(SERVER_URL ? { serverUrl: SERVER_URL } : {}),
      durationSeconds: 3,
      ingestRate: 200,
      reportRate: 20,
      students: 4,
      days: 3,
      ingestCourses: 2,
      seed: 3,
      sampleSeconds: 1,
      progressSeconds: 1,
      instances,
      progress: () => undefined,
    });

    assert.deepStrictEqual(loadProblems(result), []);
    // The 66 requests in turn: each process answered its share.
    assert.deepStrictEqual(
      result.instances.map((i) => i.answered),
      instances === 1 ? [66] : [33, 33],
    );
    // Open loop at fixed rates: 2 requests of 100 statements a second and 20 report requests a second, for 3 s.
    assert.deepStrictEqual(
      { ...result.ingest, acknowledgedPerSecond: undefined, courseDays: undefined },
      { requests: 6, statementsSent: 600, statementsAcknowledged: 600, statementsRateLimited: 0, statementsUncertain: 0, acknowledgedPerSecond: undefined, courseDays: undefined },
    );
    assert.deepStrictEqual(
      result.classes.map((c) => ({ name: c.name, statuses: Object.keys(c.statuses), errors: c.errors })),
      [INGEST_CLASS, ...REPORT_CLASSES.map((c) => c.name)].map((name) => ({ name, statuses: result.classes.find((c) => c.name === name)!.count > 0 ? ['200'] : [], errors: {} })),
    );
    assert.equal(result.classes[0]!.count, 6);
    assert.deepStrictEqual({ count: result.reports.count, statuses: result.reports.statuses }, { count: 60, statuses: { 200: 60 } });
    for (const c of [...result.classes, result.reports].filter((c) => c.count > 0)) {
      assert.ok(c.p50 > 0 && c.p50 <= c.p95 && c.p95 <= c.p99 && c.p99 <= c.max, JSON.stringify(c));
    }

    // Both courses got statements (taken in turn), the report course on top of its preload, and the database holds exactly those.
    const [report, other] = result.stored;
    assert.deepStrictEqual(result.stored, [
      { courseId: '301', expected: result.setup.preload.statements + 300, atMost: result.setup.preload.statements + 300, stored: result.setup.preload.statements + 300 },
      { courseId: '302', expected: 300, atMost: 300, stored: 300 },
    ]);
    assert.ok(report && other && result.setup.preload.statements > 0 && result.setup.preload.retried === 0);

    // The server's memory was read while it ran, and it stopped cleanly.
    assert.ok(result.memory.samples.length >= 2, JSON.stringify(result.memory.samples));
    assert.ok(result.memory.samples.every((s) => s.rssMb > 50 && s.heapUsedMb > 0), JSON.stringify(result.memory.samples));
    assert.deepStrictEqual(result.server, { crashed: false, exit: { code: 0, signal: null }, stopMs: result.server.stopMs, logTail: '' });
    assert.deepStrictEqual(
      loadGoals(result).map((g) => g.what),
      ['report requests answered', 'report requests p99', 'statements acknowledged', 'server memory (RSS) over the second half', 'errors other than 429'],
    );

    // The checks can fail: an error status, a lost statement, a crash — but not the rate limit's 429.
    const changed = (change: (r: LoadResult) => void): LoadResult => {
      const copy = structuredClone(result);
      change(copy);
      return copy;
    };
    assert.deepStrictEqual(
      loadProblems(
        changed((r) => {
          r.classes[1]!.errors = { 500: 2, 429: 1 };
          r.classes[0]!.errors = { 429: 5 };
        }),
      ),
      [`${REPORT_CLASSES[0]!.name}: 2 x 500`],
    );
    assert.deepStrictEqual(
      loadProblems(changed((r) => (r.stored[1]!.stored = 200))),
      ['course 302: 100 acknowledged statement(s) not stored (200 stored, 300 acknowledged)'],
    );
    assert.deepStrictEqual(
      loadProblems(
        changed((r) => {
          r.server.crashed = true;
          r.server.exit = { code: null, signal: 'SIGKILL' };
        }),
      ),
      ['the server exited during the load (SIGKILL)'],
    );
  });

  it('calls memory flat only when its second half has no trend beyond the noise', () => {
    // A sawtooth around 400 MB, then the same with a leak of 10 MB a minute, sampled every 5 s for 10 minutes.
    const saw = Array.from({ length: 121 }, (_, i) => ({ seconds: i * 5, mb: 400 + (i % 6) * 3 }));
    const leak = saw.map((p) => ({ seconds: p.seconds, mb: p.mb + (p.seconds / 60) * 10 }));
    assert.equal(memoryTrend(saw).verdict, 'flat');
    const leaking = memoryTrend(leak);
    assert.equal(leaking.verdict, 'growing');
    assert.ok(Math.abs(leaking.slopeMbPerMinute - 10) < 0.5, JSON.stringify(leaking));
    assert.equal(memoryTrend(saw.slice(0, 5)).verdict, 'too few samples');
  });

  it('draws report requests of the classes chosen (--report-class) by their weights, and names the classes for an unknown one', () => {
    const names = ['GET /api/overview', 'htmx student live (60 s)'];
    const next = reportRequests(7, 20, 'the-ltik', reportClassesNamed(names));
    const drawn = Array.from({ length: 300 }, () => next());
    const counts = Object.fromEntries(names.map((name) => [name, drawn.filter((r) => r.className === name).length]));
    assert.deepStrictEqual(new Set(drawn.map((r) => r.className)), new Set(names));
    // Weights 15 and 15: about half each.
    assert.ok(Object.values(counts).every((n) => n > 110 && n < 190), JSON.stringify(counts));
    const live = drawn.find((r) => r.className === names[1])!;
    assert.deepStrictEqual(live.headers, { Authorization: 'Bearer the-ltik', 'Accept-Encoding': 'gzip, deflate, br', 'HX-Request': 'true', 'HX-Target': 'student-live' });
    assert.throws(() => reportClassesNamed(['GET /api/overview', 'GET /nowhere']), {
      message: `no report class "GET /nowhere"; the classes: ${REPORT_CLASSES.map((c) => JSON.stringify(c.name)).join(', ')}`,
    });
  });

  it('makes each statement once in a run, as the server tells them apart: across courses and after the preload', () => {
    const identities = new StatementIdentities();
    const activity = { seed: 5, lmsUrl: 'https://moodle.example.edu', students: 4, days: 2 };
    const now = new Date('2026-03-20T12:00:00Z');
    const preload = preloadBatches(activity, '301', now, 10, identities);
    const live = new LiveStatements(activity, ['301', '302'], now, 10, identities);
    const made = [...preload.bodies, ...Array.from({ length: 20 }, () => live.next().body)].flatMap((body) => JSON.parse(body) as Record<string, unknown>[]);
    const ids = made.map((statement) => deriveStatementId(statement as unknown as Statement));
    assert.equal(new Set(ids).size, ids.length, 'no statement the server would take for another one');
    // The same click in another course (the generator's module ids are shared), and one a second later.
    const first = made[0]!;
    const elsewhere = { ...first, context: { ...(first.context as object), contextActivities: { grouping: [{ id: 'https://moodle.example.edu/course/view.php?id=302' }] } } };
    const later = { ...first, timestamp: new Date(Date.parse(String(first.timestamp)) + 1000).toISOString() };
    assert.deepStrictEqual(identities.distinct([elsewhere, later, later]), [JSON.stringify(later)]);
  });

  it("counts a request that got no answer by its socket's error: a reset connection apart from a refused one", async () => {
    // A server that takes the connection and resets it on the first request, and a port nobody listens on.
    const resetting = net.createServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    resetting.listen(0, '127.0.0.1');
    await once(resetting, 'listening');
    const closed = net.createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const refusedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const agent = new http.Agent({ keepAlive: true });
    try {
      const request = { method: 'GET' as const, path: '/reports/overview', headers: {} };
      const answers = await Promise.all([
        send(new URL(`http://127.0.0.1:${(resetting.address() as AddressInfo).port}`), agent, request),
        send(new URL(`http://127.0.0.1:${refusedPort}`), agent, request),
      ]);
      assert.deepStrictEqual(answers, [{ status: 'error ECONNRESET' }, { status: 'error ECONNREFUSED' }]);
    } finally {
      agent.destroy();
      resetting.close();
    }
  });
});

