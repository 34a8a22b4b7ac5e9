/**
 * CoursePulse's instruments: every family `/metrics` shows, and the few calls that move them.
 * One Telemetry per app (server.ts makes it; createApp makes one when not given), so tests that
 * build many apps in one process each see their own counts; the process figures are the
 * process's (process-metrics.ts).
 *
 * Route handlers reach it through `telemetryOf(res)`, which the HTTP instrumentation
 * (http-metrics.ts) sets on every request, as require-ingest-credential.ts sets the ingest identity.
 */
import type { Response } from 'express';
import type { Database, PoolStats } from '../models/database.js';
import { MetricsRegistry, type Counter, type Histogram } from './metrics-registry.js';
import { registerProcessMetrics } from './process-metrics.js';

/** Where ingested activity comes from. `import` runs in the coursepulse command's own process, so this process never counts it. */
export type IngestSource = 'xapi' | 'caliper' | 'launch';
const INGEST_SOURCES: readonly IngestSource[] = ['xapi', 'caliper', 'launch'];

/** What the ingest pipeline says of each distinct statement or event of an accepted request. */
export interface IngestOutcome {
  outcome: 'stored' | 'unchanged';
  /** Why a stored one does not count (yet): store-statements.ts's NotCountedReason, store-events.ts's EventNotCounted. */
  notCounted: { reason: string } | null;
}

/** The outcome of a roster refresher pass (roster-refresher.ts's RefreshSummary), or null when the pass failed. */
export interface RosterPass {
  synced: number;
  failed: number;
  takenElsewhere: number;
}

/**
 * Request durations in seconds: fine below the report pages' goal (p99 ≤ 250 ms) and up to the
 * slow end of a large ingest batch or a roster read on launch (5 s).
 */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export interface Telemetry {
  readonly registry: MetricsRegistry;
  readonly httpRequests: Counter<'route' | 'method' | 'status_class'>;
  readonly httpDuration: Histogram<'route' | 'method'>;
  /** An ingest request of `source` refused whole (nothing of it stored), by its status. */
  rejectedRequest(source: IngestSource, status: number): void;
  /** The outcomes of an accepted ingest request; `unusable`: items set aside unstored (Caliper), by reason. */
  ingested(source: IngestSource, outcomes: readonly IngestOutcome[], unusable?: ReadonlyArray<{ reason: string }>): void;
  /** A roster refresher pass: what it did, or null when it failed as a whole. */
  rosterPass(pass: RosterPass | null): void;
  /** Where the requests in progress and waiting are counted (load-shedding.ts's admission). */
  admission(counts: AdmissionCounts): void;
}

/** The requests the app works on and holds waiting right now. */
export interface AdmissionCounts {
  readonly inProgress: number;
  readonly queued: number;
}

// A symbol, so it never reaches templates that read res.locals.
const TELEMETRY = Symbol('coursepulse telemetry');

export function createTelemetry({ db }: { db?: Pick<Database, 'poolStats'> } = {}): Telemetry {
  const registry = new MetricsRegistry();
  const httpRequests = registry.counter({
    name: 'coursepulse_http_requests_total',
    help: 'HTTP requests answered, by route template (the route table path, never the raw URL), method and status class.',
    labelNames: ['route', 'method', 'status_class'],
  });
  const httpDuration = registry.histogram({
    name: 'coursepulse_http_request_duration_seconds',
    help: 'Time from receiving a request to the end of its answer, by route template and method.',
    labelNames: ['route', 'method'],
    buckets: DURATION_BUCKETS,
  });
  const events = registry.counter({
    name: 'coursepulse_ingest_events_total',
    help: 'Distinct statements or events of accepted ingest requests, by source and outcome (stored: new; duplicate: already stored, changed nothing).',
    labelNames: ['source', 'outcome'],
  });
  const notCounted = registry.counter({
    name: 'coursepulse_ingest_not_counted_total',
    help: 'Newly stored statements or events that do not count in the figures (yet), by source and reason (ignored, voided, no-course, course-not-launched, person-not-matched).',
    labelNames: ['source', 'reason'],
  });
  const rejectedRequests = registry.counter({
    name: 'coursepulse_ingest_rejected_requests_total',
    help: 'Ingest requests (POST/PUT /xapi/statements, POST /caliper) refused whole with nothing stored, by source and HTTP status (400 invalid, 401 credential, 409 conflict, 413 too large, 415/422 format, 429 rate).',
    labelNames: ['source', 'status'],
  });
  const rejectedItems = registry.counter({
    name: 'coursepulse_ingest_rejected_items_total',
    help: 'Items of accepted ingest requests set aside without storing them, by source and reason (Caliper: entity descriptions, system events, malformed items).',
    labelNames: ['source', 'reason'],
  });
  const rosterPasses = registry.counter({
    name: 'coursepulse_roster_refresh_passes_total',
    help: 'Passes of the background roster refresher, by outcome (completed, or failed as a whole).',
    labelNames: ['outcome'],
  });
  const rosterCourses = registry.counter({
    name: 'coursepulse_roster_refresh_courses_total',
    help: 'Courses the background roster refresher handled, by outcome (synced, failed: the LMS or its roster failed; taken_elsewhere: another process read it).',
    labelNames: ['outcome'],
  });
  for (const source of INGEST_SOURCES) for (const outcome of ['stored', 'duplicate']) events.init({ source, outcome });
  for (const outcome of ['completed', 'failed']) rosterPasses.init({ outcome });
  for (const outcome of ['synced', 'failed', 'taken_elsewhere']) rosterCourses.init({ outcome });

  // The pool exists on a PostgreSQL server only: on PGlite (one connection in-process) these families are absent.
  const poolStats = db?.poolStats?.bind(db);
  if (poolStats) {
    const pool = (name: string, help: string, pick: (s: PoolStats) => number) =>
      registry.gauge({ name, help }, (g) => g.set({}, pick(poolStats())));
    pool('coursepulse_db_pool_connections', 'Connections the database pool holds (idle and in use).', (s) => s.total);
    pool('coursepulse_db_pool_idle_connections', 'Connections of the database pool that are idle.', (s) => s.idle);
    pool('coursepulse_db_pool_waiting_requests', 'Queries waiting for a connection of the database pool.', (s) => s.waiting);
    pool('coursepulse_db_pool_max_connections', 'The largest number of connections the database pool opens.', (s) => s.max);
  }
  let admitted: AdmissionCounts = { inProgress: 0, queued: 0 };
  registry.gauge({ name: 'coursepulse_http_requests_in_progress', help: 'Requests being worked on now (MAX_CONCURRENT_REQUESTS bounds them; the probes are not counted).' }, (g) =>
    g.set({}, admitted.inProgress),
  );
  registry.gauge({ name: 'coursepulse_http_requests_queued', help: 'Requests waiting for their turn now (MAX_QUEUED_REQUESTS bounds them; beyond it, 503).' }, (g) => g.set({}, admitted.queued));
  registerProcessMetrics(registry);

  return {
    registry,
    httpRequests,
    httpDuration,
    rejectedRequest(source, status) {
      rejectedRequests.inc({ source, status: String(status) });
    },
    ingested(source, outcomes, unusable = []) {
      for (const o of outcomes) {
        events.inc({ source, outcome: o.outcome === 'stored' ? 'stored' : 'duplicate' });
        // Only new rows: a re-send of a waiting statement is not a second one waiting.
        if (o.outcome === 'stored' && o.notCounted) notCounted.inc({ source, reason: o.notCounted.reason });
      }
      for (const item of unusable) rejectedItems.inc({ source, reason: item.reason });
    },
    admission(counts) {
      admitted = counts;
    },
    rosterPass(pass) {
      rosterPasses.inc({ outcome: pass ? 'completed' : 'failed' });
      if (!pass) return;
      rosterCourses.inc({ outcome: 'synced' }, pass.synced);
      rosterCourses.inc({ outcome: 'failed' }, pass.failed);
      rosterCourses.inc({ outcome: 'taken_elsewhere' }, pass.takenElsewhere);
    },
  };
}

/** Puts the app's telemetry where route handlers find it (http-metrics.ts does, on every request). */
export function attachTelemetry(res: Response, telemetry: Telemetry): void {
  (res.locals as Record<symbol, unknown>)[TELEMETRY] = telemetry;
}

/** The app's telemetry, for a handler's one-line count; undefined outside an app that has one. */
export function telemetryOf(res: Pick<Response, 'locals'>): Telemetry | undefined {
  return (res.locals as Record<symbol, unknown>)[TELEMETRY] as Telemetry | undefined;
}
