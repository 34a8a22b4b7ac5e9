/**
 * Applies the SQL migrations of `migrations/` (written by drizzle-kit) in file-name order,
 * forward only. All pending files run in one transaction under an advisory lock, so two
 * processes starting at once apply each file exactly once and a failure leaves nothing half-done.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';

// Both src/models/ and dist/models/ sit two levels below the package root, and the SQL files
// stay in src/, so this resolves from the TypeScript sources and from the build alike.
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../src/models/migrations/', import.meta.url));

// Any fixed number; it only has to be the same in every CoursePulse process.
const MIGRATION_LOCK = 7_243_911;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const sql = fs.readFileSync(`${dir}/${file}`, 'utf8');
      return {
        name: file.replace(/\.sql$/, ''),
        sql: sql.replaceAll('--> statement-breakpoint', ''),
        checksum: crypto.createHash('sha256').update(sql).digest('hex'),
      };
    });
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/** Applies what is pending and returns the names applied now (empty when up to date). */
export async function migrate(db: Database, migrations: Migration[] = readMigrations()): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(`create table if not exists schema_migrations (
      name text primary key,
      checksum text not null,
      applied_at timestamptz not null default now()
    )`);
    const applied = new Map(
      (await tx.query<{ name: string; checksum: string }>('select name, checksum from schema_migrations')).map((row) => [
        row.name,
        row.checksum,
      ]),
    );
    const known = new Set(migrations.map((m) => m.name));
    const unknown = [...applied.keys()].filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw new MigrationError(
        `the database has migrations this version does not know (${unknown.join(', ')}); it was used by a newer CoursePulse`,
      );
    }
    const done: string[] = [];
    for (const migration of migrations) {
      const checksum = applied.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new MigrationError(`migration ${migration.name} was changed after it was applied; add a new migration instead`);
        }
        continue;
      }
      await tx.exec(migration.sql);
      await tx.query('insert into schema_migrations (name, checksum) values ($1, $2)', [migration.name, migration.checksum]);
      done.push(migration.name);
    }
    return done;
  });
}
