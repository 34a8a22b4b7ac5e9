/**
 * The unit of a duration axis. Minutes read best up to two hours; beyond that an axis of
 * 0–480 minutes reads worse than 0–8 hours, so the longest value drawn chooses.
 */
export type DurationUnit = 'minutes' | 'hours';

const SECONDS: Record<DurationUnit, number> = { minutes: 60, hours: 3600 };

export function durationUnit(longestSeconds: number): DurationUnit {
  return longestSeconds >= 2 * 3600 ? 'hours' : 'minutes';
}

/** `seconds` in `unit`, to two decimals: bar heights, not figures anyone reads as numbers. */
export function inUnit(seconds: number, unit: DurationUnit): number {
  return Math.round((seconds / SECONDS[unit]) * 100) / 100;
}
