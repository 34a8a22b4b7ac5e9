/** The migrations a database has applied, by name; null when it has no migrations table (it is not a CoursePulse database). */
import type { Queryable } from './database.js';

export async function appliedMigrations(q: Queryable): Promise<string[] | null> {
  const [table] = await q.query<{ present: boolean }>(`select to_regclass('public.schema_migrations') is not null as present`);
  if (!table?.present) return null;
  const rows = await q.query<{ name: string }>(`select name from schema_migrations order by name collate "C"`);
  return rows.map((row) => row.name);
}
