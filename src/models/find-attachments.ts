/**
 * The attachment data a platform holds for the given sha2s (GET statements with
 * `attachments=true`). Scoped to the platform: another platform's statement naming the same
 * sha2 never reads this platform's data.
 */
import type { Queryable } from './database.js';

export interface StoredAttachment {
  sha2: string;
  contentType: string;
  content: Buffer;
}

/** The held ones among `sha2s` (lower case), in the order asked. */
export async function findAttachments(q: Queryable, platformId: string, sha2s: readonly string[]): Promise<StoredAttachment[]> {
  if (sha2s.length === 0) return [];
  const rows = await q.query<{ sha2: string; contentType: string; content: Uint8Array }>(
    `select sha2, content_type as "contentType", content from statement_attachments
     where platform_id = $1 and sha2 = any($2::text[])`,
    [platformId, [...sha2s]],
  );
  // pg answers bytea as a Buffer, PGlite as a Uint8Array: one type for callers, without copying.
  const bySha2 = new Map(rows.map((r) => [r.sha2, { ...r, content: Buffer.from(r.content.buffer, r.content.byteOffset, r.content.byteLength) }]));
  return sha2s.flatMap((sha2) => bySha2.get(sha2) ?? []);
}
