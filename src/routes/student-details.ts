/**
 * The Activity Details page of one student: `GET /reports/students/:userId?month=&measure=&heat=`
 * (the whole page, or for htmx the region it targets: views/render.ts), and the student switcher's
 * `GET /reports/students?student=…`, which sends the browser on to that student's page with the
 * same view. The course is the session's; anyone who is not a student of it gets the 404 page.
 */
import { z } from 'zod';
import { localeFormat } from '../i18n/index.js';
import { isMonth } from '../metrics/index.js';
import { getStudentReport } from '../reports/index.js';
import { renderProblem, renderView } from '../views/render.js';
import { HEAT_MEASURES, MONTH_MEASURES, studentView } from '../views/student-view.js';
import { handle } from './http-error.js';
import { readerFormat } from './reader-language.js';
import type { ReportDeps } from './report-deps.js';
import { sessionOf } from './require-course.js';

// A page, unlike /api/students, ignores parameters it does not know (the ltik, a link's extras);
// a known one with a bad value (or given twice) is refused, not quietly replaced by the default.
const viewQuery = z.object({
  month: z.string().refine(isMonth).optional(),
  measure: z.enum(MONTH_MEASURES).default('duration'),
  heat: z.enum(HEAT_MEASURES).default('duration'),
});
const switchQuery = viewQuery.extend({ student: z.string().min(1).max(255) });

export const getStudentDetails = (deps: ReportDeps) =>
  handle(async (req, res) => {
    const session = sessionOf(res);
    const reader = readerFormat(req, res);
    const { t, locale } = reader;
    const query = viewQuery.safeParse(req.query);
    if (!query.success) return renderProblem(req, res, 400, t('details.badQuery.title'), t('details.badQuery.text'), reader);
    const { month, measure, heat } = query.data;
    const now = deps.now();
    const course = { platformId: session.platformId, contextId: session.contextId };
    const report = await getStudentReport(deps.db, course, String(req.params.userId), { month }, deps.settings, now, deps.reports);
    if (!report) return renderProblem(req, res, 404, t('error.studentNotFound.title'), t('error.studentNotFound.text'), reader);
    renderView(req, res, studentView(report, localeFormat(locale, report.course.timezone), { measure, heat, now, ltik: session.ltik }));
  });

/** The switcher (a GET form): on to the chosen student's page, keeping the month and the toggles. */
export const getStudentSwitch = () =>
  handle(async (req, res) => {
    const query = switchQuery.safeParse(req.query);
    if (!query.success) {
      const reader = readerFormat(req, res);
      const noStudent = query.error.issues.some((issue) => issue.path[0] === 'student');
      return renderProblem(req, res, 400, reader.t('details.badQuery.title'), reader.t(noStudent ? 'details.badSwitch.text' : 'details.badQuery.text'), reader);
    }
    const { student, month, measure, heat } = query.data;
    const params = new URLSearchParams({ ltik: sessionOf(res).ltik, ...(month ? { month } : {}), measure, heat });
    res.redirect(303, `/reports/students/${encodeURIComponent(student)}?${params.toString()}`);
  });
