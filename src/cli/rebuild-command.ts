/**
 * `coursepulse rebuild [--remap]`: rebuilds the derived data (src/ingest/rebuild.ts) on the
 * database the server is configured with, with a progress bar on stderr — what the server would
 * otherwise do at its next start, done beforehand with the server stopped. The embedded database
 * is refused while a server holds its DATA_DIR (openLocalDatabase's lock).
 */
import { derivedSettingsOf, describeDifferences, settingsChange } from '../ingest/derived-settings.js';
import { counted, rebuildDerived, storedDerivedSettings, type RebuildProgress } from '../ingest/rebuild.js';
import { openLocalDatabaseFor } from './local-database.js';
import { createProgressBar } from './progress-bar.js';

export interface RebuildCommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

const BAR_LABELS: Record<RebuildProgress['phase'], string> = { remap: 'Re-mapping events', recompute: 'Recomputing students' };

/** Runs the rebuild; resolves to the exit code (0 done, 1 refused or failed, 130 interrupted). */
export async function rebuildCommand(options: { remap: boolean }, io: RebuildCommandIo): Promise<number> {
  const local = await openLocalDatabaseFor(io.env, io.err);
  if (!local) return 1;
  // Ctrl-C stops between courses: what is done stays committed, the database is closed cleanly,
  // and the next rebuild (or server start) does the rest.
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.once('SIGINT', onSigint);
  const started = Date.now();
  try {
    const { config, db } = local;
    const current = derivedSettingsOf(config);
    const change = settingsChange(await storedDerivedSettings(db), current);
    const remap = options.remap || change.rebuild === 'remap';
    const why =
      change.rebuild === 'none'
        ? 'the settings have not changed'
        : change.rebuild === 'remap' && change.unknown
          ? 'no record of the settings the stored data was derived with'
          : describeDifferences(change.differences);
    io.out(
      `Rebuilding with VISIT_TIMEOUT_MINUTES=${current.visitTimeoutMinutes}, LAST_EVENT_CREDIT_SECONDS=${current.lastEventCreditSeconds}, ` +
        `TIMEZONE=${current.timezone}${remap ? ', re-mapping every stored event' : ''} (${why}).\n`,
    );

    let bar: ReturnType<typeof createProgressBar> | undefined;
    let phase: RebuildProgress['phase'] | undefined;
    const result = await rebuildDerived(db, {
      settings: config,
      remap,
      signal: abort.signal,
      onProgress: (p) => {
        if (p.phase !== phase) {
          bar?.finish();
          phase = p.phase;
          bar = createProgressBar({ label: BAR_LABELS[p.phase], total: p.total, unit: p.unit, stream: process.stderr });
        }
        bar!.update(p.done);
      },
    });
    bar?.finish();
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const remapped = remap ? `, ${result.eventsRemapped} of ${result.eventsRead} events re-mapped` : '';
    io.out(`Rebuilt ${counted(result.courses, 'course')} (${counted(result.students, 'student')}${remapped}) in ${seconds} s.\n`);
    return 0;
  } catch (err) {
    if (abort.signal.aborted) {
      io.err('\ncoursepulse: interrupted; the courses done so far are kept. Run "coursepulse rebuild" again (or start the server) to finish.\n');
      return 130;
    }
    io.err(`coursepulse: the rebuild failed: ${(err as Error).message}\n`);
    return 1;
  } finally {
    process.removeListener('SIGINT', onSigint);
    await local.close();
  }
}
