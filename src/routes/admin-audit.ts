/**
 * The admin API's view of the audit log of report views (README, Admin API):
 * `GET /admin/api/audit?platform=&course=&student=&since=&until=&limit=&cursor=`, newest first, a
 * page at a time — `next` is the `cursor` of the following page, null on the last one.
 */
import { z } from 'zod';
import type { Database } from '../models/database.js';
import { listReportViews } from '../models/list-report-views.js';
import type { StoredReportView } from '../models/report-view.js';
import { handle, parseOr400 } from './http-error.js';

export const AUDIT_PAGE_DEFAULT = 100;
export const AUDIT_PAGE_MAX = 1000;

const id = (what: string) => z.string().min(1, `${what} is empty`).max(255, `${what} has at most 255 characters`);
// Years 1 to 9999: what both the ISO form and PostgreSQL's timestamptz hold (year 0 and year 10000, which an offset can reach, are refused by the database).
const inYears = (date: Date): boolean => date.getUTCFullYear() >= 1 && date.getUTCFullYear() <= 9999;
const instant = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date and time, such as 2026-03-01T00:00:00Z' })
  .transform((s) => new Date(s))
  .refine(inYears, 'must be a date and time from year 1 to 9999');

// Unknown and repeated parameters are refused: a misspelt `studnet=` must not list everyone's views.
const auditQuery = z
  .strictObject({
    platform: id('platform').optional(),
    course: id('course').optional(),
    student: id('student').optional(),
    since: instant.optional(),
    until: instant.optional(),
    limit: z
      .string()
      .regex(/^\d{1,4}$/, `must be a whole number from 1 to ${AUDIT_PAGE_MAX}`)
      .transform(Number)
      .refine((n) => n >= 1 && n <= AUDIT_PAGE_MAX, `must be a whole number from 1 to ${AUDIT_PAGE_MAX}`)
      .default(AUDIT_PAGE_DEFAULT),
    cursor: z
      .string()
      .regex(/^\d{1,15}-\d{1,18}$/, 'is not a cursor this API gave (the "next" of a page)')
      .transform((s) => {
        const [ms, viewId] = s.split('-').map(Number) as [number, number];
        return { viewedAt: new Date(ms), id: viewId };
      })
      .refine((c) => inYears(c.viewedAt) && Number.isSafeInteger(c.id), 'is not a cursor this API gave (the "next" of a page)')
      .optional(),
  })
  // Course ids and user ids are unique within their platform only.
  .refine((q) => q.course === undefined || q.platform !== undefined, { message: 'course needs platform (a course id is unique within its platform)', path: ['course'] })
  .refine((q) => q.student === undefined || q.platform !== undefined, { message: 'student needs platform (a user id is unique within its platform)', path: ['student'] });

const shown = (v: StoredReportView) => ({
  id: v.id,
  viewedAt: v.viewedAt.toISOString(),
  platform: v.platformId,
  course: v.contextId,
  viewer: v.viewerUserId,
  viewerRoles: v.viewerRoles,
  student: v.studentUserId,
  view: v.view,
  requestId: v.requestId,
});

export const getAudit = (db: Database) =>
  handle(async (req, res) => {
    const query = parseOr400(auditQuery, req.query, 'query');
    const views = await listReportViews(db, {
      platformId: query.platform,
      contextId: query.course,
      studentUserId: query.student,
      since: query.since,
      until: query.until,
      before: query.cursor,
      // One more than asked says whether another page follows.
      limit: query.limit + 1,
    });
    const page = views.slice(0, query.limit);
    const last = page.at(-1);
    res.set('Cache-Control', 'no-store').json({
      views: page.map(shown),
      next: views.length > query.limit && last ? `${last.viewedAt.getTime()}-${last.id}` : null,
    });
  });
