/** The courses whose roster the background refresher reads next, and the claim that gives one course to one refresher. */
import type { Queryable } from './database.js';
import type { CourseKey } from './course-key.js';
import { COURSE_SERVICES_COLUMNS, type CourseServices } from './course-services.js';

export interface RosterDue {
  /** Used by a teacher at or after this time: the course is in use. */
  usedSince: Date;
  /** Read at or before this time (or never): the roster is due. */
  readBefore: Date;
}

const DUE = `memberships_url is not null and last_used_at >= $1 and (roster_attempted_at is null or roster_attempted_at <= $2)`;

/** Courses in use whose roster is due, never read first, then the longest unread. */
export async function coursesDueForRoster(q: Queryable, { usedSince, readBefore }: RosterDue, limit = 1000): Promise<CourseKey[]> {
  return q.query<CourseKey>(
    `select platform_id as "platformId", context_id as "contextId" from courses
     where ${DUE}
     order by roster_attempted_at nulls first, platform_id, context_id
     limit $3`,
    [usedSince, readBefore, limit],
  );
}

/**
 * Claims one due course for a read starting `now`: stamps `roster_attempted_at` if the course is
 * still due and answers it, or answers undefined when another refresher (another process on the
 * same PostgreSQL server) claimed or read it first. The UPDATE re-checks the condition on the row
 * it locks, so of two claims at once exactly one matches. The stamp is also the lease: a claim
 * whose process dies is due again after the refresh interval.
 */
export async function claimRosterRead(q: Queryable, { platformId, contextId }: CourseKey, due: RosterDue, now: Date): Promise<CourseServices | undefined> {
  const [course] = await q.query<CourseServices>(
    `update courses set roster_attempted_at = $5
     where platform_id = $3 and context_id = $4 and ${DUE}
     returning ${COURSE_SERVICES_COLUMNS}`,
    [due.usedSince, due.readBefore, platformId, contextId, now],
  );
  return course;
}
