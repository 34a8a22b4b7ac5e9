/**
 * The roster from NRPS, end to end: a launch through the test platform registers the course,
 * syncRoster reads the platform's NRPS over real HTTP with an access token ltijs got from the
 * platform's token endpoint, and the stored rows are compared whole.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { USER_AGENT } from '../../src/lti/platform-services.js';
import { syncRoster } from '../../src/lti/roster.js';
import { courseStudentIds } from '../../src/models/course-students.js';
import { BACKEND } from '../support/databases.js';
import { instructor, students } from '../support/roster-members.js';
import { rosterWorld, type RosterWorld } from '../support/roster-world.js';
import type { NrpsMember } from '../support/test-platform-groups.js';
import { CLAIMS, DEFAULT_CONTEXT, NRPS_SCOPE, ROLES } from '../support/test-platform.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
const CONTEXT = DEFAULT_CONTEXT.id;

describe(`roster sync from NRPS (${BACKEND})`, () => {
  let w: RosterWorld;

  /** A members row as the roster stores `m`, read at `at`. */
  const row = (m: NrpsMember, at: Date, changes: Record<string, unknown> = {}) => ({
    platform_id: w.platformId,
    context_id: CONTEXT,
    user_id: m.user_id,
    name: m.name ?? null,
    given_name: m.given_name ?? null,
    family_name: m.family_name ?? null,
    email: m.email ?? null,
    picture: m.picture ?? null,
    roles: m.roles,
    status: m.status ?? 'Active',
    sourced_id: m.lis_person_sourcedid ?? null,
    left_at: null,
    updated_at: at,
    ...changes,
  });
  /** The launching instructor's row: the launch gave the names the roster leaves out. */
  const instructorRow = (at: Date, changes: Record<string, unknown> = {}) => row(instructor, at, { given_name: 'Ada', family_name: 'Lovelace', ...changes });

  const members = () => w.rows('select * from members order by user_id collate "C"');
  const rosterState = () => w.rows('select roster_attempted_at, roster_error from courses');
  const sync = async (overrides: Parameters<RosterWorld['deps']>[0] = {}) => syncRoster(w.deps(overrides), await w.course(CONTEXT));
  /** Launches with the memberships URL served through the fault-injecting proxy. */
  const launchProxied = () =>
    w.launch({ claims: { [CLAIMS.namesRoles]: { context_memberships_url: w.groups.proxiedMembershipsUrl(CONTEXT), service_versions: ['2.0'] } } });

  beforeEach(async () => {
    w = await rosterWorld();
  });
  afterEach(async () => {
    await w.close();
  });

  it('stores a roster of 250 members read over 3 pages, every field of every member', async () => {
    const roster = [instructor, ...students(249)];
    w.platform.setMembers(DEFAULT_CONTEXT, roster);
    await w.launch();
    const before = w.platform.requests.length;

    const started = performance.now();
    const result = await sync();
    const ms = performance.now() - started;
    if (process.env.TEST_TIMINGS) console.log(`      250-member sync (${BACKEND}): ${ms.toFixed(0)} ms`);

    assert.deepEqual(result, { ok: true, members: 250, markedLeft: 0, rejoined: 0, groups: [] });
    assert.deepEqual(w.platform.requests.slice(before), [
      'POST /token',
      `GET /nrps/${CONTEXT}?limit=100`,
      `GET /nrps/${CONTEXT}?limit=100&from=100`,
      `GET /nrps/${CONTEXT}?limit=100&from=200`,
    ]);
    const at = w.clock.now();
    assert.deepEqual(await members(), [instructorRow(at), ...students(249).map((m) => row(m, at))]);
    assert.deepEqual(await rosterState(), [{ roster_attempted_at: at, roster_error: null }]);
  });

  it('marks a member dropped from the roster as left, keeps the row, and makes them active again when they come back', async () => {
    const [a, b, c] = students(3);
    w.platform.setMembers(DEFAULT_CONTEXT, [instructor, a!, b!, c!]);
    await w.launch();
    const first = w.clock.now();
    assert.deepEqual(await sync(), { ok: true, members: 4, markedLeft: 0, rejoined: 0, groups: [] });

    w.clock.advance(60);
    const dropped = w.clock.now();
    w.platform.setMembers(DEFAULT_CONTEXT, [instructor, a!, c!]);
    assert.deepEqual(await sync(), { ok: true, members: 3, markedLeft: 1, rejoined: 0, groups: [] });
    assert.deepEqual(await members(), [instructorRow(dropped), row(a!, dropped), row(b!, dropped, { left_at: dropped }), row(c!, dropped)]);
    assert.deepEqual(await courseStudentIds(w.t.db, { platformId: w.platformId, contextId: CONTEXT }), [a!.user_id, c!.user_id]);

    // Still absent: stays left since the first time.
    w.clock.advance(60);
    const still = w.clock.now();
    assert.deepEqual(await sync(), { ok: true, members: 3, markedLeft: 0, rejoined: 0, groups: [] });
    assert.deepEqual((await members())[2], row(b!, dropped, { left_at: dropped }));

    w.clock.advance(60);
    const back = w.clock.now();
    w.platform.setMembers(DEFAULT_CONTEXT, [instructor, a!, b!, c!]);
    assert.deepEqual(await sync(), { ok: true, members: 4, markedLeft: 0, rejoined: 1, groups: [] });
    assert.deepEqual(await members(), [instructorRow(back), row(a!, back), row(b!, back), row(c!, back)]);
    assert.ok(first < dropped && dropped < still && still < back);
  });

  it('marks Inactive and Deleted members as left with their status, and an Active one who was Inactive as a member again', async () => {
    const [a, b, c, d] = students(4);
    w.platform.setMembers(DEFAULT_CONTEXT, [instructor, a!, { ...b!, status: 'Inactive' }, c!, d!]);
    await w.launch();
    const first = w.clock.now();
    assert.deepEqual(await sync(), { ok: true, members: 5, markedLeft: 1, rejoined: 0, groups: [] });
    assert.deepEqual(await members(), [
      instructorRow(first),
      row(a!, first),
      row(b!, first, { status: 'Inactive', left_at: first }),
      row(c!, first),
      row(d!, first),
    ]);

    w.clock.advance(300);
    const second = w.clock.now();
    w.platform.setMembers(DEFAULT_CONTEXT, [instructor, a!, { ...b!, status: 'Deleted' }, { ...c!, status: 'Inactive' }, { ...d!, status: 'Deleted' }]);
    assert.deepEqual(await sync(), { ok: true, members: 5, markedLeft: 2, rejoined: 0, groups: [] });
    assert.deepEqual(await members(), [
      instructorRow(second),
      row(a!, second),
      // Left since the first read that said so; the status is the latest word.
      row(b!, second, { status: 'Deleted', left_at: first }),
      row(c!, second, { status: 'Inactive', left_at: second }),
      row(d!, second, { status: 'Deleted', left_at: second }),
    ]);

    w.clock.advance(300);
    const third = w.clock.now();
    w.platform.setMembers(DEFAULT_CONTEXT, [instructor, a!, b!, c!, d!]);
    assert.deepEqual(await sync(), { ok: true, members: 5, markedLeft: 0, rejoined: 3, groups: [] });
    assert.deepEqual(await members(), [instructorRow(third), ...[a!, b!, c!, d!].map((m) => row(m, third))]);
  });

  it("stores Moodle's short role names as the role IRIs its id_token uses", async () => {
    const [a, b] = students(2);
    w.platform.setMembers(DEFAULT_CONTEXT, [
      { ...instructor, roles: ['Instructor'] },
      { ...a!, roles: ['Learner'] },
      { ...b!, roles: [' Learner ', `${LIS}Learner`, 'http://purl.imsglobal.org/vocab/lis/v2/membership/Learner#NonCreditLearner'] },
    ]);
    await w.launch();
    const at = w.clock.now();
    assert.deepEqual(await sync(), { ok: true, members: 3, markedLeft: 0, rejoined: 0, groups: [] });
    assert.deepEqual(await members(), [
      instructorRow(at, { roles: [ROLES.instructor] }),
      row(a!, at, { roles: [ROLES.learner] }),
      row(b!, at, { roles: [ROLES.learner, 'http://purl.imsglobal.org/vocab/lis/v2/membership/Learner#NonCreditLearner'] }),
    ]);
    assert.deepEqual(await courseStudentIds(w.t.db, { platformId: w.platformId, contextId: CONTEXT }), [a!.user_id, b!.user_id]);
  });

  describe('a failed or partial read keeps the previous roster exactly and records why', () => {
    const url = (from: number) => `${w.groups.proxiedMembershipsUrl(CONTEXT)}?limit=100&from=${from}`;
    const cases: Array<{ what: string; fault: () => void; reason: () => string; timeoutMs?: number }> = [
      {
        what: 'HTTP 500 on page 2',
        fault: () => w.groups.nrpsFaults.set(2, { kind: 'status', status: 500 }),
        reason: () => `NRPS: page 2 (GET ${url(100)}) answered HTTP 500: {"error":"server_error"}`,
      },
      {
        what: 'a page with a member without user_id',
        fault: () =>
          w.groups.nrpsFaults.set(2, {
            kind: 'malformed',
            body: { id: 'x', members: [{ user_id: 'student-101', roles: [ROLES.learner] }, { roles: [ROLES.learner], name: 'Nobody' }] },
          }),
        reason: () => `NRPS: page 2 (GET ${url(100)}) is malformed: members.1.user_id: Invalid input`,
      },
      {
        what: 'a page that never answers (timeout)',
        fault: () => w.groups.nrpsFaults.set(2, { kind: 'stall' }),
        reason: () => `NRPS: page 2 (GET ${url(100)}) timed out after 300 ms`,
        timeoutMs: 300,
      },
      {
        what: 'a page that stops half-way (timeout)',
        fault: () => w.groups.nrpsFaults.set(2, { kind: 'stall-body' }),
        reason: () => `NRPS: page 2 (GET ${url(100)}) timed out after 300 ms`,
        timeoutMs: 300,
      },
      {
        what: 'a page that comes a byte at a time for ever (timeout)',
        fault: () => w.groups.nrpsFaults.set(2, { kind: 'trickle' }),
        reason: () => `NRPS: page 2 (GET ${url(100)}) timed out after 300 ms`,
        timeoutMs: 300,
      },
      {
        what: 'a page that links back to itself (a loop)',
        fault: () => w.groups.nrpsFaults.set(2, { kind: 'loop' }),
        reason: () => `NRPS: page 3 links back to ${url(100)} (a paging loop)`,
      },
    ];
    for (const { what, fault, reason, timeoutMs } of cases) {
      it(what, async () => {
        w.platform.setMembers(DEFAULT_CONTEXT, [instructor, ...students(249)]);
        await launchProxied();
        const first = w.clock.now();
        assert.equal((await sync()).ok, true);
        const stored = await members();
        assert.equal(stored.length, 250);

        // The roster changes on the platform, and page 2 of the next read goes wrong.
        w.platform.setMembers(DEFAULT_CONTEXT, [instructor, ...students(200, 50)]);
        fault();
        w.clock.advance(900);
        const before = w.platform.requests.length;
        const result = await sync({ services: { timeoutMs: timeoutMs ?? 30_000 } });

        assert.deepEqual(result, { ok: false, reason: reason() });
        assert.deepEqual(await members(), stored);
        assert.deepEqual(await rosterState(), [{ roster_attempted_at: w.clock.now(), roster_error: reason() }]);
        assert.ok(first < w.clock.now());
        // Nothing past the failing page was asked for.
        const asked = w.platform.requests.slice(before).filter((r) => r.startsWith('GET /proxied-nrps/'));
        assert.ok(!asked.some((r) => r.includes('from=200')), asked.join('\n'));

        // The next good read stores the new roster and clears the error.
        w.groups.nrpsFaults.clear();
        w.clock.advance(900);
        assert.deepEqual(await sync(), { ok: true, members: 201, markedLeft: 49, rejoined: 0, groups: [] });
        assert.deepEqual(await rosterState(), [{ roster_attempted_at: w.clock.now(), roster_error: null }]);
      });
    }

    it('more pages than the bound', async () => {
      w.platform.setMembers(DEFAULT_CONTEXT, [instructor, ...students(249)]);
      await w.launch();
      const reason = `NRPS: more than 2 pages from ${w.platform.membershipsUrl(CONTEXT)}?limit=100`;
      assert.deepEqual(await sync({ services: { maxPages: 2 } }), { ok: false, reason });
      assert.deepEqual(await members(), [instructorRow(w.clock.now(), { name: 'Ada Lovelace', roles: [ROLES.instructor] })]);
      assert.deepEqual(await rosterState(), [{ roster_attempted_at: w.clock.now(), roster_error: reason }]);
    });
  });

  it('records a refused access token as the reason, naming the scope and the token endpoint', async () => {
    w.platform.setMembers(DEFAULT_CONTEXT, [instructor]);
    w.platform.grantableScopes.delete(NRPS_SCOPE);
    await w.launch();
    const reason = `access token for ${NRPS_SCOPE} refused by ${w.platform.tokenUrl}: HTTP 400 invalid_scope`;
    assert.deepEqual(await sync(), { ok: false, reason });
    assert.deepEqual(await rosterState(), [{ roster_attempted_at: w.clock.now(), roster_error: reason }]);
  });

  it('refuses an empty roster (a platform fault: the teacher is a member) and keeps the last good one', async () => {
    w.platform.setMembers(DEFAULT_CONTEXT, [instructor, ...students(2)]);
    await w.launch();
    assert.equal((await sync()).ok, true);
    const goodAt = w.clock.now();
    const before = await members();
    w.clock.advance(60);
    w.platform.setMembers(DEFAULT_CONTEXT, []);
    assert.deepEqual(await sync(), { ok: false, reason: 'the platform answered an empty roster' });
    assert.deepEqual(await members(), before);
    assert.deepEqual(await w.rows('select roster_synced_at, roster_attempted_at, roster_error from courses'), [
      { roster_synced_at: goodAt, roster_attempted_at: w.clock.now(), roster_error: 'the platform answered an empty roster' },
    ]);
  });

  it('records that a course without an NRPS endpoint has no roster to read', async () => {
    await w.launch({ claims: { [CLAIMS.namesRoles]: undefined } });
    const reason = 'the platform gave no Names and Role Provisioning endpoint for this course';
    assert.deepEqual(await sync(), { ok: false, reason });
    assert.deepEqual(await rosterState(), [{ roster_attempted_at: w.clock.now(), roster_error: reason }]);
  });

  it('gets a new access token once when the platform refuses the cached one (401), and sends our User-Agent', async () => {
    w.platform.setMembers(DEFAULT_CONTEXT, [instructor, ...students(2)]);
    await launchProxied();
    assert.equal((await sync()).ok, true);
    assert.equal(w.platform.tokenRequests, 1);

    // The platform forgets every token it issued (a key rotation, a restart of its token store).
    w.platform.issuedTokens.clear();
    const before = w.platform.requests.length;
    assert.deepEqual(await sync(), { ok: true, members: 3, markedLeft: 0, rejoined: 0, groups: [] });
    const page = `/${CONTEXT}?limit=100`;
    assert.deepEqual(w.platform.requests.slice(before), [
      `GET /proxied-nrps${page}`,
      `GET /nrps${page}`,
      'POST /token',
      `GET /proxied-nrps${page}`,
      `GET /nrps${page}`,
    ]);
    assert.deepEqual(new Set(w.groups.userAgents), new Set([USER_AGENT]));
    assert.equal(USER_AGENT, 'CoursePulse/0.1.0');
  });
});
