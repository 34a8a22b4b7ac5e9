/**
 * `coursepulse restore <file> [--force]`: a backup made by `coursepulse backup` becomes the
 * embedded database of DATA_DIR. Nothing is replaced until the file has been checked whole: read
 * and unpacked (backup-file.ts), then opened as a database in a folder beside the target and
 * asked for its migrations — a CoursePulse database has them, and one made by a newer CoursePulse
 * (migrations this one does not know) is refused. Only then is it moved into place. An existing
 * database is replaced only with --force, and is kept renamed beside it, never deleted.
 * Migrations that the backup lacks run at the next start, as after any upgrade.
 */
import fs from 'node:fs';
import path from 'node:path';
import { lockDataDir } from '../data-dir.js';
import { appliedMigrations } from '../models/applied-migrations.js';
import { readMigrations } from '../models/migrate.js';
import { pgliteDir } from '../models/open-database.js';
import { isEmptyDataDir, openPglite } from '../models/pglite-database.js';
import { embeddedDataDir, fail, SECRETS_REMINDER, type DataCommandIo } from './backup-command.js';
import { BadBackup, fileSize, readBackup } from './backup-file.js';

/** `20261129T061502Z`: a name part that sorts by time. */
const stamp = (at: Date): string => at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');

/** Resolves to the exit code: 0 restored, 1 refused or failed. */
export async function restoreCommand(options: { file: string; force: boolean; now?: Date }, io: DataCommandIo): Promise<number> {
  const dataDir = embeddedDataDir(io, 'restore');
  if (dataDir === 1) return 1;
  const target = pgliteDir(dataDir);

  let tar: Buffer;
  try {
    tar = readBackup(options.file);
  } catch (err) {
    if (err instanceof BadBackup) return fail(io, `${err.message}; nothing was changed`);
    throw err;
  }
  if (!options.force && !isEmptyDataDir(target)) {
    return fail(io, `there is a database in ${target} already; nothing was changed. Add --force to replace it (it is kept, renamed, beside the restored one).`);
  }

  let release: () => void;
  try {
    release = lockDataDir(dataDir);
  } catch (err) {
    return fail(io, `cannot restore now: ${(err as Error).message}`);
  }
  const staging = path.join(dataDir, `pglite.restoring-${process.pid}`);
  try {
    fs.rmSync(staging, { recursive: true, force: true });
    io.out(`Checking ${options.file} (${fileSize(fs.statSync(options.file).size)}) …\n`);
    let applied: string[] | null;
    try {
      const db = await openPglite({ dataDir: staging, snapshot: new Blob([new Uint8Array(tar)]) });
      try {
        applied = await appliedMigrations(db);
      } finally {
        await db.close();
      }
    } catch (err) {
      return fail(io, `${options.file} is not a CoursePulse backup: the database in it does not open (${(err as Error).message}); nothing was changed`);
    }
    if (applied === null) return fail(io, `${options.file} is not a CoursePulse backup: its database has no migrations table; nothing was changed`);
    const known = readMigrations().map((m) => m.name);
    const newer = applied.filter((name) => !known.includes(name));
    if (newer.length > 0) {
      return fail(io, `${options.file} was made by a newer CoursePulse (migrations ${newer.join(', ')} are unknown to this one); upgrade first. Nothing was changed.`);
    }
    const pending = known.filter((name) => !applied.includes(name));

    let keptAside: string | undefined;
    if (fs.existsSync(target)) {
      if (fs.readdirSync(target).length === 0) fs.rmdirSync(target);
      else {
        keptAside = `${target}.before-restore-${stamp(options.now ?? new Date())}`;
        fs.renameSync(target, keptAside);
      }
    }
    fs.renameSync(staging, target);
    io.out(
      [
        `Restored ${options.file} into ${target} (${applied.length} migrations applied${pending.length ? `; ${pending.length} more run at the next start` : ''}).`,
        ...(keptAside ? [`The database that was there is kept in ${keptAside}; delete it once the restored one is checked.`] : []),
        SECRETS_REMINDER,
        '',
      ].join('\n'),
    );
    return 0;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    release();
  }
}

