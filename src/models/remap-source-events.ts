/**
 * Re-mapping stored events (rebuild.ts): reading a platform's xAPI and Caliper rows in chunks by
 * `seq` (keyset on the (platform_id, seq) index, so each chunk is one index range however large
 * the table), and writing what the current rules make of their payloads back in one UPDATE …
 * FROM unnest(…) per chunk. Launch rows are not read: their mapping is not rule-made.
 */
import type { Queryable } from './database.js';

/** The sources whose mapping columns the kind rules make. */
const MAPPED_SOURCES = ['xapi', 'caliper'];

export interface MappableEvent {
  seq: number;
  source: 'xapi' | 'caliper';
  sourceId: string;
  payload: unknown;
  storedAt: Date;
}

/** The mapping columns of one row, as the current rules make them. */
export interface EventMapping {
  source: 'xapi' | 'caliper';
  sourceId: string;
  kind: string | null;
  ignored: string | null;
  durationSeconds: number | null;
  courseRef: unknown;
  personRef: unknown;
}

/** How many rows of the platform the re-mapping reads (for progress). */
export async function countMappableEvents(q: Queryable, platformId: string): Promise<number> {
  const [row] = await q.query<{ n: number }>(
    `select count(*) as n from source_events where platform_id = $1 and source = any($2::text[])`,
    [platformId, MAPPED_SOURCES],
  );
  return row?.n ?? 0;
}

/** The platform's next `limit` xAPI and Caliper rows after `afterSeq`, in `seq` order. */
export async function mappableEventsAfter(q: Queryable, platformId: string, afterSeq: number, limit: number): Promise<MappableEvent[]> {
  return q.query<MappableEvent>(
    `select seq, source, source_id as "sourceId", payload, stored_at as "storedAt" from source_events
     where platform_id = $1 and seq > $2 and source = any($3::text[])
     order by seq limit $4`,
    [platformId, afterSeq, MAPPED_SOURCES, limit],
  );
}

const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));

/**
 * Writes the mappings; rows whose mapping is unchanged are not touched. Where the course
 * reference changed, the row's course and person are cleared (it is pending again, and
 * resolvePending ties it anew); where only the person reference changed, its person is. Returns
 * how many rows changed.
 */
export async function updateEventMappings(q: Queryable, platformId: string, mappings: readonly EventMapping[]): Promise<number> {
  if (mappings.length === 0) return 0;
  const column = <T>(pick: (m: EventMapping) => T): T[] => mappings.map(pick);
  // SET expressions read the row as it was, so `e.course_ref` below is the old reference.
  const changed = await q.query<{ seq: number }>(
    `update source_events e set
       kind = r.kind, ignored = r.ignored, duration_seconds = r.duration_seconds,
       course_ref = r.course_ref::jsonb, person_ref = r.person_ref::jsonb,
       context_id = case when e.course_ref is distinct from r.course_ref::jsonb then null else e.context_id end,
       user_id = case when e.course_ref is distinct from r.course_ref::jsonb or e.person_ref is distinct from r.person_ref::jsonb
                      then null else e.user_id end
     from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::text[], $8::text[])
          as r(source, source_id, kind, ignored, duration_seconds, course_ref, person_ref)
     where e.platform_id = $1 and e.source = r.source and e.source_id = r.source_id
       and (e.kind, e.ignored, e.duration_seconds, e.course_ref, e.person_ref)
           is distinct from (r.kind, r.ignored, r.duration_seconds, r.course_ref::jsonb, r.person_ref::jsonb)
     returning e.seq`,
    [
      platformId,
      column((m) => m.source),
      column((m) => m.sourceId),
      column((m) => m.kind),
      column((m) => m.ignored),
      column((m) => m.durationSeconds),
      column((m) => json(m.courseRef)),
      column((m) => json(m.personRef)),
    ],
  );
  return changed.length;
}
