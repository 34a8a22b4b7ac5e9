/** A course's LTI service endpoints, as its latest launch gave them: what a roster or groups read needs. */
import type { Queryable } from './database.js';
import type { CourseKey } from './course-key.js';

export interface CourseServices extends CourseKey {
  /** NRPS `context_memberships_url`; null when the platform offers no roster service. */
  membershipsUrl: string | null;
  /** The Course Groups Service claim, unchecked (the groups read checks it). */
  groupsService: unknown;
  /** The launch's custom claim (Canvas's `course_group_ids`, …). */
  custom: Record<string, unknown> | null;
}

/** The columns of `courses` as a {@link CourseServices}, for the queries that return one. */
export const COURSE_SERVICES_COLUMNS = `platform_id as "platformId", context_id as "contextId", memberships_url as "membershipsUrl",
  groups_service as "groupsService", custom`;

export async function findCourseServices(q: Queryable, { platformId, contextId }: CourseKey): Promise<CourseServices | undefined> {
  const [course] = await q.query<CourseServices>(`select ${COURSE_SERVICES_COLUMNS} from courses where platform_id = $1 and context_id = $2`, [
    platformId,
    contextId,
  ]);
  return course;
}
