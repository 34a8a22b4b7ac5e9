/** The ingest benchmark's results as text: the table, the latencies, the profiles, the problems. */
import type { PhaseResult } from './ingest-bench.js';

function table(header: string[], rows: string[][], rightAligned: (i: number) => boolean): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (rightAligned(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const n = (value: number) => value.toLocaleString('en');

export function resultsTable(results: readonly PhaseResult[]): string {
  return table(
    ['phase', 'database', 'statements', 'seconds', 'statements/s', 'ratio to bare', 'peak RSS MB', '(start)', 'peak heap MB', 'live heap MB', 'check'],
    results.map((r) => [
      r.phase,
      r.database,
      n(r.statements),
      r.seconds.toFixed(2),
      n(r.perSecond),
      r.ratioToBare === null ? '' : r.ratioToBare.toFixed(3),
      n(r.peakRssMb),
      n(r.startRssMb),
      n(r.peakHeapMb),
      n(r.liveHeapMb),
      r.problems.length === 0 ? 'ok' : 'MISMATCH',
    ]),
    (i) => i >= 2 && i <= 9,
  );
}

export function latencyTable(results: readonly PhaseResult[]): string {
  const withLatency = results.filter((r) => r.latencyMs);
  return table(
    ['acknowledged-to-visible', 'database', 'samples', 'p50 ms', 'p95 ms', 'max ms'],
    withLatency.map((r) => [r.phase, r.database, n(r.latencyMs!.samples), r.latencyMs!.p50.toFixed(1), r.latencyMs!.p95.toFixed(1), r.latencyMs!.max.toFixed(1)]),
    (i) => i >= 2,
  );
}

export function profileTable(r: PhaseResult): string {
  const entries = r.profile ?? [];
  const total = entries.reduce((sum, e) => sum + e.ms, 0);
  return table(
    [`${r.phase} on ${r.database}`, 'calls', 'ms', 'share'],
    entries.map((e) => [e.step, e.calls === 0 ? '' : n(e.calls), n(Math.round(e.ms)), `${((100 * e.ms) / total).toFixed(1)} %`]),
    (i) => i >= 1,
  );
}

export function problemLines(results: readonly PhaseResult[]): string[] {
  return results.flatMap((r) => r.problems.map((p) => `!!! MISMATCH in ${r.phase} on ${r.database}: ${p}`));
}
