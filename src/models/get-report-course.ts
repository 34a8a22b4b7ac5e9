/**
 * What a course's reports say about the course itself: its title, its own time zone, the state of
 * its roster (the overview's roster line), and what is known of its LMS for links back into it —
 * the launch's custom parameters (Canvas's course id and address, lti-config.json) and, from
 * ltijs's documents in `lti_store`, the platform's issuer and the product family its dynamic
 * registration named (platforms added by hand have none).
 */
import type { CourseKey } from './course-key.js';
import type { Queryable } from './database.js';

export interface ReportCourse {
  title: string | null;
  label: string | null;
  /** The course's own zone; null: the TIMEZONE setting. */
  timezone: string | null;
  /** When the roster was last read from the LMS; null: never. */
  rosterSyncedAt: Date | null;
  /** Why the latest roster read failed; null when it did not. */
  rosterError: string | null;
  /** The latest launch's custom parameters (`{}` when none). */
  custom: Record<string, unknown>;
  /** The platform's LTI issuer (its LMS base URL for Moodle). */
  issuer: string | null;
  /** `product_family_code` of the platform's dynamic registration (`moodle`, `canvas`…), null when registered by hand. */
  productFamilyCode: string | null;
}

export async function getReportCourse(q: Queryable, { platformId, contextId }: CourseKey): Promise<ReportCourse | undefined> {
  // The lti_store lookups are jsonb containment, which its GIN index serves.
  const [row] = await q.query<ReportCourse>(
    `select c.title, c.label, c.timezone, c.roster_synced_at as "rosterSyncedAt", c.roster_error as "rosterError", coalesce(c.custom, '{}'::jsonb) as custom,
            (select p.doc->>'platformUrl' from lti_store p
             where p.collection = 'platform' and p.doc @> jsonb_build_object('kid', c.platform_id) limit 1) as issuer,
            (select r.doc->>'productFamilyCode' from lti_store r
             where r.collection = 'registration' and r.doc @> jsonb_build_object('platformId', c.platform_id) limit 1) as "productFamilyCode"
     from courses c where c.platform_id = $1 and c.context_id = $2`,
    [platformId, contextId],
  );
  return row;
}
