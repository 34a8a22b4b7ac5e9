/**
 * The course's Activity Overview as data (api.md): `GET /api/overview?group=&q=` as JSON and
 * `GET /reports/overview/students.csv?group=&q=`, the student list as a spreadsheet. The course
 * is the session's; a group id that is not one of its groups answers 404.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import { getOverviewReport, ReportNotFound, type OverviewReport } from '../reports/index.js';
import { sendCsv } from './csv-response.js';
import { handle, HttpError, parseOr400 } from './http-error.js';
import type { ReportDeps } from './report-deps.js';
import { sessionOf } from './require-course.js';

// Unknown parameters are refused rather than ignored: a misspelt `grup=` would otherwise show the whole course as if it were the group.
const overviewQuery = z.strictObject({
  /** Empty: the whole course (the filter's "all students"). */
  group: z.string().max(255, 'a group id has at most 255 characters').optional(),
  q: z.string().max(200, 'the search has at most 200 characters').optional(),
  // Read by require-course.ts: the session's token and, optionally, its course.
  ltik: z.string().optional(),
  course: z.string().optional(),
});

async function reportFor(deps: ReportDeps, req: Request, res: Response): Promise<OverviewReport> {
  const query = parseOr400(overviewQuery, req.query, 'query');
  const { platformId, contextId } = sessionOf(res);
  try {
    return await getOverviewReport(deps.db, { platformId, contextId }, { groupId: query.group || undefined, q: query.q }, deps.settings, deps.now(), deps.reports);
  } catch (error) {
    if (error instanceof ReportNotFound) throw new HttpError(404, error.message);
    throw error;
  }
}

export const getOverviewJson = (deps: ReportDeps) =>
  handle(async (req, res) => {
    res.set('Cache-Control', 'private, no-store').json(await reportFor(deps, req, res));
  });

export const OVERVIEW_CSV_HEADER = ['name', 'user id', 'total visits', 'total duration seconds', 'average visit seconds', 'last visit'] as const;

/** The listed students (group and search applied), with the 7 days' durations under their dates. */
export const getOverviewCsv = (deps: ReportDeps) =>
  handle(async (req, res) => {
    const report = await reportFor(deps, req, res);
    const header = [...OVERVIEW_CSV_HEADER, ...report.last7Days.map((d) => d.date)];
    const rows = report.list.map((s) => [
      s.name,
      s.userId,
      s.totalVisits,
      s.totalDurationSeconds,
      s.averageVisitSeconds ?? '',
      s.lastVisit ?? '',
      ...s.last7Days.map((d) => d.durationSeconds),
    ]);
    const what = [report.course.title ?? report.course.id, report.group?.name].filter(Boolean).join(' ');
    sendCsv(res, `${what} activity overview ${report.today}.csv`, header, rows);
  });
