/** Records the outcome of a course's latest roster read on `courses`: when it was made, and why it failed. */
import type { Queryable } from './database.js';
import type { CourseKey } from './course-key.js';

/**
 * `roster_attempted_at` is the time of the latest read, good or failed, so that a failing platform
 * is asked again only after the refresh interval, not on every tick; `roster_synced_at` is the
 * time of the latest good one (what the pages show); `roster_error` says why the latest read
 * failed, or is null when it was good.
 */
export async function recordRosterRead(q: Queryable, { platformId, contextId }: CourseKey, at: Date, error: string | null): Promise<void> {
  await q.query(
    `update courses set roster_attempted_at = $3, roster_error = $4,
       roster_synced_at = case when $4::text is null then $3 else roster_synced_at end
     where platform_id = $1 and context_id = $2`,
    [
    platformId,
    contextId,
    at,
    error,
  ],
  );
}
