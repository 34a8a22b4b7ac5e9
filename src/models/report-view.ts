/** What the audit log of report views holds for one view (table `report_views`). */

/** The form a report was seen in: the pages, the JSON API and the CSV downloads. */
export const REPORT_VIEW_KINDS = ['overview-page', 'overview-json', 'overview-csv', 'student-page', 'student-json', 'student-days-csv'] as const;
export type ReportViewKind = (typeof REPORT_VIEW_KINDS)[number];

export interface ReportView {
  platformId: string;
  contextId: string;
  viewedAt: Date;
  viewerUserId: string;
  viewerRoles: string[];
  /** Null for the course's overview. */
  studentUserId: string | null;
  view: ReportViewKind;
  requestId: string | null;
}

/** A stored view: with the id that orders views written at the same instant. */
export interface StoredReportView extends ReportView {
  id: number;
}
