/**
 * Students' launches as events (xapi-mapping.md, "LTI launches"), end to end through the signing
 * test platform: the refusal page stays, the launch becomes a `source_events` row of source
 * `lti-launch` and a visit in the student's figures once the course and the student are known;
 * a teacher's launch is no event. Also the pure rule of what a launch opens.
 */
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { launchKind } from '../../src/ingest/launch-event.js';
import { syncRoster } from '../../src/lti/roster.js';
import { BACKEND } from '../support/databases.js';
import { instructor, students } from '../support/roster-members.js';
import { rosterWorld, type RosterWorld } from '../support/roster-world.js';
import { DEFAULT_CONTEXT, ROLES, type LaunchOptions } from '../support/test-platform.js';

const [student] = students(1);

describe(`students' launches as events (${BACKEND})`, () => {
  let w: RosterWorld;
  beforeEach(async () => {
    w = await rosterWorld();
  });
  afterEach(async () => {
    await w.close();
  });

  /** A student's launch, in a browser of its own; it must be refused with the teachers-only page. */
  async function studentLaunch(options: LaunchOptions = {}) {
    const launched = await w.platform.launch(supertest.agent(w.t.app), { sub: student!.user_id, roles: [ROLES.learner], ...options });
    assert.equal(launched.response.status, 403);
    assert.match(launched.response.text, /This report is for the course’s teachers/);
    // The ltik ltijs minted opens nothing: its context token is gone (a teacher's stays).
    const tokens = await w.rows("select doc->>'user' as user from lti_store where collection = 'contexttoken' order by 1");
    assert.ok(tokens.every((t) => t.user === 'instructor-1' || t.user === 'ta-1'), JSON.stringify(tokens));
    return launched;
  }
  const readRoster = async () => assert.ok((await syncRoster(w.deps(), await w.course(DEFAULT_CONTEXT.id))).ok, 'the roster read');
  const payloadOf = (idToken: string): unknown => JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString('utf8'));
  const events = () =>
    w.rows(
      `select platform_id, source, source_id, event_at, credential_key, verb_id, actor_key, activity_id, voids, voided, kind, ignored,
              duration_seconds, course_ref, person_ref, context_id, user_id
       from source_events order by seq`,
    );
  /** The student_days row of one visit-only event at `at`. */
  const visitDay = (at: Date) => ({
    platform_id: w.platformId,
    context_id: DEFAULT_CONTEXT.id,
    user_id: student!.user_id,
    day: at.toISOString().slice(0, 10),
    visits: 1,
    duration_seconds: 60,
    actions: 0,
    resources: 0,
    activities: 0,
    communication: 0,
    threads: 0,
    posts: 0,
    comments: 0,
    first_event_at: at,
    last_event_at: at,
  });

  it('a student\'s launch answers 403 and counts as a visit once the teacher has launched and the roster names the student', async () => {
    w.platform.setMembers(DEFAULT_CONTEXT, [instructor, student!]);
    await w.launch();
    await readRoster();
    w.clock.advance(90);
    const at = w.clock.now();
    const { nonce, idToken } = await studentLaunch();

    assert.deepEqual(await events(), [
      {
        platform_id: w.platformId,
        source: 'lti-launch',
        source_id: nonce,
        event_at: at,
        credential_key: null,
        verb_id: null,
        actor_key: null,
        activity_id: `${w.tool.url}/lti/launch`,
        voids: null,
        voided: false,
        kind: 'visit',
        ignored: null,
        duration_seconds: null,
        course_ref: { contextId: DEFAULT_CONTEXT.id, rule: 'lti-launch' },
        person_ref: { ltiUserId: student!.user_id },
        context_id: DEFAULT_CONTEXT.id,
        user_id: student!.user_id,
      },
    ]);
    // The payload is the id_token's claims, not the signed token.
    assert.deepEqual((await w.rows('select payload from source_events'))[0]!.payload, payloadOf(idToken));
    assert.deepEqual(await w.rows('select * from student_days'), [visitDay(at)]);
    // The roster had been read: the launch added no member and no launch row.
    assert.deepEqual(await w.rows('select user_id from members order by user_id'), [{ user_id: 'instructor-1' }, { user_id: student!.user_id }]);
    assert.deepEqual(await w.rows('select user_id from launches'), [{ user_id: 'instructor-1' }]);
    assert.deepEqual(await w.rows("select doc->>'user' as user from lti_store where collection = 'contexttoken'"), [{ user: 'instructor-1' }]);
  });

  it("a student's launch before the course's first teacher launch waits, and counts after it", async () => {
    const at = w.clock.now();
    const { nonce } = await studentLaunch();
    assert.deepEqual(await w.rows('select source_id, context_id, user_id, course_ref from source_events'), [
      { source_id: nonce, context_id: null, user_id: null, course_ref: { contextId: DEFAULT_CONTEXT.id, rule: 'lti-launch' } },
    ]);
    for (const table of ['courses', 'members', 'student_days']) assert.deepEqual(await w.rows(`select * from ${table}`), [], table);

    w.clock.advance(600);
    w.platform.setMembers(DEFAULT_CONTEXT, [instructor, student!]);
    await w.launch();
    await readRoster();
    assert.deepEqual(await w.rows('select source_id, context_id, user_id from source_events'), [{ source_id: nonce, context_id: DEFAULT_CONTEXT.id, user_id: student!.user_id }]);
    assert.deepEqual(await w.rows('select * from student_days'), [visitDay(at)]);
  });

  it("a teacher's launch is no event", async () => {
    w.platform.setMembers(DEFAULT_CONTEXT, [instructor, student!]);
    await w.launch();
    await readRoster();
    await w.launch({ roles: ['http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant'], sub: 'ta-1' });
    assert.deepEqual(await events(), []);
    assert.deepEqual(await w.rows('select * from student_days'), []);
  });

  it('before any roster read, a student\'s launch makes them a member with the launch\'s roles, and counts', async () => {
    await w.launch();
    const at = w.clock.now();
    await studentLaunch();
    assert.deepEqual(await w.rows('select user_id, name, email, roles, status, sourced_id, left_at, updated_at from members where user_id = $1', [student!.user_id]), [
      // The test platform's id_token names everyone Ada Lovelace.
      { user_id: student!.user_id, name: 'Ada Lovelace', email: 'ada@example.edu', roles: [ROLES.learner], status: 'Active', sourced_id: null, left_at: null, updated_at: at },
    ]);
    assert.deepEqual(await w.rows('select * from student_days'), [visitDay(at)]);
  });

  it('once a roster has been read, a launch by someone it does not name adds no member and waits for the next read', async () => {
    w.platform.setMembers(DEFAULT_CONTEXT, [instructor]);
    await w.launch();
    await readRoster();
    const at = w.clock.now();
    const { nonce } = await studentLaunch();
    assert.deepEqual(await w.rows('select user_id from members'), [{ user_id: 'instructor-1' }]);
    assert.deepEqual(await w.rows('select source_id, context_id, user_id from source_events'), [{ source_id: nonce, context_id: DEFAULT_CONTEXT.id, user_id: null }]);
    assert.deepEqual(await w.rows('select * from student_days'), []);

    w.platform.setMembers(DEFAULT_CONTEXT, [instructor, student!]);
    await readRoster();
    assert.deepEqual(await w.rows('select * from student_days'), [visitDay(at)]);
  });
});

describe('launchKind: what a launch opens', () => {
  const cases: Array<[string, unknown, 'visit' | 'activity']> = [
    ["CoursePulse's launch endpoint", 'https://pulse.example.edu/lti/launch', 'visit'],
    ['the endpoint under another host name and a proxy prefix', 'https://lms-proxy.example.edu/pulse/lti/launch/', 'visit'],
    ['no target link URI', undefined, 'visit'],
    ['an empty one', '  ', 'visit'],
    ['another resource', 'https://pulse.example.edu/lti/launch/resource/7', 'activity'],
    ['another tool', 'https://quiz.example.edu/launch', 'activity'],
    ['a target that is not a URL', 'not a url', 'activity'],
  ];
  for (const [what, target, kind] of cases) {
    it(`${what}: ${kind}`, () => assert.equal(launchKind(target, '/lti/launch'), kind));
  }
});
