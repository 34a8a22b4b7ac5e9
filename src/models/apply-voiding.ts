/**
 * xAPI voiding (xAPI-Data.md §2.3.2), applied both ways after a batch is inserted: a stored
 * statement targeted by a voiding statement of the same platform is marked `voided`, whichever of
 * the two came first. A voiding statement is never marked (voiding statements cannot be voided).
 * Two statements per batch — find the batch's statements that stored voiding statements target,
 * then one UPDATE of every target by id — both plain index lookups, so that a table without
 * planner statistics yet (PGlite right after a start) never gets a join planned as a scan per row.
 */
import type { Queryable } from './database.js';

export interface VoidedEvent {
  sourceId: string;
  contextId: string | null;
  userId: string | null;
  /** Its event time: where the voided student's figures change. */
  at: Date;
}

/**
 * Marks as voided every not-yet-voided, non-voiding xAPI statement of the platform that is
 * among `targets` (what the batch's new voiding statements void) or among `batchIds` (the source
 * ids the batch inserted) and targeted by a stored voiding statement. Returns the rows it marked.
 */
export async function applyVoiding(q: Queryable, platformId: string, batchIds: readonly string[], targets: readonly string[]): Promise<VoidedEvent[]> {
  const ids = new Set(targets);
  if (batchIds.length > 0) {
    const targeted = await q.query<{ voids: string }>(
      `select distinct voids from source_events where platform_id = $1 and source = 'xapi' and voids = any($2::text[])`,
      [platformId, [...batchIds]],
    );
    for (const row of targeted) ids.add(row.voids);
  }
  if (ids.size === 0) return [];
  return q.query<VoidedEvent>(
    `update source_events set voided = true
     where platform_id = $1 and source = 'xapi' and source_id = any($2::text[]) and voids is null and not voided
     returning source_id as "sourceId", context_id as "contextId", user_id as "userId", event_at as "at"`,
    [platformId, [...ids]],
  );
}
