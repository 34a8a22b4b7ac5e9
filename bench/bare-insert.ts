/**
 * The benchmark's yardstick: the same rows ingestion stores in `source_events`, inserted into a
 * bare table with the same columns and a primary key only (no secondary index), one
 * INSERT … SELECT FROM jsonb_to_recordset(…) … ON CONFLICT DO UPDATE per 1,000 rows — no validation, no
 * mapping, no course or person resolution, no sessions, no rollups. The ratio of a phase's rate
 * to this rate is what the pipeline costs over the bare write of its rows.
 */
import { statementRow, type PreparedStatement } from '../src/ingest/store-statements.js';
import type { Queryable } from '../src/models/database.js';
import { sourceEventDocumentRow, type NewSourceEvent } from '../src/models/insert-source-events.js';

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

/**
 * Upserts up to {@link BARE_BATCH} rows in one statement, sent as ingestion sends them (one JSON
 * document read by jsonb_to_recordset, the fastest batched form measured here), so the yardstick
 * is the best bare write and not a slower encoding. A row repeated inside the batch is written
 * once (the last one): ON CONFLICT DO UPDATE may not touch a row twice in one statement.
 */
export async function insertBareRows(q: Queryable, platformId: string, storedAt: Date, rows: readonly NewSourceEvent[]): Promise<void> {
  const unique = [...new Map(rows.map((r) => [r.sourceId, r])).values()];
  const document = unique.map(sourceEventDocumentRow);
  await q.query(
    `insert into ${BARE_TABLE} (platform_id, source, source_id, payload, stored_at, event_at, credential_key, verb_id, actor_key,
                                activity_id, registration, voids, kind, ignored, duration_seconds, course_ref, person_ref,
                                context_id, user_id)
     select $1, 'xapi', r.source_id, r.payload, $2, r.event_at, null, r.verb_id, r.actor_key,
            r.activity_id, r.registration, r.voids, r.kind, r.ignored, r.duration_seconds, r.course_ref, r.person_ref,
            r.context_id, r.user_id
     from jsonb_to_recordset($3::jsonb)
          as r(source_id text, payload jsonb, event_at timestamptz, verb_id text, actor_key text, activity_id text, registration text,
               voids text, kind text, ignored text, duration_seconds float8, course_ref jsonb, person_ref jsonb, context_id text, user_id text)
     on conflict (platform_id, source, source_id) do update set
       payload = excluded.payload, stored_at = excluded.stored_at, event_at = excluded.event_at, kind = excluded.kind,
       context_id = excluded.context_id, user_id = excluded.user_id`,
    [platformId, storedAt, JSON.stringify(document)],
  );
}
