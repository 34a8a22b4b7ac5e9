/**
 * The report metrics: pure functions over plain values (no database, no clock, no I/O). The rest
 * of the app imports from here, never from the files behind it.
 */
export {
  DEFAULT_SESSION_PARAMS,
  sessionise,
  sessionParams,
  type SessionParams,
  type TimedEvent,
  type Visit,
} from './sessions.js';
export { dailyRollup, type DayRollup } from './daily-rollup.js';
export { addDays, assertTimeZone, daysBetween, isoWeekday, localDay, localDayStart, type Day } from './local-day.js';
export { averageOrNull, roundHalfAwayFromZero } from './rounding.js';
