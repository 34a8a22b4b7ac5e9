/**
 * Gives a launched course its own time zone (`courses.timezone`; NULL means the TIMEZONE setting).
 * Nothing in the product sets the column yet, so tests write it directly, before the course's
 * first statement: figures already stored are not recomputed by this.
 */
import type { CourseKey } from '../../src/models/course-key.js';
import type { Database } from '../../src/models/database.js';

export async function setCourseTimezone(db: Database, { platformId, contextId }: CourseKey, timezone: string | null): Promise<void> {
  const rows = await db.query('update courses set timezone = $3 where platform_id = $1 and context_id = $2 returning context_id', [platformId, contextId, timezone]);
  if (rows.length !== 1) throw new Error(`no course ${contextId} on platform ${platformId}`);
}
