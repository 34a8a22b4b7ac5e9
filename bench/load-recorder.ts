/**
 * What the load benchmark's requests got, per request class: each answer's latency and status,
 * for the whole run and for the interval since the last progress line. Latency is counted from
 * the instant the scheduler meant to send the request (not when it went out), so time spent
 * waiting for a connection or behind a slow answer counts — an open-loop load's honest latency.
 */

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface ClassStats extends LatencySummary {
  name: string;
  /** Answers per second of the run. */
  ratePerSecond: number;
  /** Every answer by status (`error CODE`: no answer, with the socket's error code; `timeout`; `backlog`: not sent, the client was too far behind). */
  statuses: Record<string, number>;
  /** The statuses that are not 2xx. */
  errors: Record<string, number>;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Nearest rank, as the other benchmarks count it. */
function percentile(sorted: ArrayLike<number>, p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export function latencySummary(values: readonly number[]): LatencySummary {
  // A typed array sorts numerically, and fast (a 10-minute run has over 100,000 answers).
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50: round1(percentile(sorted, 0.5)),
    p95: round1(percentile(sorted, 0.95)),
    p99: round1(percentile(sorted, 0.99)),
    max: round1(percentile(sorted, 1)),
  };
}

export const isSuccess = (status: string): boolean => /^2\d\d$/.test(status);

interface ClassRecord {
  latencies: number[];
  statuses: Map<string, number>;
  interval: number[];
  intervalStatuses: Map<string, number>;
}

export class LoadRecorder {
  readonly #classes = new Map<string, ClassRecord>();

  /** Classes are listed in this order (the others as they first answer). */
  constructor(classNames: readonly string[]) {
    for (const name of classNames) this.#class(name);
  }

  #class(name: string): ClassRecord {
    let c = this.#classes.get(name);
    if (!c) this.#classes.set(name, (c = { latencies: [], statuses: new Map(), interval: [], intervalStatuses: new Map() }));
    return c;
  }

  record(className: string, latencyMs: number, status: number | string): void {
    const c = this.#class(className);
    const key = String(status);
    c.statuses.set(key, (c.statuses.get(key) ?? 0) + 1);
    c.intervalStatuses.set(key, (c.intervalStatuses.get(key) ?? 0) + 1);
    // A request never answered has no latency to speak of; its count is in the statuses.
    if (key !== 'backlog') {
      c.latencies.push(latencyMs);
      c.interval.push(latencyMs);
    }
  }

  /** Per class since the previous call: latencies of the answers and their statuses; and the latencies of the classes named in `combine` as one. */
  takeInterval(combine: readonly string[]): { classes: Array<{ name: string; latency: LatencySummary; statuses: Record<string, number> }>; combined: LatencySummary } {
    const together: number[] = [];
    const classes = [...this.#classes].map(([name, c]) => {
      const result = { name, latency: latencySummary(c.interval), statuses: Object.fromEntries(c.intervalStatuses) };
      if (combine.includes(name)) for (const l of c.interval) together.push(l);
      c.interval = [];
      c.intervalStatuses = new Map();
      return result;
    });
    return { classes, combined: latencySummary(together) };
  }

  /** Per class over the run of `seconds`. */
  summary(seconds: number): ClassStats[] {
    return [...this.#classes].map(([name, c]) => this.#stats(name, c.latencies, c.statuses, seconds));
  }

  /** The classes named, as one (e.g. every report request). */
  combined(name: string, classNames: readonly string[], seconds: number): ClassStats {
    const latencies: number[] = [];
    const statuses = new Map<string, number>();
    for (const className of classNames) {
      const c = this.#classes.get(className);
      if (!c) continue;
      for (const l of c.latencies) latencies.push(l);
      for (const [status, n] of c.statuses) statuses.set(status, (statuses.get(status) ?? 0) + n);
    }
    return this.#stats(name, latencies, statuses, seconds);
  }

  #stats(name: string, latencies: number[], statuses: Map<string, number>, seconds: number): ClassStats {
    const all = Object.fromEntries([...statuses].sort(([a], [b]) => a.localeCompare(b)));
    const errors = Object.fromEntries(Object.entries(all).filter(([status]) => !isSuccess(status)));
    const answered = [...statuses.values()].reduce((a, b) => a + b, 0);
    return { name, ...latencySummary(latencies), count: answered, ratePerSecond: round1(answered / Math.max(seconds, 0.001)), statuses: all, errors };
  }
}
