/**
 * Group commit for the audit log of report views: the views of concurrent requests share one
 * insert. Each report waits for its row before it is sent (report-view-audit.ts), and under load
 * the server's CPU goes largely to database round trips; so at most one insert is in flight per
 * log, and the views recorded meanwhile wait for it to end and go together in the next one (up
 * to `maxRows` a statement). Nothing waits on a timer: a lone request's view goes at once, in one
 * round trip, and rows are grouped only when requests overlap — the busier, the fewer inserts
 * per view.
 *
 * Each `record` settles when the insert holding its view has committed, or rejects with that
 * insert's error: one failed insert fails exactly the views it held (each caller logs its own),
 * and the next insert goes all the same. A batch fails as a whole, but its values are ones the
 * database already took elsewhere (the launch's user, course and roles, a student found), so one
 * view does not fail alone in practice. What a database crash can lose is insert-report-view.ts's
 * (asynchronous commit); a crash of this process loses only views whose reports were not sent.
 */
import type { Queryable } from './database.js';
import { insertReportViews } from './insert-report-view.js';
import type { ReportView } from './report-view.js';

interface Waiting {
  view: ReportView;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** The most views one insert takes by default (about 150 kB of JSON): a bound on one statement, not a target. */
export const REPORT_VIEW_BATCH_ROWS = 500;

export class ReportViewLog {
  private waiting: Waiting[] = [];
  private inFlight = false;

  constructor(
    private readonly db: Queryable,
    private readonly maxRows: number = REPORT_VIEW_BATCH_ROWS,
  ) {}

  /** Resolves once `view` is committed (rejects with the error of the insert that held it). */
  record(view: ReportView): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ view, resolve, reject });
      if (!this.inFlight) void this.drain();
    });
  }

  /** Inserts the waiting views, a batch at a time, until none wait. */
  private async drain(): Promise<void> {
    this.inFlight = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.maxRows);
        try {
          await insertReportViews(this.db, batch.map((w) => w.view));
        } catch (err) {
          for (const w of batch) w.reject(err);
          continue;
        }
        for (const w of batch) w.resolve();
      }
    } finally {
      this.inFlight = false;
    }
  }
}

const logs = new WeakMap<Queryable, ReportViewLog>();

/** The one log of `db` in this process (created on first use), for callers not handed one. */
export function reportViewLogOf(db: Queryable): ReportViewLog {
  let log = logs.get(db);
  if (!log) logs.set(db, (log = new ReportViewLog(db)));
  return log;
}
