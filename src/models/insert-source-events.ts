/**
 * Stores a batch of incoming events (xAPI statements, Caliper events, launches) in
 * `source_events`: one INSERT … SELECT FROM unnest(…) for the whole batch. A row whose
 * (platform, source, source id) is already stored is left exactly as it was (ON CONFLICT DO
 * NOTHING); the caller compares it (the 409 rule). Rows go in in source-id order, so two requests
 * sharing ids wait for each other in one order and never deadlock.
 */
import type { EventSource } from '../ingest/normalised-event.js';
import type { Queryable } from './database.js';

/** One row of `source_events` as ingestion makes it (`seq` and `voided` are the database's). */
export interface NewSourceEvent {
  sourceId: string;
  /** The statement as stored (JSON-serialisable). */
  payload: unknown;
  /** The event time. */
  eventAt: string;
  verbId: string | null;
  actorKey: string | null;
  activityId: string | null;
  registration: string | null;
  voids: string | null;
  kind: string | null;
  ignored: string | null;
  durationSeconds: number | null;
  courseRef: unknown;
  personRef: unknown;
  contextId: string | null;
  userId: string | null;
}

export interface SourceEventBatch {
  platformId: string;
  source: EventSource;
  storedAt: Date;
  credentialKey: string | null;
  rows: readonly NewSourceEvent[];
}

const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));

/** Inserts the rows not stored yet; returns the source ids it inserted. */
export async function insertSourceEvents(q: Queryable, batch: SourceEventBatch): Promise<Set<string>> {
  if (batch.rows.length === 0) return new Set();
  const column = <T>(pick: (row: NewSourceEvent) => T): T[] => batch.rows.map(pick);
  const inserted = await q.query<{ source_id: string }>(
    `insert into source_events (platform_id, source, source_id, payload, stored_at, event_at, credential_key, verb_id, actor_key,
                                activity_id, registration, voids, kind, ignored, duration_seconds, course_ref, person_ref,
                                context_id, user_id)
     select $1, $2, r.source_id, r.payload::jsonb, $3, r.event_at, $4, r.verb_id, r.actor_key,
            r.activity_id, r.registration, r.voids, r.kind, r.ignored, r.duration_seconds, r.course_ref::jsonb, r.person_ref::jsonb,
            r.context_id, r.user_id
     from unnest($5::text[], $6::text[], $7::timestamptz[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[],
                 $13::text[], $14::text[], $15::float8[], $16::text[], $17::text[], $18::text[], $19::text[])
          as r(source_id, payload, event_at, verb_id, actor_key, activity_id, registration, voids,
               kind, ignored, duration_seconds, course_ref, person_ref, context_id, user_id)
     order by r.source_id
     on conflict (platform_id, source, source_id) do nothing
     returning source_id`,
    [
      batch.platformId,
      batch.source,
      batch.storedAt,
      batch.credentialKey,
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
  return new Set(inserted.map((row) => row.source_id));
}
