/**
 * The figures of the Activity Overview (activity-reports.md, "Activity Overview"; the shape of
 * api.md's `GET /api/overview`), from per-student totals and the day rows of the last 7 days.
 *
 * The caller passes the students the figures are about — the course's students, or a group's —
 * so the totals, the chart and the averages follow the group; the search narrows the list alone.
 */
import { matchesSearch } from './name-search.js';
import { addDays, type Day } from './local-day.js';
import { averageOrNull } from './rounding.js';

/** The days of the chart and of each student's small bars: today and the 6 days before. */
export const OVERVIEW_DAYS = 7;

/** One student's visits on one local day (a `student_days` row, as far as the overview reads it). */
export interface OverviewDayRow {
  day: Day;
  visits: number;
  durationSeconds: number;
}

export interface OverviewStudent {
  userId: string;
  /** The name the list shows and the search matches. */
  name: string;
  /** What the list is sorted by (family name first, as the course's student lists are); `name` when absent. */
  sortName?: string;
  /** Since the course started: Σ visits, Σ visit duration, the start of the latest visit. */
  totals: { visits: number; durationSeconds: number; lastVisit: Date | null };
  /** The student's day rows of the last 7 days; days without a row have no visits. Rows of other days are ignored. */
  recentDays: readonly OverviewDayRow[];
}

export interface OverviewInput {
  /** Today in the course's time zone. */
  today: Day;
  students: readonly OverviewStudent[];
  /** The list's search text; blank or absent lists everyone. */
  search?: string;
}

/** A bar of the course's 7-day chart. */
export interface OverviewDay {
  date: Day;
  visits: number;
  /** Distinct students with a visit that day. */
  visitors: number;
  durationSeconds: number;
  /** Σ duration ÷ visits, whole seconds; null on a day without visits (no bar). */
  averageVisitSeconds: number | null;
}

/** A small bar of a student's row. */
export interface StudentDay {
  date: Day;
  visits: number;
  durationSeconds: number;
}

export interface OverviewListRow {
  userId: string;
  name: string;
  totalVisits: number;
  totalDurationSeconds: number;
  averageVisitSeconds: number | null;
  /** ISO 8601 (UTC) start of the latest visit. */
  lastVisit: string | null;
  last7Days: StudentDay[];
}

export interface OverviewFigures {
  today: Day;
  students: { active7d: number; total: number };
  last7Days: OverviewDay[];
  averageVisitSeconds: number | null;
  list: OverviewListRow[];
}

// The order of list-course-students.ts: base letters alike ("Émile" beside "Emile"), numbers by value.
const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** The figures of the overview for `input.students`, with the list narrowed by `input.search`. */
export function overviewFigures({ today, students, search = '' }: OverviewInput): OverviewFigures {
  const days = Array.from({ length: OVERVIEW_DAYS }, (_, i) => addDays(today, i - (OVERVIEW_DAYS - 1)));
  const perStudent = students.map((student) => ({ student, week: studentWeek(days, student.recentDays) }));

  const last7Days = days.map((date, i): OverviewDay => {
    let visits = 0;
    let visitors = 0;
    let durationSeconds = 0;
    for (const { week } of perStudent) {
      const day = week[i]!;
      visits += day.visits;
      durationSeconds += day.durationSeconds;
      if (day.visits > 0) visitors += 1;
    }
    return { date, visits, visitors, durationSeconds, averageVisitSeconds: averageOrNull(durationSeconds, visits) };
  });

  let allVisits = 0;
  let allDuration = 0;
  for (const { totals } of students) {
    allVisits += totals.visits;
    allDuration += totals.durationSeconds;
  }

  const byName = (a: (typeof perStudent)[number], b: (typeof perStudent)[number]) =>
    collator.compare(a.student.sortName ?? a.student.name, b.student.sortName ?? b.student.name) || byCodeUnits(a.student.userId, b.student.userId);
  const matching = perStudent.filter(({ student }) => matchesSearch(student.name, search));
  // The roster is read in this order already: checking it costs n − 1 comparisons where sorting
  // costs n log n, and a comparison through Intl is a microsecond.
  if (!inOrder(matching, byName)) matching.sort(byName);
  const list = matching
    .map(({ student, week }): OverviewListRow => ({
      userId: student.userId,
      name: student.name,
      totalVisits: student.totals.visits,
      totalDurationSeconds: student.totals.durationSeconds,
      averageVisitSeconds: averageOrNull(student.totals.durationSeconds, student.totals.visits),
      lastVisit: student.totals.lastVisit?.toISOString() ?? null,
      last7Days: week,
    }));

  return {
    today,
    students: { active7d: perStudent.filter(({ week }) => week.some((day) => day.visits > 0)).length, total: students.length },
    last7Days,
    averageVisitSeconds: averageOrNull(allDuration, allVisits),
    list,
  };
}

/** A student's 7 days, oldest first, zeros where there is no row (rows of the same day add up). */
function studentWeek(days: readonly Day[], rows: readonly OverviewDayRow[]): StudentDay[] {
  const week = days.map((date) => ({ date, visits: 0, durationSeconds: 0 }));
  for (const row of rows) {
    const day = week[days.indexOf(row.day)];
    if (!day) continue;
    day.visits += row.visits;
    day.durationSeconds += row.durationSeconds;
  }
  return week;
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function inOrder<T>(items: readonly T[], compare: (a: T, b: T) => number): boolean {
  for (let i = 1; i < items.length; i += 1) if (compare(items[i - 1]!, items[i]!) > 0) return false;
  return true;
}
