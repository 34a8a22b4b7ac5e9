/**
 * The reports benchmark's database on the PostgreSQL server, kept between runs: loading a year of
 * 1,000 students takes the better part of an hour, timing the reports a few minutes. What a
 * database holds is written on it (`COMMENT ON DATABASE`, JSON): the options that shaped the data,
 * a fingerprint of the generator's output, and the load's figures — written after a complete
 * load only, so an interrupted load is never reused.
 */
import crypto from 'node:crypto';
import { activityByStudent } from './activity-generator.js';
import { generatorOptions, type LoadResult, type ReportsCourseOptions } from './reports-course.js';
import { onServer, urlOfDatabase } from './server-admin.js';
import type { RollupSettings } from '../src/ingest/recompute.js';
import type { Database } from '../src/models/database.js';
import { migrate } from '../src/models/migrate.js';
import { openPostgres } from '../src/models/postgres-database.js';

/** What makes two loads the same data. */
export interface DataIdentity {
  seed: number;
  students: number;
  days: number;
  visitsPerDay: number;
  settings: RollupSettings;
  /** A hash of the generator's first students' statements: a changed generator makes other data. */
  generator: string;
}

export interface LoadMarker {
  identity: DataIdentity;
  loadedAt: string;
  load: LoadResult;
}

export function dataIdentity(o: Pick<ReportsCourseOptions, 'seed' | 'students' | 'days' | 'visitsPerDay' | 'settings'>): DataIdentity {
  const sample = activityByStudent({ ...generatorOptions(o), students: Math.min(2, o.students), days: Math.min(28, o.days) });
  const hash = crypto.createHash('sha256');
  for (const student of sample) hash.update(JSON.stringify(student));
  const { timezone, visitTimeoutMinutes, lastEventCreditSeconds } = o.settings;
  return { seed: o.seed, students: o.students, days: o.days, visitsPerDay: o.visitsPerDay, settings: { timezone, visitTimeoutMinutes, lastEventCreditSeconds }, generator: hash.digest('hex').slice(0, 16) };
}

/** The default database for the course; other sizes get their own, so a smoke run never replaces the big one. */
export function reportsDatabaseName(o: Pick<DataIdentity, 'seed' | 'students' | 'days' | 'visitsPerDay'>, isDefault: boolean): string {
  return isDefault ? 'coursepulse_bench_reports' : `coursepulse_bench_reports_${o.students}x${o.days}x${o.visitsPerDay}_s${o.seed}`;
}


/** The marker of database `name`: undefined when there is no such database, null when it has none (an incomplete load). */
export async function readMarker(serverUrl: string, name: string): Promise<LoadMarker | null | undefined> {
  return onServer(serverUrl, async (client) => {
    const { rows } = await client.query<{ comment: string | null }>(`select shobj_description(oid, 'pg_database') as comment from pg_database where datname = $1`, [name]);
    if (rows.length === 0) return undefined;
    try {
      return rows[0]!.comment ? (JSON.parse(rows[0]!.comment) as LoadMarker) : null;
    } catch {
      return null;
    }
  });
}

export const sameIdentity = (a: DataIdentity, b: DataIdentity): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Drops `name` if it exists and creates it empty and migrated. */
export async function freshDatabase(serverUrl: string, name: string): Promise<Database> {
  await onServer(serverUrl, async (client) => {
    await client.query(`drop database if exists ${name} with (force)`);
    await client.query(`create database ${name}`);
  });
  const db = await openPostgres({ connectionString: urlOfDatabase(serverUrl, name) });
  await migrate(db);
  return db;
}

/** Opens a loaded database; the migrations it was missing (now applied). */
export async function openLoadedDatabase(serverUrl: string, name: string): Promise<{ db: Database; applied: string[] }> {
  const db = await openPostgres({ connectionString: urlOfDatabase(serverUrl, name) });
  try {
    return { db, applied: await migrate(db) };
  } catch (err) {
    await db.close();
    throw err;
  }
}

export async function writeMarker(serverUrl: string, name: string, marker: LoadMarker): Promise<void> {
  // COMMENT takes no parameters: the JSON goes in as a literal, quotes doubled.
  await onServer(serverUrl, (client) => client.query(`comment on database ${name} is '${JSON.stringify(marker).replace(/'/g, "''")}'`));
}
