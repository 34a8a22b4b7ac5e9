/** Writes a full roster read into `members`: everyone read upserted in one statement, everyone else marked as left. */
import type { Queryable } from './database.js';
import type { CourseKey } from './course-key.js';

/** A member as a roster read gives it (NRPS). */
export interface RosterMember {
  userId: string;
  name: string | null;
  givenName: string | null;
  familyName: string | null;
  email: string | null;
  picture: string | null;
  roles: string[];
  status: 'Active' | 'Inactive' | 'Deleted';
  sourcedId: string | null;
}

export interface UpsertedRoster {
  /** Members who were not left before and are now (Inactive or Deleted in this read). */
  newlyLeft: number;
  /** Members who had left and are Active again. */
  rejoined: number;
}

/**
 * Upserts every member read (each user id once). Roles and status are the platform's latest word;
 * names, e-mail, picture and sourced id not given keep what was known (platforms withhold them
 * by privacy setting, and the launch may have given them), as a launch does. Inactive and
 * Deleted members are marked as left (the first time they were seen so keeps its date); an
 * Active one is a member again. All CTEs see the rows as they were, so the counts compare
 * before with after in the same statement.
 */
export async function upsertRosterMembers(q: Queryable, { platformId, contextId }: CourseKey, members: readonly RosterMember[], now: Date): Promise<UpsertedRoster> {
  const incoming = members.map((m) => ({
    user_id: m.userId,
    name: m.name,
    given_name: m.givenName,
    family_name: m.familyName,
    email: m.email,
    picture: m.picture,
    roles: m.roles,
    status: m.status,
    sourced_id: m.sourcedId,
  }));
  const [counts] = await q.query<{ newly_left: number; rejoined: number }>(
    `with incoming as (
       select * from jsonb_to_recordset($4::jsonb) as m(user_id text, name text, given_name text, family_name text, email text,
                                                        picture text, roles jsonb, status text, sourced_id text)
     ),
     prior as (
       select user_id, left_at from members where platform_id = $1 and context_id = $2 and user_id in (select user_id from incoming)
     ),
     upserted as (
       insert into members (platform_id, context_id, user_id, name, given_name, family_name, email, picture, roles, status, sourced_id, left_at, updated_at)
       select $1, $2, i.user_id, i.name, i.given_name, i.family_name, i.email, i.picture,
              array(select jsonb_array_elements_text(i.roles)), i.status, i.sourced_id,
              case when i.status = 'Active' then null else $3::timestamptz end, $3
       from incoming i
       order by i.user_id
       on conflict (platform_id, context_id, user_id) do update set
         name = coalesce(excluded.name, members.name),
         given_name = coalesce(excluded.given_name, members.given_name),
         family_name = coalesce(excluded.family_name, members.family_name),
         email = coalesce(excluded.email, members.email),
         picture = coalesce(excluded.picture, members.picture),
         roles = excluded.roles,
         status = excluded.status,
         sourced_id = coalesce(excluded.sourced_id, members.sourced_id),
         left_at = case when excluded.status = 'Active' then null else coalesce(members.left_at, excluded.left_at) end,
         updated_at = excluded.updated_at
       returning user_id, left_at
     )
     select count(*) filter (where u.left_at is not null and p.left_at is null) as newly_left,
            count(*) filter (where u.left_at is null and p.left_at is not null) as rejoined
     from upserted u left join prior p using (user_id)`,
    [platformId, contextId, now, JSON.stringify(incoming)],
  );
  return { newlyLeft: counts?.newly_left ?? 0, rejoined: counts?.rejoined ?? 0 };
}

/**
 * Marks as left every member of the course not in `present` (the user ids of a full read) who
 * has not left already. Their rows and status stay: their events are kept, they are no longer
 * counted (activity-reports.md). Returns how many were marked.
 */
export async function markAbsentMembersLeft(q: Queryable, { platformId, contextId }: CourseKey, present: readonly string[], now: Date): Promise<number> {
  const rows = await q.query(
    `update members set left_at = $3, updated_at = $3
     where platform_id = $1 and context_id = $2 and left_at is null and not (user_id = any($4::text[]))
     returning user_id`,
    [platformId, contextId, now, present],
  );
  return rows.length;
}
