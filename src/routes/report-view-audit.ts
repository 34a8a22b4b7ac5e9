/**
 * The audit log of report views: a middleware placed after require-course.ts on each report
 * route, which writes one `report_views` row (who, which course, which student, when, in which
 * form, the request id) when the report is sent.
 *
 * When: once the handler has built the answer and calls `res.send` with a 2xx status, and before
 * the bytes leave — so a refused or failed request (401/403/404/400/500) writes nothing, and a
 * report that was shown has its row, committed. The row goes through the database's ReportViewLog
 * (models/report-view-log.ts), which writes the views of concurrent requests in one insert of one
 * round trip: under load the CPU goes largely to database round trips, and with many reports at
 * once each pays for a share of one. A failed insert is logged and the report is sent anyway: the
 * teacher's work is not held hostage to the log, and the error line (with the request id) is the
 * trace an operator has instead — one per request of the failed insert.
 *
 * What counts: the whole page (a plain load, a reload, a boosted link, htmx's history restore),
 * an htmx swap of the page's body (the group filter, the course menu's links), every JSON and CSV
 * answer. Not counted: the named regions of a page htmx refreshes or swaps alone — the figures
 * every 60 s, the search and sorting of the overview's list and its next 100 rows, a student
 * page's month stepping, chart toggles and 60-second refresh — which show again, or a part of, a
 * view that was counted when its page was loaded (a region asked for by hand, without its page,
 * is not logged either: the log records views, it does not guard them). Those are told apart the
 * way views/render.ts tells which template to render (the HX-* headers and the view's regions),
 * which this mirrors: a region added to a page but not to PAGE_REGIONS is logged as a view — too
 * many rows, never too few.
 */
import type { RequestHandler } from 'express';
import type { Database } from '../models/database.js';
import type { ReportViewKind } from '../models/report-view.js';
import { reportViewLogOf } from '../models/report-view-log.js';
import { sessionOf } from './require-course.js';

export interface ReportViewAuditDeps {
  db: Database;
  now: () => Date;
}

/** The ids of the regions (HX-Target) that htmx refreshes or swaps alone, per report page (views/render.ts's `regions`). */
const PAGE_REGIONS: Partial<Record<ReportViewKind, readonly string[]>> = {
  'overview-page': ['overview-figures', 'student-list', 'student-more'],
  'student-page': ['student-live', 'student-month', 'student-heat'],
};

/** True when this request asks for one of the page's regions alone (render.ts answers it with that partial). */
function isRegionRequest(req: Parameters<RequestHandler>[0], view: ReportViewKind): boolean {
  const swap = req.get('HX-Request') === 'true' && req.get('HX-History-Restore-Request') !== 'true' && req.get('HX-Boosted') !== 'true';
  const target = req.get('HX-Target');
  return swap && target !== undefined && (PAGE_REGIONS[view] ?? []).includes(target);
}

/** Records the view of `view` (a student's when the route has `:userId`) as it is sent. */
export function auditReportView({ db, now }: ReportViewAuditDeps, view: ReportViewKind): RequestHandler {
  const log = reportViewLogOf(db);
  return (req, res, next) => {
    if (req.method !== 'GET' || isRegionRequest(req, view)) return next();
    const send = res.send.bind(res);
    let written = false;
    // res.json and the CSV and page helpers all end in res.send: waiting there puts the row after
    // the answer is built and before it is sent, without the handlers knowing of the log.
    res.send = (body?: unknown) => {
      if (written || res.statusCode < 200 || res.statusCode >= 300) return send(body);
      written = true;
      const session = sessionOf(res);
      const record = {
        platformId: session.platformId,
        contextId: session.contextId,
        viewedAt: now(),
        viewerUserId: session.userId,
        viewerRoles: session.roles,
        studentUserId: req.params.userId === undefined ? null : String(req.params.userId),
        view,
        requestId: typeof req.id === 'string' ? req.id : req.id === undefined ? null : String(req.id),
      };
      log
        .record(record)
        .catch((err: unknown) => req.log.error({ err, reportView: record }, 'report view not written to the audit log'))
        .then(() => send(body))
        .catch((err: unknown) => req.log.error({ err }, 'report not sent'));
      return res;
    };
    next();
  };
}
