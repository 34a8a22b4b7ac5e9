/**
 * Data retention (RETENTION_DAYS): raw events — xAPI statements, Caliper events, launches, and the
 * attachment data only they named — whose event time is more than RETENTION_DAYS days ago are
 * deleted, while the figures made from them (student_visits, student_days, student_totals,
 * course_days) stay as they are.
 *
 * Those figures are a cache that recompute.ts rewrites from the raw events, so pruning first
 * moves the retention horizon forward (retention-horizon.ts) and only then deletes: every
 * recompute from then on keeps to the days after the horizon (recompute.ts, clampToHorizon), and
 * the horizon lock makes a recompute that read the old horizon finish before anything under the
 * new one is deleted. A rebuild (`coursepulse rebuild`, or a settings change at start) therefore
 * rebuilds the days after the horizon only; the days before keep the figures they had.
 *
 * Deletion goes in batches, each its own short transaction, so ingestion waits at most one batch.
 * Several CoursePulse processes on one server: one prunes at a time (an advisory lock each batch
 * takes if free; a process finding it taken stops its run, the other is doing the work).
 */
import type { Logger } from 'pino';
import type { Database } from '../models/database.js';
import { lockPlatformIngest } from '../models/ingest-lock.js';
import { pruneSourceEvents } from '../models/prune-source-events.js';
import { advanceRetentionHorizon, lockRetentionHorizon, tryLockPruner } from '../models/retention-horizon.js';
import { deleteUnreferencedAttachments } from '../models/unreferenced-attachments.js';

/** Events deleted per transaction: small enough that ingestion waits only briefly for the horizon lock. */
export const PRUNE_BATCH = 2000;
/** How often the server prunes. */
export const PRUNE_INTERVAL_MINUTES = 60;

const DAY_MS = 86_400_000;

export interface PruneOptions {
  retentionDays: number;
  now: Date;
  batchSize?: number;
  /** Stops between batches (what is deleted stays deleted; the next run goes on from the horizon). */
  signal?: AbortSignal;
  /** After each batch: events deleted so far. */
  onProgress?: (deleted: number) => void;
}

export type PruneResult =
  | { outcome: 'pruned'; horizon: Date; events: number; attachments: number }
  /** Another process was pruning: this run did nothing (or stopped after `events`). */
  | { outcome: 'busy'; horizon: Date | null; events: number; attachments: number };

/** Deletes the raw events older than the horizon `now − retentionDays` (see the file's comment). */
export async function pruneRawEvents(db: Database, options: PruneOptions): Promise<PruneResult> {
  const limit = options.batchSize ?? PRUNE_BATCH;
  const wanted = new Date(options.now.getTime() - options.retentionDays * DAY_MS);
  // First, and committed before any deletion: the horizon every later recompute keeps to.
  const horizon = await db.transaction(async (tx) => {
    if (!(await tryLockPruner(tx))) return null;
    await lockRetentionHorizon(tx);
    return advanceRetentionHorizon(tx, wanted, options.now);
  });
  if (horizon === null) return { outcome: 'busy', horizon: null, events: 0, attachments: 0 };

  let events = 0;
  let afterSeq = 0;
  let busy = false;
  const named = new Map<string, Set<string>>();
  for (;;) {
    // Stopped: what is deleted stays deleted, and the attachments it freed are still cleared below.
    if (options.signal?.aborted) break;
    const batch = await db.transaction(async (tx) => {
      if (!(await tryLockPruner(tx))) return null;
      await lockRetentionHorizon(tx);
      return pruneSourceEvents(tx, horizon, afterSeq, limit);
    });
    if (batch === null) {
      busy = true;
      break;
    }
    events += batch.deleted;
    for (const [platformId, sha2] of batch.attachments) named.set(platformId, (named.get(platformId) ?? new Set()).add(sha2));
    options.onProgress?.(events);
    if (batch.lastSeq === null || batch.deleted < limit) break;
    afterSeq = batch.lastSeq;
  }

  let attachments = 0;
  for (const [platformId, sha2s] of [...named.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    attachments += await db.transaction(async (tx) => {
      // No batch naming the same data may commit between the check and the deletion.
      await lockPlatformIngest(tx, platformId, 'exclusive');
      return deleteUnreferencedAttachments(tx, platformId, [...sha2s]);
    });
  }
  return { outcome: busy ? 'busy' : 'pruned', horizon, events, attachments };
}

export interface PruneJob {
  /** Runs a pass now, after the one in progress if any. */
  runOnce(): Promise<PruneResult>;
  /** Stops the timer and the pass in progress (between batches), and waits for it. */
  stop(): Promise<void>;
}

export interface PruneJobOptions {
  db: Database;
  logger: Logger;
  retentionDays: number;
  now?: () => Date;
  intervalMinutes?: number;
  /** Delay of the first pass after start (the start itself is busy enough). */
  firstDelaySeconds?: number;
}

/** The server's periodic pruning (hourly by default), logging what each pass pruned. */
export function startPruneJob(options: PruneJobOptions): PruneJob {
  const now = options.now ?? (() => new Date());
  const log = options.logger.child({ component: 'retention' });
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  async function pass(): Promise<PruneResult> {
    const started = Date.now();
    const result = await pruneRawEvents(options.db, { retentionDays: options.retentionDays, now: now(), signal: abort.signal });
    const fields = { ...result, horizon: result.horizon?.toISOString() ?? null, retentionDays: options.retentionDays, ms: Date.now() - started };
    if (result.outcome === 'busy') log.info(fields, 'another CoursePulse process is pruning raw events; this one skips its turn');
    else if (result.events > 0 || result.attachments > 0) log.info(fields, `pruned ${result.events} raw events and ${result.attachments} attachments older than ${fields.horizon}`);
    else log.debug(fields, 'no raw events to prune');
    return result;
  }

  function runOnce(): Promise<PruneResult> {
    const next = running.then(pass, pass);
    running = next.catch(() => undefined);
    return next;
  }

  function schedule(ms: number): void {
    if (abort.signal.aborted) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((err: unknown) => {
          if (!abort.signal.aborted) log.error({ err }, 'pruning raw events failed');
        })
        .finally(() => schedule((options.intervalMinutes ?? PRUNE_INTERVAL_MINUTES) * 60_000));
    }, ms);
    // A pending pass never keeps the process alive.
    timer.unref();
  }

  schedule((options.firstDelaySeconds ?? 60) * 1000);
  return {
    runOnce,
    async stop() {
      abort.abort();
      clearTimeout(timer);
      await running;
    },
  };
}
