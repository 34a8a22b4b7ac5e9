/**
 * Keeps the planner's statistics of the ingest tables current: PGlite has no autovacuum, and a
 * server's may be off or lag behind a bulk load (a backfill writes millions of rows in minutes). Without statistics PostgreSQL guesses that
 * `platform_id = $1` matches 0.5 % of rows and plans the ingest queries as scans of the whole
 * platform — measured: a 100-statement batch took 2–36 s once a few hundred rows were stored,
 * instead of 50 ms. So, like autovacuum's analyze threshold (but 50 rows + 50 %), the tables
 * are ANALYZEd once that many rows were written since the last time (in this process).
 */
import type { Database } from './database.js';

// Statistics matter most while a table is young (none at all → scans); after that, plans change
// little with growth, and an ANALYZE of the four tables costs ~100 ms. So: 50 rows, then each time
// the table grew by half (measured: 85 ANALYZEs, 8.3 s, in one benchmark run at 50 rows + 10 %).
const ANALYZE_MIN_ROWS = 50;
const ANALYZE_GROWTH = 0.5;

const written = new WeakMap<Database, { rows: number; base: number }>();

/** Counts `rows` written to the ingest tables, and ANALYZEs them when enough were. Call after the commit. */
export async function noteIngestWrites(db: Database, rows: number): Promise<void> {
  if (rows <= 0) return;
  const state = written.get(db) ?? { rows: 0, base: 0 };
  written.set(db, state);
  state.rows += rows;
  if (state.rows < ANALYZE_MIN_ROWS + ANALYZE_GROWTH * state.base) return;
  state.rows = 0;
  // Only the columns queries filter and join on: the jsonb payloads are most of the table's bytes
  // and no plan depends on their statistics.
  await db.exec(`analyze source_events (platform_id, source, source_id, seq, event_at, context_id, user_id, voids, voided, kind, ignored),
                         student_visits, student_days, course_days`);
  const [table] = await db.query<{ reltuples: number }>(`select reltuples::float8 as reltuples from pg_class where oid = 'source_events'::regclass`);
  state.base = Math.max(0, table?.reltuples ?? 0);
}
