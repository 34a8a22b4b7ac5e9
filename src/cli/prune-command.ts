/**
 * `coursepulse prune`: one retention run now (src/ingest/retention.ts) — what the server does
 * every hour when RETENTION_DAYS is set — on the database of DATA_DIR / DATABASE_URL. With the
 * embedded database the server must be stopped (openLocalDatabase's lock); on a server database
 * it may run beside CoursePulse, and waits its turn if an instance is pruning.
 */
import { pruneRawEvents } from '../ingest/retention.js';
import type { DataCommandIo } from './backup-command.js';
import { openLocalDatabaseFor } from './local-database.js';

/** Resolves to the exit code: 0 done (or nothing to do), 1 refused or failed. */
export async function pruneCommand(options: { now?: Date }, io: DataCommandIo): Promise<number> {
  const local = await openLocalDatabaseFor(io.env, io.err);
  if (!local) return 1;
  try {
    const days = local.config.retentionDays;
    if (days === undefined) {
      io.err('coursepulse: RETENTION_DAYS is not set, so raw events are kept forever and nothing is pruned. Set it (as for the server) to prune.\n');
      return 1;
    }
    const started = Date.now();
    const result = await pruneRawEvents(local.db, { retentionDays: days, now: options.now ?? new Date() });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    if (result.outcome === 'busy' && result.events === 0) {
      io.out('Another CoursePulse process is pruning right now; nothing was done.\n');
      return 0;
    }
    io.out(
      `Pruned ${result.events} raw events and ${result.attachments} attachments older than ${result.horizon!.toISOString()} (RETENTION_DAYS=${days}) in ${seconds} s. ` +
        'The visits and days before that stay as they are.\n',
    );
    return 0;
  } catch (err) {
    io.err(`coursepulse: pruning failed: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await local.close();
  }
}
