/**
 * Remembers the web origins a platform's launch came from (src/lti/launch-framing.ts). A platform
 * keeps at most MAX_PLATFORM_ORIGINS: every one of them goes into the frame-ancestors header of
 * its courses' pages, so a platform (or a launcher sending odd Origin headers) cannot grow that
 * header without bound.
 */
import type { Queryable } from './database.js';

export const MAX_PLATFORM_ORIGINS = 20;

export async function recordPlatformOrigins(q: Queryable, platformId: string, origins: readonly string[], now: Date): Promise<void> {
  if (origins.length === 0) return;
  await q.query(
    `insert into platform_origins (platform_id, origin, first_seen_at)
     select $1, origin, $3 from unnest($2::text[]) as origin
     where (select count(*) from platform_origins where platform_id = $1) < $4
     on conflict (platform_id, origin) do nothing`,
    [platformId, [...new Set(origins)], now, MAX_PLATFORM_ORIGINS],
  );
}
