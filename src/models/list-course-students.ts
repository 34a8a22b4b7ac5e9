/** The students of a course with their names, for pickers and lists (who is a student: roles.ts). */
import { isLearner } from '../lti/roles.js';
import type { CourseKey } from './course-key.js';
import type { Queryable } from './database.js';

export interface CourseStudent {
  userId: string;
  /** What to call them: the LMS's name, else given + family name, else e-mail, else the user id. */
  displayName: string;
  sortName: string;
}

/** Who counts as a student (activity-reports.md): an Active member who has not left and holds the Learner role. */
export const isCourseStudent = (member: { status: string; left_at: Date | null; roles: string[] }): boolean =>
  member.status === 'Active' && member.left_at === null && isLearner(member.roles);

// Built once: a Collator takes milliseconds to make, longer than the query it sorts.
const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

export async function listCourseStudents(q: Queryable, { platformId, contextId }: CourseKey): Promise<CourseStudent[]> {
  const rows = await q.query<{ user_id: string; status: string; left_at: Date | null; roles: string[]; name: string | null; given_name: string | null; family_name: string | null; email: string | null }>(
    // The WHERE repeats isCourseStudent's standing so that only current members are read. The roles
    // come as JSON: pg's text[] parser took 3.4 ms for 1,000 students' roles, JSON.parse 1.8 ms.
    `select user_id, status, left_at, to_json(roles) as roles, name, given_name, family_name, email from members
     where platform_id = $1 and context_id = $2 and status = 'Active' and left_at is null`,
    [platformId, contextId],
  );
  return rows
    .filter(isCourseStudent)
    .map((row) => {
      const full = [row.given_name, row.family_name].filter(Boolean).join(' ');
      const displayName = row.name ?? (full || row.email || row.user_id);
      return { userId: row.user_id, displayName, sortName: [row.family_name, row.given_name, displayName].filter(Boolean).join(' ') };
    })
    .sort((a, b) => collator.compare(a.sortName, b.sortName) || a.userId.localeCompare(b.userId));
}
