/**
 * Ingest credentials' secrets: 32 random bytes each, stored as a SHA-256 hash. A fast hash is
 * enough here — unlike a password, a 256-bit random secret cannot be guessed from its hash — and
 * it matters, because every statement batch is authenticated (a slow KDF per request would cap
 * ingestion at a few dozen requests a second).
 */
import crypto from 'node:crypto';
import type { Queryable } from '../models/database.js';
import { insertIngestCredential, type IngestCredential } from '../models/ingest-credentials.js';

export interface NewSecret {
  /** The public half: names the credential in logs and in the admin API. */
  key: string;
  /** Shown once, when the credential is made. */
  secret: string;
  /** What is stored. */
  secretHash: string;
}

export function newCredentialSecret(): NewSecret {
  const key = `cpk_${crypto.randomBytes(12).toString('base64url')}`;
  const secret = crypto.randomBytes(32).toString('base64url');
  return { key, secret, secretHash: hashSecret(secret) };
}

export function hashSecret(secret: string): string {
  return `sha256$${crypto.createHash('sha256').update(secret, 'utf8').digest('base64url')}`;
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatches(secret: string, secretHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret));
  const stored = Buffer.from(secretHash);
  return presented.length === stored.length && crypto.timingSafeEqual(presented, stored);
}

/** Makes a credential for a platform: the stored row, and the secret to show once. */
export async function issueIngestCredential(
  q: Queryable,
  platformId: string,
  label: string | null,
  now: Date,
): Promise<{ credential: IngestCredential; secret: string }> {
  const { key, secret, secretHash } = newCredentialSecret();
  const credential = await insertIngestCredential(q, { key, platformId, secretHash, label }, now);
  return { credential, secret };
}
