/** One student's `student_days` rows in one course, in a range of days: what the Activity Details are summed from. */
import type { StudentDayCounts } from '../metrics/index.js';
import type { Queryable } from './database.js';
import type { StudentKey } from './student-key.js';

/** A row as the metrics read it (day as YYYY-MM-DD). */
export type StudentDayRow = StudentDayCounts;

/**
 * The student's day rows from `from` through `to` (either absent: unbounded), oldest first. An
 * unbounded side is ±infinity rather than a dropped condition, so the statement stays one range
 * scan of the primary key (platform_id, context_id, user_id, day) whatever the bounds.
 */
export async function getStudentDays(q: Queryable, { platformId, contextId, userId }: StudentKey, range: { from?: string; to?: string } = {}): Promise<StudentDayRow[]> {
  return q.query<StudentDayRow>(
    `select day, visits, duration_seconds as "durationSeconds", actions, resources, activities, communication, threads, posts, comments
     from student_days
     where platform_id = $1 and context_id = $2 and user_id = $3 and day between $4::date and $5::date
     order by day`,
    [platformId, contextId, userId, range.from ?? '-infinity', range.to ?? 'infinity'],
  );
}
