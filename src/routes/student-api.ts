/**
 * One student's Activity Details as data (api.md): `GET /api/students/:userId?month=YYYY-MM` as
 * JSON and `GET /reports/students/:userId/days.csv`, the 12 months' days as a spreadsheet. The
 * course is the session's; anyone who is not a student of it answers 404.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import { isMonth } from '../metrics/index.js';
import { getStudentReport, type StudentReport } from '../reports/index.js';
import { sendCsv } from './csv-response.js';
import { handle, HttpError, parseOr400 } from './http-error.js';
import type { ReportDeps } from './report-deps.js';
import { sessionOf } from './require-course.js';

// Unknown parameters are refused, as on /api/overview: a misspelt `mnth=` would otherwise quietly show the current month.
const studentQuery = z.strictObject({
  month: z.string().refine(isMonth, 'must be a month as YYYY-MM, such as 2025-03').optional(),
  // Read by require-course.ts: the session's token and, optionally, its course.
  ltik: z.string().optional(),
  course: z.string().optional(),
});

async function reportFor(deps: ReportDeps, req: Request, res: Response): Promise<StudentReport> {
  const { month } = parseOr400(studentQuery, req.query, 'query');
  const { platformId, contextId } = sessionOf(res);
  const userId = String(req.params.userId);
  const report = await getStudentReport(deps.db, { platformId, contextId }, userId, { month }, deps.settings, deps.now(), deps.reports);
  if (!report) throw new HttpError(404, `no student ${JSON.stringify(userId)} in this course`);
  return report;
}

export const getStudentJson = (deps: ReportDeps) =>
  handle(async (req, res) => {
    const report = await reportFor(deps, req, res);
    res.set('Cache-Control', 'private, no-store').json(report);
  });

export const DAYS_CSV_HEADER = ['date', 'visits', 'duration seconds', 'actions', 'resources', 'activities', 'communication'] as const;

export const getStudentDaysCsv = (deps: ReportDeps) =>
  handle(async (req, res) => {
    const report = await reportFor(deps, req, res);
    const rows = report.days.map((d) => [d.date, d.visits, d.durationSeconds, d.actions, d.resources, d.activities, d.communication]);
    sendCsv(res, `${report.student.name} activity days ${report.days[0]!.date} to ${report.today}.csv`, DAYS_CSV_HEADER, rows);
  });
