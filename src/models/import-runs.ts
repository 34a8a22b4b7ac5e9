/**
 * The progress rows of `coursepulse import` (`import_runs`, one per platform and file): where an
 * interrupted import resumes, and whether a file was imported already. The progress is written in
 * the transaction that stores the batch it counts, so after a crash the row says exactly which
 * bytes are in the database.
 */
import type { Database, Queryable } from './database.js';

/** What a run has counted so far (the `summary` column): the import's totals, whole-file. */
export interface ImportCounters {
  stored: number;
  duplicates: number;
  unresolved: { 'no-course': number; 'course-not-launched': number; 'person-not-matched': number };
  ignored: number;
  voided: number;
  rejected: number;
  rejectedReasons: Array<{ reason: string; count: number; examples: Array<{ line: number; message: string }> }>;
  /** The line the next item starts on, for the line numbers of a resumed run. */
  nextLine: number;
}

export interface ImportRun {
  platformId: string;
  fileKey: string;
  fileName: string;
  bytesTotal: number;
  bytesDone: number;
  statementsRead: number;
  counters: ImportCounters;
  startedAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

interface Row {
  platform_id: string;
  file_key: string;
  file_name: string;
  bytes_total: number;
  bytes_done: number;
  statements_read: number;
  summary: ImportCounters;
  started_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

const COLUMNS = 'platform_id, file_key, file_name, bytes_total, bytes_done, statements_read, summary, started_at, updated_at, finished_at';

const runOf = (row: Row): ImportRun => ({
  platformId: row.platform_id,
  fileKey: row.file_key,
  fileName: row.file_name,
  bytesTotal: row.bytes_total,
  bytesDone: row.bytes_done,
  statementsRead: row.statements_read,
  counters: row.summary,
  startedAt: row.started_at,
  updatedAt: row.updated_at,
  finishedAt: row.finished_at,
});

export async function findImportRun(q: Queryable, platformId: string, fileKey: string): Promise<ImportRun | undefined> {
  const [row] = await q.query<Row>(`select ${COLUMNS} from import_runs where platform_id = $1 and file_key = $2`, [platformId, fileKey]);
  return row && runOf(row);
}

/** Starts a run from byte 0: a new row, or the file's earlier row reset (`--again`). */
export async function startImportRun(
  db: Database,
  run: { platformId: string; fileKey: string; fileName: string; bytesTotal: number; counters: ImportCounters; now: Date },
): Promise<ImportRun> {
  const [row] = await db.query<Row>(
    `insert into import_runs (${COLUMNS})
     values ($1, $2, $3, $4, 0, 0, $5::jsonb, $6, $6, null)
     on conflict (platform_id, file_key) do update
       set file_name = excluded.file_name, bytes_total = excluded.bytes_total, bytes_done = 0, statements_read = 0,
           summary = excluded.summary, started_at = excluded.started_at, updated_at = excluded.updated_at, finished_at = null
     returning ${COLUMNS}`,
    [run.platformId, run.fileKey, run.fileName, run.bytesTotal, JSON.stringify(run.counters), run.now],
  );
  return runOf(row!);
}

/**
 * Records a committed batch (call it inside the batch's transaction). Only moves a run that is
 * where this process left it (`fromBytes`): false when another import of the same file moved it.
 */
export async function recordImportProgress(
  tx: Queryable,
  progress: { platformId: string; fileKey: string; fromBytes: number; bytesDone: number; statementsRead: number; counters: ImportCounters; now: Date },
): Promise<boolean> {
  const rows = await tx.query<{ file_key: string }>(
    `update import_runs set bytes_done = $4, statements_read = $5, summary = $6::jsonb, updated_at = $7
     where platform_id = $1 and file_key = $2 and bytes_done = $3 and finished_at is null
     returning file_key`,
    [progress.platformId, progress.fileKey, progress.fromBytes, progress.bytesDone, progress.statementsRead, JSON.stringify(progress.counters), progress.now],
  );
  return rows.length === 1;
}

/** Marks the run finished: the file was read to its end. */
export async function finishImportRun(q: Queryable, run: { platformId: string; fileKey: string; now: Date }): Promise<void> {
  await q.query(`update import_runs set finished_at = $3, updated_at = $3 where platform_id = $1 and file_key = $2`, [run.platformId, run.fileKey, run.now]);
}
