/** The students of a course: Active members who have not left and hold the Learner role (activity-reports.md). */
import { isLearner } from '../lti/roles.js';
import type { Queryable } from './database.js';
import type { CourseKey } from './course-key.js';

/**
 * The user ids of the course's students, sorted; only those among `userIds` when it is given.
 * The role test is {@link isLearner}'s (several spellings, no staff role), so it runs here
 * rather than in SQL.
 */
export async function courseStudentIds(q: Queryable, { platformId, contextId }: CourseKey, userIds?: readonly string[]): Promise<string[]> {
  const rows = await q.query<{ user_id: string; roles: string[] }>(
    `select user_id, roles from members
     where platform_id = $1 and context_id = $2 and status = 'Active' and left_at is null and ($3::text[] is null or user_id = any($3))
     order by user_id collate "C"`,
    [platformId, contextId, userIds ?? null],
  );
  return rows.filter((row) => isLearner(row.roles)).map((row) => row.user_id);
}
