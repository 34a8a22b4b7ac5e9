/** Serialises writes to one course's roster and groups: a transaction-scoped advisory lock on the course key. */
import type { Queryable } from './database.js';
import type { CourseKey } from './course-key.js';

/**
 * Waits until no other transaction holds the course, then holds it until this one ends. Two
 * syncs of one course (a launch and a background refresh, or two instances) then write one after
 * the other instead of interleaving row locks, which could deadlock. The two-key form keeps
 * these locks apart from the single-key one the migrations take; a hash collision only makes two
 * courses wait for each other briefly.
 */
export async function lockCourse(tx: Queryable, { platformId, contextId }: CourseKey): Promise<void> {
  await tx.query('select pg_advisory_xact_lock(hashtext($1), hashtext($2))', [platformId, contextId]);
}
