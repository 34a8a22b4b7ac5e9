/**
 * The Activity Overview of one course (activity-reports.md; api.md `GET /api/overview`), whole:
 * the figures of metrics/overview.ts over the course's students — or one group's — with the
 * course, the groups to filter by and the method the figures were made with. One call for the
 * JSON API, the CSV and the page.
 */
import type { RollupSettings } from '../ingest/recompute.js';
import { OVERVIEW_DAYS, addDays, localDay, overviewFigures, type OverviewFigures } from '../metrics/index.js';
import type { CourseKey } from '../models/course-key.js';
import { listCourseGroups, type CourseGroup } from '../models/course-groups.js';
import type { Database } from '../models/database.js';
import { getRecentStudentDays } from '../models/get-recent-student-days.js';
import { getReportCourse } from '../models/get-report-course.js';
import { getStudentTotals } from '../models/get-student-totals.js';
import { listCourseStudents } from '../models/list-course-students.js';
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

/** The report; throws {@link ReportNotFound} when the course, or the group asked for, is not the course's. */
export async function getOverviewReport(
  db: Database,
  course: CourseKey,
  options: OverviewReportOptions,
  settings: RollupSettings,
  now: Date,
): Promise<OverviewReport> {
  // Independent reads: on a server they go out together; on PGlite they queue.
  const [facts, students, groups, totals] = await Promise.all([
    getReportCourse(db, course),
    listCourseStudents(db, course),
    listCourseGroups(db, course),
    getStudentTotals(db, course),
  ]);
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
  const days = await getRecentStudentDays(db, course, addDays(today, 1 - OVERVIEW_DAYS), today);
  const totalsOf = new Map(totals.map((t) => [t.userId, t]));
  const daysOf = new Map<string, typeof days>();
  for (const day of days) {
    const list = daysOf.get(day.userId);
    if (list) list.push(day);
    else daysOf.set(day.userId, [day]);
  }
  const figures = overviewFigures({
    today,
    search: options.q,
    students: chosen.map((s) => {
      const t = totalsOf.get(s.userId);
      return {
        userId: s.userId,
        name: s.displayName,
        sortName: s.sortName,
        totals: { visits: t?.visits ?? 0, durationSeconds: t?.durationSeconds ?? 0, lastVisit: t?.lastVisit ?? null },
        recentDays: daysOf.get(s.userId) ?? [],
      };
    }),
  });
  const summary = (g: CourseGroup): OverviewGroup => ({ id: g.groupId, name: g.name, setName: g.setName });
  return {
    course: { id: course.contextId, title: facts.title ?? facts.label, timezone },
    ...figures,
    group: group ? summary(group) : null,
    groups: groups.map(summary),
    method: reportMethod(settings, timezone),
  };
}
