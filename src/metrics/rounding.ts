/**
 * The reports' rounding (activity-reports.md, "Rounding"): half away from zero, never the
 * banker's rounding of toFixed or Intl. Math.round rounds −2.5 to −2, so it is not used alone.
 */

/** `value` rounded half away from zero to `decimals` places (0 → whole numbers). */
export function roundHalfAwayFromZero(value: number, decimals = 0): number {
  const factor = 10 ** decimals;
  // The epsilon absorbs binary noise such as 1.005 * 100 = 100.49999999999999.
  const scaled = Math.abs(value) * factor * (1 + Number.EPSILON);
  const rounded = Math.round(scaled) / factor;
  // No −0: it prints as 0 but is not deep-equal to 0.
  return value < 0 && rounded !== 0 ? -rounded : rounded;
}

/** `sum ÷ count` rounded as the reports round averages, or null when nothing was counted. */
export function averageOrNull(sum: number, count: number, decimals = 0): number | null {
  return count === 0 ? null : roundHalfAwayFromZero(sum / count, decimals);
}
