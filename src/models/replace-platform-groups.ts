/** Replaces a course's groups from one platform source ('lti-gs' or 'canvas') with a full read, in one transaction. */
import type { Database } from './database.js';
import type { CourseKey } from './course-key.js';
import { lockCourse } from './course-lock.js';

export type PlatformGroupSource = 'lti-gs' | 'canvas';

/** A group as the platform gives it, with the user ids of its members. */
export interface PlatformGroup {
  /** The platform's id of the group. */
  externalId: string;
  name: string;
  setId: string | null;
  setName: string | null;
  userIds: string[];
}

/** Our id of a platform's group: unique in the course, whatever id another source uses. */
export const platformGroupId = (source: PlatformGroupSource, externalId: string): string => `${source}:${externalId}`;

/**
 * Makes the course's groups of `source` exactly `groups`: new ones inserted, known ones updated
 * (their created_at kept), the others deleted with their members (cascade), and the members of
 * every group of the source replaced. Groups of other sources (Canvas, CoursePulse's own) are
 * not touched. Returns how many groups and memberships were stored.
 */
export async function replacePlatformGroups(
  db: Database,
  course: CourseKey,
  source: PlatformGroupSource,
  groups: readonly PlatformGroup[],
  now: Date,
): Promise<{ groups: number; memberships: number }> {
  const { platformId, contextId } = course;
  const byId = new Map(groups.map((g) => [platformGroupId(source, g.externalId), g]));
  const rows = [...byId].map(([groupId, g]) => ({ group_id: groupId, external_id: g.externalId, name: g.name, set_id: g.setId, set_name: g.setName }));
  const memberships = [...byId].flatMap(([groupId, g]) => [...new Set(g.userIds)].map((userId) => ({ group_id: groupId, user_id: userId })));
  await db.transaction(async (tx) => {
    await lockCourse(tx, course);
    await tx.query(
      `delete from groups where platform_id = $1 and context_id = $2 and source = $3 and not (group_id = any($4::text[]))`,
      [platformId, contextId, source, [...byId.keys()]],
    );
    await tx.query(
      `insert into groups (platform_id, context_id, group_id, source, external_id, name, set_id, set_name, created_at, updated_at)
       select $1, $2, g.group_id, $3, g.external_id, g.name, g.set_id, g.set_name, $4, $4
       from jsonb_to_recordset($5::jsonb) as g(group_id text, external_id text, name text, set_id text, set_name text)
       on conflict (platform_id, context_id, group_id) do update set
         name = excluded.name, set_id = excluded.set_id, set_name = excluded.set_name, updated_at = excluded.updated_at
       where groups.source = excluded.source`,
      [platformId, contextId, source, now, JSON.stringify(rows)],
    );
    await tx.query(
      `delete from group_members gm using groups g
       where gm.platform_id = $1 and gm.context_id = $2 and g.platform_id = gm.platform_id and g.context_id = gm.context_id
         and g.group_id = gm.group_id and g.source = $3`,
      [platformId, contextId, source],
    );
    await tx.query(
      `insert into group_members (platform_id, context_id, group_id, user_id)
       select $1, $2, m.group_id, m.user_id from jsonb_to_recordset($3::jsonb) as m(group_id text, user_id text)`,
      [platformId, contextId, JSON.stringify(memberships)],
    );
  });
  return { groups: rows.length, memberships: memberships.length };
}
