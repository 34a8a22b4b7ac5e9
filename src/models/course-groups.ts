/** A course's groups, of every source, each with its members: what the group filter and the group pages list. */
import type { Queryable } from './database.js';
import type { CourseKey } from './course-key.js';

export type GroupSource = 'lti-gs' | 'canvas' | 'coursepulse';

export interface CourseGroup {
  groupId: string;
  source: GroupSource;
  /** The platform's id; null for groups defined in CoursePulse. */
  externalId: string | null;
  name: string;
  setId: string | null;
  setName: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** The user ids of its members, sorted (members who left the course included: figures count students only). */
  members: string[];
}

const GROUP_COLUMNS = `g.group_id as "groupId", g.source, g.external_id as "externalId", g.name, g.set_id as "setId", g.set_name as "setName",
  g.created_at as "createdAt", g.updated_at as "updatedAt",
  array(select gm.user_id from group_members gm
        where gm.platform_id = g.platform_id and gm.context_id = g.context_id and gm.group_id = g.group_id
        order by gm.user_id collate "C") as members`;

/** The course's groups (of one source when `source` is given), by set, name and id. */
export async function listCourseGroups(q: Queryable, { platformId, contextId }: CourseKey, source?: GroupSource): Promise<CourseGroup[]> {
  return q.query<CourseGroup>(
    `select ${GROUP_COLUMNS} from groups g
     where g.platform_id = $1 and g.context_id = $2 and ($3::text is null or g.source = $3)
     order by g.set_name collate "C" nulls first, g.name collate "C", g.group_id collate "C"`,
    [platformId, contextId, source ?? null],
  );
}

/** One group of the course with its members, or undefined. */
export async function findCourseGroup(q: Queryable, { platformId, contextId }: CourseKey, groupId: string): Promise<CourseGroup | undefined> {
  const [group] = await q.query<CourseGroup>(`select ${GROUP_COLUMNS} from groups g where g.platform_id = $1 and g.context_id = $2 and g.group_id = $3`, [
    platformId,
    contextId,
    groupId,
  ]);
  return group;
}
