/**
 * `--profile`: where the time of ingestion goes, measured from outside src/ by wrapping the
 * Database the app is given. Every query is timed and put under the step of
 * storePreparedStatements / recomputeStudents that issues it (recognised by its SQL); each
 * transaction's own time is split into its queries, the JavaScript between them (matching
 * persons, building rows, sessionise and the daily rollup) and begin + commit.
 */
import type { Database, Queryable } from '../src/models/database.js';

/** The steps, in pipeline order, with the SQL that belongs to each. */
const STEPS: ReadonlyArray<{ step: string; sql: RegExp }> = [
  { step: 'credential check', sql: /ingest_credentials/ },
  { step: 'platform issuer (ltijs, cached)', sql: /lti_store/ },
  { step: 'locks (platform, course)', sql: /pg_advisory_xact_lock/ },
  { step: 'course + roster read', sql: /from (courses|members) where platform_id = \$1 and context_id = any/ },
  { step: 'insert source_events', sql: /insert into source_events/ },
  { step: 're-send + voiding lookups', sql: /from source_events where platform_id = \$1 and source = \$2 and source_id = any/ },
  { step: 'voiding', sql: /voids = any|update source_events set voided/ },
  { step: 'window probes', sql: /as probe/ },
  { step: 'event reads', sql: /as "at"/ },
  { step: 'course_days refresh: insert', sql: /^insert into course_days/ },
  { step: 'course_days refresh: delete', sql: /^delete from course_days/ },
  { step: 'course_days refresh: students', sql: /^select user_id, roles, name/ },
  { step: 'replace student rows: delete visits', sql: /^delete from student_visits/ },
  { step: 'replace student rows: delete days', sql: /^delete from student_days/ },
  { step: 'replace student rows: insert visits', sql: /^insert into student_visits/ },
  { step: 'replace student rows: insert days', sql: /^insert into student_days/ },
  { step: 'course_days refresh', sql: /course_days|from members where platform_id = \$1 and context_id = \$2 and status/ },
  { step: 'import progress', sql: /import_runs/ },
  { step: 'savepoints', sql: /savepoint/ },
  { step: 'ANALYZE (noteIngestWrites)', sql: /^analyze|pg_class/ },
];

export const JS_IN_TRANSACTION = 'JS inside transactions (match, sessionise, rollup)';
export const BEGIN_COMMIT = 'begin + commit';

export interface ProfileEntry {
  step: string;
  calls: number;
  ms: number;
}

export class QueryProfile {
  private readonly entries = new Map<string, ProfileEntry>();
  /** SQL not recognised, first 80 characters (to extend STEPS). */
  readonly unknown = new Set<string>();

  add(step: string, ms: number, calls = 1): void {
    const entry = this.entries.get(step) ?? { step, calls: 0, ms: 0 };
    entry.calls += calls;
    entry.ms += ms;
    this.entries.set(step, entry);
  }

  stepOf(sql: string): string {
    const flat = sql.replace(/\s+/g, ' ').trim();
    const found = STEPS.find((s) => s.sql.test(flat));
    if (found) return found.step;
    this.unknown.add(flat.slice(0, 80));
    return 'other SQL';
  }

  /** The entries, largest first. */
  result(): ProfileEntry[] {
    return [...this.entries.values()].map((e) => ({ ...e, ms: Math.round(e.ms * 10) / 10 })).sort((a, b) => b.ms - a.ms);
  }

  reset(): void {
    this.entries.clear();
    this.unknown.clear();
  }
}

/** A Queryable whose queries are timed into `profile`; `sqlMs` sums their time (for the transaction's split). */
function timedQueryable(q: Queryable, profile: QueryProfile, sqlMs: { total: number }): Queryable {
  return {
    async query<Row extends object>(text: string, params?: readonly unknown[]) {
      const started = performance.now();
      try {
        return await q.query<Row>(text, params);
      } finally {
        const ms = performance.now() - started;
        sqlMs.total += ms;
        profile.add(profile.stepOf(text), ms);
      }
    },
    async exec(script: string) {
      const started = performance.now();
      try {
        await q.exec(script);
      } finally {
        const ms = performance.now() - started;
        sqlMs.total += ms;
        profile.add(profile.stepOf(script), ms);
      }
    },
  };
}

/** `db` with every query and transaction timed into `profile`. */
export function profiledDatabase(db: Database, profile: QueryProfile): Database {
  const outside = { total: 0 };
  const root = timedQueryable(db, profile, outside);
  return {
    kind: db.kind,
    orm: db.orm,
    query: root.query,
    exec: root.exec,
    async transaction(work) {
      const sql = { total: 0 };
      let workMs = 0;
      const started = performance.now();
      try {
        return await db.transaction(async (tx) => {
          const workStarted = performance.now();
          try {
            return await work(timedQueryable(tx, profile, sql));
          } finally {
            workMs = performance.now() - workStarted;
          }
        });
      } finally {
        const total = performance.now() - started;
        profile.add(JS_IN_TRANSACTION, Math.max(0, workMs - sql.total));
        profile.add(BEGIN_COMMIT, Math.max(0, total - workMs));
      }
    },
    ping: () => db.ping(),
    close: () => db.close(),
  };
}
