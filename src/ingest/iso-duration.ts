/**
 * ISO 8601 durations as xAPI uses them for `result.duration` (xAPI-Data.md §4.6): the format of
 * ISO 8601:2004 §4.4.3.2 only — `PnYnMnDTnHnMnS` or `PnW` — never the alternative format of
 * §4.4.3.3 (`P0003-01-29T04:35:59`), and weeks never combined with other units (`P4W1D` is
 * invalid). Only the lowest-order component present may carry a decimal fraction (ISO 8601:2004
 * §4.4.3.2), written with `.` or `,`.
 */

/** The components of a duration, each as written (a fraction only in the last one). */
export interface IsoDuration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const NUMBER = String.raw`(\d+(?:[.,]\d+)?)`;
const WEEKS = new RegExp(`^P${NUMBER}W$`);
const DATE_TIME = new RegExp(
  `^P(?:${NUMBER}Y)?(?:${NUMBER}M)?(?:${NUMBER}D)?(?:(T)(?:${NUMBER}H)?(?:${NUMBER}M)?(?:${NUMBER}S)?)?$`,
);

/** Seconds in each unit when a duration is turned into seconds (nominal calendar units). */
export const SECONDS_PER = {
  year: 365 * 86_400,
  month: 30 * 86_400,
  week: 7 * 86_400,
  day: 86_400,
  hour: 3_600,
  minute: 60,
} as const;

function toNumber(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text.replace(',', '.'));
}

/** The components of `text`, or null when it is not an ISO 8601 duration in the format xAPI allows. */
export function parseIsoDuration(text: string): IsoDuration | null {
  if (typeof text !== 'string') return null;
  const zero: IsoDuration = { years: 0, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 };
  const weeks = WEEKS.exec(text);
  if (weeks) {
    const value = toNumber(weeks[1])!;
    return Number.isFinite(value) ? { ...zero, weeks: value } : null;
  }
  const match = DATE_TIME.exec(text);
  if (!match) return null;
  const [, y, mo, d, t, h, mi, s] = match;
  const parts = [y, mo, d, h, mi, s];
  const present = parts.filter((p) => p !== undefined);
  // "P" alone, or a "T" with no time component after it ("PT", "P1DT"), is not a duration.
  if (present.length === 0) return null;
  if (t !== undefined && h === undefined && mi === undefined && s === undefined) return null;
  // Only the lowest-order component present may have a fraction ("PT1.5H30M" is invalid).
  if (present.slice(0, -1).some((p) => /[.,]/.test(p!))) return null;
  const result: IsoDuration = {
    years: toNumber(y) ?? 0,
    months: toNumber(mo) ?? 0,
    weeks: 0,
    days: toNumber(d) ?? 0,
    hours: toNumber(h) ?? 0,
    minutes: toNumber(mi) ?? 0,
    seconds: toNumber(s) ?? 0,
  };
  return Object.values(result).every(Number.isFinite) ? result : null;
}

/** Whether `value` is an ISO 8601 duration in the format xAPI allows. */
export function isIsoDuration(value: unknown): value is string {
  return typeof value === 'string' && parseIsoDuration(value) !== null;
}

/**
 * The duration in seconds, or null when `text` is not a valid duration. Years, months and weeks
 * are nominal (365, 30 and 7 days; a day is 24 h): a duration does not say which months it spans,
 * and xAPI durations in practice are hours, minutes and seconds.
 */
export function isoDurationToSeconds(text: string): number | null {
  const d = parseIsoDuration(text);
  if (!d) return null;
  const seconds =
    d.years * SECONDS_PER.year +
    d.months * SECONDS_PER.month +
    d.weeks * SECONDS_PER.week +
    d.days * SECONDS_PER.day +
    d.hours * SECONDS_PER.hour +
    d.minutes * SECONDS_PER.minute +
    d.seconds;
  return Number.isFinite(seconds) ? seconds : null;
}

/**
 * The form of a duration used when two statements are compared: a duration is compared as a string
 * (xAPI-Data.md §2.3.1), but precision beyond 0.01 s is not part of the comparison (§4.6), so the
 * seconds' fraction is cut to two digits (truncated, not rounded) and trailing zeros are dropped
 * (`PT1.1237S`, `PT1.12S` and `PT1.120S` compare equal; `PT1.10S` and `PT1.1S` too).
 */
export function durationComparisonForm(text: string): string {
  return text.replace(/(\d+)[.,](\d+)S$/, (_, whole: string, fraction: string) => {
    const kept = fraction.slice(0, 2).replace(/0+$/, '');
    return kept ? `${whole}.${kept}S` : `${whole}S`;
  });
}
