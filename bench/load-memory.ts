/**
 * Is the server's memory flat? A least-squares line through the samples of the run's second half
 * (the first half holds the warm-up: JIT, caches, pools, the heap growing to its working size),
 * in MB a minute. The verdict compares the change that line makes across the half with the
 * noise around it: "flat" when the change is within twice the residuals' standard deviation (or
 * within 2 % of the mean: a garbage collector's sawtooth is not a trend), "growing" or
 * "shrinking" beyond it. A leak shows as "growing" on a long run; a short run has few samples and
 * a wide noise band, so its verdict says little.
 */

export interface MemoryTrend {
  /** Samples in the second half. */
  samples: number;
  slopeMbPerMinute: number;
  /** The line's change across the second half, MB. */
  changeMb: number;
  /** The band a change must leave to count, MB. */
  noiseMb: number;
  verdict: 'flat' | 'growing' | 'shrinking' | 'too few samples';
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Fewer samples than this in the second half give no verdict. */
const MIN_SAMPLES = 4;

export function memoryTrend(points: ReadonlyArray<{ seconds: number; mb: number }>): MemoryTrend {
  if (points.length === 0) return { samples: 0, slopeMbPerMinute: 0, changeMb: 0, noiseMb: 0, verdict: 'too few samples' };
  const end = points[points.length - 1]!.seconds;
  const half = points.filter((p) => p.seconds >= end / 2);
  const n = half.length;
  if (n < MIN_SAMPLES) return { samples: n, slopeMbPerMinute: 0, changeMb: 0, noiseMb: 0, verdict: 'too few samples' };
  const xs = half.map((p) => p.seconds / 60);
  const ys = half.map((p) => p.mb);
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  let residuals = 0;
  for (let i = 0; i < n; i++) residuals += (ys[i]! - (my + slope * (xs[i]! - mx))) ** 2;
  const sd = Math.sqrt(residuals / (n - 2));
  const change = slope * (xs[n - 1]! - xs[0]!);
  const noise = Math.max(2 * sd, 0.02 * my);
  const verdict = Math.abs(change) <= noise ? 'flat' : change > 0 ? 'growing' : 'shrinking';
  return { samples: n, slopeMbPerMinute: round2(slope), changeMb: round2(change), noiseMb: round2(noise), verdict };
}
