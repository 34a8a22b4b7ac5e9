/**
 * The benchmark's yardstick: the same rows ingestion stores in `source_events`, inserted into a
 * bare table with the same columns and a primary key only (no secondary index), one
 * INSERT … SELECT FROM unnest(…) … ON CONFLICT DO UPDATE per 1,000 rows — no validation, no
 * mapping, no course or person resolution, no sessions, no rollups. The ratio of a phase's rate
 * to this rate is what the pipeline costs over the bare write of its rows.
 */
import { statementRow, type PreparedStatement } from '../src/ingest/store-statements.js';
import type { Queryable } from '../src/models/database.js';
import type { NewSourceEvent } from '../src/models/insert-source-events.js';

export const BARE_TABLE = 'bench_bare_events';
export const BARE_BATCH = 1000;

export async function createBareTable(q: Queryable): Promise<void> {
  await q.exec(`create table ${BARE_TABLE} (
    platform_id text not null, source text not null, source_id text not null, payload jsonb not null,
    stored_at timestamptz not null, event_at timestamptz not null, credential_key text, verb_id text, actor_key text,
    activity_id text, registration text, voids text, voided boolean not null default false, kind text, ignored text,
    duration_seconds double precision, course_ref jsonb, person_ref jsonb, context_id text, user_id text,
    primary key (platform_id, source, source_id))`);
}

/** The row the pipeline writes for a statement whose course and person are known, so that the bare insert writes the same. */
export const bareRow = (s: PreparedStatement, contextId: string, userId: string): NewSourceEvent => statementRow(s, contextId, userId);

const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));

/**
 * Upserts up to {@link BARE_BATCH} rows in one statement. A row repeated inside the batch is
 * written once (the last one): ON CONFLICT DO UPDATE may not touch a row twice in one statement.
 */
export async function insertBareRows(q: Queryable, platformId: string, storedAt: Date, rows: readonly NewSourceEvent[]): Promise<void> {
  const unique = [...new Map(rows.map((r) => [r.sourceId, r])).values()];
  const column = <T>(pick: (row: NewSourceEvent) => T): T[] => unique.map(pick);
  await q.query(
    `insert into ${BARE_TABLE} (platform_id, source, source_id, payload, stored_at, event_at, credential_key, verb_id, actor_key,
                                activity_id, registration, voids, kind, ignored, duration_seconds, course_ref, person_ref,
                                context_id, user_id)
     select $1, 'xapi', r.source_id, r.payload::jsonb, $2, r.event_at, null, r.verb_id, r.actor_key,
            r.activity_id, r.registration, r.voids, r.kind, r.ignored, r.duration_seconds, r.course_ref::jsonb, r.person_ref::jsonb,
            r.context_id, r.user_id
     from unnest($3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                 $11::text[], $12::text[], $13::float8[], $14::text[], $15::text[], $16::text[], $17::text[])
          as r(source_id, payload, event_at, verb_id, actor_key, activity_id, registration, voids,
               kind, ignored, duration_seconds, course_ref, person_ref, context_id, user_id)
     on conflict (platform_id, source, source_id) do update set
       payload = excluded.payload, stored_at = excluded.stored_at, event_at = excluded.event_at, kind = excluded.kind,
       context_id = excluded.context_id, user_id = excluded.user_id`,
    [
      platformId,
      storedAt,
      column((r) => r.sourceId),
      column((r) => JSON.stringify(r.payload)),
      column((r) => r.eventAt),
      column((r) => r.verbId),
      column((r) => r.actorKey),
      column((r) => r.activityId),
      column((r) => r.registration),
      column((r) => r.voids),
      column((r) => r.kind),
      column((r) => r.ignored),
      column((r) => r.durationSeconds),
      column((r) => json(r.courseRef)),
      column((r) => json(r.personRef)),
      column((r) => r.contextId),
      column((r) => r.userId),
    ],
  );
}
