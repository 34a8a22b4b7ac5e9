/**
 * Derived figures as a cache of a pure function of the stored events (activity-reports.md,
 * "Visits and duration"): for a set of students, read each one's counted events in the course
 * (resolved, not voided, not ignored), run the metrics (sessionise, dailyRollup) with the course's
 * time zone and the configured G and T, and replace that student's `student_visits` and
 * `student_days` rows. Late, out-of-order, repeated and voided statements therefore give exactly
 * what an in-order replay gives.
 *
 * Writers of one course are serialised by the course lock, taken here (in course order) before
 * reading: a recomputation reads only after every earlier writer of the course has committed, so
 * the last one to commit has seen every event.
 *
 * Also {@link resolvePending}: after a launch or a roster read, ties a course's waiting events to
 * the course and their people, and recomputes those students.
 */
import type { Config } from '../config.js';
import { dailyRollup, sessionise, sessionParams, type TimedEvent } from '../metrics/index.js';
import { lockCourse } from '../models/course-lock.js';
import type { CourseKey } from '../models/course-key.js';
import type { Database, Queryable } from '../models/database.js';
import { coursesForIngest, courseTimezones } from '../models/ingest-courses.js';
import { lockPlatformIngest } from '../models/ingest-lock.js';
import { noteIngestWrites } from '../models/ingest-statistics.js';
import { pendingEventsOf, resolvePendingEvents } from '../models/pending-events.js';
import { replaceStudentRollups, type DayRow, type VisitRow } from '../models/replace-student-rollups.js';
import { countedEventsOf } from '../models/student-events.js';
import { uniqueStudentKeys, type StudentKey } from '../models/student-key.js';
import { matchPerson } from './person-reference.js';

/** The settings the derived figures depend on. */
export type RollupSettings = Pick<Config, 'timezone' | 'visitTimeoutMinutes' | 'lastEventCreditSeconds'>;

/** Takes the course locks of `contextIds` of one platform, in a fixed order (so that two writers never wait in a circle). */
export async function lockCourses(tx: Queryable, platformId: string, contextIds: Iterable<string>): Promise<void> {
  for (const contextId of [...new Set(contextIds)].sort()) await lockCourse(tx, { platformId, contextId });
}

/**
 * Recomputes the visits and days of `students` inside the caller's transaction. Returns how many
 * students it recomputed. Students of courses that do not exist are skipped (no such rows exist).
 */
export async function recomputeStudents(tx: Queryable, students: Iterable<StudentKey>, settings: RollupSettings): Promise<number> {
  const keys = uniqueStudentKeys(students);
  const byPlatform = new Map<string, StudentKey[]>();
  for (const key of keys) byPlatform.set(key.platformId, [...(byPlatform.get(key.platformId) ?? []), key]);
  let count = 0;
  for (const [platformId, platformKeys] of [...byPlatform.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    await lockCourses(tx, platformId, platformKeys.map((k) => k.contextId));
    const zones = await courseTimezones(tx, platformId, platformKeys.map((k) => k.contextId));
    const present = platformKeys.filter((k) => zones.has(k.contextId));
    const events = await countedEventsOf(tx, platformId, present);
    const byStudent = new Map<string, TimedEvent[]>();
    for (const e of events) {
      const id = JSON.stringify([e.contextId, e.userId]);
      const list = byStudent.get(id) ?? [];
      list.push({ at: e.at.getTime(), kind: e.kind, ...(e.durationSeconds !== null ? { durationSeconds: e.durationSeconds } : {}) });
      byStudent.set(id, list);
    }
    const visits: VisitRow[] = [];
    const days: DayRow[] = [];
    for (const { contextId, userId } of present) {
      const timed = byStudent.get(JSON.stringify([contextId, userId])) ?? [];
      const params = sessionParams(settings, { timezone: zones.get(contextId) ?? undefined });
      for (const v of sessionise(timed, params)) {
        visits.push({
          contextId,
          userId,
          startedAt: new Date(v.firstEventAt),
          lastEventAt: new Date(v.lastEventAt),
          day: v.day,
          events: v.events,
          durationSeconds: v.durationSeconds,
          capped: v.capped,
        });
      }
      for (const d of dailyRollup(timed, params)) {
        days.push({ contextId, userId, ...d, firstEventAt: new Date(d.firstEventAt), lastEventAt: new Date(d.lastEventAt) });
      }
    }
    await replaceStudentRollups(tx, platformId, present, visits, days);
    count += present.length;
  }
  return count;
}

/** Recomputes `students` in a transaction of its own. */
export async function recompute(db: Database, students: Iterable<StudentKey>, settings: RollupSettings): Promise<number> {
  const keys = uniqueStudentKeys(students);
  if (keys.length === 0) return 0;
  return db.transaction((tx) => recomputeStudents(tx, keys, settings));
}

export interface ResolvePendingResult {
  /** Waiting events now tied to the course (with or without a person). */
  events: number;
  /** Of those, the ones whose person was found. */
  withPerson: number;
  /** Students whose figures were recomputed. */
  students: number;
}

/**
 * Resolves the course's waiting events — course by the statement's course reference (its context
 * id), person by the course's roster (matchPerson) — and recomputes the students they now belong
 * to, in one transaction. Call it after a launch is recorded and after a roster read is stored
 * (after their transactions commit, never inside them). Does nothing for a course not launched yet.
 */
export async function resolvePending(db: Database, course: CourseKey, settings: RollupSettings): Promise<ResolvePendingResult> {
  const result = await db.transaction(async (tx): Promise<ResolvePendingResult> => {
    await lockPlatformIngest(tx, course.platformId, 'shared');
    await lockCourse(tx, course);
    const found = (await coursesForIngest(tx, course.platformId, [course.contextId])).get(course.contextId);
    if (!found) return { events: 0, withPerson: 0, students: 0 };
    const pending = await pendingEventsOf(tx, course);
    const resolved = pending
      .map((e) => ({ source: e.source, sourceId: e.sourceId, wasTied: e.contextId !== null, userId: matchPerson(e.personRef ?? {}, found.members) ?? null }))
      // An event already tied to the course whose person is still unknown stays as it is.
      .filter((e) => !e.wasTied || e.userId !== null);
    await resolvePendingEvents(tx, course, resolved);
    const students = resolved.flatMap((r) => (r.userId === null ? [] : [{ ...course, userId: r.userId }]));
    const recomputed = await recomputeStudents(tx, students, settings);
    return { events: resolved.length, withPerson: students.length, students: recomputed };
  });
  await noteIngestWrites(db, result.events);
  return result;
}
