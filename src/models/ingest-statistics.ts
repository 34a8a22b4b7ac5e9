/**
 * Keeps the planner's statistics of the ingest tables current on PGlite, which has no autovacuum
 * (a server's autovacuum does this itself). Without statistics PostgreSQL guesses that
 * `platform_id = $1` matches 0.5 % of rows and plans the ingest queries as scans of the whole
 * platform — measured: a 100-statement batch took 2–36 s once a few hundred rows were stored,
 * instead of 50 ms. So, like autovacuum's analyze threshold (50 rows + 10 %), the tables are
 * ANALYZEd once that many rows were written since the last time (in this process).
 */
import type { Database } from './database.js';

const written = new WeakMap<Database, { rows: number; base: number }>();

/** Counts `rows` written to the ingest tables, and ANALYZEs them (PGlite only) when enough were. Call after the commit. */
export async function noteIngestWrites(db: Database, rows: number): Promise<void> {
  if (db.kind !== 'pglite' || rows <= 0) return;
  const state = written.get(db) ?? { rows: 0, base: 0 };
  written.set(db, state);
  state.rows += rows;
  if (state.rows < 50 + 0.1 * state.base) return;
  state.rows = 0;
  await db.exec('analyze source_events, student_visits, student_days');
  const [table] = await db.query<{ reltuples: number }>(`select reltuples::float8 as reltuples from pg_class where oid = 'source_events'::regclass`);
  state.base = Math.max(0, table?.reltuples ?? 0);
}
