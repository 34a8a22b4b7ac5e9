/**
 * Serialises voiding with the storing of the statements it concerns, per platform: a
 * transaction-scoped advisory lock. Ordinary batches share it (they run side by side); a batch
 * with a voiding statement takes it alone, so that a voiding statement and its target arriving at
 * the same moment in two requests always see each other (otherwise each would look for the other
 * before it committed, and the target would never be marked voided). Resolving a course's pending
 * events shares it too. Always taken before any course lock (course-lock.ts), so the two never
 * wait for each other in a circle.
 */
import type { Queryable } from './database.js';

/** The first key of the pair keeps these locks apart from the course locks and the migrations' lock. */
const INGEST_LOCK_SPACE = 'coursepulse ingest';

export async function lockPlatformIngest(tx: Queryable, platformId: string, mode: 'shared' | 'exclusive'): Promise<void> {
  const fn = mode === 'shared' ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
  await tx.query(`select ${fn}(hashtext($1), hashtext($2))`, [INGEST_LOCK_SPACE, platformId]);
}
