/**
 * A registered platform's issuer and the origins its launches came from, looked up by what a
 * launch or an ltik names (issuer and client id; ltijs's platform document in `lti_store`).
 * Undefined when no such platform is registered.
 */
import type { Queryable } from './database.js';
import { MAX_PLATFORM_ORIGINS } from './record-platform-origins.js';

export interface PlatformFrameOrigins {
  platformId: string;
  issuer: string;
  /** Recorded launch origins, oldest first. */
  origins: string[];
}

export async function platformFrameOrigins(q: Queryable, issuer: string, clientId: string): Promise<PlatformFrameOrigins | undefined> {
  const rows = await q.query<{ platform_id: string; issuer: string; origins: string[] }>(
    `select p.doc->>'kid' as platform_id, p.doc->>'platformUrl' as issuer,
            array(select o.origin from platform_origins o where o.platform_id = p.doc->>'kid'
                  order by o.first_seen_at, o.origin limit $3) as origins
     from lti_store p
     where p.collection = 'platform' and p.doc @> jsonb_build_object('platformUrl', $1::text, 'clientId', $2::text)
       and p.doc ? 'kid'
     limit 1`,
    [issuer, clientId, MAX_PLATFORM_ORIGINS],
  );
  const row = rows[0];
  return row ? { platformId: row.platform_id, issuer: row.issuer, origins: row.origins } : undefined;
}
