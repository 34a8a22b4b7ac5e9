/**
 * `coursepulse import <file> --platform ID`: backfills a file of xAPI statements (a JSON array or
 * NDJSON) into a platform's store (src/ingest/import-statements.ts), on the database the server is
 * configured with — not through HTTP, so a year of history does not queue behind the rate limit
 * and the request size limit. The embedded database is refused while a server holds its DATA_DIR
 * (openLocalDatabase's lock); with DATABASE_URL it runs beside the server.
 *
 * The statements are stored as if sent with a credential named `import`: their authority is
 * `{account: {homePage: PUBLIC_URL, name: "import"}}` and their rows' credential_key is `import`,
 * which no issued credential can be (issued keys have another form), so imported rows stay told
 * apart from what an LMS sent.
 *
 * Progress goes to stderr; the summary (a table, or JSON with --json) to stdout. Exit codes: 0
 * when the file was read to its end (rejected items included), 1 when the file could not be read
 * (or was imported already, or the platform is unknown), 130 after Ctrl-C — which stops after the
 * batch in progress, so the same command resumes where it stopped.
 */
import fs from 'node:fs';
import { ImportAlreadyDone, ImportFileError, importStatements, type ImportSummary } from '../ingest/import-statements.js';
import type { StatementSender } from '../ingest/store-statements.js';
import { platformIssuers } from '../models/platform-issuers.js';
import { openLocalDatabaseFor } from './local-database.js';
import { createProgressBar, type ProgressBar } from './progress-bar.js';

/** The credential key imported statements are stored under (and named by in their authority). */
export const IMPORT_CREDENTIAL_KEY = 'import';

export interface ImportCommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
}

export interface ImportCommandOptions {
  /** The file, as an absolute path. */
  file: string;
  platformId: string;
  batchSize: number;
  again: boolean;
  json: boolean;
}

const UNRESOLVED_LABELS = {
  'course-not-launched': 'course not launched yet',
  'person-not-matched': 'person not on the roster yet',
  'no-course': 'no course named',
} as const;

const count = (n: number) => n.toLocaleString('en-US');

/** The summary as a short table. */
export function summaryTable(summary: ImportSummary, platformId: string, failed = false): string {
  const unresolved = Object.values(summary.unresolved).reduce((a, b) => a + b, 0);
  const unresolvedParts = (Object.keys(UNRESOLVED_LABELS) as Array<keyof typeof UNRESOLVED_LABELS>)
    .filter((reason) => summary.unresolved[reason] > 0)
    .map((reason) => `${UNRESOLVED_LABELS[reason]}: ${count(summary.unresolved[reason])}`);
  const rows: Array<[string, number, string]> = [
    ['statements read', summary.statementsRead, ''],
    ['stored', summary.stored, ''],
    ['  unresolved', unresolved, unresolvedParts.length ? `(${unresolvedParts.join(', ')}; counted after a launch or roster read)` : ''],
    ['  ignored', summary.ignored, summary.ignored ? '(kinds the reports leave out: logins, grading …)' : ''],
    ['  voided', summary.voided, ''],
    ['duplicates', summary.duplicates, summary.duplicates ? '(already stored: nothing changed)' : ''],
    ['rejected', summary.rejected, ''],
  ];
  const width = Math.max(...rows.map(([, n]) => count(n).length));
  const head = summary.interrupted || failed
    ? `Stopped importing ${summary.file} into platform ${platformId} after ${summary.seconds.toFixed(1)} s.`
    : `Imported ${summary.file} into platform ${platformId} in ${summary.seconds.toFixed(1)} s.`;
  const lines = [
    summary.resumedFrom > 0 ? `${head} Resumed at byte ${count(summary.resumedFrom)}; the figures are the whole file's.` : head,
    ...rows.filter(([label, n]) => !label.startsWith('  ') || n > 0).map(([label, n, note]) => `  ${label.padEnd(16)} ${count(n).padStart(width)}${note ? `  ${note}` : ''}`.trimEnd()),
  ];
  for (const group of summary.rejectedReasons) {
    lines.push(`    ${count(group.count).padStart(width)} × ${group.reason}`);
    for (const example of group.examples) lines.push(`        line ${example.line}: ${example.message}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Runs the import; resolves to the exit code. */
export async function importCommand(options: ImportCommandOptions, io: ImportCommandIo): Promise<number> {
  let size: number;
  try {
    const stat = fs.statSync(options.file);
    if (!stat.isFile()) throw new Error('not a file');
    size = stat.size;
    fs.accessSync(options.file, fs.constants.R_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    io.err(`coursepulse: cannot read ${options.file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (err as Error).message}\n`);
    return 1;
  }

  const local = await openLocalDatabaseFor(io.env, io.err);
  if (!local) return 1;
  const abort = new AbortController();
  const onSigint = () => {
    if (abort.signal.aborted) return;
    abort.abort();
    io.err('\ncoursepulse: stopping after the batch in progress…\n');
  };
  process.on('SIGINT', onSigint);
  let bar: ProgressBar | undefined;
  try {
    const { config, db } = local;
    const issuers = await platformIssuers(db);
    const issuer = issuers.get(options.platformId);
    if (issuer === undefined) {
      const known = [...issuers.entries()].map(([id, url]) => `${id} (${url})`);
      io.err(
        `coursepulse: no platform with the id "${options.platformId}" in this database. ` +
          (known.length
            ? `Its platforms: ${known.join(', ')}. "coursepulse platform list" shows them with their names (it asks the running server).\n`
            : 'No platform is registered yet: register the LMS first ("coursepulse platform add" or LTI Dynamic Registration).\n'),
      );
      return 1;
    }
    const sender: StatementSender = { platformId: options.platformId, credentialKey: IMPORT_CREDENTIAL_KEY, issuer, authorityHomePage: config.publicUrl };
    const summary = await importStatements(db, {
      platformId: options.platformId,
      filePath: options.file,
      settings: config,
      sender,
      batchSize: options.batchSize,
      again: options.again,
      signal: abort.signal,
      onProgress: (p) => {
        // Made at the first report, once the run has started (not for a file refused as imported).
        bar ??= createProgressBar({ label: 'Importing', total: size, unit: 'bytes', stream: process.stderr });
        bar.update(p.bytesDone, `${count(p.statementsRead)} read: ${count(p.stored)} stored, ${count(p.duplicates)} duplicates, ${count(p.rejected)} rejected`);
      },
    });
    bar?.finish();
    io.out(options.json ? `${JSON.stringify(summary, null, 2)}\n` : summaryTable(summary, options.platformId));
    if (summary.interrupted) {
      io.err('coursepulse: interrupted: resume with the same command\n');
      return 130;
    }
    return 0;
  } catch (err) {
    // On a terminal, end the bar's line before the message.
    if (process.stderr.isTTY) bar?.finish('');
    if (err instanceof ImportAlreadyDone) {
      io.err(`coursepulse: ${err.message}\n`);
      return 1;
    }
    if (err instanceof ImportFileError) {
      io.out(options.json ? `${JSON.stringify(err.summary, null, 2)}\n` : summaryTable(err.summary, options.platformId, true));
      io.err(`coursepulse: cannot read on: ${err.message}. The statements before it are stored; fix the file and import it again.\n`);
      return 1;
    }
    io.err(`coursepulse: the import failed: ${(err as Error).message}\n`);
    return 1;
  } finally {
    process.removeListener('SIGINT', onSigint);
    await local.close();
  }
}
