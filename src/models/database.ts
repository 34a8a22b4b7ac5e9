/**
 * One database interface over the embedded PGlite and a PostgreSQL server. Every query in
 * the project goes through {@link Database}; the same SQL runs on both (PGlite is PostgreSQL
 * 18, the server may be 15, so tests run on both).
 */
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import type * as schema from './schema.js';

/** Something that runs one parameterised statement and returns its rows. */
export interface Queryable {
  query<Row extends object = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a script of several statements, without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export type DatabaseKind = 'pglite' | 'postgres';

export interface Database extends Queryable {
  readonly kind: DatabaseKind;
  /** drizzle over the same connection, for queries that read better in the builder. */
  readonly orm: PgDatabase<PgQueryResultHKT, typeof schema>;
  /** Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  /** Closes the connection(s); PGlite flushes its files to `DATA_DIR` here. */
  close(): Promise<void>;
  /** The connection pool right now, for /metrics; absent on PGlite (one in-process connection, no pool). */
  poolStats?(): PoolStats;
}

/** A read-only snapshot of a server connection pool (pg's Pool counters). */
export interface PoolStats {
  /** Connections open, idle or in use. */
  total: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
  /** The most connections the pool opens. */
  max: number;
}

/**
 * Both drivers return the same JS values for the types we use: `date` as 'YYYY-MM-DD' (never
 * a Date at some midnight), `int8`/`count(*)` as number, `timestamptz` as Date, `numeric` as string.
 */
export const PG_TYPE_OIDS = { INT8: 20, DATE: 1082 } as const;
export const parseDate = (value: string): string => value;
export const parseInt8 = (value: string): number => Number(value);
