/** The groups of a course one student is a member of (every source), for the Activity Details' heading. */
import type { Queryable } from './database.js';
import type { StudentKey } from './student-key.js';

export interface StudentGroup {
  id: string;
  name: string;
}

/** By set, name and id, as the course's group list (course-groups.ts) orders them. */
export async function listStudentGroups(q: Queryable, { platformId, contextId, userId }: StudentKey): Promise<StudentGroup[]> {
  return q.query<StudentGroup>(
    `select g.group_id as id, g.name from group_members gm
     join groups g on g.platform_id = gm.platform_id and g.context_id = gm.context_id and g.group_id = gm.group_id
     where gm.platform_id = $1 and gm.context_id = $2 and gm.user_id = $3
     order by g.set_name collate "C" nulls first, g.name collate "C", g.group_id collate "C"`,
    [platformId, contextId, userId],
  );
}
