/**
 * The heat map of one student's last 12 months (activity-reports.md, "Activity Details"): one cell
 * per day, in ISO-week columns (Monday first) and weekday rows, with both measures the page toggles
 * between — visit duration (with visits) and actions taken (with resources, activities,
 * communication) — and for each measure a level 0–4 the page shows as shade *and* as a number or
 * pattern, so that it reads without colour.
 *
 * The level rule, per measure, over the cells of the map:
 *   - 0 when the value is 0 (no activity of that measure that day);
 *   - otherwise ceil(4 × m), where m = (#non-zero values below v + #non-zero values at most v) ÷
 *     (2 × #non-zero values) is v's mid-rank share among the non-zero values (the mid-distribution
 *     quantile). So the active days fall into quarters by rank: 1 = the lowest quarter … 4 = the
 *     highest, whatever the student's own scale; equal values always share a level; the largest
 *     value is level 4 unless half or more of the active days share it (all equal: all are 2,
 *     "as usual"); a lone outlier does not flatten every other day to level 1 as a scale of
 *     fractions of the maximum would.
 * The legend gives, per level in use, the smallest and largest value it holds.
 */
import { monthOf, type Month } from './calendar-month.js';
import { addDays, isoWeekday, type Day } from './local-day.js';
import type { DetailDay } from './details.js';

export type HeatLevel = 0 | 1 | 2 | 3 | 4;

export interface HeatMapCell extends DetailDay {
  /** ISO weekday, 1 = Monday (the cell's row). */
  weekday: number;
  durationLevel: HeatLevel;
  actionsLevel: HeatLevel;
}

export interface HeatMapWeek {
  /** The Monday of the column. */
  monday: Day;
  /** Monday to Sunday; null for a day outside the 12 months (before the first, after today). */
  cells: (HeatMapCell | null)[];
}

export interface HeatLegendStep {
  level: Exclude<HeatLevel, 0>;
  min: number;
  max: number;
}

export interface HeatMap {
  from: Day;
  to: Day;
  weeks: HeatMapWeek[];
  /** One label per month the map shows, at the column (index into `weeks`) of its first day in the map. */
  months: { month: Month; week: number }[];
  /** Per measure, the value range of each level in use (level 0 is always exactly 0). */
  legend: { duration: HeatLegendStep[]; actions: HeatLegendStep[] };
}

/** The level of each value (see the rule above), for one measure. */
function levelsOf(values: readonly number[]): { levels: HeatLevel[]; legend: HeatLegendStep[] } {
  const active = values.filter((v) => v > 0).sort((a, b) => a - b);
  const n = active.length;
  // One pass over the sorted values: a run of equal values [i, j) has i values below it and j at most it.
  const levelByValue = new Map<number, HeatLevel>();
  for (let i = 0; i < n; ) {
    let j = i;
    while (j < n && active[j] === active[i]) j += 1;
    // 4 × (i + j) / (2n), in integers so that a whole quarter is not nudged up by rounding.
    levelByValue.set(active[i]!, Math.ceil((2 * (i + j)) / n) as HeatLevel);
    i = j;
  }
  const levels = values.map((v): HeatLevel => (v > 0 ? levelByValue.get(v)! : 0));
  const ranges = new Map<HeatLevel, HeatLegendStep>();
  for (const v of active) {
    const level = levelByValue.get(v)! as Exclude<HeatLevel, 0>;
    const range = ranges.get(level);
    if (range) range.max = v;
    else ranges.set(level, { level, min: v, max: v });
  }
  return { levels, legend: [...ranges.values()] };
}

/** The heat map of `days`: consecutive days, oldest first (details.ts's 12 months). */
export function heatMap(days: readonly DetailDay[]): HeatMap {
  if (days.length === 0) throw new RangeError('a heat map needs at least one day');
  const from = days[0]!.date;
  const to = days[days.length - 1]!.date;
  const duration = levelsOf(days.map((d) => d.durationSeconds));
  const actions = levelsOf(days.map((d) => d.actions));

  const weeks: HeatMapWeek[] = [];
  const months: { month: Month; week: number }[] = [];
  // The days are consecutive: the weekday steps by one from the first. The cell is written out
  // field by field: a spread of the day made each page's map cost milliseconds (V8's spread plus
  // added fields builds every cell's shape anew), which under load was 5 % of the server's CPU.
  let weekday = isoWeekday(from);
  days.forEach((day, i) => {
    if (i === 0 || weekday === 1) weeks.push({ monday: addDays(day.date, 1 - weekday), cells: [null, null, null, null, null, null, null] });
    if (i === 0 || day.date.endsWith('-01')) months.push({ month: monthOf(day.date), week: weeks.length - 1 });
    weeks[weeks.length - 1]!.cells[weekday - 1] = {
      date: day.date,
      visits: day.visits,
      durationSeconds: day.durationSeconds,
      actions: day.actions,
      resources: day.resources,
      activities: day.activities,
      communication: day.communication,
      weekday,
      durationLevel: duration.levels[i]!,
      actionsLevel: actions.levels[i]!,
    };
    weekday = weekday === 7 ? 1 : weekday + 1;
  });
  return { from, to, weeks, months, legend: { duration: duration.legend, actions: actions.legend } };
}
