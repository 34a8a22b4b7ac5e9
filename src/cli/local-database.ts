/**
 * The database for the commands that work on the data itself (`import`, `rebuild`) rather than
 * through a running server's API: configured exactly as the server is (DATABASE_URL, else PGlite
 * in DATA_DIR), migrated, and — for the embedded database — claimed with the same lock as the
 * server, so that running one of these beside a server on the same DATA_DIR is refused with a
 * clear message instead of corrupting it. With DATABASE_URL they may run beside the server.
 */
import type { Logger } from 'pino';
import { ConfigError, loadConfig, type Config } from '../config.js';
import { lockDataDir } from '../data-dir.js';
import type { Database } from '../models/database.js';
import { migrate } from '../models/migrate.js';
import { openDatabase } from '../models/open-database.js';

export interface LocalDatabase {
  config: Config;
  db: Database;
  /** Closes the database and releases the data directory. */
  close(): Promise<void>;
}

export async function openLocalDatabase(env: NodeJS.ProcessEnv, logger?: Logger): Promise<LocalDatabase> {
  const config = loadConfig(env);
  const release = config.databaseUrl ? () => {} : lockDataDir(config.dataDir);
  try {
    const db = await openDatabase(config, logger);
    try {
      await migrate(db);
    } catch (err) {
      await db.close();
      throw err;
    }
    return {
      config,
      db,
      close: async () => {
        try {
          await db.close();
        } finally {
          release();
        }
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}

/** For a command: the database, or null after saying on `err` why it could not be opened. */
export async function openLocalDatabaseFor(env: NodeJS.ProcessEnv, err: (text: string) => void): Promise<LocalDatabase | null> {
  try {
    return await openLocalDatabase(env);
  } catch (error) {
    err(`coursepulse: ${error instanceof ConfigError ? error.message : `cannot open the database: ${(error as Error).message}`}\n`);
    return null;
  }
}
