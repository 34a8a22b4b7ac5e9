/**
 * Statements through HTTP into events and figures: Moodle's real statements, the spec's worked
 * example (activity-reports.md) with late and out-of-order arrivals, voiding both ways, and
 * statements that arrive before their course's first launch.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { notCountedReason } from '../../src/ingest/store-statements.js';
import { recompute } from '../../src/ingest/recompute.js';
import { DEFAULT_CONTEXT, ROLES, type ContextClaim } from '../support/test-platform.js';
import { SETTINGS, learner, xapiWorld, type XapiWorld } from '../support/xapi-world.js';

const MOODLE_TEXT = fs.readFileSync(new URL('../fixtures/moodle/moodle-4.3-logstore-xapi-statements.json', import.meta.url), 'utf8');
const LTI_CONTEXT = 'https://purl.imsglobal.org/spec/lti/claim/context';
const VIEWED = 'http://id.tincanapi.com/verb/viewed';
const VOIDED = 'http://adlnet.gov/expapi/verbs/voided';

/** Moodle's 14 statements as that Moodle would send them if it were the test LMS. */
const moodleStatements = (issuer: string): unknown[] => JSON.parse(MOODLE_TEXT.replaceAll('http://127.0.0.1:8080', issuer)) as unknown[];

const MOODLE_KINDS: Record<string, { kind?: string; ignored?: string }> = {
  '\\core\\event\\course_module_created': { kind: 'other' },
  '\\core\\event\\user_loggedin': { ignored: 'login' },
  '\\core\\event\\course_viewed': { kind: 'visit' },
  '\\mod_page\\event\\course_module_viewed': { kind: 'resource' },
  '\\mod_quiz\\event\\course_module_viewed': { kind: 'activity' },
  '\\mod_assign\\event\\course_module_viewed': { kind: 'activity' },
  '\\mod_forum\\event\\course_module_viewed': { kind: 'activity' },
  '\\mod_forum\\event\\discussion_created': { kind: 'thread' },
  '\\mod_forum\\event\\discussion_viewed': { kind: 'activity' },
  '\\mod_forum\\event\\post_created': { kind: 'post' },
  '\\mod_forum\\event\\discussion_subscription_created': { ignored: 'subscription' },
  '\\mod_assign\\event\\assessable_submitted': { kind: 'activity' },
  '\\mod_assign\\event\\submission_graded': { ignored: 'grading' },
  '\\mod_assign\\event\\feedback_viewed': { kind: 'activity' },
};

const TYPES = {
  course: 'http://adlnet.gov/expapi/activities/course',
  page: 'https://w3id.org/xapi/acrossx/activities/page',
  quiz: 'http://adlnet.gov/expapi/activities/assessment',
  reply: 'http://id.tincanapi.com/activitytype/forum-reply',
};

/** One event of the worked example: a statement of `user` in `course` at 2026-03-02 `hhmm` UTC. */
function event(user: string, hhmm: string, what: 'course' | 'page' | 'quiz' | 'post', course: ContextClaim = DEFAULT_CONTEXT, id: string = crypto.randomUUID()) {
  const verb = what === 'post' ? 'http://id.tincanapi.com/verb/replied' : VIEWED;
  const type = what === 'post' ? TYPES.reply : TYPES[what];
  return {
    id,
    actor: { account: { homePage: 'https://lms.example.edu', name: user } },
    verb: { id: verb },
    object: { id: `https://lms.example.edu/${what}/${hhmm}`, definition: { type } },
    context: { extensions: { [LTI_CONTEXT]: { id: course.id } } },
    timestamp: `2026-03-02T${hhmm.slice(0, 2)}:${hhmm.slice(2)}:00Z`,
  };
}

const voiding = (target: string, id: string = crypto.randomUUID()) => ({
  id,
  actor: { mbox: 'mailto:teacher@example.edu' },
  verb: { id: VOIDED },
  object: { objectType: 'StatementRef', id: target },
});

const at = (hhmm: string) => new Date(`2026-03-02T${hhmm.slice(0, 2)}:${hhmm.slice(2)}:00Z`);

describe('storing statements and their figures', () => {
  let x: XapiWorld;
  beforeEach(async () => {
    x = await xapiWorld();
  });
  afterEach(async () => {
    await x.close();
  });

  const days = (userId: string) =>
    x.rows(
      `select day, visits, duration_seconds, actions, resources, activities, communication, threads, posts, comments, first_event_at, last_event_at
       from student_days where platform_id = $1 and user_id = $2 order by day`,
      [x.platformId, userId],
    );
  const visits = (userId: string) =>
    x.rows(
      `select context_id, started_at, last_event_at, day, events, duration_seconds, capped
       from student_visits where platform_id = $1 and user_id = $2 order by started_at`,
      [x.platformId, userId],
    );
  /** The whole derived state, to compare replays. */
  const derived = async () => ({
    visits: await x.rows('select * from student_visits order by platform_id, context_id, user_id, started_at'),
    days: await x.rows('select * from student_days order by platform_id, context_id, user_id, day'),
  });

  it("stores Moodle's 14 id-less statements (an array, 1.0.3) with their kinds, and counts them once the course is launched and the student on the roster", async () => {
    const statements = moodleStatements(x.platform.issuer);
    const res = await x.post(statements).expect(200);
    assert.equal(res.body.length, 14);
    assert.equal(new Set(res.body).size, 14);

    const rows = await x.rows(
      `select source_id, kind, ignored, context_id, user_id, course_ref, payload->'context'->'extensions'->'http://lrs.learninglocker.net/define/extensions/info'->>'event_name' as event_name
       from source_events where platform_id = $1`,
      [x.platformId],
    );
    assert.equal(rows.length, 14);
    for (const row of rows) {
      const expected = MOODLE_KINDS[String(row.event_name)];
      assert.ok(expected, `unexpected event ${String(row.event_name)}`);
      assert.equal(row.kind, expected.kind ?? null, String(row.event_name));
      assert.equal(row.ignored, expected.ignored ?? null, String(row.event_name));
      // Nothing is resolved before the course's first launch; every reason is on the row.
      assert.equal(row.context_id, null);
      const reason = notCountedReason({ ignored: row.ignored as string | null, voided: false, courseRef: row.course_ref as { contextId?: string } | null, contextId: null, userId: null });
      if (expected.ignored) assert.deepEqual(reason, { reason: 'ignored', ignored: expected.ignored });
      else assert.deepEqual(reason, { reason: 'course-not-launched', contextId: '2' });
    }
    assert.deepEqual(await days('4'), []);

    // The course is launched and its roster read: Moodle user 4 is the student, 2 the admin.
    const moodleCourse = { ...DEFAULT_CONTEXT, id: '2', title: 'LTI 101' };
    const resolved = await x.openCourse([learner('4', { name: 'Sam Student' }), { user_id: '2', roles: [ROLES.instructor], status: 'Active' }], moodleCourse);
    // The launch and the roster read resolved them on their own: nothing is left to resolve.
    assert.deepEqual(resolved, { events: 0, withPerson: 0, students: 0 });
    assert.deepEqual(await x.rows(`select count(*)::int as n from source_events where context_id = '2' and user_id is not null`), [{ n: 13 }]);

    // Sam: one visit 19:06:56–19:08:31 (95 s + 60 s); 1 resource, 6 activities, a thread and a post.
    assert.deepEqual(await days('4'), [
      {
        day: '2026-11-28',
        visits: 1,
        duration_seconds: 155,
        actions: 9,
        resources: 1,
        activities: 6,
        communication: 2,
        threads: 1,
        posts: 2,
        comments: 0,
        first_event_at: new Date('2026-11-28T19:06:56Z'),
        last_event_at: new Date('2026-11-28T19:08:31Z'),
      },
    ]);
    assert.deepEqual(await visits('4'), [
      { context_id: '2', started_at: new Date('2026-11-28T19:06:56Z'), last_event_at: new Date('2026-11-28T19:08:31Z'), day: '2026-11-28', events: 10, duration_seconds: 155, capped: false },
    ]);
    // The login names no course: kept, with its reason.
    const [login] = await x.rows(`select context_id, user_id, ignored from source_events where ignored = 'login'`);
    assert.deepEqual(login, { context_id: null, user_id: null, ignored: 'login' });

    // Moodle re-sends the batch after a lost answer: same ids, nothing changes.
    const before = { rows: await x.rows('select source_id, seq, stored_at from source_events order by seq'), ...(await derived()) };
    x.w.clock.advance(120);
    assert.deepEqual((await x.post(moodleStatements(x.platform.issuer)).expect(200)).body, res.body);
    assert.deepEqual({ rows: await x.rows('select source_id, seq, stored_at from source_events order by seq'), ...(await derived()) }, before);
  });

  it("gives the spec's worked example, then merges the visits when the 09:50 and 10:10 page views arrive late", async () => {
    await x.openCourse([learner('s1')]);
    await x.post([event('s1', '0900', 'course'), event('s1', '0910', 'page'), event('s1', '0925', 'quiz'), event('s1', '1030', 'post'), event('s1', '1040', 'page')]).expect(200);

    // Visit 1: 09:00–09:25 → 26 min; visit 2: 10:30–10:40 → 11 min. Day: 2 visits, 37 min, 4 actions.
    assert.deepEqual(await visits('s1'), [
      { context_id: 'course-1', started_at: at('0900'), last_event_at: at('0925'), day: '2026-03-02', events: 3, duration_seconds: 26 * 60, capped: false },
      { context_id: 'course-1', started_at: at('1030'), last_event_at: at('1040'), day: '2026-03-02', events: 2, duration_seconds: 11 * 60, capped: false },
    ]);
    assert.deepEqual(await days('s1'), [
      { day: '2026-03-02', visits: 2, duration_seconds: 37 * 60, actions: 4, resources: 2, activities: 1, communication: 1, threads: 0, posts: 1, comments: 0, first_event_at: at('0900'), last_event_at: at('1040') },
    ]);

    // Late and out of order: no gap exceeds 30 min any more; one visit 09:00–10:40 → 101 min, 6 actions.
    await x.post([event('s1', '1010', 'page')]).expect(200);
    await x.post([event('s1', '0950', 'page')]).expect(200);
    assert.deepEqual(await visits('s1'), [
      { context_id: 'course-1', started_at: at('0900'), last_event_at: at('1040'), day: '2026-03-02', events: 7, duration_seconds: 101 * 60, capped: false },
    ]);
    assert.deepEqual(await days('s1'), [
      { day: '2026-03-02', visits: 1, duration_seconds: 101 * 60, actions: 6, resources: 4, activities: 1, communication: 1, threads: 0, posts: 1, comments: 0, first_event_at: at('0900'), last_event_at: at('1040') },
    ]);
  });

  it('gives the same figures whatever the order, batching and repeats of arrival', async () => {
    await x.openCourse([learner('s1'), learner('s2')]);
    const all = [
      ...['0900', '0910', '0925', '0950', '1010', '1030', '1040'].map((t, i) => event('s1', t, i % 3 === 0 ? 'page' : i % 3 === 1 ? 'quiz' : 'post')),
      ...['0805', '0930', '1300'].map((t) => event('s2', t, 'page')),
    ];
    await x.post(all).expect(200);
    const inOrder = await derived();
    await x.rows('delete from student_visits');
    await x.rows('delete from student_days');
    await x.rows('delete from source_events');
    // Reversed, in three batches, one of them sent twice.
    const reversed = [...all].reverse();
    await x.post(reversed.slice(0, 4)).expect(200);
    await x.post(reversed.slice(4, 7)).expect(200);
    await x.post(reversed.slice(4, 7)).expect(200);
    await x.post(reversed.slice(7)).expect(200);
    assert.deepEqual(await derived(), inOrder);
    // And recomputing from scratch changes nothing (the figures are a cache).
    await recompute(x.w.t.db, ['s1', 's2'].map((userId) => ({ platformId: x.platformId, contextId: 'course-1', userId })), SETTINGS);
    assert.deepEqual(await derived(), inOrder);
  });

  it('voiding removes an event from the figures, also when the voiding statement arrives before its target', async () => {
    await x.openCourse([learner('s1')]);
    const late = crypto.randomUUID();
    await x.post([event('s1', '0900', 'course'), event('s1', '0910', 'page'), event('s1', '0925', 'quiz'), event('s1', '0950', 'page'), event('s1', '1010', 'page'), event('s1', '1030', 'post'), event('s1', '1040', 'page')]).expect(200);
    assert.deepEqual((await visits('s1')).length, 1);

    // The 09:50 page view is voided: the gap 09:25–10:10 splits the visit in two (26 min and 31 min).
    const [row] = await x.rows(`select source_id from source_events where event_at = $1`, [at('0950')]);
    await x.post([voiding(String(row!.source_id))]).expect(200);
    assert.deepEqual(await days('s1'), [
      { day: '2026-03-02', visits: 2, duration_seconds: 26 * 60 + 31 * 60, actions: 5, resources: 3, activities: 1, communication: 1, threads: 0, posts: 1, comments: 0, first_event_at: at('0900'), last_event_at: at('1040') },
    ]);

    // A voiding statement for a statement not sent yet: the target is voided when it comes.
    await x.post([voiding(late)]).expect(200);
    await x.post([event('s1', '0950', 'page', DEFAULT_CONTEXT, late)]).expect(200);
    const [lateRow] = await x.rows('select voided, user_id from source_events where source_id = $1', [late]);
    assert.deepEqual(lateRow, { voided: true, user_id: 's1' });
    assert.equal((await days('s1'))[0]!.visits, 2);
    await x.get({ statementId: late }).expect(404);
    await x.get({ voidedStatementId: late }).expect(200);

    // A voiding statement cannot be voided: refused, nothing stored.
    const voidingId = crypto.randomUUID();
    await x.post([voiding(crypto.randomUUID(), voidingId)]).expect(200);
    const refused = await x.post([voiding(voidingId)]).expect(400);
    assert.match(refused.body.error, /^statement\[0\]\.object\.id: .* is a voiding statement/);
    await x.get({ statementId: voidingId }).expect(200);
    // Voiding in the same batch as the target works too.
    const both = crypto.randomUUID();
    await x.post([event('s1', '1200', 'page', DEFAULT_CONTEXT, both), voiding(both)]).expect(200);
    assert.equal((await days('s1'))[0]!.visits, 2);
  });

  it('applies voiding when a voiding statement and its target arrive at the same moment in two requests', async () => {
    await x.openCourse([learner('s1')]);
    for (let i = 0; i < 8; i += 1) {
      const target = crypto.randomUUID();
      const hhmm = `09${String(10 + i * 5).padStart(2, '0')}`;
      const requests = [x.post([event('s1', hhmm, 'page', DEFAULT_CONTEXT, target)]), x.post([voiding(target)])];
      const answers = await Promise.all(i % 2 === 0 ? requests : requests.reverse());
      for (const answer of answers) assert.equal(answer.status, 200, answer.text);
      const [row] = await x.rows('select voided from source_events where source_id = $1', [target]);
      assert.equal(row!.voided, true, `round ${i}`);
    }
    assert.deepEqual(await days('s1'), []);
  });

  it('counts a statement that arrived before the course was launched once the launch and roster resolve it', async () => {
    await x.post([event('s1', '0900', 'course'), event('s1', '0910', 'page'), event('ghost', '0915', 'page')]).expect(200);
    const pending = await x.rows('select context_id, user_id, course_ref from source_events order by event_at');
    assert.deepEqual(pending.map((r) => [r.context_id, r.user_id]), [[null, null], [null, null], [null, null]]);
    assert.deepEqual(pending[0]!.course_ref, { contextId: 'course-1', rule: 'lti-context-extension' });

    const resolved = await x.openCourse([learner('s1')]);
    // The launch tied all three to the course and the roster read found s1: nothing left to resolve.
    assert.deepEqual(resolved, { events: 0, withPerson: 0, students: 0 });
    assert.deepEqual(
      (await x.rows('select context_id, user_id from source_events order by event_at')).map((r) => [r.context_id, r.user_id]),
      [['course-1', 's1'], ['course-1', 's1'], ['course-1', null]],
    );
    assert.deepEqual(await days('s1'), [
      { day: '2026-03-02', visits: 1, duration_seconds: 11 * 60, actions: 1, resources: 1, activities: 0, communication: 0, threads: 0, posts: 0, comments: 0, first_event_at: at('0900'), last_event_at: at('0910') },
    ]);
    // The ghost is tied to the course but not to a person: it waits for a roster that names them.
    const [ghost] = await x.rows(`select context_id, user_id, voided, ignored, course_ref from source_events where person_ref->>'accountName' = 'ghost'`);
    assert.deepEqual(
      notCountedReason({ ignored: null, voided: false, courseRef: ghost!.course_ref as { contextId?: string }, contextId: ghost!.context_id as string, userId: null }),
      { reason: 'person-not-matched', contextId: 'course-1' },
    );
    assert.equal(ghost!.context_id, 'course-1');

    // Statements after the launch are resolved on arrival.
    await x.post([event('s1', '0920', 'quiz')]).expect(200);
    assert.equal((await days('s1'))[0]!.activities, 1);
    // A later roster naming the ghost resolves them.
    const again = await x.openCourse([learner('s1'), learner('ghost')]);
    assert.deepEqual(again, { events: 0, withPerson: 0, students: 0 });
    assert.equal((await days('ghost')).length, 1);
  });
});
