/**
 * Reads the audit log of report views for an admin, newest first, a page at a time. Unlike the
 * report queries this one is not bound to one course: the admin API may look across courses and
 * platforms, and narrows by platform, course and student when asked. Pages are keyed by
 * (viewed_at, id), so a page boundary never skips or repeats views of the same instant.
 */
import type { Queryable } from './database.js';
import type { ReportViewKind, StoredReportView } from './report-view.js';

export interface ReportViewFilter {
  platformId?: string;
  /** Only with `platformId`: a context id is unique within its platform alone. */
  contextId?: string;
  studentUserId?: string;
  /** Inclusive. */
  since?: Date;
  /** Exclusive. */
  until?: Date;
  /** Views strictly older than this one (the previous page's last), for the next page. */
  before?: { viewedAt: Date; id: number };
  limit: number;
}

interface Row {
  id: number;
  platform_id: string;
  context_id: string;
  viewed_at: Date;
  viewer_user_id: string;
  viewer_roles: string[];
  student_user_id: string | null;
  view: ReportViewKind;
  request_id: string | null;
}

export async function listReportViews(q: Queryable, filter: ReportViewFilter): Promise<StoredReportView[]> {
  // Each condition is off when its parameter is null, so one statement serves every combination.
  const rows = await q.query<Row>(
    `select id, platform_id, context_id, viewed_at, viewer_user_id, viewer_roles, student_user_id, view, request_id
     from report_views
     where ($1::text is null or platform_id = $1)
       and ($2::text is null or context_id = $2)
       and ($3::text is null or student_user_id = $3)
       and ($4::timestamptz is null or viewed_at >= $4)
       and ($5::timestamptz is null or viewed_at < $5)
       and ($6::timestamptz is null or (viewed_at, id) < ($6, $7::bigint))
     order by viewed_at desc, id desc
     limit $8`,
    [
      filter.platformId ?? null,
      filter.contextId ?? null,
      filter.studentUserId ?? null,
      filter.since ?? null,
      filter.until ?? null,
      filter.before?.viewedAt ?? null,
      filter.before?.id ?? null,
      filter.limit,
    ],
  );
  return rows.map((row) => ({
    id: row.id,
    platformId: row.platform_id,
    contextId: row.context_id,
    viewedAt: row.viewed_at,
    viewerUserId: row.viewer_user_id,
    viewerRoles: row.viewer_roles,
    studentUserId: row.student_user_id,
    view: row.view,
    requestId: row.request_id,
  }));
}
