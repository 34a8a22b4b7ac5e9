/**
 * Everyone's visits per day in one course over a range of days (`student_days`, by its
 * course-and-day index); the caller picks the students. For the overview's last 7 days: at most
 * 7 rows a person, fewer than filtering by a list of user ids in SQL costs (measured).
 */
import type { CourseKey } from './course-key.js';
import type { Queryable } from './database.js';

export interface StudentDayVisits {
  userId: string;
  /** `YYYY-MM-DD`, a local day of the course. */
  day: string;
  visits: number;
  durationSeconds: number;
}

/** Rows from `fromDay` to `toDay`, both included; days without a row had no visits nor actions. */
export async function getRecentStudentDays(q: Queryable, { platformId, contextId }: CourseKey, fromDay: string, toDay: string): Promise<StudentDayVisits[]> {
  return q.query<StudentDayVisits>(
    `select user_id as "userId", day, visits, duration_seconds as "durationSeconds"
     from student_days
     where platform_id = $1 and context_id = $2 and day >= $3::date and day <= $4::date`,
    [platformId, contextId, fromDay, toDay],
  );
}
