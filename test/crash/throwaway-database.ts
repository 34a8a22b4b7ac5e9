/**
 * A database of its own on a PostgreSQL server for the crash test's server half, made beside the
 * one `serverUrl` names (CI points DATABASE_URL at a database of its own; the crash test must not
 * write into it), empty — the server under test migrates it at its first start, as in production.
 */
import crypto from 'node:crypto';
import { onServer, urlOfDatabase } from '../../bench/server-admin.js';

export interface ThrowawayDatabase {
  /** Connection string of the new database. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function throwawayDatabase(serverUrl: string): Promise<ThrowawayDatabase> {
  // Only [a-z0-9_]: the name goes into CREATE DATABASE, which takes no parameters.
  const name = `coursepulse_crash_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  await onServer(serverUrl, (c) => c.query(`create database ${name}`));
  return {
    url: urlOfDatabase(serverUrl, name),
    name,
    drop: () => onServer(serverUrl, (c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}
