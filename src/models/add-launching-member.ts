/**
 * A refused (non-teaching) launcher as a member of the course — only while the course has no
 * roster read: members come from the roster (NRPS), and once one has been read it alone says who
 * is in the course (a launch never overrides it; the next read settles newcomers). Before that —
 * a platform without NRPS, or a roster read that keeps failing — a student's own launch is the
 * only word on their membership, and their launches and other activity should count.
 */
import type { LaunchClaims } from '../lti/launch-claims.js';
import type { Queryable } from './database.js';

/**
 * Upserts the launcher with the launch's roles (Active; names given win, names withheld keep
 * what was known, as a roster read does) when the course exists and no roster read of it ever
 * succeeded. Returns true when the launcher was not a member before.
 */
export async function addLaunchingMember(q: Queryable, launch: LaunchClaims, now: Date): Promise<boolean> {
  const { person } = launch;
  const [row] = await q.query<{ added: boolean }>(
    `with prior as (
       select 1 from members where platform_id = $1 and context_id = $2 and user_id = $3
     ),
     upserted as (
       insert into members (platform_id, context_id, user_id, name, given_name, family_name, email, picture, roles, status, sourced_id, left_at, updated_at)
       select c.platform_id, c.context_id, $3, $4, $5, $6, $7, $8, $9::text[], 'Active', $10, null, $11
       from courses c
       where c.platform_id = $1 and c.context_id = $2 and c.roster_synced_at is null
       on conflict (platform_id, context_id, user_id) do update set
         name = coalesce(excluded.name, members.name),
         given_name = coalesce(excluded.given_name, members.given_name),
         family_name = coalesce(excluded.family_name, members.family_name),
         email = coalesce(excluded.email, members.email),
         picture = coalesce(excluded.picture, members.picture),
         roles = excluded.roles,
         status = 'Active',
         sourced_id = coalesce(excluded.sourced_id, members.sourced_id),
         left_at = null,
         updated_at = excluded.updated_at
       returning user_id
     )
     select exists (select 1 from upserted) and not exists (select 1 from prior) as added`,
    [
      launch.platformId,
      launch.contextId,
      launch.userId,
      person.name,
      person.givenName,
      person.familyName,
      person.email,
      person.picture,
      launch.roles,
      launch.sourcedId,
      now,
    ],
  );
  return row?.added ?? false;
}
