/**
 * The figures of one student's Activity Details (activity-reports.md, "Activity Details" and
 * "Exact points"; api.md, `GET /api/students/:userId`), from the student's day rows — the
 * `student_days` of daily-rollup.ts, where a visit and its duration count on the day of its first
 * event and each action on its own day. Pure: today is given, nothing is read.
 */
import { addMonths, isMonth, monthBounds, monthOf, type Month } from './calendar-month.js';
import { addDays, dayRange, isoWeekday, type Day } from './local-day.js';
import { averageOrNull, roundHalfAwayFromZero } from './rounding.js';
import type { DayRollup } from './daily-rollup.js';

/** One day of one student, as `student_days` holds it: daily-rollup.ts's DayRollup without its instants. */
export type StudentDayCounts = Omit<DayRollup, 'firstEventAt' | 'lastEventAt'>;

/** A day of the 12 months (api.md `days`): zeros on a day without activity. */
export interface DetailDay {
  date: Day;
  visits: number;
  durationSeconds: number;
  actions: number;
  resources: number;
  activities: number;
  communication: number;
}

export interface DayRange {
  from: Day;
  to: Day;
}

export interface CommunicationCounts {
  threadsStarted: number;
  /** Thread starts included. */
  discussionPosts: number;
  bulletinComments: number;
}

/** The activity-per-day chart: every day of one month, and where stepping may go. */
export interface MonthFigures {
  month: Month;
  from: Day;
  to: Day;
  /** Every day of the month, first to last (days after today too: nothing happened on them yet). */
  days: { date: Day; visits: number; durationSeconds: number }[];
  visits: number;
  durationSeconds: number;
  /** The month before, or null before the first month one may step to. */
  previousMonth: Month | null;
  /** The month after, or null past today's month. */
  nextMonth: Month | null;
}

export interface StudentFigures {
  totals: { durationSeconds: number; visits: number; activeDays: number; lastVisit: string | null };
  /** Per active day (a day with at least one visit); null with no active day. */
  perActiveDay: { durationSeconds: number | null; visits: number | null };
  weekToWeek: {
    thisWeekSeconds: number;
    previousWeekSeconds: number;
    /** (this − previous) ÷ previous × 100, one decimal; null when the previous week is 0. */
    changePercent: number | null;
    thisWeek: DayRange;
    previousWeek: DayRange;
  };
  /** The days of {@link lastTwelveMonths}, oldest first. */
  days: DetailDay[];
  /** Since the course started (all rows). */
  communication: CommunicationCounts;
  month: MonthFigures;
  /** The current month and the 11 before, oldest first, each over the whole month. */
  communicationTrend: (CommunicationCounts & { month: Month })[];
}

export interface StudentFiguresInput {
  today: Day;
  /** All of the student's day rows (since the course started), in any order. */
  days: readonly StudentDayCounts[];
  /** Start of the student's most recent visit. */
  lastVisit: Date | null;
  /** The month of the activity-per-day chart; default today's. */
  month?: Month | undefined;
}

/**
 * "The last 12 months" (activity-reports.md, "Days"): the day after today's date one year ago
 * through today: 365 days, or 366 when a 29 February is among them. One year before 29 February
 * is 28 February, so from 2028-02-29 it starts on 2027-03-01; from 2025-03-01 on 2024-03-02.
 */
export function lastTwelveMonths(today: Day): DayRange {
  addDays(today, 0); // refuses a malformed day
  const monthDay = today.slice(5) === '02-29' ? '02-28' : today.slice(5);
  const yearAgo = `${String(Number(today.slice(0, 4)) - 1).padStart(4, '0')}-${monthDay}`;
  return { from: addDays(yearAgo, 1), to: today };
}

/** This week (Monday to today) and the whole week before it (Monday to Sunday). */
export function reportWeeks(today: Day): { thisWeek: DayRange; previousWeek: DayRange } {
  const monday = addDays(today, 1 - isoWeekday(today));
  return { thisWeek: { from: monday, to: today }, previousWeek: { from: addDays(monday, -7), to: addDays(monday, -1) } };
}

const ZERO: Omit<StudentDayCounts, 'day'> = Object.freeze({
  visits: 0,
  durationSeconds: 0,
  actions: 0,
  resources: 0,
  activities: 0,
  communication: 0,
  threads: 0,
  posts: 0,
  comments: 0,
});

function communicationOf(rows: Iterable<Omit<StudentDayCounts, 'day'>>): CommunicationCounts {
  const counts = { threadsStarted: 0, discussionPosts: 0, bulletinComments: 0 };
  for (const row of rows) {
    counts.threadsStarted += row.threads;
    // posts already holds the thread starts: adding threads again would count them twice.
    counts.discussionPosts += row.posts;
    counts.bulletinComments += row.comments;
  }
  return counts;
}

const daysOf = ({ from, to }: DayRange): Day[] => dayRange(from, to);

export function studentFigures({ today, days: rows, lastVisit, month }: StudentFiguresInput): StudentFigures {
  const byDay = new Map(rows.map((row) => [row.day, row]));
  const on = (day: Day): Omit<StudentDayCounts, 'day'> => byDay.get(day) ?? ZERO;
  const durationIn = (range: DayRange): number => daysOf(range).reduce((sum, day) => sum + on(day).durationSeconds, 0);

  let durationSeconds = 0;
  let visits = 0;
  let activeDays = 0;
  let firstDay: Day | undefined;
  for (const row of rows) {
    durationSeconds += row.durationSeconds;
    visits += row.visits;
    if (row.visits > 0) activeDays += 1;
    if (firstDay === undefined || row.day < firstDay) firstDay = row.day;
  }

  const { thisWeek, previousWeek } = reportWeeks(today);
  const thisWeekSeconds = durationIn(thisWeek);
  const previousWeekSeconds = durationIn(previousWeek);

  const twelveMonths = lastTwelveMonths(today);
  const days = daysOf(twelveMonths).map((date): DetailDay => {
    const { visits: v, durationSeconds: d, actions, resources, activities, communication } = on(date);
    return { date, visits: v, durationSeconds: d, actions, resources, activities, communication };
  });

  // Stepping reaches back to the student's first activity or 12 months, whichever is earlier.
  const currentMonth = monthOf(today);
  const windowMonth = monthOf(twelveMonths.from);
  const earliestMonth = firstDay !== undefined && monthOf(firstDay) < windowMonth ? monthOf(firstDay) : windowMonth;
  const chosen = month ?? currentMonth;
  if (!isMonth(chosen)) throw new RangeError(`Not a month (YYYY-MM): ${JSON.stringify(chosen)}`);
  const bounds = monthBounds(chosen);
  const monthDays = daysOf(bounds).map((date) => ({ date, visits: on(date).visits, durationSeconds: on(date).durationSeconds }));
  const before = addMonths(chosen, -1);
  const after = addMonths(chosen, 1);

  const trendMonths = Array.from({ length: 12 }, (_, i) => addMonths(currentMonth, i - 11));
  const rowsByMonth = new Map<Month, StudentDayCounts[]>();
  for (const row of rows) {
    const list = rowsByMonth.get(monthOf(row.day));
    if (list) list.push(row);
    else rowsByMonth.set(monthOf(row.day), [row]);
  }

  return {
    totals: { durationSeconds, visits, activeDays, lastVisit: lastVisit === null ? null : lastVisit.toISOString() },
    perActiveDay: { durationSeconds: averageOrNull(durationSeconds, activeDays), visits: averageOrNull(visits, activeDays, 2) },
    weekToWeek: {
      thisWeekSeconds,
      previousWeekSeconds,
      changePercent: previousWeekSeconds === 0 ? null : roundHalfAwayFromZero(((thisWeekSeconds - previousWeekSeconds) * 100) / previousWeekSeconds, 1),
      thisWeek,
      previousWeek,
    },
    days,
    communication: communicationOf(rows),
    month: {
      month: chosen,
      ...bounds,
      days: monthDays,
      visits: monthDays.reduce((sum, day) => sum + day.visits, 0),
      durationSeconds: monthDays.reduce((sum, day) => sum + day.durationSeconds, 0),
      previousMonth: before >= earliestMonth ? before : null,
      nextMonth: after <= currentMonth ? after : null,
    },
    communicationTrend: trendMonths.map((m) => ({ month: m, ...communicationOf(rowsByMonth.get(m) ?? []) })),
  };
}
