/**
 * One rebuild of the derived data at a time (src/ingest/rebuild.ts), across every CoursePulse
 * process on one PostgreSQL server: two instances starting together after a settings change, or
 * `coursepulse rebuild` run while an instance starts, would otherwise both rebuild everything,
 * interleaving course by course and doubling the work. With this lock the second waits for the
 * first and then finds the settings row up to date: nothing left to do.
 *
 * A rebuild is many transactions (a chunk of re-mapping, a course), so the lock cannot be one of
 * them: it is held by a transaction of its own, on a connection of its own, that stays open for
 * the whole rebuild and does nothing else. It takes no snapshot and writes nothing, so it holds
 * back no vacuum; committing it releases the lock, and so does its connection dying with the
 * process.
 */
import type { Database, Queryable } from './database.js';

/** The two-key form keeps this lock apart from the migrations' single-key one and from the course locks. */
const LOCK = `hashtext('coursepulse rebuild'), hashtext('derived data')`;

async function tryLock(holder: Queryable): Promise<boolean> {
  const rows = await holder.query<{ got: boolean }>(`select pg_try_advisory_xact_lock(${LOCK}) as got`);
  return rows[0]!.got;
}

/**
 * Runs `work` holding the rebuild lock; when another process holds it, calls `onWait` once and
 * waits for it first. `work` must use `db` (not the holder): it runs its own transactions.
 */
export async function withRebuildLock<T>(db: Database, work: () => Promise<T>, onWait: () => void = () => {}): Promise<T> {
  // The embedded database has one process (the DATA_DIR lock) and one connection, on which a
  // transaction held open would stall the rebuild's own transactions: nothing to lock against.
  if (db.kind === 'pglite') return work();
  // The holder keeps one connection for itself: with a pool of one, the work would wait forever.
  if ((db.poolStats?.().max ?? 2) < 2) throw new Error('a rebuild needs a database pool of two connections or more');
  return db.transaction(async (holder) => {
    // A server configured to end idle transactions, or long statements, must end neither the
    // holder half-way through the rebuild nor the wait for another process's rebuild.
    await holder.query(`set local idle_in_transaction_session_timeout = 0`);
    await holder.query(`set local statement_timeout = 0`);
    if (!(await tryLock(holder))) {
      onWait();
      await holder.query(`select pg_advisory_xact_lock(${LOCK})`);
    }
    return work();
  });
}
