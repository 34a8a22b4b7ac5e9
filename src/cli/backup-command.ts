/**
 * `coursepulse backup <file>`: the embedded database (DATA_DIR/pglite) into one compressed file,
 * taken with the database closed to everyone else — the DATA_DIR lock refuses it while a server
 * runs on that DATA_DIR. PGlite has no online backup: its files are only consistent in the
 * process that has it open, and a second process opening them would corrupt them. So: stop the
 * server, back up, start it again (a few seconds for a small database; see docs/OPERATIONS.md).
 * With DATABASE_URL the database is the server's, and pg_dump is the tool: the command says how.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../config.js';
import { lockDataDir } from '../data-dir.js';
import { pgliteDir } from '../models/open-database.js';
import { isEmptyDataDir, openPglite } from '../models/pglite-database.js';
import { fileSize } from './backup-file.js';

export interface DataCommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** What to run instead on a PostgreSQL server (the URL stays in the variable: it holds the password). */
export const SERVER_BACKUP_HINT = [
  'With DATABASE_URL the data is on a PostgreSQL server: back it up and restore it with PostgreSQL\'s tools, beside a running CoursePulse:',
  '',
  '  pg_dump --format=custom --file=coursepulse.dump "$DATABASE_URL"',
  '  pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" coursepulse.dump',
  '',
  '(pg_restore into an empty database, or with --clean over the same one with CoursePulse stopped; see docs/OPERATIONS.md.)',
  '',
].join('\n');

/** The secrets a backup does not hold, which a restore elsewhere needs too. */
export const SECRETS_REMINDER =
  'The backup holds the database only: keep LTI_KEY (or DATA_DIR/lti-key) with it — without that key the platforms\' keys in it cannot be read — and ADMIN_TOKEN (or DATA_DIR/admin-token).';

/**
 * The DATA_DIR of the embedded database `command` works on, or the exit code 1 after saying why not:
 * a bad configuration, or DATABASE_URL set (then pg_dump/pg_restore are the tools).
 */
export function embeddedDataDir(io: DataCommandIo, command: 'backup' | 'restore'): string | 1 {
  let config;
  try {
    config = loadConfig(io.env, io.cwd);
  } catch (err) {
    if (err instanceof ConfigError) return fail(io, err.message);
    throw err;
  }
  if (config.databaseUrl) {
    io.err(`coursepulse: ${command} is for the embedded database.\n${SERVER_BACKUP_HINT}`);
    return 1;
  }
  return config.dataDir;
}

/** Resolves to the exit code: 0 written, 1 refused or failed. */
export async function backupCommand(options: { file: string; force: boolean }, io: DataCommandIo): Promise<number> {
  const dataDir = embeddedDataDir(io, 'backup');
  if (dataDir === 1) return 1;
  const dir = pgliteDir(dataDir);
  if (isEmptyDataDir(dir)) return fail(io, `there is no embedded database in ${dir} to back up (is DATA_DIR right?)`);
  if (fs.existsSync(options.file) && !options.force) return fail(io, `${options.file} exists already; choose another file, or add --force to overwrite it`);

  let release: () => void;
  try {
    release = lockDataDir(dataDir);
  } catch (err) {
    return fail(io, `cannot back up now: ${(err as Error).message}. PGlite cannot be read while another process has it open; stop the server, back up, and start it again.`);
  }
  const started = Date.now();
  // Written beside the target and renamed into place: a half-written backup never has its name.
  const partial = path.join(path.dirname(options.file), `.${path.basename(options.file)}.partial-${process.pid}`);
  try {
    io.out(`Backing up the embedded database in ${dir} …\n`);
    const db = await openPglite({ dataDir: dir });
    let archive: Blob;
    try {
      // Everything written so far into the data files, so the archive is the database as of now.
      await db.exec('checkpoint');
      archive = await db.pglite.dumpDataDir('gzip');
    } finally {
      await db.close();
    }
    const bytes = Buffer.from(await archive.arrayBuffer());
    fs.writeFileSync(partial, bytes, { mode: 0o600 });
    fs.renameSync(partial, options.file);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    io.out(`Backed up to ${options.file} (${fileSize(bytes.length)}) in ${seconds} s.\n${SECRETS_REMINDER}\n`);
    return 0;
  } catch (err) {
    fs.rmSync(partial, { force: true });
    return fail(io, `the backup failed: ${(err as Error).message}`);
  } finally {
    release();
  }
}

/** Says `message` on stderr as the command's refusal; the exit code 1. */
export function fail(io: DataCommandIo, message: string): 1 {
  io.err(`coursepulse: ${message}\n`);
  return 1;
}
