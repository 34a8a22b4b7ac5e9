/** Chooses the database from the configuration: a PostgreSQL server when `DATABASE_URL` is set, else PGlite in `DATA_DIR`. */
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Database } from './database.js';
import { openPglite } from './pglite-database.js';
import { openPostgres } from './postgres-database.js';

/** Where the embedded database lives inside `DATA_DIR`. */
export const pgliteDir = (dataDir: string): string => path.join(dataDir, 'pglite');

export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>, logger?: Logger): Promise<Database> {
  if (config.databaseUrl) return openPostgres({ connectionString: config.databaseUrl, logger });
  return openPglite({ dataDir: pgliteDir(config.dataDir), logger });
}
