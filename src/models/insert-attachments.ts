/**
 * Keeps the data of xAPI attachments (statement_attachments) inside the transaction that stores
 * their statements: one INSERT … SELECT FROM unnest(…) per request. Data is keyed by (platform,
 * sha2), so content a platform sent before is left as it is (ON CONFLICT DO NOTHING: the same
 * sha2 is the same octets); rows go in in sha2 order, so two requests sending the same data
 * wait for each other in one order and never deadlock.
 */
import type { Queryable } from './database.js';

export interface NewAttachment {
  /** Lower-case hex, already checked against `content`. */
  sha2: string;
  contentType: string;
  content: Uint8Array;
}

export async function insertAttachments(q: Queryable, platformId: string, storedAt: Date, attachments: readonly NewAttachment[]): Promise<void> {
  if (attachments.length === 0) return;
  await q.query(
    `insert into statement_attachments (platform_id, sha2, content_type, length, content, stored_at)
     select $1, r.sha2, r.content_type, octet_length(r.content), r.content, $2
     from unnest($3::text[], $4::text[], $5::bytea[]) as r(sha2, content_type, content)
     order by r.sha2
     on conflict (platform_id, sha2) do nothing`,
    [platformId, storedAt, attachments.map((a) => a.sha2), attachments.map((a) => a.contentType), attachments.map((a) => a.content)],
  );
}
