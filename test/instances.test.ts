/**
 * Two CoursePulse processes on one PostgreSQL database behind a round-robin balancer, started at
 * the same moment, as an institution runs them: a platform registered at one and its credential
 * made at the other; launches whose OIDC login one instance answers and whose id_token POST the
 * other; the ltik and the admin sign-in of one accepted by the other; ingest batches spread over
 * both, some sent to both at once; a roster refresh due on both; both restarted together with a
 * changed VISIT_TIMEOUT_MINUTES (while a third process holds the rebuild, so that both meet it);
 * `coursepulse rebuild` run while both ingest. Then: every
 * statement is stored once and counted once, the figures equal a rebuild from scratch, each
 * roster was read once per launch and once per due period, and the start-up rebuild ran once.
 *
 * Server only: the embedded database belongs to one process (DATA_DIR lock).
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import { main as coursepulse } from '../src/cli/coursepulse.js';
import { derivedSettingsOf } from '../src/ingest/derived-settings.js';
import { rebuildDerived } from '../src/ingest/rebuild.js';
import { readDerivedSettings } from '../src/models/derived-settings.js';
import { openPostgres } from '../src/models/postgres-database.js';
import { withRebuildLock } from '../src/models/rebuild-lock.js';
import { BACKEND, processDatabaseEnv } from './support/databases.js';
import { derivedRows } from './support/derived-rows.js';
import { ltikOf } from './support/lti-world.js';
import { moodleStatement, type StatementKind } from './support/moodle-statements.js';
import { instructor, students } from './support/roster-members.js';
import { ServerProcess, buildIfNeeded, freePort } from './support/server-process.js';
import { DEFAULT_CONTEXT, TestPlatform, type ContextClaim } from './support/test-platform.js';

const ADMIN_TOKEN = 'instances-admin-token-0123456789';
const LTI_KEY = 'instances-lti-key-0123456789-0123456789-0123456789';
const G5 = { timezone: 'UTC', visitTimeoutMinutes: 5, lastEventCreditSeconds: 60 };
const WAITING = 'another CoursePulse process is rebuilding the derived data; waiting for it to finish';
/** The roster refresher's first pass comes this long after a start (REFRESHER_TICK_SECONDS), plus the start itself. */
const FIRST_REFRESH_PASS_MS = 60_000 + 15_000;

const COURSES: ContextClaim[] = [
  { ...DEFAULT_CONTEXT, id: 'bio-101', label: 'BIO101', title: 'Biology' },
  { ...DEFAULT_CONTEXT, id: 'chem-201', label: 'CHEM201', title: 'Chemistry' },
];
const STUDENTS_PER_COURSE = 40;
const KINDS: StatementKind[] = ['visit', 'resource', 'activity'];

interface Balancer {
  url: string;
  /** The instance port each request went to, in order. */
  served: Array<{ port: number; path: string }>;
  close(): Promise<void>;
}

/** A round-robin HTTP balancer in front of `ports`: PUBLIC_URL, as the LMS and browsers see it. */
async function balancer(ports: number[]): Promise<Balancer> {
  const served: Balancer['served'] = [];
  let next = 0;
  const server = http.createServer((req, res) => {
    const port = ports[next++ % ports.length]!;
    served.push({ port, path: req.url ?? '/' });
    const upstream = http.request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `count` statements of each student of each course, a few minutes apart from `day` 08:00 UTC on, each with its own id. */
function activity(platform: TestPlatform, day: string, count: number): Array<Record<string, unknown>> {
  const statements: Array<Record<string, unknown>> = [];
  for (const course of COURSES) {
    for (const [s, student] of students(STUDENTS_PER_COURSE).entries()) {
      for (let i = 0; i < count; i++) {
        // Gaps of 3, 6, 9 … minutes: visits split differently with G = 30 and with G = 5.
        const at = Date.parse(`${day}T08:00:00Z`) + (1.5 * i * (i + 1) + s) * 60_000;
        const kind = KINDS[i % KINDS.length]!;
        statements.push(moodleStatement({ issuer: platform.issuer, contextId: course.id, userId: student.user_id, kind, at, id: crypto.randomUUID(), objectKey: i }));
      }
    }
  }
  return statements;
}

/** Splits `items` into batches of `size`. */
const batches = <T>(items: T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

describe('several instances on one PostgreSQL database', function () {
  this.timeout(420_000);
  let env: { DATA_DIR: string; DATABASE_URL?: string };
  let ports: number[];
  let front: Balancer;
  let platform: TestPlatform;
  let instances: ServerProcess[] = [];
  const dataDirs: string[] = [];

  before(function () {
    if (BACKEND !== 'postgres') this.skip(); // PGlite is one process's database: there is no second instance to run
    buildIfNeeded();
  });
  after(async () => {
    await Promise.all(instances.map((s) => s.stop('SIGKILL')));
    await platform?.close();
    await front?.close();
    for (const dir of dataDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Both instances, spawned at the same moment, each with a DATA_DIR of its own; resolves once
   * both are healthy, `whileStarting` done first.
   */
  async function startBoth(extra: Record<string, string>, whileStarting?: () => Promise<void>): Promise<ServerProcess[]> {
    const common = { DATABASE_URL: env.DATABASE_URL!, PUBLIC_URL: front.url, ADMIN_TOKEN, LTI_KEY, LOG_LEVEL: 'info', ...extra };
    instances = ports.map((port, i) => ServerProcess.start({ ...common, PORT: String(port), DATA_DIR: dataDirs[i]! }));
    await whileStarting?.();
    await Promise.all(instances.map((s) => s.healthy(120_000)));
    return instances;
  }

  /** Resolves once `count` log lines of the instances say `msg`; fails after `timeoutMs`. */
  async function logged(msg: string, count: number, timeoutMs: number): Promise<void> {
    const started = Date.now();
    while (allMessages().filter((m) => m === msg).length < count) {
      const exited = instances.find((s) => s.child.exitCode !== null);
      if (exited) throw new Error(`an instance exited:\n${[...exited.stdout, ...exited.stderr].join('\n')}`);
      if (Date.now() - started > timeoutMs) throw new Error(`not logged ${count} times within ${timeoutMs} ms: ${msg}\n${JSON.stringify(instances.map(messages))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function stopBoth(): Promise<void> {
    assert.deepEqual(await Promise.all(instances.map((s) => s.stop())), [
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
  }

  /**
   * A teacher's launch as the browser makes it, with its OIDC login answered by `loginAt` and its
   * id_token POST by `postAt`: the state cookie of the one must be good at the other.
   */
  async function launchAcross(loginAt: ServerProcess, postAt: ServerProcess, context: ContextClaim): Promise<supertest.Response> {
    const params = new URL(platform.launchStartUrl({ context })).searchParams;
    const login = await supertest(loginAt.url).get(`/lti/login?${params.toString()}`).redirects(0);
    assert.equal(login.status, 302, login.text);
    const location = new URL(String(login.headers.location));
    const state = location.searchParams.get('state')!;
    const cookies = ([] as string[]).concat(login.headers['set-cookie'] ?? []);
    const stateCookie = cookies.map((c) => c.split(';')[0]!).find((c) => c.startsWith(`state${state}=`));
    assert.ok(stateCookie, `the login should set the state cookie: ${cookies.join(' | ')}`);
    const page = await (await fetch(location)).text();
    const idToken = /name="id_token" value="([^"]+)"/.exec(page)?.[1];
    assert.ok(idToken, page);
    return supertest(postAt.url).post('/lti/launch').set('Cookie', stateCookie).type('form').send({ id_token: idToken, state }).redirects(0);
  }

  /** Sends the batches through the balancer (so alternately to each instance), `parallel` at a time; every answer must be 200. */
  async function ingest(credential: { key: string; secret: string }, statementBatches: unknown[][], parallel = 4): Promise<void> {
    let next = 0;
    const sender = async () => {
      for (let i = next++; i < statementBatches.length; i = next++) {
        const res = await supertest(front.url)
          .post('/xapi/statements')
          .auth(credential.key, credential.secret)
          .set('X-Experience-API-Version', '1.0.3')
          .send(statementBatches[i]!);
        assert.equal(res.status, 200, res.text);
      }
    };
    await Promise.all(Array.from({ length: parallel }, sender));
  }

  const nrpsReads = (context: ContextClaim): number => platform.requests.filter((r) => r.startsWith(`GET /nrps/${context.id}?`)).length;
  const messages = (s: ServerProcess): string[] => s.logs().map((line) => String(line.msg));
  const allMessages = (): string[] => instances.flatMap(messages);

  it('launch, ingest, roster refresh, start-up rebuild and `coursepulse rebuild` stay correct', async () => {
    env = await processDatabaseEnv();
    dataDirs.push(env.DATA_DIR, fs.mkdtempSync(path.join(os.tmpdir(), 'coursepulse-test-')));
    ports = [await freePort(), await freePort()];
    front = await balancer(ports);
    platform = await TestPlatform.start({ toolUrl: front.url });
    for (const course of COURSES) platform.setMembers(course, [instructor, ...students(STUDENTS_PER_COURSE)]);

    // 1. Both start together on an empty database (the migrations' lock lets one apply them).
    const startedAt = Date.now();
    let [a, b] = await startBoth({ VISIT_TIMEOUT_MINUTES: '30' });

    // Registered at A, its credential made at B, the admin signed in at A and recognised at B.
    const registered = await supertest(a!.url).post('/admin/api/platforms').set('Authorization', `Bearer ${ADMIN_TOKEN}`).send(platform.registration());
    assert.equal(registered.status, 201, registered.text);
    const platformId = (registered.body as { id: string }).id;
    const made = await supertest(b!.url).post(`/admin/api/platforms/${platformId}/credentials`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).send({ label: 'forwarder' });
    assert.equal(made.status, 201, made.text);
    const credential = made.body as { key: string; secret: string };
    const signIn = await supertest(a!.url).post('/admin/sign-in').type('form').send({ token: ADMIN_TOKEN }).redirects(0);
    assert.equal(signIn.status, 303, signIn.text);
    const adminCookie = String(([] as string[]).concat(signIn.headers['set-cookie'] ?? [])[0]).split(';')[0]!;
    const adminPage = await supertest(b!.url).get('/admin').set('Cookie', adminCookie);
    assert.equal(adminPage.status, 200);
    assert.ok(adminPage.text.includes(platform.clientId), 'B shows the admin page (with the platform) to the session A opened');

    // Each course launched with its login at one instance and its POST at the other; its ltik
    // then opens the report at the other one too.
    const ltiks: string[] = [];
    for (const [i, course] of COURSES.entries()) {
      const [loginAt, postAt] = i % 2 === 0 ? [a!, b!] : [b!, a!];
      const launch = await launchAcross(loginAt, postAt, course);
      assert.equal(launch.status, 200, launch.text);
      ltiks.push(ltikOf(launch.text));
      const overview = await supertest(loginAt.url).get('/api/overview').set('Authorization', `Bearer ${ltiks[i]}`);
      assert.equal(overview.status, 200, overview.text);
    }
    assert.deepEqual(COURSES.map(nrpsReads), [1, 1], 'each launch read its roster once');

    // 2. Ingest spread over both; the first batches sent to both at the same moment.
    const first = activity(platform, '2026-03-02', 15);
    const firstBatches = batches(first, 25);
    await Promise.all(
      firstBatches.slice(0, 6).flatMap((batch) =>
        [a!, b!].map(async (target) => {
          const res = await supertest(target.url).post('/xapi/statements').auth(credential.key, credential.secret).set('X-Experience-API-Version', '1.0.3').send(batch);
          assert.equal(res.status, 200, res.text);
        }),
      ),
    );
    await ingest(credential, firstBatches);

    // 3. The rosters due on both: their refreshers' first passes come at the same moment.
    const db = await openPostgres({ connectionString: env.DATABASE_URL!, max: 2 });
    try {
      // Before the refreshers' first passes (a minute after the start), or the test proves nothing.
      assert.ok(Date.now() < startedAt + 50_000, `the steps before the roster refresh took ${Date.now() - startedAt} ms`);
      await db.query(`update courses set roster_attempted_at = now() - interval '1 day' where platform_id = $1`, [platformId]);
      const deadline = startedAt + FIRST_REFRESH_PASS_MS;
      while (Date.now() < deadline) await new Promise((r) => setTimeout(r, 1000));
      assert.deepEqual(COURSES.map(nrpsReads), [2, 2], 'the refresh read each roster once, not once per instance');
      const synced = instances.flatMap((s) => s.logs().filter((l) => l.msg === 'rosters refreshed').map((l) => Number(l.synced)));
      assert.equal(synced.reduce((sum, n) => sum + n, 0), COURSES.length, JSON.stringify(synced));

      // 4. Both restarted together with another visit timeout: one rebuilds, the other waits and
      // finds it done. Left to chance, one start is often through before the other reaches its
      // rebuild; so this test, as a third process, holds the rebuild until both are waiting for it.
      await stopBoth();
      let release!: () => void;
      let markHeld!: () => void;
      const held = new Promise<void>((resolve) => (markHeld = resolve));
      const elsewhere = withRebuildLock(db, async () => {
        markHeld();
        await new Promise<void>((resolve) => (release = resolve));
      });
      await held;
      [a, b] = await startBoth({ VISIT_TIMEOUT_MINUTES: '5' }, async () => {
        await logged(WAITING, 2, 60_000);
        release();
        await elsewhere;
      });
      const rebuilt = allMessages().filter((m) => m.startsWith('rebuilt visits and days of'));
      assert.equal(rebuilt.length, 1, JSON.stringify(instances.map(messages)));
      assert.match(rebuilt[0]!, /^rebuilt visits and days of 2 courses \(80 students\) in \d+\.\d s$/);
      assert.deepEqual(allMessages().filter((m) => m.includes('→')), ['VISIT_TIMEOUT_MINUTES 30 → 5: rebuilding visits and days of 2 courses']);

      // 5. `coursepulse rebuild` while both ingest the next day's activity.
      const second = activity(platform, '2026-03-03', 10);
      let out = '';
      let err = '';
      const cliEnv = { DATABASE_URL: env.DATABASE_URL!, DATA_DIR: dataDirs[0]!, ADMIN_TOKEN, LTI_KEY, VISIT_TIMEOUT_MINUTES: '5' };
      const [code] = await Promise.all([
        coursepulse(['rebuild'], { out: (t) => (out += t), err: (t) => (err += t), env: cliEnv, cwd: '/' }),
        ingest(credential, batches(second, 20)),
      ]);
      assert.equal(code, 0, err);
      assert.match(out, /^Rebuilt 2 courses \(80 students\) in \d+\.\d s\.$/m);

      // The same ltik reads the same report at either instance.
      const [fromA, fromB] = await Promise.all([a!, b!].map((s) => supertest(s.url).get('/api/overview').set('Authorization', `Bearer ${ltiks[0]}`)));
      assert.equal(fromA!.status, 200, fromA!.text);
      assert.deepEqual(fromB!.body, fromA!.body);
      await stopBoth();

      // Every statement stored once, and counted once: one event in the visits per statement.
      const sent = new Set([...first, ...second].map((s) => String(s.id)));
      const [stored] = await db.query<{ rows: number; ids: number; unresolved: number }>(
        `select count(*)::int as rows, count(distinct source_id)::int as ids, count(*) filter (where user_id is null)::int as unresolved
         from source_events where platform_id = $1 and source = 'xapi'`,
        [platformId],
      );
      assert.deepEqual(stored, { rows: sent.size, ids: sent.size, unresolved: 0 });
      const [counted] = await db.query<{ events: number }>(`select sum(events)::int as events from student_visits where platform_id = $1`, [platformId]);
      assert.deepEqual(counted, { events: sent.size });

      // The figures are those a rebuild from scratch makes, and were made with G = 5.
      assert.deepEqual((await readDerivedSettings(db))?.settings, derivedSettingsOf(G5));
      const served = await derivedRows(db, platformId);
      const totals = () => db.query(`select context_id, user_id, visits, duration_seconds, last_visit_at from student_totals where platform_id = $1 order by context_id, user_id`, [platformId]);
      const servedTotals = await totals();
      await rebuildDerived(db, { settings: G5, remap: true });
      assert.deepEqual(served, await derivedRows(db, platformId));
      assert.deepEqual(servedTotals, await totals());
      assert.equal(served.days.length > 0 && served.visits.length > 0 && served.courseDays.length > 0, true);

      // No more roster reads: neither the restarts nor the rebuilds made one due again.
      assert.deepEqual(COURSES.map(nrpsReads), [2, 2]);
      const perInstance = ports.map((port) => front.served.filter((r) => r.port === port && r.path === '/xapi/statements').length);
      assert.ok(perInstance.every((n) => n > 10), `the balancer sent ingest to both instances: ${perInstance.join(', ')}`);
    } finally {
      await db.close();
    }
  });

  it('warns at start when a server database is used with secrets generated into DATA_DIR', async () => {
    const own = await processDatabaseEnv();
    dataDirs.push(own.DATA_DIR);
    const lone = ServerProcess.start({ ...own, PORT: String(await freePort()), LOG_LEVEL: 'warn', ADMIN_TOKEN });
    instances = [lone];
    await lone.healthy(60_000);
    assert.deepEqual(
      lone.logs().map(({ level, msg, variables }) => ({ level, msg, variables })),
      [
        {
          level: 40,
          msg: 'LTI_KEY is read from DATA_DIR; with DATABASE_URL, set it in the environment, identical on every CoursePulse instance of this database',
          variables: ['LTI_KEY'],
        },
      ],
    );
    assert.deepEqual(await lone.stop(), { code: 0, signal: null });
  });
});
