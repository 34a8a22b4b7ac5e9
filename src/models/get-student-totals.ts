/**
 * The totals of everyone with stored activity in one course since it started: Σ visits, Σ visit
 * duration and the start of the latest visit, from `student_totals` — kept equal to Σ
 * `student_days` and the newest `student_visits` row by triggers, so a request reads one row per
 * person instead of a year of days. The caller picks the students (who is one is decided in
 * list-course-students.ts); reading the course's whole key range is cheaper than probing it
 * student by student (measured: 2.5 ms against 4–7 ms for 1,000 students).
 */
import type { CourseKey } from './course-key.js';
import type { Queryable } from './database.js';

export interface StudentTotals {
  userId: string;
  visits: number;
  durationSeconds: number;
  lastVisit: Date | null;
}

export async function getStudentTotals(q: Queryable, { platformId, contextId }: CourseKey): Promise<StudentTotals[]> {
  return q.query<StudentTotals>(
    `select user_id as "userId", visits, duration_seconds as "durationSeconds", last_visit_at as "lastVisit"
     from student_totals where platform_id = $1 and context_id = $2`,
    [platformId, contextId],
  );
}
