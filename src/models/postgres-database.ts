/** A PostgreSQL server reached through `DATABASE_URL`, with a pool of connections. */
import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { Logger } from 'pino';
import * as schema from './schema.js';
import { PG_TYPE_OIDS, parseDate, parseInt8, type Database, type Queryable } from './database.js';

export interface PostgresOptions {
  connectionString: string;
  logger?: Logger;
  /** Connections in the pool. */
  max?: number;
}

// Per-pool type parsers (not pg's global ones), so that values match PGlite's.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === PG_TYPE_OIDS.DATE) return parseDate;
    if (oid === PG_TYPE_OIDS.INT8) return parseInt8;
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as pg.CustomTypesConfig;

function wrap(conn: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<Row extends object>(text: string, params: readonly unknown[] = []) {
      const result = await conn.query<Row>(text, params as unknown[]);
      return result.rows;
    },
    async exec(script: string) {
      await conn.query(script);
    },
  };
}

export async function openPostgres(options: PostgresOptions): Promise<Database & { pool: pg.Pool }> {
  const max = options.max ?? 10;
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max,
    types,
    application_name: 'coursepulse',
  });
  // An idle client that loses its connection must not crash the process; the pool replaces it.
  pool.on('error', (err) => options.logger?.warn({ err }, 'an idle database connection failed'));
  const root = wrap(pool);
  let closed = false;
  return {
    kind: 'postgres',
    pool,
    orm: drizzle({ client: pool, schema }),
    query: root.query,
    exec: root.exec,
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await work(wrap(client));
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async ping() {
      try {
        await pool.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max }),
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
