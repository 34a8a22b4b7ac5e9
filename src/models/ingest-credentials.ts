/** The queries of `ingest_credentials`: make, list, revoke, and find the live one a request names. */
import type { Queryable } from './database.js';

export interface IngestCredential {
  key: string;
  platformId: string;
  label: string | null;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

const COLUMNS = `key, platform_id as "platformId", label, created_at as "createdAt", revoked_at as "revokedAt", last_used_at as "lastUsedAt"`;

export async function insertIngestCredential(
  q: Queryable,
  credential: { key: string; platformId: string; secretHash: string; label: string | null },
  now: Date,
): Promise<IngestCredential> {
  const [row] = await q.query<IngestCredential>(
    `insert into ingest_credentials (key, platform_id, secret_hash, label, created_at) values ($1, $2, $3, $4, $5) returning ${COLUMNS}`,
    [credential.key, credential.platformId, credential.secretHash, credential.label, now],
  );
  return row!;
}

/** The credentials of one platform, or of all, newest first; secrets are never read back. */
export async function listIngestCredentials(q: Queryable, platformId?: string): Promise<IngestCredential[]> {
  return q.query<IngestCredential>(
    `select ${COLUMNS} from ingest_credentials where ($1::text is null or platform_id = $1) order by created_at desc, key`,
    [platformId ?? null],
  );
}

/** Revokes a credential; undefined when there is no such key. Revoking twice keeps the first date. */
export async function revokeIngestCredential(q: Queryable, key: string, now: Date): Promise<IngestCredential | undefined> {
  const [row] = await q.query<IngestCredential>(
    `update ingest_credentials set revoked_at = coalesce(revoked_at, $2) where key = $1 returning ${COLUMNS}`,
    [key, now],
  );
  return row;
}

/** The live (not revoked) credential of `key` with its secret hash, for authentication. */
export async function findLiveCredential(q: Queryable, key: string): Promise<{ platformId: string; secretHash: string } | undefined> {
  const [row] = await q.query<{ platformId: string; secretHash: string }>(
    `select platform_id as "platformId", secret_hash as "secretHash" from ingest_credentials where key = $1 and revoked_at is null`,
    [key],
  );
  return row;
}

/** Records use, at most once a minute per credential (a write per batch would be waste). */
export async function touchIngestCredential(q: Queryable, key: string, now: Date): Promise<void> {
  await q.query(
    `update ingest_credentials set last_used_at = $2 where key = $1 and (last_used_at is null or last_used_at < $2::timestamptz - interval '1 minute')`,
    [key, now],
  );
}
