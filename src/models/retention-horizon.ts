/**
 * The retention horizon: raw events before this instant have been (or are being) pruned, so the
 * derived figures before it can no longer be made again and must be kept as they are. Stored as
 * the `retention` row of `derived_settings` — it is a fact about what the derived tables were
 * made from — and only ever moved forward, whatever RETENTION_DAYS says later (unsetting it
 * does not bring pruned events back).
 *
 * A transaction-scoped advisory lock orders the horizon against the recomputations: every
 * recompute reads the horizon holding the lock shared, the pruner moves it and deletes holding
 * it exclusive. A recompute that read the old horizon therefore finishes before any event under
 * the new one is deleted, and one that starts later reads the new one (see retention.ts).
 */
import type { Queryable } from './database.js';

const NAME = 'retention';
const LOCK = `hashtext('coursepulse retention'), hashtext('horizon')`;

/**
 * The horizon (null: nothing ever pruned), holding the lock shared until the transaction ends.
 * One round trip: whichever snapshot the read gets, the deletions it could miss wait for this
 * transaction (see the file's comment).
 */
export async function readRetentionHorizon(tx: Queryable): Promise<Date | null> {
  const rows = await tx.query<{ before: string | null }>(
    `select pg_advisory_xact_lock_shared(${LOCK})::text as locked,
            (select settings->>'prunedBefore' from derived_settings where name = $1) as before`,
    [NAME],
  );
  const before = rows[0]?.before;
  return before ? new Date(before) : null;
}

/** Waits until no recompute holds the horizon, then holds it alone until the transaction ends. */
export async function lockRetentionHorizon(tx: Queryable): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(${LOCK})`);
}

/** Moves the horizon to `before` unless it is further already; returns the horizon in force. Call holding lockRetentionHorizon. */
export async function advanceRetentionHorizon(tx: Queryable, before: Date, now: Date): Promise<Date> {
  const rows = await tx.query<{ before: string }>(
    `insert into derived_settings (name, settings, updated_at) values ($1, jsonb_build_object('prunedBefore', $2::text), $3)
     on conflict (name) do update
       set settings = case when (derived_settings.settings->>'prunedBefore')::timestamptz >= $2::timestamptz
                           then derived_settings.settings else excluded.settings end,
           updated_at = excluded.updated_at
     returning settings->>'prunedBefore' as before`,
    [NAME, before.toISOString(), now],
  );
  return new Date(rows[0]!.before);
}

/** Takes the pruner's own lock if free (one pruner at a time across instances); false when another holds it. */
export async function tryLockPruner(tx: Queryable): Promise<boolean> {
  const rows = await tx.query<{ got: boolean }>(`select pg_try_advisory_xact_lock(hashtext('coursepulse retention'), hashtext('pruner')) as got`);
  return rows[0]!.got;
}
