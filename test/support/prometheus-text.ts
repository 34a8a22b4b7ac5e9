/**
 * A strict reader of the Prometheus text exposition format 0.0.4, for the /metrics tests: it
 * throws on anything a scraper could misread — a line that is neither a comment nor a sample, a
 * sample of no declared family or before its family's HELP and TYPE, a family declared twice,
 * a label set twice, histogram buckets that are not cumulative or do not end in +Inf with _sum
 * and _count matching. Independent of src/observability/ on purpose: it checks the format, not
 * our idea of it.
 */

export type FamilyType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Exposition {
  families: Map<string, { type: FamilyType; help: string }>;
  /** Every sample by its series key, `name{a="x",b="y"}` (labels as written). */
  samples: Map<string, number>;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\["\\n])*)"(,|$)/;

function parseValue(text: string, line: string): number {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  if (!/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(text)) throw new Error(`not a sample value: ${line}`);
  return Number(text);
}

function parseLabels(text: string, line: string): Array<[string, string]> {
  const labels: Array<[string, string]> = [];
  let rest = text;
  while (rest.length > 0) {
    const m = LABEL.exec(rest);
    if (!m) throw new Error(`malformed labels: ${line}`);
    if (labels.some(([n]) => n === m[1])) throw new Error(`label ${m[1]} twice: ${line}`);
    labels.push([m[1]!, m[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\')]);
    rest = rest.slice(m[0].length);
  }
  return labels;
}

/** The family a sample name belongs to, given the declared families. */
function familyOf(name: string, families: Exposition['families']): string | undefined {
  if (families.has(name)) {
    const type = families.get(name)!.type;
    return type === 'histogram' ? undefined : name;
  }
  for (const suffix of ['_bucket', '_sum', '_count']) {
    const base = name.slice(0, -suffix.length);
    if (name.endsWith(suffix) && families.get(base)?.type === 'histogram') return base;
  }
  return undefined;
}

export function parseExposition(text: string): Exposition {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const families: Exposition['families'] = new Map();
  const helps = new Map<string, string>();
  const samples = new Map<string, number>();
  /** Histogram series (labels without le) → their buckets in order, sum and count. */
  const histograms = new Map<string, { family: string; buckets: Array<[string, number]>; sum?: number; count?: number }>();
  let current: string | undefined;

  for (const line of text.slice(0, -1).split('\n')) {
    if (line === '') continue;
    const help = new RegExp(`^# HELP (${NAME}) (.*)$`).exec(line);
    if (help) {
      if (helps.has(help[1]!) || families.has(help[1]!)) throw new Error(`HELP after TYPE or twice: ${line}`);
      helps.set(help[1]!, help[2]!);
      current = help[1];
      continue;
    }
    const type = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`).exec(line);
    if (type) {
      if (families.has(type[1]!)) throw new Error(`family declared twice: ${line}`);
      if (!helps.has(type[1]!)) throw new Error(`TYPE without HELP before it: ${line}`);
      families.set(type[1]!, { type: type[2] as FamilyType, help: helps.get(type[1]!)! });
      current = type[1];
      continue;
    }
    if (line.startsWith('#')) throw new Error(`unexpected comment: ${line}`);
    const sample = SAMPLE.exec(line);
    if (!sample) throw new Error(`not a sample line: ${line}`);
    const [, name, labelText = '', valueText] = sample;
    const family = familyOf(name!, families);
    if (family === undefined) throw new Error(`sample of no declared family: ${line}`);
    if (family !== current) throw new Error(`sample away from its family's HELP and TYPE: ${line}`);
    const key = `${name}${labelText ? `{${labelText}}` : ''}`;
    if (samples.has(key)) throw new Error(`series twice: ${line}`);
    const labels = parseLabels(labelText, line);
    const value = parseValue(valueText!, line);
    samples.set(key, value);
    const familyType = families.get(family)!.type;
    if (familyType === 'counter' && !(value >= 0)) throw new Error(`a counter below 0: ${line}`);
    if (familyType === 'counter' && !name!.endsWith('_total')) throw new Error(`a counter not named _total: ${line}`);
    if (familyType === 'histogram') {
      const series = `${family}{${labels.filter(([n]) => n !== 'le').map(([n, v]) => `${n}=${JSON.stringify(v)}`).join(',')}}`;
      let h = histograms.get(series);
      if (!h) histograms.set(series, (h = { family, buckets: [] }));
      if (name!.endsWith('_bucket')) {
        const le = labels.find(([n]) => n === 'le')?.[1];
        if (le === undefined) throw new Error(`a bucket without le: ${line}`);
        if (h.sum !== undefined || h.count !== undefined) throw new Error(`a bucket after _sum/_count: ${line}`);
        h.buckets.push([le, value]);
      } else if (name!.endsWith('_sum')) h.sum = value;
      else h.count = value;
    }
  }

  for (const [series, h] of histograms) {
    if (h.buckets.length === 0) throw new Error(`${series}: no buckets`);
    const bounds = h.buckets.map(([le]) => parseValue(le, series));
    const counts = h.buckets.map(([, c]) => c);
    if (h.buckets[h.buckets.length - 1]![0] !== '+Inf') throw new Error(`${series}: the last bucket is not le="+Inf"`);
    for (let i = 1; i < bounds.length; i++) {
      if (!(bounds[i]! > bounds[i - 1]!)) throw new Error(`${series}: bucket bounds not increasing`);
      if (counts[i]! < counts[i - 1]!) throw new Error(`${series}: buckets not cumulative`);
    }
    if (h.sum === undefined || h.count === undefined) throw new Error(`${series}: _sum or _count missing`);
    if (h.count !== counts[counts.length - 1]) throw new Error(`${series}: _count ${h.count} is not the +Inf bucket ${counts[counts.length - 1]}`);
  }
  return { families, samples };
}

/**
 * How the counters (and histogram counts) moved from `before` to `after`: series key → increase,
 * only the ones that moved. Gauges, histogram buckets and sums (timings) are left out.
 */
export function counterIncreases(before: Exposition, after: Exposition): Record<string, number> {
  const moved: Record<string, number> = {};
  for (const [key, value] of after.samples) {
    const name = key.split('{')[0]!;
    const isCounter = after.families.get(name)?.type === 'counter';
    const isHistogramCount = name.endsWith('_count') && after.families.get(name.slice(0, -'_count'.length))?.type === 'histogram';
    if (!isCounter && !isHistogramCount) continue;
    const increase = value - (before.samples.get(key) ?? 0);
    if (increase !== 0) moved[key] = increase;
  }
  return moved;
}
