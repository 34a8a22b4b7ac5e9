/** Marks a course as in use now (the roster refresher keeps in-use courses' rosters fresh); at most one write a minute. */
import type { Queryable } from './database.js';

export async function touchCourse(q: Queryable, platformId: string, contextId: string, now: Date): Promise<void> {
  await q.query(
    `update courses set last_used_at = $3
     where platform_id = $1 and context_id = $2 and last_used_at < $3::timestamptz - interval '1 minute'`,
    [platformId, contextId, now],
  );
}
