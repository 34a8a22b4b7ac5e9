/**
 * The queries of erasing one person of one platform (`coursepulse erase`, src/ingest/erase-person.ts):
 * where they appear, and the deletion of every row that names them — their events, their
 * derived figures, their roster, group and launch rows, and the LTI launch tokens ltijs keeps of
 * them. Every query is scoped to the platform; a user id means nothing on another platform.
 */
import type { RosterPerson } from '../ingest/person-reference.js';
import type { PersonReference } from '../ingest/person-reference.js';
import type { Queryable } from './database.js';

/** The tables with a user_id column that erase clears, in the order it clears them. */
export const PERSON_TABLES = ['student_visits', 'student_days', 'student_totals', 'group_members', 'members', 'launches'] as const;
export type PersonTable = (typeof PERSON_TABLES)[number];

/** The courses of the platform in which the person has any row (sorted, as course locks are taken). */
export async function personCourses(q: Queryable, platformId: string, userId: string): Promise<string[]> {
  const rows = await q.query<{ context_id: string }>(
    `select context_id from (
       select context_id from source_events where platform_id = $1 and user_id = $2 and context_id is not null
       union ${PERSON_TABLES.map((t) => `select context_id from ${t} where platform_id = $1 and user_id = $2`).join(' union ')}
     ) c order by context_id collate "C"`,
    [platformId, userId],
  );
  return rows.map((row) => row.context_id);
}

/** The person's roster records (for matching the events that wait for a roster to name them). */
export async function personRecords(q: Queryable, platformId: string, userId: string): Promise<RosterPerson[]> {
  return q.query<RosterPerson>(`select distinct user_id as "userId", email, sourced_id as "sourcedId" from members where platform_id = $1 and user_id = $2`, [
    platformId,
    userId,
  ]);
}

export interface UnresolvedPersonEvent {
  source: string;
  sourceId: string;
  personRef: PersonReference;
}

/** The platform's events whose person is not resolved yet, with the reference they name them by. */
export async function unresolvedPersonEvents(q: Queryable, platformId: string): Promise<UnresolvedPersonEvent[]> {
  return q.query<UnresolvedPersonEvent>(
    `select source, source_id as "sourceId", person_ref as "personRef" from source_events
     where platform_id = $1 and user_id is null and person_ref is not null`,
    [platformId],
  );
}

export interface ErasedEvents {
  /** Deleted events per source. */
  bySource: Record<string, number>;
  /** Attachment sha2s the deleted statements named. */
  sha2s: string[];
}

/** Deletes the person's events (resolved to them, or among `also`: unresolved events that name them). */
export async function deletePersonEvents(
  q: Queryable,
  platformId: string,
  userId: string,
  also: ReadonlyArray<{ source: string; sourceId: string }>,
): Promise<ErasedEvents> {
  const [row] = await q.query<{ by_source: Record<string, number> | null; sha2s: string[] | null }>(
    `with gone as (
       delete from source_events e
        where e.platform_id = $1
          and (e.user_id = $2 or (e.source, e.source_id) in (select * from unnest($3::text[], $4::text[])))
       returning e.source, e.payload->'attachments' as attachments
     )
     select (select jsonb_object_agg(source, n) from (select source, count(*)::int as n from gone group by source) s) as by_source,
            (select jsonb_agg(distinct lower(a->>'sha2'))
               from gone g, jsonb_array_elements(case when jsonb_typeof(g.attachments) = 'array' then g.attachments else '[]'::jsonb end) a
              where g.source = 'xapi' and a->>'sha2' is not null) as sha2s`,
    [platformId, userId, also.map((e) => e.source), also.map((e) => e.sourceId)],
  );
  return { bySource: row?.by_source ?? {}, sha2s: row?.sha2s ?? [] };
}

/** Deletes the person's rows of one table (student_totals after the days and visits: their triggers write it). */
export async function deletePersonRows(q: Queryable, table: PersonTable, platformId: string, userId: string): Promise<number> {
  const rows = await q.query<{ n: number }>(
    `with gone as (delete from ${table} where platform_id = $1 and user_id = $2 returning 1) select count(*)::int as n from gone`,
    [platformId, userId],
  );
  return rows[0]!.n;
}

/**
 * Deletes the launch tokens ltijs keeps of the person on this platform (`idtoken`: their name
 * and e-mail; `contexttoken`: their launches' contexts, keyed by ltijs with the platform's
 * issuer, client id and deployment). They expire after 24 hours anyway; erasure does not wait.
 */
export async function deletePersonLtiTokens(q: Queryable, platformId: string, userId: string): Promise<number> {
  const idTokens = await q.query<{ iss: string; client_id: string; deployment_id: string }>(
    `delete from lti_store where collection = 'idtoken' and doc @> jsonb_build_object('platformId', $1::text, 'user', $2::text)
     returning doc->>'iss' as iss, doc->>'clientId' as client_id, doc->>'deploymentId' as deployment_id`,
    [platformId, userId],
  );
  if (idTokens.length === 0) return 0;
  // ltijs's context ids start with encodeURIComponent(issuer + client id + deployment id).
  const prefixes = idTokens.map((t) => encodeURIComponent(t.iss + t.client_id + t.deployment_id));
  const contexts = await q.query(
    `delete from lti_store where collection = 'contexttoken' and doc @> jsonb_build_object('user', $1::text)
       and exists (select 1 from unnest($2::text[]) p(prefix) where starts_with(doc->>'contextId', p.prefix)) returning 1`,
    [userId, prefixes],
  );
  return idTokens.length + contexts.length;
}
