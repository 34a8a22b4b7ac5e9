/**
 * The one row of `derived_settings`: what the derived data was last built with (see
 * src/ingest/derived-settings.ts). Written at the end of a rebuild, after every course committed,
 * so an interrupted rebuild leaves the old row and is done again; a re-mapping clears it first,
 * so that an interrupted one is taken for "unknown" and redone whole.
 */
import type { Queryable } from './database.js';

/** The row's key: there is one row. */
const NAME = 'rollups';

export interface StoredDerivedSettings {
  /** As stored (JSON); parseDerivedSettings checks its shape. */
  settings: unknown;
  updatedAt: Date;
}

export async function readDerivedSettings(q: Queryable): Promise<StoredDerivedSettings | null> {
  const rows = await q.query<StoredDerivedSettings>(
    `select settings, updated_at as "updatedAt" from derived_settings where name = $1`,
    [NAME],
  );
  return rows[0] ?? null;
}

export async function writeDerivedSettings(q: Queryable, settings: object, now: Date): Promise<void> {
  await q.query(
    `insert into derived_settings (name, settings, updated_at) values ($1, $2::jsonb, $3)
     on conflict (name) do update set settings = excluded.settings, updated_at = excluded.updated_at`,
    [NAME, JSON.stringify(settings), now],
  );
}

export async function clearDerivedSettings(q: Queryable): Promise<void> {
  await q.query(`delete from derived_settings where name = $1`, [NAME]);
}
