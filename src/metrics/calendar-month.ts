/**
 * Calendar months, `YYYY-MM`: the unit the activity-per-day chart steps by and the communication
 * trend is counted in. Pure calendar arithmetic on {@link Day}s (no time zone: a day already is one).
 */
import { addDays, type Day } from './local-day.js';

/** A calendar month, `YYYY-MM`. */
export type Month = string;

const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

/**
 * True for a well-formed, real month. Years before 1000 are refused: Date.UTC, which the day
 * arithmetic stands on, reads the years 0–99 as 1900–1999.
 */
export function isMonth(value: string): boolean {
  const match = MONTH_PATTERN.exec(value);
  return match !== null && Number(match[1]) >= 1000;
}

function parseMonth(month: Month): { year: number; month: number } {
  if (!isMonth(month)) throw new RangeError(`Not a month (YYYY-MM): ${JSON.stringify(month)}`);
  return { year: Number(month.slice(0, 4)), month: Number(month.slice(5, 7)) };
}

/** The month `day` is in. */
export function monthOf(day: Day): Month {
  return day.slice(0, 7);
}

/** The month `months` months after `month` (negative: before). */
export function addMonths(month: Month, months: number): Month {
  if (!Number.isInteger(months)) throw new RangeError(`Not a whole number of months: ${months}`);
  const { year, month: m } = parseMonth(month);
  const index = year * 12 + (m - 1) + months;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The first and last day of `month`. */
export function monthBounds(month: Month): { from: Day; to: Day } {
  parseMonth(month);
  return { from: `${month}-01`, to: addDays(`${addMonths(month, 1)}-01`, -1) };
}
