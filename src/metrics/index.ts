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
export { addDays, assertTimeZone, dayRange, daysBetween, isoWeekday, localDay, localDayStart, type Day } from './local-day.js';
export { averageOrNull, roundHalfAwayFromZero } from './rounding.js';
export { matchesSearch, searchKey } from './name-search.js';
export {
  OVERVIEW_DAYS,
  overviewFigures,
  type OverviewDay,
  type OverviewDayRow,
  type OverviewFigures,
  type OverviewInput,
  type OverviewListRow,
  type OverviewStudent,
  type StudentDay,
} from './overview.js';
export { addMonths, isMonth, monthBounds, monthOf, type Month } from './calendar-month.js';
export {
  lastTwelveMonths,
  reportWeeks,
  studentFigures,
  type CommunicationCounts,
  type DayRange,
  type DetailDay,
  type MonthFigures,
  type StudentDayCounts,
  type StudentFigures,
  type StudentFiguresInput,
} from './details.js';
export { heatMap, type HeatLegendStep, type HeatLevel, type HeatMap, type HeatMapCell, type HeatMapWeek } from './heat-map.js';
