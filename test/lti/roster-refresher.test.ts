/**
 * The background roster refresh: which courses it reads, that two refreshers on one database
 * (two CoursePulse instances on one PostgreSQL server; on PGlite, two in one process) never read
 * one course at the same time, what it logs, and that stop() waits for the read in progress.
 */
import assert from 'node:assert/strict';
import type { DestinationStream } from 'pino';
import { createLogger } from '../../src/logger.js';
import { createLti } from '../../src/lti/provider.js';
import { IN_USE_WINDOW_MINUTES, startRosterRefresher, type RosterRefresher } from '../../src/lti/roster-refresher.js';
import type { RosterDeps } from '../../src/lti/roster.js';
import { openPostgres } from '../../src/models/postgres-database.js';
import { BACKEND, SERVER_URL } from '../support/databases.js';
import { instructor, students } from '../support/roster-members.js';
import { rosterWorld, type RosterWorld } from '../support/roster-world.js';
import { TEST_LTI_KEY } from '../support/test-app.js';
import { CLAIMS, DEFAULT_CONTEXT, type ContextClaim } from '../support/test-platform.js';

const INTERVAL = 15;
const context = (id: string): ContextClaim => ({ ...DEFAULT_CONTEXT, id, title: `Course ${id}` });
const minutesAgo = (at: Date, minutes: number) => new Date(at.getTime() - minutes * 60_000);

describe(`background roster refresh (${BACKEND})`, () => {
  let w: RosterWorld;
  let logLines: Array<Record<string, unknown>>;
  const refreshers: RosterRefresher[] = [];
  const closers: Array<() => Promise<void>> = [];

  /** A course launched now, whose memberships URL is `membershipsUrl` (the platform's NRPS by default). */
  async function course(id: string, membershipsUrl?: string): Promise<void> {
    w.platform.setMembers(context(id), [instructor, ...students(3)]);
    await w.launch({
      context: context(id),
      ...(membershipsUrl ? { claims: { [CLAIMS.namesRoles]: { context_memberships_url: membershipsUrl, service_versions: ['2.0'] } } } : {}),
    });
  }
  const setTimes = (id: string, lastUsedAt: Date, rosterAttemptedAt: Date | null) =>
    w.rows('update courses set last_used_at = $2, roster_attempted_at = $3 where context_id = $1', [id, lastUsedAt, rosterAttemptedAt]);
  const rosterState = () => w.rows('select context_id, roster_attempted_at, roster_error from courses order by context_id');
  const nrpsReads = (since: number) => w.platform.requests.slice(since).filter((r) => /^GET \/(proxied-)?nrps\//.test(r));
  const start = (deps: RosterDeps, tickSeconds = 3600) => {
    const refresher = startRosterRefresher(deps, { intervalMinutes: INTERVAL, tickSeconds });
    refreshers.push(refresher);
    return refresher;
  };

  beforeEach(async () => {
    logLines = [];
    const destination: DestinationStream = { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) };
    w = await rosterWorld({ logger: createLogger('debug', destination) });
  });
  afterEach(async () => {
    for (const refresher of refreshers.splice(0)) await refresher.stop();
    for (const close of closers.splice(0)) await close();
    await w.close();
  });

  it('reads only the courses in use whose roster is due, and logs a line per course and a summary', async () => {
    for (const id of ['due-never-read', 'due-read-long-ago', 'fresh', 'idle', 'broken']) await course(id, id === 'broken' ? `${w.platform.issuer}/nrps/unknown` : undefined);
    await w.launch({ context: context('no-nrps'), claims: { [CLAIMS.namesRoles]: undefined } });
    const now = w.clock.now();
    await setTimes('due-read-long-ago', minutesAgo(now, 10), minutesAgo(now, INTERVAL));
    await setTimes('fresh', now, minutesAgo(now, INTERVAL - 1));
    await setTimes('idle', minutesAgo(now, IN_USE_WINDOW_MINUTES + 1), null);
    const before = w.platform.requests.length;
    logLines.length = 0;

    const refresher = start(w.deps());
    assert.deepEqual(await refresher.runOnce(), { synced: 2, failed: 1, takenElsewhere: 0 });

    assert.deepEqual(nrpsReads(before).sort(), ['GET /nrps/due-never-read?limit=100', 'GET /nrps/due-read-long-ago?limit=100', 'GET /nrps/unknown?limit=100']);
    const reason = `NRPS: page 1 (GET ${w.platform.issuer}/nrps/unknown?limit=100) answered HTTP 404: {"error":"unknown context"}`;
    assert.deepEqual(await rosterState(), [
      { context_id: 'broken', roster_attempted_at: now, roster_error: reason },
      { context_id: 'due-never-read', roster_attempted_at: now, roster_error: null },
      { context_id: 'due-read-long-ago', roster_attempted_at: now, roster_error: null },
      { context_id: 'fresh', roster_attempted_at: minutesAgo(now, INTERVAL - 1), roster_error: null },
      { context_id: 'idle', roster_attempted_at: null, roster_error: null },
      { context_id: 'no-nrps', roster_attempted_at: null, roster_error: null },
    ]);
    assert.deepEqual(await w.rows(`select context_id, count(*) as members from members group by context_id order by context_id`), [
      { context_id: 'broken', members: 1 },
      { context_id: 'due-never-read', members: 4 },
      { context_id: 'due-read-long-ago', members: 4 },
      { context_id: 'fresh', members: 1 },
      { context_id: 'idle', members: 1 },
      { context_id: 'no-nrps', members: 1 },
    ]);

    const logged = logLines.map(({ level, msg, component, contextId, ok, synced, failed }) => ({ level, msg, component, contextId, ok, synced, failed }));
    const courseLine = (contextId: string, ok: boolean) => ({ level: 20, msg: 'roster refresh of a course', component: 'roster-refresher', contextId, ok, synced: undefined, failed: undefined });
    assert.deepEqual(logged, [
      // Never read first; then the longest unread.
      { level: 40, msg: 'roster read failed; the stored roster is unchanged', component: 'roster', contextId: 'broken', ok: undefined, synced: undefined, failed: undefined },
      courseLine('broken', false),
      courseLine('due-never-read', true),
      courseLine('due-read-long-ago', true),
      { level: 30, msg: 'rosters refreshed', component: 'roster-refresher', contextId: undefined, ok: undefined, synced: 2, failed: 1 },
    ]);

    // Nothing is due now: a pass reads nothing and logs nothing.
    logLines.length = 0;
    const again = w.platform.requests.length;
    assert.deepEqual(await refresher.runOnce(), { synced: 0, failed: 0, takenElsewhere: 0 });
    assert.deepEqual(nrpsReads(again), []);
    assert.deepEqual(logLines, []);

    // An interval later the courses still in use are due again (the failed one too, not sooner).
    w.clock.advance(INTERVAL * 60);
    assert.deepEqual(await refresher.runOnce(), { synced: 3, failed: 1, takenElsewhere: 0 });
  });

  it('never reads one course in two refreshers at once: each due course is read exactly once', async () => {
    const ids = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
    for (const id of ids) await course(id, w.groups.proxiedMembershipsUrl(id));
    // Every page takes a while, so both refreshers are busy at the same time.
    w.groups.nrpsDelayMs = 100;
    const before = w.platform.requests.length;

    const second = await secondInstance();
    const [a, b] = [start(w.deps()), start(second)];
    const [ra, rb] = await Promise.all([a.runOnce(), b.runOnce()]);

    assert.equal(ra.synced + rb.synced, ids.length, JSON.stringify({ ra, rb }));
    assert.deepEqual([ra.failed, rb.failed], [0, 0]);
    assert.ok(ra.synced > 0 && rb.synced > 0, `both refreshers should have read courses: ${JSON.stringify({ ra, rb })}`);
    assert.deepEqual(
      w.platform.requests
        .slice(before)
        .filter((r) => r.startsWith('GET /proxied-nrps/'))
        .sort(),
      ids.map((id) => `GET /proxied-nrps/${id}?limit=100`),
    );
    assert.deepEqual(Object.fromEntries(w.groups.maxInFlight), Object.fromEntries(ids.map((id) => [id, 1])));
    assert.deepEqual(
      await w.rows(`select context_id, count(*) as members from members where left_at is null group by context_id order by context_id`),
      ids.map((id) => ({ context_id: id, members: 4 })),
    );
  });

  it('runs passes on its timer, and stop() waits for the course being read, after which no pass runs', async () => {
    await course('slow', w.groups.proxiedMembershipsUrl('slow'));
    w.groups.nrpsDelayMs = 300;
    const refresher = start(w.deps(), 0.02);
    // Wait until the timer's pass is reading the course.
    while (!w.platform.requests.some((r) => r.startsWith('GET /proxied-nrps/slow'))) await new Promise((resolve) => setTimeout(resolve, 10));
    await refresher.stop();

    // The read in progress finished and was stored before stop() resolved.
    assert.deepEqual(await rosterState(), [{ context_id: 'slow', roster_attempted_at: w.clock.now(), roster_error: null }]);
    assert.equal((await w.rows(`select * from members where context_id = 'slow'`)).length, 4);

    // Due again, but stopped: nothing more is read.
    w.clock.advance(INTERVAL * 60);
    const after = w.platform.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.deepEqual(w.platform.requests.slice(after), []);
    assert.deepEqual(await refresher.runOnce(), { synced: 0, failed: 0, takenElsewhere: 0 });
  });

  /**
   * The deps of a second CoursePulse instance: on a server, its own connections and its own ltijs
   * over the same database (as a second process would have); PGlite is single-process, so there
   * the second refresher shares the app's database and ltijs.
   */
  async function secondInstance(): Promise<RosterDeps> {
    if (BACKEND === 'pglite') return w.deps();
    const [{ name }] = (await w.rows('select current_database() as name')) as [{ name: string }];
    const url = new URL(SERVER_URL!);
    url.pathname = `/${name}`;
    const db = await openPostgres({ connectionString: url.toString(), max: 4 });
    const logger = createLogger('silent');
    const lti = await createLti({ config: { publicUrl: w.tool.url, ltiAutoActivate: true, canvasGroupRosters: false }, db, ltiKey: TEST_LTI_KEY, logger, now: w.clock.now });
    closers.push(async () => {
      await lti.close();
      await db.close();
    });
    return { db, lti, logger, config: { canvasGroupRosters: false }, now: w.clock.now };
  }
});
