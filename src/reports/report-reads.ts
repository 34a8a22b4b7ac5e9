/**
 * The course-wide reads of the reports, remembered for a moment per process: who the course's
 * students are, its groups and facts (what every report of the course reads), and its students'
 * totals and recent days (what every overview reads). A busy course's readers — its teachers, the
 * pages htmx refreshes, the JSON API — then share one set of reads instead of making up to five
 * round trips each: under the load benchmark's mix that took PostgreSQL's CPU per report request
 * from 2.4 to 1 ms (docs/PERFORMANCE.md, "Load").
 *
 * Fresh within the spec's bound (activity-reports.md, "Freshness": an accepted event shows in
 * every report within 5 seconds): whatever changes a course in this process — ingest, a launch,
 * a roster read, a group edit — forgets the course here as soon as it has committed
 * ({@link ReportReads.forget}), and another process (an instance behind the same balancer, a CLI
 * command) is seen within {@link REPORT_READS_TTL_MS}. One student's own days are not remembered:
 * they are one small read, and asked for one at a time.
 */
import { ReadMemo } from '../models/read-memo.js';
import type { CourseKey } from '../models/course-key.js';
import { listCourseGroups, type CourseGroup } from '../models/course-groups.js';
import type { Database } from '../models/database.js';
import { getRecentStudentDays, type StudentDayVisits } from '../models/get-recent-student-days.js';
import { getReportCourse, type ReportCourse } from '../models/get-report-course.js';
import { getStudentTotals, type StudentTotals } from '../models/get-student-totals.js';
import { listCourseStudents, type CourseStudent } from '../models/list-course-students.js';

/** Short next to the spec's 5 s, long enough that a course's concurrent readers share a read. */
export const REPORT_READS_TTL_MS = 1_000;
/** Courses kept (each a roster, its groups and a week of days): bounded memory whatever is asked. */
const MAX_COURSES = 500;

/** What every report of the course reads. */
export interface CourseReads {
  /** Undefined: the course is not known. */
  facts: ReportCourse | undefined;
  /** In the course's list order (list-course-students.ts). */
  students: CourseStudent[];
  /** In the course's group order (course-groups.ts), each with its members. */
  groups: CourseGroup[];
}

/** What the overview reads of the students' activity, by student: totals since the start, days of a range. */
export interface ActivityReads {
  totals: ReadonlyMap<string, StudentTotals>;
  days: ReadonlyMap<string, readonly StudentDayVisits[]>;
}

/** Reads straight from the database: what {@link ReportReads} remembers, and what a caller without one reads. */
export async function readCourse(db: Database, course: CourseKey): Promise<CourseReads> {
  // Independent reads: on a server they go out together; on PGlite they queue.
  const [facts, students, groups] = await Promise.all([getReportCourse(db, course), listCourseStudents(db, course), listCourseGroups(db, course)]);
  return { facts, students, groups };
}

export async function readActivity(db: Database, course: CourseKey, fromDay: string, toDay: string): Promise<ActivityReads> {
  const [totals, days] = await Promise.all([getStudentTotals(db, course), getRecentStudentDays(db, course, fromDay, toDay)]);
  const daysOf = new Map<string, StudentDayVisits[]>();
  for (const day of days) {
    const list = daysOf.get(day.userId);
    if (list) list.push(day);
    else daysOf.set(day.userId, [day]);
  }
  return { totals: new Map(totals.map((t) => [t.userId, t])), days: daysOf };
}

// JSON keys: ids from an LMS may hold any character, and no two courses may share a key.
const courseKey = ({ platformId, contextId }: CourseKey): string => JSON.stringify([platformId, contextId]);
const coursePrefix = (course: CourseKey): string => `${courseKey(course).slice(0, -1)},`;

export class ReportReads {
  private readonly courses: ReadMemo<CourseReads>;
  private readonly activities: ReadMemo<ActivityReads>;

  constructor(now: () => Date, ttlMs = REPORT_READS_TTL_MS) {
    this.courses = new ReadMemo({ ttlMs, maxEntries: MAX_COURSES, now });
    this.activities = new ReadMemo({ ttlMs, maxEntries: MAX_COURSES, now });
  }

  // Frozen, since every reader of the course shares them: a report that changed one would change the others'.
  course(db: Database, course: CourseKey): Promise<CourseReads> {
    return this.courses.read(courseKey(course), async () => deepFreeze(await readCourse(db, course)));
  }

  activity(db: Database, course: CourseKey, fromDay: string, toDay: string): Promise<ActivityReads> {
    const key = `${coursePrefix(course)}${JSON.stringify([fromDay, toDay])}`;
    return this.activities.read(key, async () => {
      const { totals, days } = await readActivity(db, course, fromDay, toDay);
      for (const t of totals.values()) deepFreeze(t);
      for (const list of days.values()) deepFreeze(list);
      // The maps are typed read-only; their rows are frozen.
      return { totals, days };
    });
  }

  /** After a change to the course has committed: its next report reads it again. */
  forget(course: CourseKey): void {
    this.courses.forgetPrefix(courseKey(course));
    this.activities.forgetPrefix(coursePrefix(course));
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    if (!(value instanceof Date)) for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

