/**
 * Writes rows of the audit log of report views (`report_views`): any number of them in one
 * statement, one round trip. Under load the server's CPU goes largely to round trips (each query
 * is a socket write and a wake-up, ~0.2 ms of CPU on loopback), and this insert runs for every
 * report sent: it used to take four (begin, set local, insert, commit), it takes one, and
 * report-view-log.ts puts the views of concurrent requests in the same one.
 */
import type { Queryable } from './database.js';
import type { ReportView } from './report-view.js';

/** A view as one object of the batch document (snake_case: the names jsonb_to_recordset reads). */
const documentRow = (view: ReportView, n: number) => ({
  n,
  platform_id: view.platformId,
  context_id: view.contextId,
  viewed_at: view.viewedAt.toISOString(),
  viewer_user_id: view.viewerUserId,
  viewer_roles: view.viewerRoles,
  student_user_id: view.studentUserId,
  view: view.view,
  request_id: view.requestId,
});

/**
 * Inserts `views` in one statement, in their order (their ids follow it), all or none.
 *
 * Committed without waiting for the disk flush (`synchronous_commit = off`, this transaction
 * only): the rows are written before the reports are sent, and a flush cost every report 2.6 ms on
 * the server here, more than most of its queries. A crash of the database server can lose the
 * last fraction of a second of audit rows (never corrupt them); the figures are not affected.
 *
 * The setting rides in the statement itself: `set_config(…, true)` is local to the transaction,
 * here the implicit one of this single statement, and PostgreSQL reads `synchronous_commit` at its
 * commit, before local settings are undone. The CTE is joined into the insert's FROM, so it is
 * evaluated (a CTE nothing references is not), once, before any row is written.
 */
export async function insertReportViews(db: Queryable, views: readonly ReportView[]): Promise<void> {
  if (views.length === 0) return;
  await db.query(
    `with async as (select set_config('synchronous_commit', 'off', true))
     insert into report_views (platform_id, context_id, viewed_at, viewer_user_id, viewer_roles, student_user_id, view, request_id)
     select r.platform_id, r.context_id, r.viewed_at, r.viewer_user_id, r.viewer_roles, r.student_user_id, r.view, r.request_id
     from async,
          jsonb_to_recordset($1::jsonb)
            as r(n int, platform_id text, context_id text, viewed_at timestamptz, viewer_user_id text, viewer_roles text[],
                 student_user_id text, view text, request_id text)
     order by r.n`,
    [JSON.stringify(views.map(documentRow))],
  );
}

/** Inserts one view alone (the app's views, the launch's included, go through report-view-log.ts). */
export async function insertReportView(db: Queryable, view: ReportView): Promise<void> {
  await insertReportViews(db, [view]);
}
