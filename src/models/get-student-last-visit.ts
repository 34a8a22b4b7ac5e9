/** When one student's most recent visit in one course started (`student_visits`, newest first by its primary key). */
import type { Queryable } from './database.js';
import type { StudentKey } from './student-key.js';

export async function getStudentLastVisit(q: Queryable, { platformId, contextId, userId }: StudentKey): Promise<Date | null> {
  const [row] = await q.query<{ started_at: Date }>(
    `select started_at from student_visits
     where platform_id = $1 and context_id = $2 and user_id = $3
     order by started_at desc limit 1`,
    [platformId, contextId, userId],
  );
  return row?.started_at ?? null;
}
