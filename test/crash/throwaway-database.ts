/**
 * A database of its own on a PostgreSQL server for the crash test's server half, made beside the
 * one `serverUrl` names (CI points DATABASE_URL at a database of its own; the crash test must not
 * write into it), empty — the server under test migrates it at its first start, as in production.
 */
import crypto from 'node:crypto';
import pg from 'pg';

export interface ThrowawayDatabase {
  /** Connection string of the new database. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function onServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** True when a PostgreSQL server answers at `serverUrl`. */
export async function serverAnswers(serverUrl: string): Promise<boolean> {
  try {
    await onServer(serverUrl, (c) => c.query('select 1'));
    return true;
  } catch {
    return false;
  }
}

export async function throwawayDatabase(serverUrl: string): Promise<ThrowawayDatabase> {
  // Only [a-z0-9_]: the name goes into CREATE DATABASE, which takes no parameters.
  const name = `coursepulse_crash_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  await onServer(serverUrl, (c) => c.query(`create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => onServer(serverUrl, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}
