/**
 * The reports benchmark's baseline: the Activity Overview's figures computed straight from the
 * stored events, as CoursePulse would have to without `student_days`, `student_visits` and
 * `student_totals` — every counted event of the course read (countedEventsOf, the query the
 * recompute reads with, by the (course, user, time) index), each student's events sessionised
 * with the same pure function (metrics' sessionise, with G, T, the cap and the zone), and the
 * same overviewFigures over the same roster. The overview needs every student's totals since the
 * course started, so no window can be skipped: this is the cost the derived tables save.
 *
 * Students go in slices of STUDENTS_PER_READ, as the rebuild reads them, to bound memory.
 */
import assert from 'node:assert/strict';
import type { RollupSettings } from '../src/ingest/recompute.js';
import { addDays, localDay, OVERVIEW_DAYS, overviewFigures, sessionise, sessionParams, type OverviewDayRow, type OverviewFigures, type TimedEvent } from '../src/metrics/index.js';
import type { CourseKey } from '../src/models/course-key.js';
import type { Database } from '../src/models/database.js';
import { getReportCourse } from '../src/models/get-report-course.js';
import { listCourseStudents } from '../src/models/list-course-students.js';
import { countedEventsOf } from '../src/models/student-events.js';

const STUDENTS_PER_READ = 200;

/** The figures GET /api/overview (whole course, no search) answers, from the raw events; also how many events were read. */
export async function overviewFromRawEvents(db: Database, course: CourseKey, settings: RollupSettings, now: Date): Promise<{ figures: OverviewFigures; events: number }> {
  const [facts, students] = await Promise.all([getReportCourse(db, course), listCourseStudents(db, course)]);
  if (!facts) throw new Error('the course is not known');
  const timezone = facts.timezone ?? settings.timezone;
  const today = localDay(now.getTime(), timezone);
  const firstDay = addDays(today, 1 - OVERVIEW_DAYS);
  const params = sessionParams(settings, { timezone });
  let read = 0;
  const perStudent = new Map<string, { visits: number; durationSeconds: number; lastVisit: Date | null; recentDays: OverviewDayRow[] }>();
  for (let i = 0; i < students.length; i += STUDENTS_PER_READ) {
    const slice = students.slice(i, i + STUDENTS_PER_READ);
    const events = await countedEventsOf(
      db,
      course.platformId,
      slice.map((s) => ({ contextId: course.contextId, userId: s.userId, from: null, to: null })),
    );
    read += events.length;
    const byStudent = new Map<string, TimedEvent[]>();
    for (const e of events) {
      const list = byStudent.get(e.userId) ?? [];
      list.push({ at: e.at.getTime(), kind: e.kind, ...(e.durationSeconds !== null ? { durationSeconds: e.durationSeconds } : {}) });
      byStudent.set(e.userId, list);
    }
    for (const { userId } of slice) {
      let visits = 0;
      let durationSeconds = 0;
      let lastVisit: number | null = null;
      const recent = new Map<string, OverviewDayRow>();
      for (const v of sessionise(byStudent.get(userId) ?? [], params)) {
        visits += 1;
        durationSeconds += v.durationSeconds;
        if (lastVisit === null || v.firstEventAt > lastVisit) lastVisit = v.firstEventAt;
        if (v.day < firstDay || v.day > today) continue;
        const row = recent.get(v.day) ?? { day: v.day, visits: 0, durationSeconds: 0 };
        row.visits += 1;
        row.durationSeconds += v.durationSeconds;
        recent.set(v.day, row);
      }
      perStudent.set(userId, { visits, durationSeconds, lastVisit: lastVisit === null ? null : new Date(lastVisit), recentDays: [...recent.values()] });
    }
  }
  const figures = overviewFigures({
    today,
    students: students.map((s) => {
      const p = perStudent.get(s.userId)!;
      return { userId: s.userId, name: s.displayName, sortName: s.sortName, totals: { visits: p.visits, durationSeconds: p.durationSeconds, lastVisit: p.lastVisit }, recentDays: p.recentDays };
    }),
  });
  return { figures, events: read };
}

/** The figures part of a GET /api/overview answer (the rest is the course, groups and method). */
export function figuresOfAnswer(answer: Record<string, unknown>): Record<string, unknown> {
  const { today, students, last7Days, averageVisitSeconds, list } = answer;
  return { today, students, last7Days, averageVisitSeconds, list };
}

/** null when the raw figures equal the answer's (as JSON), else where they first differ (a few lines). */
export function figuresDifference(raw: OverviewFigures, answer: Record<string, unknown>): string | null {
  try {
    assert.deepStrictEqual(JSON.parse(JSON.stringify(raw)), figuresOfAnswer(answer));
    return null;
  } catch (err) {
    return (err as Error).message.split('\n').filter((l) => /^[+-] /.test(l)).slice(0, 8).join('\n');
  }
}
