/** The students of a course: Active members who have not left and hold the Learner role (activity-reports.md). */
import type { CourseKey } from './course-key.js';
import type { Queryable } from './database.js';
import { listCourseStudents } from './list-course-students.js';

/**
 * The user ids of the course's students, sorted by id; only those among `userIds` when given.
 * A projection of {@link listCourseStudents}, so that who counts as a student is decided once.
 */
export async function courseStudentIds(q: Queryable, course: CourseKey, userIds?: readonly string[]): Promise<string[]> {
  const wanted = userIds === undefined ? undefined : new Set(userIds);
  return (await listCourseStudents(q, course))
    .map((student) => student.userId)
    .filter((userId) => wanted === undefined || wanted.has(userId))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
