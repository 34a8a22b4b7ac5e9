/**
 * Fresh, migrated databases for the ingest benchmark, one per phase, so that no phase measures
 * on tables (or planner statistics) another phase left behind. Like the test suite
 * (test/support/databases.ts) they start from a migrated template made once: on PGlite a data
 * folder initialised and migrated once and copied per phase (a real folder, as production runs
 * it, not an in-memory database); on the server a template database and `CREATE DATABASE …
 * TEMPLATE` per phase, all dropped at the end. The template may be given more than the
 * migrations (`prepare`): the bench registers its platform there once.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { onServer, urlOfDatabase } from './server-admin.js';
import type { Database } from '../src/models/database.js';
import { migrate } from '../src/models/migrate.js';
import { openPglite } from '../src/models/pglite-database.js';
import { openPostgres } from '../src/models/postgres-database.js';

export type BenchBackend = 'pglite' | 'postgres';

/** The server the suite and CI use when DATABASE_URL is not set. */
export const LOCAL_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface FreshDatabase {
  db: Database;
  /** Closes it and removes it (folder or server database). */
  dispose(): Promise<void>;
}

export interface BenchDatabases {
  backend: BenchBackend;
  /** A fresh migrated database. */
  fresh(): Promise<FreshDatabase>;
  /** Removes the template. */
  close(): Promise<void>;
}

/** True when a PostgreSQL server answers at `url` within two seconds. */
export async function serverAnswers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The server's version and the settings the figures depend on (for the results). */
export async function serverSettings(url: string): Promise<Record<string, string>> {
  const { rows } = await onServer(url, (client) =>
    client.query<{ name: string; setting: string; unit: string | null }>(
      `select name, setting, unit from pg_settings
       where name in ('server_version', 'autovacuum', 'shared_buffers', 'synchronous_commit', 'fsync', 'max_connections')`,
    ),
  );
  return Object.fromEntries(rows.map((r) => [r.name, r.unit ? `${r.setting} x ${r.unit}` : r.setting]));
}

/** What every phase's database starts with besides the migrations (the bench registers its platform). */
export type PrepareTemplate = (db: Database) => Promise<void>;

export async function pgliteDatabases(prepare?: PrepareTemplate): Promise<BenchDatabases> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'coursepulse-bench-'));
  const template = path.join(root, 'template');
  // Created in a child process (pglite-initdb), as on a first start, then migrated and closed clean.
  const db = await openPglite({ dataDir: template });
  await migrate(db);
  await prepare?.(db);
  await db.close();
  let counter = 0;
  return {
    backend: 'pglite',
    async fresh() {
      const dir = path.join(root, `phase-${++counter}`);
      fs.cpSync(template, dir, { recursive: true });
      const fresh = await openPglite({ dataDir: dir });
      return {
        db: fresh,
        async dispose() {
          await fresh.close();
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    },
    async close() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

export async function serverDatabases(serverUrl: string, prepare?: PrepareTemplate): Promise<BenchDatabases> {
  const run = `${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  const urlOf = (name: string) => urlOfDatabase(serverUrl, name);
  const admin = async (sql: string) => {
    await onServer(serverUrl, (client) => client.query(sql));
  };
  const template = `coursepulse_bench_tpl_${run}`;
  await admin(`create database ${template}`);
  const db = await openPostgres({ connectionString: urlOf(template), max: 1 });
  await migrate(db);
  await prepare?.(db);
  await db.close();
  let counter = 0;
  return {
    backend: 'postgres',
    async fresh() {
      const name = `coursepulse_bench_${run}_${++counter}`;
      await admin(`create database ${name} template ${template}`);
      // The pool production opens (openDatabase): pg's default of 10 connections.
      const fresh = await openPostgres({ connectionString: urlOf(name) });
      return {
        db: fresh,
        async dispose() {
          await fresh.close();
          await admin(`drop database if exists ${name} with (force)`);
        },
      };
    },
    async close() {
      await admin(`drop database if exists ${template} with (force)`);
    },
  };
}
