/**
 * Whether the database holds any derived data — mapped events or figures. At the first start
 * without a `derived_settings` row, a database without any is simply recorded as built with the
 * current settings; one with some is rebuilt, since what it was made with is unknown.
 */
import type { Queryable } from './database.js';

export async function hasDerivedData(q: Queryable): Promise<boolean> {
  const [row] = await q.query<{ present: boolean }>(
    `select exists (select 1 from source_events where source in ('xapi', 'caliper'))
         or exists (select 1 from student_visits)
         or exists (select 1 from student_days)
         or exists (select 1 from course_days) as present`,
  );
  return row?.present ?? false;
}
