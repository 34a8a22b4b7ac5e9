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
import { addDays, dailyRollup, localDay, localDayStart, sessionise, sessionParams, type TimedEvent } from '../metrics/index.js';
import { lockCourse } from '../models/course-lock.js';
import type { CourseKey } from '../models/course-key.js';
import type { Database, Queryable } from '../models/database.js';
import { coursesForIngest, courseTimezones, type IngestCourse } from '../models/ingest-courses.js';
import { lockPlatformIngest } from '../models/ingest-lock.js';
import { noteIngestWrites } from '../models/ingest-statistics.js';
import { pendingEventsOf, resolvePendingEvents } from '../models/pending-events.js';
import { replaceStudentRollups, type DayRow, type VisitRow } from '../models/replace-student-rollups.js';
import { countedEventEdges } from '../models/counted-event-edges.js';
import { courseStudentIds } from '../models/course-students.js';
import { refreshCourseDays } from '../models/refresh-course-days.js';
import { readRetentionHorizon } from '../models/retention-horizon.js';
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
 * A student whose figures changed: `at` is the time of an event that was added, voided or tied to
 * them; without `at` their whole history is recomputed.
 */
export interface TouchedStudent extends StudentKey {
  at?: Date | undefined;
}

/** One student's recompute window, in epoch ms: [from, to), null = unbounded. */
interface Window {
  contextId: string;
  userId: string;
  timezone: string;
  from: number | null;
  to: number | null;
  /** The start of the course's first local day after the retention horizon: nothing before it is recomputed. */
  floor: number | null;
}

const dayStartOf = (at: number, timezone: string): number => localDayStart(localDay(at, timezone), timezone);
const nextDayStartOf = (at: number, timezone: string): number => localDayStart(addDays(localDay(at, timezone), 1), timezone);

/** The local days of a bounded window, first to last. */
function windowDays(w: Window): string[] {
  const days: string[] = [];
  const last = localDay(w.to! - 1, w.timezone);
  for (let day = localDay(w.from!, w.timezone); day <= last; day = addDays(day, 1)) days.push(day);
  return days;
}

/**
 * The smallest window around each student's touched times that is made of whole local days and
 * holds whole visits: starting from the touched days, a side grows to the next day boundary while
 * a counted event lies within G of it (such an event could join a visit inside). Then the visits
 * starting in the window and the day rows of its days are exactly what a full recompute gives —
 * visits outside it are unchanged, none crosses its edges, and every action of its days is in it.
 */
async function widenToWholeVisits(tx: Queryable, platformId: string, windows: Window[], settings: RollupSettings): Promise<void> {
  const g = settings.visitTimeoutMinutes * 60_000;
  let open = windows.filter((w) => w.from !== null && w.to !== null);
  while (open.length > 0) {
    // A window never grows below its floor (the retention horizon): the events there may be pruned.
    // A probe there is empty (from = to), so the probe index stays two per window.
    const probes = open.flatMap((w) => [
      { contextId: w.contextId, userId: w.userId, from: new Date(Math.max(w.from! - g, w.floor ?? -Infinity)), to: new Date(w.from!) },
      { contextId: w.contextId, userId: w.userId, from: new Date(w.to!), to: new Date(w.to! + g) },
    ]);
    const grew = new Set<Window>();
    for (const hit of await countedEventEdges(tx, platformId, probes)) {
      const w = open[Math.floor(hit.probe / 2)]!;
      if (hit.probe % 2 === 0) w.from = Math.max(dayStartOf(hit.earliest.getTime(), w.timezone), w.floor ?? -Infinity);
      else w.to = nextDayStartOf(hit.latest.getTime(), w.timezone);
      grew.add(w);
    }
    open = [...grew];
  }
}

/** Touched students as windows (before widening): whole history, or the local days of their touched times. */
function touchedWindows(touched: readonly TouchedStudent[], zones: Map<string, string | null>, settings: RollupSettings): Window[] {
  const byStudent = new Map<string, Window & { lo: number; hi: number; whole: boolean }>();
  for (const t of touched) {
    if (!zones.has(t.contextId)) continue; // no such course: no rows to recompute
    const id = JSON.stringify([t.contextId, t.userId]);
    const at = t.at?.getTime();
    const entry = byStudent.get(id) ?? { contextId: t.contextId, userId: t.userId, timezone: zones.get(t.contextId) ?? settings.timezone, from: null, to: null, floor: null, lo: Infinity, hi: -Infinity, whole: false };
    if (at === undefined) entry.whole = true;
    else {
      entry.lo = Math.min(entry.lo, at);
      entry.hi = Math.max(entry.hi, at);
    }
    byStudent.set(id, entry);
  }
  return [...byStudent.values()].map(({ contextId, userId, timezone, lo, hi, whole }) =>
    whole
      ? { contextId, userId, timezone, from: null, to: null, floor: null }
      : { contextId, userId, timezone, from: dayStartOf(lo, timezone), to: nextDayStartOf(hi, timezone), floor: null },
  );
}

/**
 * Keeps the windows after the retention horizon (RETENTION_DAYS, retention.ts): events before it
 * are pruned, so the figures of the days before it are kept as they were made and never
 * rewritten. Each window starts at the earliest at its course's first whole local day after the
 * horizon (the day the horizon falls in has lost part of its events); a window wholly before it
 * is dropped — a late event that old changes nothing and is pruned in turn.
 */
function clampToHorizon(windows: Window[], horizon: number): Window[] {
  return windows.flatMap((w) => {
    const start = dayStartOf(horizon, w.timezone);
    const floor = start === horizon ? horizon : nextDayStartOf(horizon, w.timezone);
    if (w.to !== null && w.to <= floor) return [];
    return [{ ...w, floor, from: w.from === null ? floor : Math.max(w.from, floor) }];
  });
}

/**
 * Courses of one platform whose locks the caller's transaction already holds, with the zones and
 * students it read under those locks (zone null: the TIMEZONE setting). A course not listed here
 * does not exist or was not locked; recomputeStudents locks and reads it itself.
 */
export interface HeldCourses {
  platformId: string;
  zones: ReadonlyMap<string, string | null>;
  studentIds: ReadonlyMap<string, readonly string[]>;
}

/** The courses a writer locked and read with coursesForIngest, as recomputeStudents takes them. */
export const heldCourses = (platformId: string, courses: ReadonlyMap<string, IngestCourse>): HeldCourses => ({
  platformId,
  zones: new Map([...courses.values()].map((c) => [c.contextId, c.timezone])),
  studentIds: new Map([...courses.values()].map((c) => [c.contextId, c.studentIds])),
});

/**
 * Recomputes the visits and days of the touched students inside the caller's transaction — only
 * the window of whole days and whole visits around what changed (see widenToWholeVisits) — and the
 * course's `course_days` for those days. Returns how many students it recomputed. Students of
 * courses that do not exist are skipped (no such rows exist).
 */
export async function recomputeStudents(
  tx: Queryable,
  touched: Iterable<TouchedStudent>,
  settings: RollupSettings,
  held?: HeldCourses,
): Promise<number> {
  const byPlatform = new Map<string, TouchedStudent[]>();
  for (const t of touched) byPlatform.set(t.platformId, [...(byPlatform.get(t.platformId) ?? []), t]);
  let count = 0;
  let horizon: Date | null | undefined;
  for (const [platformId, platformTouched] of [...byPlatform.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const contextIds = [...new Set(platformTouched.map((t) => t.contextId))];
    const known = held?.platformId === platformId ? held.zones : new Map<string, string | null>();
    // Two round trips fewer per batch when the caller already locked and read the courses.
    const missing = contextIds.filter((c) => !known.has(c));
    await lockCourses(tx, platformId, missing);
    const zones = new Map([...known, ...(await courseTimezones(tx, platformId, missing))]);
    // Read once per call, before any event is (under the lock retention-horizon.ts describes).
    horizon ??= await readRetentionHorizon(tx);
    const windows = horizon === null ? touchedWindows(platformTouched, zones, settings) : clampToHorizon(touchedWindows(platformTouched, zones, settings), horizon.getTime());
    await widenToWholeVisits(tx, platformId, windows, settings);
    const stored = windows.map((w) => ({
      contextId: w.contextId,
      userId: w.userId,
      from: w.from === null ? null : new Date(w.from),
      to: w.to === null ? null : new Date(w.to),
      fromDay: w.from === null ? null : localDay(w.from, w.timezone),
      toDay: w.to === null ? null : localDay(w.to, w.timezone),
    }));
    const events = await countedEventsOf(tx, platformId, stored);
    const byStudent = new Map<string, TimedEvent[]>();
    for (const e of events) {
      const id = JSON.stringify([e.contextId, e.userId]);
      const list = byStudent.get(id) ?? [];
      list.push({ at: e.at.getTime(), kind: e.kind, ...(e.durationSeconds !== null ? { durationSeconds: e.durationSeconds } : {}) });
      byStudent.set(id, list);
    }
    const visits: VisitRow[] = [];
    const days: DayRow[] = [];
    for (const { contextId, userId, timezone } of windows) {
      const timed = byStudent.get(JSON.stringify([contextId, userId])) ?? [];
      const params = sessionParams(settings, { timezone });
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
    await replaceStudentRollups(tx, platformId, stored, visits, days);
    for (const contextId of contextIds.filter((c) => zones.has(c)).sort()) {
      const ofCourse = windows.filter((w) => w.contextId === contextId);
      const days = ofCourse.some((w) => w.from === null || w.to === null) ? null : [...new Set(ofCourse.flatMap((w) => windowDays(w)))];
      const course = { platformId, contextId };
      const students = (held?.platformId === platformId ? held.studentIds.get(contextId) : undefined) ?? (await courseStudentIds(tx, course));
      await refreshCourseDays(tx, course, students, days);
    }
    count += windows.length;
  }
  return count;
}

/** Recomputes `students` in a transaction of its own. */
export async function recompute(db: Database, students: Iterable<TouchedStudent>, settings: RollupSettings): Promise<number> {
  const touched = [...students];
  if (touched.length === 0) return 0;
  return db.transaction((tx) => recomputeStudents(tx, touched, settings));
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
    const students = uniqueStudentKeys(resolved.flatMap((r) => (r.userId === null ? [] : [{ ...course, userId: r.userId }])));
    const recomputed = await recomputeStudents(tx, students, settings);
    // A launch or roster read may have changed who the course's students are: its day totals follow.
    await refreshCourseDays(tx, course, await courseStudentIds(tx, course), null);
    return { events: resolved.length, withPerson: students.length, students: recomputed };
  });
  await noteIngestWrites(db, result.events);
  return result;
}
