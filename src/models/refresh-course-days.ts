/**
 * Rewrites a course's `course_days` rows for a range of days [fromDay, toDay) (null: unbounded)
 * from its students' `student_days`: one DELETE and one INSERT … SELECT … GROUP BY day. Only the
 * course's current students count (activity-reports.md, "student"); who they are is decided by
 * course-students.ts and passed in, so the role rules stay in one place.
 */
import type { CourseKey } from './course-key.js';
import type { Queryable } from './database.js';

export async function refreshCourseDays(
  q: Queryable,
  { platformId, contextId }: CourseKey,
  studentIds: readonly string[],
  fromDay: string | null,
  toDay: string | null,
): Promise<void> {
  const range = [platformId, contextId, fromDay, toDay];
  await q.query(
    `delete from course_days where platform_id = $1 and context_id = $2 and ($3::date is null or day >= $3) and ($4::date is null or day < $4)`,
    range,
  );
  if (studentIds.length === 0) return;
  await q.query(
    `insert into course_days (platform_id, context_id, day, visits, visitors, duration_seconds, actions, resources, activities,
                              communication, threads, posts, comments)
     select $1, $2, day, sum(visits), count(*) filter (where visits > 0), sum(duration_seconds), sum(actions), sum(resources),
            sum(activities), sum(communication), sum(threads), sum(posts), sum(comments)
     from student_days
     where platform_id = $1 and context_id = $2 and ($3::date is null or day >= $3) and ($4::date is null or day < $4)
       and user_id = any($5::text[])
     group by day`,
    [...range, [...studentIds]],
  );
}
