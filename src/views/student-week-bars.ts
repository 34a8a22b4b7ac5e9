/**
 * The 7 small bars of a student's row in the overview (activity-reports.md: bar = Σ duration of
 * the student's visits that day; tooltip date, visits, duration; no tooltip on a day without
 * visits). A list can hold a thousand students, so these are not Vega charts but a few SVG
 * rectangles per row, drawn by the template from this geometry: plain SVG attributes, without
 * script or inline style, which a strict CSP would refuse. All rows share one scale, `scaleSeconds` (the
 * longest day in the list), so that bars compare across students.
 */
import type { StudentDay } from '../metrics/index.js';

const WIDTH = 8;
const GAP = 3;
const HEIGHT = 24;

/**
 * The drawing's size in SVG units (the template draws it at this size in CSS pixels). A mark under
 * each day's slot, so that empty days keep their place, is the drawing's background (app.css): one
 * 8-of-11-pixel line repeated, instead of an element per day in each of a thousand rows.
 */
export const WEEK_BARS = {
  width: 7 * WIDTH + 6 * GAP,
  height: HEIGHT,
  barWidth: WIDTH,
  gap: GAP,
} as const;

/** A day with visits is at least this high, so that a one-minute day is still seen. */
const MIN_HEIGHT = 2;

export interface WeekBar {
  date: string;
  visits: number;
  durationSeconds: number;
  /** Left edge of the day's slot. */
  x: number;
  /** Top of the bar and its height; 0 on a day without visits (nothing is drawn). */
  y: number;
  height: number;
  /** The tooltip ("date: visits, duration"); null on a day without visits (no tooltip). */
  label: string | null;
}

/** The words of a bar: `dayLabel` is asked only for days with visits. */
export interface WeekBarText {
  dayLabel(day: StudentDay): string;
}

export function studentWeekBars(days: readonly StudentDay[], scaleSeconds: number, text: WeekBarText): WeekBar[] {
  const { height, barWidth, gap } = WEEK_BARS;
  return days.map((day, i) => {
    const x = i * (barWidth + gap);
    if (day.visits === 0) return { date: day.date, visits: 0, durationSeconds: day.durationSeconds, x, y: height, height: 0, label: null };
    const scaled = scaleSeconds > 0 ? Math.round((day.durationSeconds / scaleSeconds) * height * 10) / 10 : 0;
    const barHeight = Math.min(height, Math.max(MIN_HEIGHT, scaled));
    return { date: day.date, visits: day.visits, durationSeconds: day.durationSeconds, x, y: Math.round((height - barHeight) * 10) / 10, height: barHeight, label: text.dayLabel(day) };
  });
}

/** The scale of a list's bars: its longest student-day, in seconds (0 when nobody visited). */
export function weekBarsScale(weeks: readonly (readonly StudentDay[])[]): number {
  let longest = 0;
  for (const week of weeks) for (const day of week) if (day.durationSeconds > longest) longest = day.durationSeconds;
  return longest;
}
