/**
 * The courses ingestion resolves events against: which of the named LTI contexts of a platform
 * exist (have been launched), their time zone, and their roster as person-reference.ts matches it
 * (every member, staff and those who left included: their events are stored as theirs, and the
 * reports decide who counts).
 */
import type { RosterPerson } from '../ingest/person-reference.js';
import type { Queryable } from './database.js';
import { isCourseStudent } from './list-course-students.js';

export interface IngestCourse {
  contextId: string;
  /** The course's own zone; null: the TIMEZONE setting. */
  timezone: string | null;
  members: RosterPerson[];
  /** Its students now (list-course-students.ts's rule), sorted by id: who counts in `course_days`. */
  studentIds: string[];
}

/** The courses among `contextIds` that exist on the platform, with their rosters, by context id. */
export async function coursesForIngest(q: Queryable, platformId: string, contextIds: readonly string[]): Promise<Map<string, IngestCourse>> {
  const courses = new Map<string, IngestCourse>();
  if (contextIds.length === 0) return courses;
  const rows = await q.query<{ context_id: string; timezone: string | null }>(
    `select context_id, timezone from courses where platform_id = $1 and context_id = any($2::text[])`,
    [platformId, [...new Set(contextIds)]],
  );
  for (const row of rows) courses.set(row.context_id, { contextId: row.context_id, timezone: row.timezone, members: [], studentIds: [] });
  if (courses.size === 0) return courses;
  const members = await q.query<{ context_id: string; user_id: string; email: string | null; sourced_id: string | null; status: string; left_at: Date | null; roles: string[] }>(
    `select context_id, user_id, email, sourced_id, status, left_at, to_json(roles) as roles from members where platform_id = $1 and context_id = any($2::text[])`,
    [platformId, [...courses.keys()]],
  );
  for (const m of members) {
    const course = courses.get(m.context_id);
    if (!course) continue;
    course.members.push({ userId: m.user_id, email: m.email, sourcedId: m.sourced_id });
    if (isCourseStudent(m)) course.studentIds.push(m.user_id);
  }
  for (const course of courses.values()) course.studentIds.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return courses;
}

/** The time zone of each existing course among `contextIds` (null: the TIMEZONE setting). */
export async function courseTimezones(q: Queryable, platformId: string, contextIds: readonly string[]): Promise<Map<string, string | null>> {
  if (contextIds.length === 0) return new Map();
  const rows = await q.query<{ context_id: string; timezone: string | null }>(
    `select context_id, timezone from courses where platform_id = $1 and context_id = any($2::text[])`,
    [platformId, [...new Set(contextIds)]],
  );
  return new Map(rows.map((row) => [row.context_id, row.timezone]));
}
