/**
 * After the run, with the server stopped: how many xAPI statements each course of the benchmark
 * holds, read from the server's database — the check that every acknowledged statement was stored.
 */
import type { Database } from '../src/models/database.js';

/** Stored xAPI statements per course of `platformId` (courses without any are 0). */
export async function storedStatements(db: Database, platformId: string, courseIds: readonly string[]): Promise<Record<string, number>> {
  const rows = await db.query<{ context_id: string; n: number }>(
    `select context_id, count(*) as n from source_events
     where platform_id = $1 and context_id = any($2::text[]) and source = 'xapi'
     group by context_id`,
    [platformId, [...courseIds]],
  );
  return Object.fromEntries(courseIds.map((id) => [id, rows.find((r) => r.context_id === id)?.n ?? 0]));
}
