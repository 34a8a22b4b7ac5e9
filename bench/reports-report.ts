/** The reports benchmark's results as text: the request table, the baseline and the targets. */
import type { EndpointTiming, Summary } from './reports-timing.js';

export interface RawBaseline {
  runs: number;
  /** Counted events read per run. */
  events: number;
  ms: Summary & { min: number };
  /** null when its figures equal GET /api/overview's, else where they differ. */
  difference: string | null;
}

export interface Target {
  what: string;
  target: string;
  measured: string;
  met: boolean;
}

/** p95 server time targets of the issue: 50 ms for the overview's URLs, 30 ms for a student's details. */
export const targetMs = (endpoint: string): number => (endpoint.includes('students') ? 30 : 50);
export const SPEED_UP_TARGET = 50;

function table(header: string[], rows: string[][], rightAligned: (i: number) => boolean): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (rightAligned(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const statuses = (s: Record<string, number>) =>
  Object.entries(s)
    .map(([status, n]) => (Object.keys(s).length === 1 ? status : `${status}×${n}`))
    .join(' ');

export function requestTable(endpoints: readonly EndpointTiming[]): string {
  return table(
    ['request', 'samples', 'status', 'server p50 ms', 'p95 ms', 'max ms', 'client p50 ms', 'p95 ms', 'sent KB', 'encoding', 'decoded KB', 'p95 target'],
    endpoints.map((e) => [
      e.name,
      String(e.samples),
      statuses(e.statuses),
      e.serverMs.p50.toFixed(1),
      e.serverMs.p95.toFixed(1),
      e.serverMs.max.toFixed(1),
      e.clientMs.p50.toFixed(1),
      e.clientMs.p95.toFixed(1),
      (e.bytes / 1024).toFixed(1),
      e.encodings.join(' '),
      (e.decodedBytes / 1024).toFixed(1),
      `≤ ${targetMs(e.name)} ms ${e.serverMs.p95 <= targetMs(e.name) && Object.keys(e.statuses).join() === '200' ? 'met' : 'NOT met'}`,
    ]),
    (i) => (i >= 1 && i <= 8) || i === 10,
  );
}

export function baselineLines(raw: RawBaseline, overview: EndpointTiming): string[] {
  const ratio = raw.ms.p50 / overview.serverMs.p50;
  return [
    `overview from raw events (${raw.events.toLocaleString('en')} counted events read and sessionised, ${raw.runs} runs): median ${Math.round(raw.ms.p50).toLocaleString('en')} ms (min ${Math.round(raw.ms.min).toLocaleString('en')}, max ${Math.round(raw.ms.max).toLocaleString('en')})`,
    `speed-up of GET /api/overview (server median ${overview.serverMs.p50.toFixed(1)} ms) over it: ${Math.round(ratio).toLocaleString('en')}x (target ≥ ${SPEED_UP_TARGET}x: ${ratio >= SPEED_UP_TARGET ? 'met' : 'NOT met'})`,
    raw.difference === null ? 'figures equal (raw events vs GET /api/overview)' : `!!! figures DIFFER (raw events vs GET /api/overview):\n${raw.difference}`,
  ];
}
