/**
 * The Activity Details of one student (activity-reports.md; api.md `GET /api/students/:userId`),
 * whole: the figures of metrics/details.ts and metrics/heat-map.ts over the student's stored days,
 * with who the student is, the course's other students for the switcher, the method the figures
 * were made with, and the link back into the LMS. One call for the JSON API, the CSV and the page.
 */
import type { RollupSettings } from '../ingest/recompute.js';
import {
  heatMap,
  localDay,
  studentFigures,
  type Day,
  type HeatMap,
  type Month,
  type StudentFigures,
} from '../metrics/index.js';
import type { CourseKey } from '../models/course-key.js';
import type { Database } from '../models/database.js';
import { getStudentDays } from '../models/get-student-days.js';
import { getStudentLastVisit } from '../models/get-student-last-visit.js';
import { studentLmsLink, type LmsLink } from './lms-link.js';
import { reportMethod, type ReportMethod } from './report-method.js';
import { readCourse, type ReportReads } from './report-reads.js';

/** A group the student is a member of (every source), for the page's heading. */
export interface StudentGroup {
  id: string;
  name: string;
}

export interface StudentReport extends StudentFigures {
  course: { id: string; title: string | null; timezone: string };
  /** Today in the course's time zone. */
  today: Day;
  student: { userId: string; name: string; groups: StudentGroup[] };
  heatMap: HeatMap;
  /** The parameters the visits and days were made with, shown beside the figures. */
  method: ReportMethod;
  /** Every student of the course, in the course's list order, for switching student. */
  students: { userId: string; name: string }[];
  /** The student's progress/grades in the LMS, where the course's launch data makes a link (lms-link.ts). */
  lmsLink: LmsLink | null;
}

export interface StudentReportOptions {
  /** The month of the activity-per-day chart (`YYYY-MM`, a real month); default the current one. */
  month?: Month | undefined;
}

/**
 * The report, or null when `userId` is not a student of the course (staff, left, unknown, another
 * course's). With `reads`, the course-wide reads (who the students are, the groups, the course's
 * facts) are shared with the course's other readers for a moment (report-reads.ts); the student's
 * own days are read for this call.
 */
export async function getStudentReport(
  db: Database,
  course: CourseKey,
  userId: string,
  options: StudentReportOptions,
  settings: RollupSettings,
  now: Date,
  reads?: ReportReads,
): Promise<StudentReport | null> {
  const key = { ...course, userId };
  // Independent reads: on a server they go out together; on PGlite they queue.
  const [{ facts, students, groups: courseGroups }, days, lastVisit] = await Promise.all([
    reads ? reads.course(db, course) : readCourse(db, course),
    getStudentDays(db, key),
    getStudentLastVisit(db, key),
  ]);
  const student = students.find((s) => s.userId === userId);
  if (!facts || !student) return null;
  // In the course's group order (course-groups.ts: by set, name and id).
  const groups: StudentGroup[] = courseGroups.filter((g) => g.members.includes(userId)).map((g) => ({ id: g.groupId, name: g.name }));

  const timezone = facts.timezone ?? settings.timezone;
  const today = localDay(now.getTime(), timezone);
  const figures = studentFigures({ today, days, lastVisit, month: options.month });
  return {
    course: { id: course.contextId, title: facts.title ?? facts.label, timezone },
    today,
    student: { userId, name: student.displayName, groups },
    ...figures,
    heatMap: heatMap(figures.days),
    method: reportMethod(settings, timezone),
    students: students.map((s) => ({ userId: s.userId, name: s.displayName })),
    lmsLink: studentLmsLink(facts, course.contextId, userId),
  };
}
