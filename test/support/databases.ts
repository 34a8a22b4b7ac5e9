/**
 * Real databases for tests, each test its own: PGlite by default, the PostgreSQL server of
 * `DATABASE_URL` when it is set. Both start from a migrated snapshot made once per run (a PGlite
 * data-dir tarball; a template database on the server), never from scratch.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Database } from '../../src/models/database.js';
import { migrate } from '../../src/models/migrate.js';
import { openPglite } from '../../src/models/pglite-database.js';
import { openPostgres } from '../../src/models/postgres-database.js';

export const SERVER_URL = process.env.DATABASE_URL || undefined;
export const BACKEND: 'pglite' | 'postgres' = SERVER_URL ? 'postgres' : 'pglite';

const runId = `${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
let counter = 0;
let pgliteSnapshot: Promise<Blob> | undefined;
let serverTemplate: Promise<string> | undefined;
const createdDatabases = new Set<string>();

/** A connection string for database `name` on the test server. */
function serverUrlFor(name: string): string {
  const url = new URL(SERVER_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

async function onServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function snapshot(): Promise<Blob> {
  return (pgliteSnapshot ??= (async () => {
    const db = await openPglite();
    await migrate(db);
    const blob = await db.pglite.dumpDataDir('none');
    await db.close();
    return blob;
  })());
}

function template(): Promise<string> {
  return (serverTemplate ??= (async () => {
    const name = `coursepulse_tpl_${runId}`;
    await onServer((c) => c.query(`create database ${name}`));
    createdDatabases.add(name);
    const db = await openPostgres({ connectionString: serverUrlFor(name), max: 1 });
    await migrate(db);
    await db.close();
    return name;
  })());
}

/** The name of a new, migrated, empty database on the test server. */
export async function newServerDatabase(): Promise<string> {
  const source = await template();
  const name = `coursepulse_test_${runId}_${++counter}`;
  await onServer((c) => c.query(`create database ${name} template ${source}`));
  createdDatabases.add(name);
  return name;
}

/** An empty database on the test server that has not been migrated (for migration tests). */
export async function newUnmigratedServerDatabase(): Promise<string> {
  const name = `coursepulse_test_${runId}_${++counter}`;
  await onServer((c) => c.query(`create database ${name}`));
  createdDatabases.add(name);
  return name;
}

/** A fresh migrated database of the backend under test. Close it when done. */
export async function testDatabase(): Promise<Database> {
  if (BACKEND === 'pglite') return openPglite({ snapshot: await snapshot() });
  return openPostgres({ connectionString: serverUrlFor(await newServerDatabase()), max: 4 });
}

/** A fresh database that no migration has touched. */
export async function emptyTestDatabase(): Promise<Database> {
  if (BACKEND === 'pglite') return openPglite();
  return openPostgres({ connectionString: serverUrlFor(await newUnmigratedServerDatabase()), max: 4 });
}

/** Environment for a CoursePulse process under test: its own DATA_DIR and, on the server, its own database. */
export async function processDatabaseEnv(): Promise<{ DATA_DIR: string; DATABASE_URL?: string }> {
  const DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'coursepulse-test-'));
  if (BACKEND === 'pglite') return { DATA_DIR };
  return { DATA_DIR, DATABASE_URL: serverUrlFor(await newUnmigratedServerDatabase()) };
}

/** Drops every database this run made on the server (mocha's root afterAll). */
export async function dropTestDatabases(): Promise<void> {
  if (!SERVER_URL || createdDatabases.size === 0) return;
  await onServer(async (c) => {
    for (const name of createdDatabases) await c.query(`drop database if exists ${name} with (force)`);
  });
  createdDatabases.clear();
}
