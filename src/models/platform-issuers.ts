/**
 * The issuer (LMS base URL) of every registered platform, read from ltijs's platform documents in
 * `lti_store` (not through ltijs: `coursepulse rebuild` runs without it). The xAPI mapping needs
 * the issuer to recognise the platform's course URLs.
 */
import type { Queryable } from './database.js';

/** Platform id (ltijs's `kid`) → issuer (`platformUrl`). */
export async function platformIssuers(q: Queryable): Promise<Map<string, string>> {
  const rows = await q.query<{ platform_id: string; issuer: string }>(
    `select doc->>'kid' as platform_id, doc->>'platformUrl' as issuer from lti_store
     where collection = 'platform' and doc ? 'kid' and doc ? 'platformUrl'`,
  );
  return new Map(rows.map((row) => [row.platform_id, row.issuer]));
}
