/**
 * The students whose derived figures a rebuild recomputes in a course: those with counted events
 * (resolved to them, not voided, not ignored) and those who still have `student_visits` or
 * `student_days` rows — so the rows of a student whose events are all gone are deleted too.
 */
import type { CourseKey } from './course-key.js';
import type { Queryable } from './database.js';

/** The union of the three sources of such students, for the course named by two SQL expressions. */
const studentsOf = (platform: string, context: string): string => `
  select user_id from source_events
   where platform_id = ${platform} and context_id = ${context} and user_id is not null and not voided and ignored is null and kind is not null
  union select user_id from student_days where platform_id = ${platform} and context_id = ${context}
  union select user_id from student_visits where platform_id = ${platform} and context_id = ${context}`;

/** The user ids of the course's students with events or figures, sorted. */
export async function courseDerivedStudents(q: Queryable, { platformId, contextId }: CourseKey): Promise<string[]> {
  const rows = await q.query<{ user_id: string }>(`select user_id from (${studentsOf('$1', '$2')}) s order by user_id collate "C"`, [platformId, contextId]);
  return rows.map((row) => row.user_id);
}

export interface CourseStudentCount extends CourseKey {
  students: number;
}

/**
 * Every course with the number of its students with events or figures, in course order: one
 * query over all courses, since a rebuild works on the whole database (then course by course).
 */
export async function derivedStudentCounts(q: Queryable): Promise<CourseStudentCount[]> {
  return q.query<CourseStudentCount>(
    `select c.platform_id as "platformId", c.context_id as "contextId",
            (select count(*) from (${studentsOf('c.platform_id', 'c.context_id')}) s) as students
     from courses c order by c.platform_id collate "C", c.context_id collate "C"`,
  );
}
