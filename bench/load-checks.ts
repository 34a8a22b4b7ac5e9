/**
 * What a load run must show, judged from its result. Checks (any failed one makes
 * `npm run bench:load` exit 1): the server stayed up and stopped cleanly, no answer was an error
 * other than 429 (the rate limit's), and every acknowledged statement is in the database — no
 * fewer than acknowledged, no more than sent. Goals (issue 6, for the default run on the
 * PostgreSQL server; reported, met or not, without failing the run): the offered report and
 * ingest rates answered, report p99 ≤ 250 ms, memory flat.
 */
import type { LoadResult } from './load-run.js';

export const REPORT_P99_GOAL_MS = 250;
/** Achieved rates within 1 % of the offered ones count as the offered ones (the last requests' answers straddle the end). */
const RATE_TOLERANCE = 0.99;

export interface Goal {
  what: string;
  target: string;
  measured: string;
  met: boolean;
}

/** The failed checks, one line each; empty when the run passed. */
export function loadProblems(r: LoadResult): string[] {
  const problems: string[] = [];
  if (r.server.crashed) problems.push(`the server exited during the load (${r.server.exit.code ?? r.server.exit.signal})`);
  else if (r.server.exit.code !== 0) problems.push(`the server did not stop cleanly on SIGTERM (exit ${r.server.exit.code ?? r.server.exit.signal})`);
  for (const c of r.classes) {
    const errors = Object.entries(c.errors).filter(([status]) => status !== '429');
    if (errors.length > 0) problems.push(`${c.name}: ${errors.map(([status, n]) => `${n} x ${status}`).join(', ')}`);
  }
  for (const s of r.stored) {
    if (s.stored < s.expected) problems.push(`course ${s.courseId}: ${s.expected - s.stored} acknowledged statement(s) not stored (${s.stored} stored, ${s.expected} acknowledged)`);
    if (s.stored > s.atMost) problems.push(`course ${s.courseId}: ${s.stored} statements stored, more than the ${s.atMost} sent`);
  }
  return problems;
}

export function loadGoals(r: LoadResult): Goal[] {
  const o = r.options;
  const otherErrors = r.classes.reduce((n, c) => n + Object.entries(c.errors).filter(([status]) => status !== '429').reduce((m, [, k]) => m + k, 0), 0);
  const rateLimited = r.classes.reduce((n, c) => n + (c.errors['429'] ?? 0), 0);
  return [
    { what: 'report requests answered', target: `${o.reportRate}/s`, measured: `${r.reports.ratePerSecond}/s`, met: r.reports.ratePerSecond >= RATE_TOLERANCE * o.reportRate },
    { what: 'report requests p99', target: `≤ ${REPORT_P99_GOAL_MS} ms`, measured: `${r.reports.p99} ms (p50 ${r.reports.p50} ms)`, met: r.reports.count > 0 && r.reports.p99 <= REPORT_P99_GOAL_MS },
    { what: 'statements acknowledged', target: `${o.ingestRate.toLocaleString('en')}/s`, measured: `${r.ingest.acknowledgedPerSecond.toLocaleString('en')}/s`, met: r.ingest.acknowledgedPerSecond >= RATE_TOLERANCE * o.ingestRate },
    {
      what: 'server memory (RSS) over the second half',
      target: 'flat',
      measured: `${r.memory.rss.verdict}: ${r.memory.rss.slopeMbPerMinute} MB/min, ${r.memory.rss.changeMb} MB across it (noise ${r.memory.rss.noiseMb} MB, ${r.memory.rss.samples} samples)`,
      met: r.memory.rss.verdict === 'flat',
    },
    { what: 'errors other than 429', target: '0', measured: `${otherErrors} (429: ${rateLimited})`, met: otherErrors === 0 },
  ];
}
