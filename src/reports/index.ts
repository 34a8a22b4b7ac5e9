/** The reports: one call per report, each the whole of what its page, JSON and CSV show (the overview page's call adds what only that page shows). */
export { getStudentReport, type StudentReport, type StudentReportOptions } from './student-report.js';
export { getOverviewPage, getOverviewReport, type OverviewGroup, type OverviewPage, type OverviewReport, type OverviewReportOptions } from './overview-report.js';
export { ReportNotFound } from './report-not-found.js';
