/**
 * Deletes a platform's attachment data that no stored xAPI statement names any more, among the
 * sha2s given (those named by statements just pruned or erased): data is kept once per
 * (platform, sha2) and may be shared by several statements, so it goes only with the last one.
 * Call it holding the platform's ingest lock exclusively (ingest-lock.ts), so that no batch
 * naming the same data commits meanwhile. One scan of the platform's statements with attachments.
 */
import type { Queryable } from './database.js';

/** Returns how many attachments were deleted. */
export async function deleteUnreferencedAttachments(q: Queryable, platformId: string, sha2s: readonly string[]): Promise<number> {
  if (sha2s.length === 0) return 0;
  const rows = await q.query<{ sha2: string }>(
    `delete from statement_attachments t
     where t.platform_id = $1 and t.sha2 = any($2::text[])
       and t.sha2 not in (
         select lower(a->>'sha2')
         from source_events e, jsonb_array_elements(case when jsonb_typeof(e.payload->'attachments') = 'array' then e.payload->'attachments' else '[]'::jsonb end) a
         where e.platform_id = $1 and e.source = 'xapi' and a->>'sha2' is not null)
     returning t.sha2`,
    [platformId, [...new Set(sha2s)]],
  );
  return rows.length;
}
