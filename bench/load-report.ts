/** The load benchmark's results as Markdown tables (for stdout and docs/PERFORMANCE.md). */
import type { Goal } from './load-checks.js';
import type { ClassStats } from './load-recorder.js';
import type { LoadResult, MemorySample } from './load-run.js';

const n = (x: number) => x.toLocaleString('en');

function statuses(c: ClassStats): string {
  const errors = Object.entries(c.errors);
  return errors.length === 0 ? '—' : errors.map(([status, k]) => `${status}: ${n(k)}`).join(', ');
}

export function classTable(r: LoadResult): string {
  const rows = [...r.classes, r.reports].map(
    (c) => `| ${c === r.reports ? `**${c.name}**` : c.name} | ${n(c.count)} | ${c.ratePerSecond} | ${c.p50} | ${c.p95} | ${c.p99} | ${c.max} | ${statuses(c)} |`,
  );
  return ['| request class | answers | per s | p50 ms | p95 ms | p99 ms | max ms | not 2xx |', '|---|---:|---:|---:|---:|---:|---:|---|', ...rows].join('\n');
}

/** About `rows` samples evenly spread over the run (the JSON has them all). */
export function memoryTable(samples: readonly MemorySample[], rows = 20): string {
  const step = Math.max(1, Math.ceil(samples.length / rows));
  const shown = samples.filter((_, i) => i % step === 0 || i === samples.length - 1);
  return [
    '| s | RSS MB | heap used MB | heap total MB | external MB | lag p99 ms | lag max ms | pool waiting |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...shown.map((s) => `| ${Math.round(s.seconds)} | ${s.rssMb} | ${s.heapUsedMb} | ${s.heapTotalMb} | ${s.externalMb} | ${s.lagP99Ms} | ${s.lagMaxMs} | ${s.poolWaiting} |`),
  ].join('\n');
}

export function trendLines(r: LoadResult): string[] {
  const line = (what: string, t: LoadResult['memory']['rss']) =>
    `${what}: ${t.verdict} — ${t.slopeMbPerMinute} MB/min over the second half (${t.samples} samples), a change of ${t.changeMb} MB against a noise band of ${t.noiseMb} MB`;
  return [line('RSS', r.memory.rss), line('heap used', r.memory.heapUsed)];
}

export function ingestLines(r: LoadResult): string[] {
  const i = r.ingest;
  const stored = r.stored.map((s) => `${s.courseId}: ${n(s.stored)} stored / ${n(s.expected)} acknowledged`).join('; ');
  return [
    `ingest: ${n(i.requests)} requests, ${n(i.statementsSent)} statements sent, ${n(i.statementsAcknowledged)} acknowledged (${n(i.acknowledgedPerSecond)}/s), ${n(i.statementsRateLimited)} refused by the rate limit, ${n(i.statementsUncertain)} in failed requests; ${n(i.courseDays)} course-days generated`,
    `stored statements by course (the report course's include its ${n(r.setup.preload.statements)} preloaded): ${stored}`,
  ];
}

export function goalTable(goals: readonly Goal[]): string {
  return ['| goal | target | measured | |', '|---|---|---|---|', ...goals.map((g) => `| ${g.what} | ${g.target} | ${g.measured} | ${g.met ? 'met' : '**not met**'} |`)].join('\n');
}
