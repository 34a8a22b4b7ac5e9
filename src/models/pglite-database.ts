/** The embedded database: PGlite (PostgreSQL compiled to WebAssembly) persisted in a folder. */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import type { Logger } from 'pino';
import * as schema from './schema.js';
import { PG_TYPE_OIDS, parseDate, parseInt8, type Database, type Queryable } from './database.js';

export interface PgliteOptions {
  /** A folder, or undefined for an in-memory database. */
  dataDir?: string;
  /** A tarball from `dumpDataDir()` to start from (tests start from a migrated snapshot). */
  snapshot?: Blob | File;
  logger?: Logger;
}

function wrap(conn: PGlite | Transaction): Queryable {
  return {
    async query<Row extends object>(text: string, params: readonly unknown[] = []) {
      const result = await conn.query<Row>(text, params as unknown[]);
      return result.rows;
    },
    async exec(script: string) {
      await conn.exec(script);
    },
  };
}

/** Runs pglite-initdb.ts (or its build) in a child process with this process's loader flags. */
function initdbInChildProcess(dataDir: string): Promise<void> {
  const script = fileURLToPath(new URL(`./pglite-initdb${path.extname(fileURLToPath(import.meta.url))}`, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = fork(script, [dataDir], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`creating the embedded database in ${dataDir} failed (exit code ${code})`)),
    );
  });
}

/** True when `dir` holds no initialised cluster yet (PGlite will run initdb). */
export function isEmptyDataDir(dir: string): boolean {
  return !fs.existsSync(path.join(dir, 'PG_VERSION'));
}

export async function openPglite(options: PgliteOptions = {}): Promise<Database & { pglite: PGlite }> {
  const { dataDir, snapshot, logger } = options;
  const parsers = { [PG_TYPE_OIDS.DATE]: parseDate, [PG_TYPE_OIDS.INT8]: parseInt8 };
  if (dataDir) {
    // PGlite's own mkdir is not recursive.
    fs.mkdirSync(dataDir, { recursive: true });
    if (!snapshot && isEmptyDataDir(dataDir)) {
      logger?.info(
        { dataDir },
        'first start: creating the embedded database; this takes 5–15 s and up to 1 GB of memory once, in a helper process (later starts take 1–3 s)',
      );
      await initdbInChildProcess(dataDir);
    }
  }
  const pglite = await PGlite.create({ dataDir, loadDataDir: snapshot, parsers });
  const root = wrap(pglite);
  return {
    kind: 'pglite',
    pglite,
    orm: drizzle({ client: pglite, schema }),
    query: root.query,
    exec: root.exec,
    transaction: (work) => pglite.transaction((tx) => work(wrap(tx))),
    async ping() {
      try {
        await pglite.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (!pglite.closed) await pglite.close();
    },
  };
}
