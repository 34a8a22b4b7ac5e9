/**
 * Calendar days in a course's time zone (activity-reports.md, "day"), with Intl only: the zone
 * rules come from the ICU data Node ships, so DST changes, half-hour shifts (Australia/Lord_Howe)
 * and zones whose midnight is skipped (America/Santiago) are right without a date library.
 *
 * A day is written `YYYY-MM-DD` (proleptic Gregorian, four-digit year), the form PostgreSQL's
 * `date` is read back as (`src/models/database.ts`), so days compare and sort as strings.
 */

/** A calendar day, `YYYY-MM-DD`. */
export type Day = string;

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

// One formatter per zone: building an Intl.DateTimeFormat costs far more than formatting with it.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // Throws RangeError for a zone ICU does not know — the caller's mistake, not data to skip.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Throws a RangeError naming the zone when `timeZone` is not an IANA zone Intl knows. */
export function assertTimeZone(timeZone: string): void {
  try {
    formatterFor(timeZone);
  } catch {
    throw new RangeError(`Unknown time zone: ${JSON.stringify(timeZone)}`);
  }
}

/** The local calendar day in `timeZone` of `at`, straight from Intl (slow: a formatToParts call). */
function formatDay(at: number, timeZone: string): Day {
  let year = '';
  let month = '';
  let day = '';
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type === 'year') year = part.value;
    else if (part.type === 'month') month = part.value;
    else if (part.type === 'day') day = part.value;
  }
  return `${year.padStart(4, '0')}-${month}-${day}`;
}

/**
 * Known local days as intervals [start, end), per zone and UTC day number of the instants that
 * found them. A local day is one contiguous interval of time, so an instant inside a known one is
 * on that day: most calls (a batch's events fall on a few days) then cost a lookup, not an Intl
 * call — measured: localDay was the largest single cost of recomputing a batch.
 */
const knownDays = new Map<string, Map<number, { start: number; end: number; day: Day }[]>>();
const KNOWN_DAYS_LIMIT = 50_000;

/** The local calendar day in `timeZone` of the instant `at` (epoch ms). */
export function localDay(at: number, timeZone: string): Day {
  if (!Number.isFinite(at)) throw new RangeError(`Not an instant: ${at}`);
  assertTimeZone(timeZone);
  let zone = knownDays.get(timeZone);
  if (!zone || zone.size > KNOWN_DAYS_LIMIT) knownDays.set(timeZone, (zone = new Map()));
  const bucket = Math.floor(at / DAY_MS);
  const intervals = zone.get(bucket);
  for (const known of intervals ?? []) if (at >= known.start && at < known.end) return known.day;
  const day = formatDay(at, timeZone);
  const interval = { start: localDayStart(day, timeZone), end: localDayStart(addDays(day, 1), timeZone), day };
  if (at >= interval.start && at < interval.end) zone.set(bucket, [...(intervals ?? []), interval]);
  return day;
}

function parseDay(day: Day): { year: number; month: number; date: number } {
  const match = DAY_PATTERN.exec(day);
  if (match) {
    const year = Number(match[1]);
    const month = Number(match[2]);
    const date = Number(match[3]);
    // Round-trip through Date.UTC so that 2023-02-29 or 2024-13-01 are refused, not rolled over.
    const check = new Date(Date.UTC(year, month - 1, date));
    if (check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === date) {
      return { year, month, date };
    }
  }
  throw new RangeError(`Not a day (YYYY-MM-DD): ${JSON.stringify(day)}`);
}

// The same days are turned into numbers and back on every report (a student page steps through a
// year of them several times), through a regular expression, a Date and an ISO string each time:
// both ways are remembered. The days in use are a few thousand; past REMEMBERED_DAYS the memory starts again.
const REMEMBERED_DAYS = 20_000;
const dayOfMidnight = new Map<number, Day>();
const midnightOfDay = new Map<Day, number>();

function remember<K, V>(known: Map<K, V>, key: K, make: () => V): V {
  let value = known.get(key);
  if (value === undefined) {
    value = make();
    if (known.size >= REMEMBERED_DAYS) known.clear();
    known.set(key, value);
  }
  return value;
}

function formatUtcDay(ms: number): Day {
  return remember(dayOfMidnight, ms, () => new Date(ms).toISOString().slice(0, 10));
}

/** Midnight UTC of `day`: the calendar day as a number, for pure calendar arithmetic. */
function utcMidnight(day: Day): number {
  return remember(midnightOfDay, day, () => {
    const { year, month, date } = parseDay(day);
    return Date.UTC(year, month - 1, date);
  });
}

/** The day `days` calendar days after `day` (negative: before). No time zone involved. */
export function addDays(day: Day, days: number): Day {
  if (!Number.isInteger(days)) throw new RangeError(`Not a whole number of days: ${days}`);
  return formatUtcDay(utcMidnight(day) + days * DAY_MS);
}

/** Every day from `from` through `to`, in order (none when `to` is earlier): the two are parsed once, not every day. */
export function dayRange(from: Day, to: Day): Day[] {
  const start = utcMidnight(from);
  const count = Math.round((utcMidnight(to) - start) / DAY_MS) + 1;
  return Array.from({ length: Math.max(0, count) }, (_, i) => formatUtcDay(start + i * DAY_MS));
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: Day, to: Day): number {
  return Math.round((utcMidnight(to) - utcMidnight(from)) / DAY_MS);
}

/** ISO weekday of `day`: 1 = Monday … 7 = Sunday (the report's weeks start on Monday). */
export function isoWeekday(day: Day): number {
  const weekday = new Date(utcMidnight(day)).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

/**
 * The first instant (epoch ms) of `day` in `timeZone`. Usually local 00:00, but not always: where
 * a DST change skips midnight (America/Santiago, 2024-09-08: 00:00 → 01:00) the day starts at
 * the change. `localDayStart(addDays(d, 1)) − localDayStart(d)` is the day's real length: 23 h or
 * 25 h on DST days in Europe/Oslo, 23.5 h or 24.5 h in Australia/Lord_Howe.
 *
 * Found by bisection on `localDay` rather than by offset arithmetic, which has a special case for
 * every kind of transition; local days only move forward with time, so bisection is exact.
 */
export function localDayStart(day: Day, timeZone: string): number {
  const key = `${timeZone}\n${day}`;
  let start = dayStarts.get(key);
  if (start === undefined) {
    assertTimeZone(timeZone);
    if (dayStarts.size > KNOWN_DAYS_LIMIT) dayStarts.clear();
    start = findDayStart(day, timeZone);
    dayStarts.set(key, start);
  }
  return start;
}

const dayStarts = new Map<string, number>();

function findDayStart(day: Day, timeZone: string): number {
  const wall = utcMidnight(day);
  // UTC offsets stay within ±16 h (historic local mean times included), so local midnight of
  // `day` lies within 26 h of the same wall-clock time read as UTC: `low` is still on an earlier
  // day and `high` is on `day` or later.
  let low = wall - 26 * HOUR_MS;
  let high = wall + 26 * HOUR_MS;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (formatDay(middle, timeZone) < day) low = middle;
    else high = middle;
  }
  return high;
}
