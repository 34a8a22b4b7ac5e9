/**
 * Rewrites a course's `course_days` rows for a set of days (or all of them)
 * from its students' `student_days`: one DELETE and one INSERT … SELECT … GROUP BY day. Only the
 * course's current students count (activity-reports.md, "student"); who they are is decided by
 * course-students.ts and passed in, so the role rules stay in one place.
 */
import type { CourseKey } from './course-key.js';
import type { Queryable } from './database.js';

/**
 * `days`: the days to rewrite, or null for all of them (after a roster change). A batch touches a
 * handful of days; passing them, not the span from first to last, keeps a late statement from
 * rewriting the weeks in between.
 */
export async function refreshCourseDays(q: Queryable, { platformId, contextId }: CourseKey, studentIds: readonly string[], days: readonly string[] | null): Promise<void> {
  const where = days === null ? '' : 'and day = any($3::date[])';
  const params = days === null ? [platformId, contextId] : [platformId, contextId, [...days]];
  await q.query(`delete from course_days where platform_id = $1 and context_id = $2 ${where}`, params);
  if (studentIds.length === 0 || (days !== null && days.length === 0)) return;
  const students = `$${params.length + 1}::text[]`;
  await q.query(
    `insert into course_days (platform_id, context_id, day, visits, visitors, duration_seconds, actions, resources, activities,
                              communication, threads, posts, comments)
     select $1, $2, d.day, sum(d.visits), count(*) filter (where d.visits > 0), sum(d.duration_seconds), sum(d.actions), sum(d.resources),
            sum(d.activities), sum(d.communication), sum(d.threads), sum(d.posts), sum(d.comments)
     from student_days d
     join unnest(${students}) as s(user_id) on s.user_id = d.user_id
     where d.platform_id = $1 and d.context_id = $2 ${where.replace('day', 'd.day')}
     group by d.day
     -- A student's day can hold only the tail of a visit begun the day before (no visit, no
     -- action): such days make no course row, whatever order the events came in.
     having sum(d.visits) > 0 or sum(d.actions) > 0`,
    [...params, [...studentIds]],
  );
}
