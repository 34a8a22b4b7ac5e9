/**
 * course_days: a course's per-day totals over its current students, kept by the recompute of
 * each batch and rewritten when a launch or roster read changes who the students are.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { syncRoster } from '../../src/lti/roster.js';
import { instructor } from '../support/roster-members.js';
import { DEFAULT_CONTEXT, ROLES } from '../support/test-platform.js';
import { learner, xapiWorld, type XapiWorld } from '../support/xapi-world.js';

const LTI_CONTEXT = 'https://purl.imsglobal.org/spec/lti/claim/context';
const PAGE = 'https://w3id.org/xapi/acrossx/activities/page';
const REPLY = 'http://id.tincanapi.com/activitytype/forum-reply';

/** A page view (or a forum reply) by `user` at `iso` in the default course. */
function statement(user: string, iso: string, what: 'page' | 'post' = 'page') {
  return {
    id: crypto.randomUUID(),
    actor: { account: { homePage: 'https://lms.example.edu', name: user } },
    verb: { id: what === 'post' ? 'http://id.tincanapi.com/verb/replied' : 'http://id.tincanapi.com/verb/viewed' },
    object: { id: `https://lms.example.edu/${what}/${iso}`, definition: { type: what === 'post' ? REPLY : PAGE } },
    context: { extensions: { [LTI_CONTEXT]: { id: DEFAULT_CONTEXT.id } } },
    timestamp: iso,
  };
}

const teacher = { user_id: 'teacher-2', roles: [ROLES.instructor], status: 'Active' as const, name: 'Second Teacher' };

describe('course_days', () => {
  let x: XapiWorld;
  beforeEach(async () => {
    x = await xapiWorld();
  });
  afterEach(() => x.close());

  const courseDays = () =>
    x.rows(
      `select day::text, visits, visitors, duration_seconds::int as "durationSeconds", actions, resources, activities, communication, threads, posts, comments
       from course_days where platform_id = $1 and context_id = $2 order by day`,
      [x.platformId, DEFAULT_CONTEXT.id],
    );

  it('sums the students’ visits, visitors, durations and actions per day; staff do not count', async () => {
    await x.openCourse([learner('s1'), learner('s2'), teacher]);
    const sent = await x.post([
      statement('s1', '2026-03-02T09:00:00Z'),
      statement('s1', '2026-03-02T09:10:00Z', 'post'),
      statement('s1', '2026-03-02T11:00:00Z'),
      statement('s2', '2026-03-02T09:05:00Z'),
      statement('s2', '2026-03-03T08:00:00Z'),
      statement('teacher-2', '2026-03-02T10:00:00Z'),
    ]);
    assert.equal(sent.status, 200, sent.text);
    assert.deepEqual(await courseDays(), [
      // s1: 09:00–09:10 (600 + 60 s) and 11:00 (60 s); s2: 09:05 (60 s). Teacher's 10:00 not counted.
      { day: '2026-03-02', visits: 3, visitors: 2, durationSeconds: 780, actions: 4, resources: 3, activities: 0, communication: 1, threads: 0, posts: 1, comments: 0 },
      { day: '2026-03-03', visits: 1, visitors: 1, durationSeconds: 60, actions: 1, resources: 1, activities: 0, communication: 0, threads: 0, posts: 0, comments: 0 },
    ]);
  });

  it('follows the roster: a student who leaves is no longer in the totals, their rows are kept', async () => {
    await x.openCourse([learner('s1'), learner('s2')]);
    assert.equal((await x.post([statement('s1', '2026-03-02T09:00:00Z'), statement('s2', '2026-03-02T09:30:00Z')])).status, 200);
    assert.deepEqual((await courseDays()).map((r) => [r.day, r.visits, r.visitors]), [['2026-03-02', 2, 2]]);

    x.platform.setMembers(DEFAULT_CONTEXT, [instructor, learner('s1'), learner('s2', { status: 'Inactive' })]);
    const roster = await syncRoster(x.w.deps(), await x.w.course(DEFAULT_CONTEXT.id, x.platformId));
    assert.equal(roster.ok, true);
    assert.deepEqual(await courseDays(), [
      { day: '2026-03-02', visits: 1, visitors: 1, durationSeconds: 60, actions: 1, resources: 1, activities: 0, communication: 0, threads: 0, posts: 0, comments: 0 },
    ]);
    const kept = await x.rows(`select user_id from student_days where platform_id = $1 order by user_id`, [x.platformId]);
    assert.deepEqual(kept, [{ user_id: 's1' }, { user_id: 's2' }]);
  });

  it('a late event that merges two visits rewrites only that day', async () => {
    await x.openCourse([learner('s1')]);
    await x.post([statement('s1', '2026-03-01T09:00:00Z'), statement('s1', '2026-03-02T09:00:00Z'), statement('s1', '2026-03-02T10:00:00Z')]);
    assert.deepEqual((await courseDays()).map((r) => [r.day, r.visits, r.durationSeconds]), [['2026-03-01', 1, 60], ['2026-03-02', 2, 120]]);
    assert.equal((await x.post([statement('s1', '2026-03-02T09:30:00Z')])).status, 200);
    assert.deepEqual((await courseDays()).map((r) => [r.day, r.visits, r.durationSeconds]), [['2026-03-01', 1, 60], ['2026-03-02', 1, 3660]]);
  });
});
