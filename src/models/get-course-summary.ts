/** A course's name, roster state and active members' roles: what the course pages show about the course itself. */
import type { Queryable } from './database.js';

export interface CourseSummary {
  title: string | null;
  label: string | null;
  rosterSyncedAt: Date | null;
  rosterError: string | null;
  /** Roles of each member who has not left (who of them is a student is decided in roles.ts). */
  activeMemberRoles: string[][];
}

export async function getCourseSummary(q: Queryable, platformId: string, contextId: string): Promise<CourseSummary | undefined> {
  const [course] = await q.query<{ title: string | null; label: string | null; roster_synced_at: Date | null; roster_error: string | null }>(
    'select title, label, roster_synced_at, roster_error from courses where platform_id = $1 and context_id = $2',
    [platformId, contextId],
  );
  if (!course) return undefined;
  const members = await q.query<{ roles: string[] }>(
    `select to_json(roles) as roles from members where platform_id = $1 and context_id = $2 and status = 'Active' and left_at is null`,
    [platformId, contextId],
  );
  return {
    title: course.title,
    label: course.label,
    rosterSyncedAt: course.roster_synced_at,
    rosterError: course.roster_error,
    activeMemberRoles: members.map((m) => m.roles),
  };
}
