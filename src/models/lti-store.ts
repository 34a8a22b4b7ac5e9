/**
 * The queries over `lti_store`, ltijs's document storage (see schema.ts). Documents are matched
 * by jsonb containment of an equality object; rows past `expires_at` are invisible and are
 * removed by {@link deleteExpiredLtiDocs}.
 */
import type { Database, Queryable } from './database.js';

export type LtiDoc = Record<string, unknown>;
export interface LtiDocRow {
  doc: LtiDoc;
  created_at: Date;
}

const LIVE = '(expires_at is null or expires_at > $3)';

export async function findLtiDocs(q: Queryable, collection: string, match: LtiDoc, now: Date): Promise<LtiDocRow[]> {
  return q.query<LtiDocRow>(
    `select doc, created_at from lti_store where collection = $1 and doc @> $2::jsonb and ${LIVE} order by id`,
    [collection, JSON.stringify(match), now],
  );
}

export async function insertLtiDoc(q: Queryable, collection: string, doc: LtiDoc, now: Date, expiresAt: Date | null): Promise<void> {
  await q.query('insert into lti_store (collection, doc, created_at, expires_at) values ($1, $2::jsonb, $3, $4)', [
    collection,
    JSON.stringify(doc),
    now,
    expiresAt,
  ]);
}

/** Upsert: the documents matching `match` are replaced by `doc`, atomically. */
export async function replaceLtiDoc(
  db: Database,
  collection: string,
  match: LtiDoc,
  doc: LtiDoc,
  now: Date,
  expiresAt: Date | null,
): Promise<void> {
  const key = `${collection}:${JSON.stringify(match)}`;
  await db.transaction(async (tx) => {
    // Two launches replacing the same token at once must not both insert.
    await tx.query('select pg_advisory_xact_lock(hashtext($1))', [key]);
    await tx.query('delete from lti_store where collection = $1 and doc @> $2::jsonb', [collection, JSON.stringify(match)]);
    await insertLtiDoc(tx, collection, doc, now, expiresAt);
  });
}

/** Sets the top-level fields of `patch` on every live document matching `match`. */
export async function updateLtiDocs(q: Queryable, collection: string, match: LtiDoc, patch: LtiDoc, now: Date): Promise<void> {
  await q.query(`update lti_store set doc = doc || $4::jsonb where collection = $1 and doc @> $2::jsonb and ${LIVE}`, [
    collection,
    JSON.stringify(match),
    now,
    JSON.stringify(patch),
  ]);
}

export async function deleteLtiDocs(q: Queryable, collection: string, match: LtiDoc): Promise<void> {
  await q.query('delete from lti_store where collection = $1 and doc @> $2::jsonb', [collection, JSON.stringify(match)]);
}

/** Removes every expired document; returns how many. */
export async function deleteExpiredLtiDocs(q: Queryable, now: Date): Promise<number> {
  const rows = await q.query<{ n: number }>(
    'with gone as (delete from lti_store where expires_at <= $1 returning 1) select count(*)::int as n from gone',
    [now],
  );
  return rows[0]?.n ?? 0;
}
