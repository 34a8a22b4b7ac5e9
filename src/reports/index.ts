/** The reports: one call per report, each the whole of what its page, JSON and CSV show. */
export { getStudentReport, type StudentReport, type StudentReportOptions } from './student-report.js';
export { getOverviewReport, type OverviewGroup, type OverviewReport, type OverviewReportOptions } from './overview-report.js';
export { ReportNotFound } from './report-not-found.js';
