/**
 * A small metrics registry and its Prometheus text exposition (format 0.0.4): counters, gauges
 * and histograms, each a family of samples told apart by a fixed set of labels. Written here
 * rather than taken from prom-client because CoursePulse needs only these three types and the
 * text format, and every dependency is one more thing to audit and upgrade.
 *
 * Families render in the order they were registered, their samples in the order their label sets
 * first appeared. Gauges may be given a `collect` function that sets their values just before
 * each exposition (memory, the database pool), so nothing polls between scrapes.
 */

/** The content type of {@link MetricsRegistry.expose}'s text. */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export type LabelValues<L extends string> = Readonly<Record<L, string>>;

type MetricType = 'counter' | 'gauge' | 'histogram';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

interface FamilyOptions<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
}

/** One label set's key: the values in labelNames order (label values may hold any text). */
const keyOf = (values: readonly string[]): string => JSON.stringify(values);

abstract class Family<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  abstract readonly type: MetricType;

  constructor({ name, help, labelNames = [] }: FamilyOptions<L>) {
    if (!METRIC_NAME.test(name)) throw new Error(`metric name ${name} is not valid`);
    for (const label of labelNames) {
      if (!LABEL_NAME.test(label) || label.startsWith('__') || label === 'le') throw new Error(`label name ${label} of ${name} is not valid`);
    }
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
  }

  /** The label values in labelNames order; a missing or unknown label is a programming error. */
  protected valuesOf(labels: LabelValues<L> | undefined): string[] {
    const given = (labels ?? {}) as Record<string, string>;
    const names = Object.keys(given);
    if (names.length !== this.labelNames.length || names.some((n) => !this.labelNames.includes(n as L))) {
      throw new Error(`${this.name} takes the labels [${this.labelNames.join(', ')}], not [${names.join(', ')}]`);
    }
    return this.labelNames.map((n) => String(given[n]));
  }

  abstract lines(): string[];

  protected header(): string[] {
    return [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`];
  }

  protected sample(name: string, names: readonly string[], values: readonly string[], value: number): string {
    const labels = names.map((n, i) => `${n}="${escapeLabelValue(values[i]!)}"`).join(',');
    return `${name}${labels ? `{${labels}}` : ''} ${formatValue(value)}`;
  }
}

/** A value that only goes up (requests, statements). Names end in `_total`. */
export class Counter<L extends string = never> extends Family<L> {
  readonly type = 'counter';
  private readonly values = new Map<string, { labels: string[]; value: number }>();

  constructor(options: FamilyOptions<L>) {
    super(options);
    if (!options.name.endsWith('_total')) throw new Error(`counter ${options.name} must end in _total`);
  }

  inc(labels: LabelValues<L>, by = 1): void {
    if (!(by >= 0)) throw new Error(`${this.name} can only go up (by ${by})`);
    const values = this.valuesOf(labels);
    const key = keyOf(values);
    const entry = this.values.get(key);
    if (entry) entry.value += by;
    else this.values.set(key, { labels: values, value: by });
  }

  /** Shows a label set at 0 before it first happens, so rates and alerts see it from the start. */
  init(labels: LabelValues<L>): void {
    this.inc(labels, 0);
  }

  lines(): string[] {
    return [...this.header(), ...[...this.values.values()].map((e) => this.sample(this.name, this.labelNames, e.labels, e.value))];
  }
}

/** A value that goes up and down (memory, connections), set when it changes or at collection. */
export class Gauge<L extends string = never> extends Family<L> {
  readonly type = 'gauge';
  private values = new Map<string, { labels: string[]; value: number }>();

  constructor(
    options: FamilyOptions<L>,
    /** Sets the values just before each exposition; the samples it does not set are dropped. */
    private readonly collect?: (gauge: Gauge<L>) => void,
  ) {
    super(options);
  }

  set(labels: LabelValues<L>, value: number): void {
    const values = this.valuesOf(labels);
    this.values.set(keyOf(values), { labels: values, value });
  }

  lines(): string[] {
    if (this.collect) {
      this.values = new Map();
      this.collect(this);
    }
    return [...this.header(), ...[...this.values.values()].map((e) => this.sample(this.name, this.labelNames, e.labels, e.value))];
  }
}

/** Observations counted into cumulative buckets (durations), with their sum and count. */
export class Histogram<L extends string = never> extends Family<L> {
  readonly type = 'histogram';
  private readonly buckets: readonly number[];
  private readonly values = new Map<string, { labels: string[]; counts: number[]; sum: number; count: number }>();

  constructor(options: FamilyOptions<L> & { buckets: readonly number[] }) {
    super(options);
    const { buckets } = options;
    if (buckets.length === 0 || buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= buckets[i - 1]!))) {
      throw new Error(`the buckets of ${options.name} must be finite and increasing`);
    }
    this.buckets = buckets;
  }

  observe(labels: LabelValues<L>, value: number): void {
    const values = this.valuesOf(labels);
    const key = keyOf(values);
    let entry = this.values.get(key);
    if (!entry) this.values.set(key, (entry = { labels: values, counts: this.buckets.map(() => 0), sum: 0, count: 0 }));
    // Each observation lands in its smallest bucket; exposition makes the counts cumulative.
    const index = this.buckets.findIndex((upper) => value <= upper);
    if (index >= 0) entry.counts[index]!++;
    entry.sum += value;
    entry.count++;
  }

  lines(): string[] {
    const out = this.header();
    const names = [...this.labelNames, 'le'];
    for (const e of this.values.values()) {
      let cumulative = 0;
      this.buckets.forEach((upper, i) => {
        cumulative += e.counts[i]!;
        out.push(this.sample(`${this.name}_bucket`, names, [...e.labels, formatValue(upper)], cumulative));
      });
      out.push(this.sample(`${this.name}_bucket`, names, [...e.labels, '+Inf'], e.count));
      out.push(this.sample(`${this.name}_sum`, this.labelNames, e.labels, e.sum));
      out.push(this.sample(`${this.name}_count`, this.labelNames, e.labels, e.count));
    }
    return out;
  }
}

export class MetricsRegistry {
  private readonly families = new Map<string, Family<string>>();

  counter<L extends string = never>(options: FamilyOptions<L>): Counter<L> {
    return this.add(new Counter(options));
  }

  gauge<L extends string = never>(options: FamilyOptions<L>, collect?: (gauge: Gauge<L>) => void): Gauge<L> {
    return this.add(new Gauge(options, collect));
  }

  histogram<L extends string = never>(options: FamilyOptions<L> & { buckets: readonly number[] }): Histogram<L> {
    return this.add(new Histogram(options));
  }

  /** Every family in the text exposition format, ending in a newline. */
  expose(): string {
    return `${[...this.families.values()].flatMap((family) => family.lines()).join('\n')}\n`;
  }

  private add<F extends Family<string>>(family: F): F {
    if (this.families.has(family.name)) throw new Error(`metric ${family.name} is registered twice`);
    this.families.set(family.name, family);
    return family;
  }
}

/** HELP text: backslash and line feed escaped. */
const escapeHelp = (text: string): string => text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

/** Label values: backslash, double quote and line feed escaped. */
const escapeLabelValue = (text: string): string => text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** A sample value (or an `le` bound) as Prometheus reads it: +Inf, -Inf, NaN or a plain number. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
