/**
 * Groups a course's teachers define in CoursePulse (source 'coursepulse', id `coursepulse:<uuid>`).
 * Every function takes the course key and matches on it and on the source, so no call can read
 * or change another course's groups, nor a group the platform owns.
 */
import crypto from 'node:crypto';
import type { Database, Queryable } from './database.js';
import type { CourseKey } from './course-key.js';
import { findCourseGroup, type CourseGroup } from './course-groups.js';
import { courseStudentIds } from './course-students.js';

/** Longest group name accepted; the routes check names before they get here. */
export const GROUP_NAME_MAX = 200;

/** A trimmed group name; a blank or overlong one is the caller's bug (the routes validate names). */
function groupName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || trimmed.length > GROUP_NAME_MAX) throw new RangeError(`a group name is 1 to ${GROUP_NAME_MAX} characters, got ${JSON.stringify(name)}`);
  return trimmed;
}

/** Creates an empty group in the course; undefined when there is no such course. */
export async function createCoursePulseGroup(q: Queryable, course: CourseKey, name: string, now: Date): Promise<CourseGroup | undefined> {
  const groupId = `coursepulse:${crypto.randomUUID()}`;
  const created = await q.query(
    `insert into groups (platform_id, context_id, group_id, source, external_id, name, set_id, set_name, created_at, updated_at)
     select platform_id, context_id, $3, 'coursepulse', null, $4, null, null, $5, $5 from courses where platform_id = $1 and context_id = $2
     returning group_id`,
    [course.platformId, course.contextId, groupId, groupName(name), now],
  );
  return created.length ? findCourseGroup(q, course, groupId) : undefined;
}

/** Renames one of the course's CoursePulse groups; undefined when the course has no such group. */
export async function renameCoursePulseGroup(q: Queryable, course: CourseKey, groupId: string, name: string, now: Date): Promise<CourseGroup | undefined> {
  const renamed = await q.query(
    `update groups set name = $4, updated_at = $5
     where platform_id = $1 and context_id = $2 and group_id = $3 and source = 'coursepulse' returning group_id`,
    [course.platformId, course.contextId, groupId, groupName(name), now],
  );
  return renamed.length ? findCourseGroup(q, course, groupId) : undefined;
}

/** Deletes one of the course's CoursePulse groups and its memberships (cascade); false when there is no such group. */
export async function deleteCoursePulseGroup(q: Queryable, course: CourseKey, groupId: string): Promise<boolean> {
  const deleted = await q.query(
    `delete from groups where platform_id = $1 and context_id = $2 and group_id = $3 and source = 'coursepulse' returning group_id`,
    [course.platformId, course.contextId, groupId],
  );
  return deleted.length > 0;
}

export type AddGroupMembersResult =
  | { ok: true; group: CourseGroup }
  | { ok: false; problem: 'no-such-group' }
  /** Some of the users are not students of the course (staff, left, unknown, another course's); nothing was added. */
  | { ok: false; problem: 'not-students'; userIds: string[] };

/**
 * Adds students of the course to one of its CoursePulse groups (those already in it stay once).
 * All or nothing: when any user id is not a student of this course, nothing is added. The group
 * row is locked meanwhile, so a delete cannot slip in between the check and the insert.
 */
export async function addCoursePulseGroupMembers(
  db: Database,
  course: CourseKey,
  groupId: string,
  userIds: readonly string[],
  now: Date,
): Promise<AddGroupMembersResult> {
  const wanted = [...new Set(userIds)];
  return db.transaction(async (tx): Promise<AddGroupMembersResult> => {
    if (!(await lockCoursePulseGroup(tx, course, groupId))) return { ok: false, problem: 'no-such-group' };
    const students = new Set(await courseStudentIds(tx, course, wanted));
    const refused = wanted.filter((userId) => !students.has(userId)).sort();
    if (refused.length) return { ok: false, problem: 'not-students', userIds: refused };
    await tx.query(
      `insert into group_members (platform_id, context_id, group_id, user_id)
       select $1, $2, $3, unnest($4::text[]) on conflict do nothing`,
      [course.platformId, course.contextId, groupId, wanted],
    );
    await touchGroup(tx, course, groupId, now);
    return { ok: true, group: (await findCourseGroup(tx, course, groupId))! };
  });
}

/** Removes users from one of the course's CoursePulse groups; undefined when there is no such group. */
export async function removeCoursePulseGroupMembers(
  db: Database,
  course: CourseKey,
  groupId: string,
  userIds: readonly string[],
  now: Date,
): Promise<CourseGroup | undefined> {
  return db.transaction(async (tx) => {
    if (!(await lockCoursePulseGroup(tx, course, groupId))) return undefined;
    await tx.query(
      `delete from group_members where platform_id = $1 and context_id = $2 and group_id = $3 and user_id = any($4::text[])`,
      [course.platformId, course.contextId, groupId, [...userIds]],
    );
    await touchGroup(tx, course, groupId, now);
    return findCourseGroup(tx, course, groupId);
  });
}

async function lockCoursePulseGroup(tx: Queryable, { platformId, contextId }: CourseKey, groupId: string): Promise<boolean> {
  const rows = await tx.query(
    `select 1 from groups where platform_id = $1 and context_id = $2 and group_id = $3 and source = 'coursepulse' for update`,
    [platformId, contextId, groupId],
  );
  return rows.length > 0;
}

async function touchGroup(tx: Queryable, { platformId, contextId }: CourseKey, groupId: string, now: Date): Promise<void> {
  await tx.query('update groups set updated_at = $4 where platform_id = $1 and context_id = $2 and group_id = $3', [platformId, contextId, groupId, now]);
}
