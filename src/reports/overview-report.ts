/**
 * The Activity Overview of one course (activity-reports.md; api.md `GET /api/overview`), whole:
 * the figures of metrics/overview.ts over the course's students — or one group's — with the
 * course, the groups to filter by and the method the figures were made with. One call for the
 * JSON API and the CSV ({@link getOverviewReport}); the page's call ({@link getOverviewPage}) adds
 * what only the page shows — the roster line and each group's members — from the same five reads,
 * since every query is a round trip that costs CPU and holds a pooled connection.
 */
import type { RollupSettings } from '../ingest/recompute.js';
import { OVERVIEW_DAYS, addDays, localDay, overviewFigures, type OverviewFigures } from '../metrics/index.js';
import type { CourseKey } from '../models/course-key.js';
import type { CourseGroup } from '../models/course-groups.js';
import type { Database } from '../models/database.js';
import type { ReportCourse } from '../models/get-report-course.js';
import type { CourseStudent } from '../models/list-course-students.js';
import { readActivity, readCourse, type ReportReads } from './report-reads.js';
import { ReportNotFound } from './report-not-found.js';
import { reportMethod, type ReportMethod } from './report-method.js';

export interface OverviewGroup {
  id: string;
  name: string;
  /** The LMS's group set it belongs to (null for groups without one and CoursePulse's own). */
  setName: string | null;
}

export interface OverviewReport extends OverviewFigures {
  course: { id: string; title: string | null; timezone: string };
  /** The chosen group, or null for the whole course. */
  group: OverviewGroup | null;
  /** Every group of the course, for the filter. */
  groups: OverviewGroup[];
  /** The parameters the visits and days were made with, shown beside the figures. */
  method: ReportMethod;
}

export interface OverviewReportOptions {
  /** Only this group's students count (a group id of the course). */
  groupId?: string | undefined;
  /** Narrows the list (metrics/name-search.ts). */
  q?: string | undefined;
}

/** The report and what the page shows beside it. */
export interface OverviewPage {
  report: OverviewReport;
  /** The course's roster as the header line tells it: the whole course's, whatever the group. */
  roster: { students: number; syncedAt: Date | null; error: string | null };
  /** Every group of the course (in the order of `report.groups`) with its members' user ids, for the list's group names. */
  groupMembers: { id: string; name: string; members: string[] }[];
}

/**
 * The report; throws {@link ReportNotFound} when the course, or the group asked for, is not the
 * course's. With `reads`, the course-wide reads are shared with the course's other readers for a
 * moment (report-reads.ts); without, they are made for this call.
 */
export async function getOverviewReport(
  db: Database,
  course: CourseKey,
  options: OverviewReportOptions,
  settings: RollupSettings,
  now: Date,
  reads?: ReportReads,
): Promise<OverviewReport> {
  return (await readOverview(db, course, options, settings, now, reads)).report;
}

/** The report with the page's roster line and group members; throws {@link ReportNotFound} as {@link getOverviewReport} does. */
export async function getOverviewPage(
  db: Database,
  course: CourseKey,
  options: OverviewReportOptions,
  settings: RollupSettings,
  now: Date,
  reads?: ReportReads,
): Promise<OverviewPage> {
  const { report, facts, students, groups } = await readOverview(db, course, options, settings, now, reads);
  return {
    report,
    roster: {
      // The course's students as list-course-students.ts reads them — Active, not left, a Learner
      // and no staff role (roles.ts) — before any group is chosen: the number the roster line has
      // always counted (the Learners among the active members).
      students: students.length,
      syncedAt: facts.rosterSyncedAt,
      error: facts.rosterError,
    },
    groupMembers: groups.map((g) => ({ id: g.groupId, name: g.name, members: g.members })),
  };
}

/** The five reads (remembered in `reads` when given) and the report made of them, with the reads the page uses besides. */
async function readOverview(
  db: Database,
  course: CourseKey,
  options: OverviewReportOptions,
  settings: RollupSettings,
  now: Date,
  reads: ReportReads | undefined,
): Promise<{ report: OverviewReport; facts: ReportCourse; students: readonly CourseStudent[]; groups: readonly CourseGroup[] }> {
  const { facts, students, groups } = reads ? await reads.course(db, course) : await readCourse(db, course);
  if (!facts) throw new ReportNotFound('this course is not known (launch it from the LMS first)');
  let group: CourseGroup | undefined;
  if (options.groupId !== undefined) {
    group = groups.find((g) => g.groupId === options.groupId);
    if (!group) throw new ReportNotFound(`no group ${JSON.stringify(options.groupId)} in this course`);
  }
  const members = group ? new Set(group.members) : undefined;
  const chosen = members ? students.filter((s) => members.has(s.userId)) : students;

  const timezone = facts.timezone ?? settings.timezone;
  const today = localDay(now.getTime(), timezone);
  const from = addDays(today, 1 - OVERVIEW_DAYS);
  const activity = reads ? await reads.activity(db, course, from, today) : await readActivity(db, course, from, today);
  const figures = overviewFigures({
    today,
    search: options.q,
    students: chosen.map((s) => {
      const t = activity.totals.get(s.userId);
      return {
        userId: s.userId,
        name: s.displayName,
        sortName: s.sortName,
        totals: { visits: t?.visits ?? 0, durationSeconds: t?.durationSeconds ?? 0, lastVisit: t?.lastVisit ?? null },
        recentDays: activity.days.get(s.userId) ?? [],
      };
    }),
  });
  const summary = (g: CourseGroup): OverviewGroup => ({ id: g.groupId, name: g.name, setName: g.setName });
  const report: OverviewReport = {
    course: { id: course.contextId, title: facts.title ?? facts.label, timezone },
    ...figures,
    group: group ? summary(group) : null,
    groups: groups.map(summary),
    method: reportMethod(settings, timezone),
  };
  return { report, facts, students, groups };
}
