/**
 * Groups teachers define in CoursePulse, on a real database: what each model function stores,
 * who may be a member, and that no call reaches another course — tested with two courses that
 * share the context id, the user ids and a platform group id, on two platforms.
 */
import assert from 'node:assert/strict';
import type { CourseKey } from '../../src/models/course-key.js';
import { listCourseGroups } from '../../src/models/course-groups.js';
import {
  addCoursePulseGroupMembers,
  createCoursePulseGroup,
  deleteCoursePulseGroup,
  removeCoursePulseGroupMembers,
  renameCoursePulseGroup,
} from '../../src/models/coursepulse-groups.js';
import type { Database } from '../../src/models/database.js';
import { replacePlatformGroups } from '../../src/models/replace-platform-groups.js';
import { TestClock } from '../support/clock.js';
import { BACKEND, testDatabase } from '../support/databases.js';
import { ROLES } from '../support/test-platform.js';

const A: CourseKey = { platformId: 'platform-a', contextId: 'course-1' };
const B: CourseKey = { platformId: 'platform-b', contextId: 'course-1' };
const UUID = /^coursepulse:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe(`groups defined in CoursePulse (${BACKEND})`, () => {
  let db: Database;
  let clock: TestClock;

  async function member(course: CourseKey, userId: string, roles: string[], status = 'Active', leftAt: Date | null = null): Promise<void> {
    await db.query(
      `insert into members (platform_id, context_id, user_id, roles, status, left_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7)`,
      [course.platformId, course.contextId, userId, roles, status, leftAt, clock.now()],
    );
  }
  const tables = async () => ({
    groups: await db.query('select * from groups order by platform_id, group_id collate "C"'),
    groupMembers: await db.query('select * from group_members order by platform_id, group_id collate "C", user_id collate "C"'),
  });

  beforeEach(async () => {
    db = await testDatabase();
    clock = new TestClock('2025-03-10T09:00:00Z');
    for (const course of [A, B]) {
      await db.query(
        `insert into courses (platform_id, context_id, deployment_id, first_launch_at, last_launch_at, last_used_at) values ($1, $2, '1', $3, $3, $3)`,
        [course.platformId, course.contextId, clock.now()],
      );
      await member(course, 'teacher', [ROLES.instructor]);
      await member(course, 's1', [ROLES.learner]);
      await member(course, 's2', ['Learner']);
      await member(course, 's-left', [ROLES.learner], 'Active', clock.now());
      await member(course, 's-inactive', [ROLES.learner], 'Inactive', clock.now());
      await member(course, 'ta-and-learner', [ROLES.learner, 'http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant']);
      // The same platform group id in both courses.
      await replacePlatformGroups(db, course, 'lti-gs', [{ externalId: 'g1', name: `Lab of ${course.platformId}`, setId: null, setName: null, userIds: ['s1'] }], clock.now());
    }
    await member(B, 'only-in-b', [ROLES.learner]);
  });
  afterEach(async () => {
    await db.close();
  });

  it('creates, renames, fills, empties and deletes a group (its memberships with it)', async () => {
    const created = clock.now();
    const group = await createCoursePulseGroup(db, A, '  Needs help ', created);
    assert.ok(group);
    assert.match(group.groupId, UUID);
    assert.deepEqual(group, { groupId: group.groupId, source: 'coursepulse', externalId: null, name: 'Needs help', setId: null, setName: null, createdAt: created, updatedAt: created, members: [] });

    clock.advance(60);
    const renamed = await renameCoursePulseGroup(db, A, group.groupId, 'Needs a little help', clock.now());
    assert.deepEqual(renamed, { ...group, name: 'Needs a little help', updatedAt: clock.now() });

    clock.advance(60);
    const filled = await addCoursePulseGroupMembers(db, A, group.groupId, ['s2', 's1', 's1'], clock.now());
    assert.deepEqual(filled, { ok: true, group: { ...group, name: 'Needs a little help', updatedAt: clock.now(), members: ['s1', 's2'] } });
    // Adding someone already in it changes nothing but the time.
    assert.deepEqual((await addCoursePulseGroupMembers(db, A, group.groupId, ['s1'], clock.now())).ok, true);

    assert.deepEqual(await listCourseGroups(db, A), [
      { groupId: 'lti-gs:g1', source: 'lti-gs', externalId: 'g1', name: 'Lab of platform-a', setId: null, setName: null, createdAt: created, updatedAt: created, members: ['s1'] },
      { ...group, name: 'Needs a little help', updatedAt: clock.now(), members: ['s1', 's2'] },
    ]);
    assert.deepEqual(await listCourseGroups(db, A, 'coursepulse'), [{ ...group, name: 'Needs a little help', updatedAt: clock.now(), members: ['s1', 's2'] }]);

    clock.advance(60);
    assert.deepEqual(await removeCoursePulseGroupMembers(db, A, group.groupId, ['s1', 'not-a-member'], clock.now()), {
      ...group,
      name: 'Needs a little help',
      updatedAt: clock.now(),
      members: ['s2'],
    });

    assert.equal(await deleteCoursePulseGroup(db, A, group.groupId), true);
    assert.equal(await deleteCoursePulseGroup(db, A, group.groupId), false);
    const { groupMembers } = await tables();
    assert.deepEqual(
      groupMembers.filter((m) => m.group_id === group.groupId),
      [],
    );
    assert.deepEqual(await listCourseGroups(db, A, 'coursepulse'), []);
  });

  it('refuses anyone who is not a student of the course, and then adds no one', async () => {
    const group = await createCoursePulseGroup(db, A, 'Team', clock.now());
    assert.ok(group);
    const before = await tables();
    assert.deepEqual(await addCoursePulseGroupMembers(db, A, group.groupId, ['s1', 'teacher', 's-left', 's-inactive', 'ta-and-learner', 'only-in-b', 'nobody'], clock.now()), {
      ok: false,
      problem: 'not-students',
      userIds: ['nobody', 'only-in-b', 's-inactive', 's-left', 'ta-and-learner', 'teacher'],
    });
    assert.deepEqual(await tables(), before);
  });

  it("never reads or changes another course's groups, nor a group from the platform", async () => {
    const ofA = await createCoursePulseGroup(db, A, 'Team', clock.now());
    const ofB = await createCoursePulseGroup(db, B, 'Team', clock.now());
    assert.ok(ofA && ofB);
    assert.equal((await addCoursePulseGroupMembers(db, B, ofB.groupId, ['s1', 'only-in-b'], clock.now())).ok, true);
    const before = await tables();

    clock.advance(60);
    const at = clock.now();
    // B's group through A's key (and A's through B's), and A's platform group through A's key.
    for (const [course, groupId] of [
      [A, ofB.groupId],
      [B, ofA.groupId],
      [A, 'lti-gs:g1'],
    ] as const) {
      assert.equal(await renameCoursePulseGroup(db, course, groupId, 'Taken over', at), undefined);
      assert.deepEqual(await addCoursePulseGroupMembers(db, course, groupId, ['s2'], at), { ok: false, problem: 'no-such-group' });
      assert.equal(await removeCoursePulseGroupMembers(db, course, groupId, ['s1'], at), undefined);
      assert.equal(await deleteCoursePulseGroup(db, course, groupId), false);
    }
    // A student of B with the same user id as none in A is not A's student.
    assert.deepEqual(await addCoursePulseGroupMembers(db, A, ofA.groupId, ['only-in-b'], at), { ok: false, problem: 'not-students', userIds: ['only-in-b'] });
    // No such course: no group.
    assert.equal(await createCoursePulseGroup(db, { platformId: 'platform-c', contextId: 'course-1' }, 'Team', at), undefined);
    assert.deepEqual(await tables(), before);

    assert.deepEqual(
      (await listCourseGroups(db, A)).map((g) => [g.groupId, g.name, g.members]),
      [
        ['lti-gs:g1', 'Lab of platform-a', ['s1']],
        [ofA.groupId, 'Team', []],
      ],
    );
    assert.deepEqual(
      (await listCourseGroups(db, B)).map((g) => [g.groupId, g.name, g.members]),
      [
        ['lti-gs:g1', 'Lab of platform-b', ['s1']],
        [ofB.groupId, 'Team', ['only-in-b', 's1']],
      ],
    );
  });

  it('refuses a blank or overlong name (the routes validate names first)', async () => {
    await assert.rejects(createCoursePulseGroup(db, A, '   ', clock.now()), RangeError);
    const group = await createCoursePulseGroup(db, A, 'Team', clock.now());
    assert.ok(group);
    await assert.rejects(renameCoursePulseGroup(db, A, group.groupId, 'x'.repeat(201), clock.now()), RangeError);
  });
});
