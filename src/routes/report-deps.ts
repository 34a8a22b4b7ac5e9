/** What every report route needs: the database, the clock, the settings the figures were made with, and the course reads they share. */
import type { RollupSettings } from '../ingest/recompute.js';
import type { Database } from '../models/database.js';
import type { ReportReads } from '../reports/report-reads.js';

export interface ReportDeps {
  db: Database;
  now: () => Date;
  /** The time zone default, G and T the figures were made with. */
  settings: RollupSettings;
  /** The course-wide reads, shared for a moment by the course's readers (report-reads.ts). */
  reports: ReportReads;
}
