/**
 * A course's name and roster state: what the course pages outside the reports (the groups page)
 * show about the course itself. The Activity Overview takes the same from its report's own reads
 * (reports/overview-report.ts).
 */
import type { Queryable } from './database.js';

export interface CourseSummary {
  title: string | null;
  label: string | null;
  rosterSyncedAt: Date | null;
  rosterError: string | null;
}

export async function getCourseSummary(q: Queryable, platformId: string, contextId: string): Promise<CourseSummary | undefined> {
  const [course] = await q.query<CourseSummary>(
    `select title, label, roster_synced_at as "rosterSyncedAt", roster_error as "rosterError"
     from courses where platform_id = $1 and context_id = $2`,
    [platformId, contextId],
  );
  return course;
}
