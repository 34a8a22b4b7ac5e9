/**
 * Events waiting for their course or person: stored before the course's first launch, or before
 * the roster that names their actor. Read per course — by the stored course reference's context
 * id, or for a Caliper `group` reference by the LMS course id the course's launches carry
 * (caliper-group-courses.ts) — and resolved in one UPDATE … FROM unnest(…).
 */
import type { EventSource } from '../ingest/normalised-event.js';
import type { PersonReference } from '../ingest/person-reference.js';
import { groupMatchesCourse } from './caliper-group-courses.js';
import type { CourseKey } from './course-key.js';
import type { Queryable } from './database.js';

export interface PendingEvent {
  source: EventSource;
  sourceId: string;
  /** Null while the event is not tied to the course. */
  contextId: string | null;
  personRef: PersonReference | null;
}

/**
 * The course's events whose person is not resolved: those naming the course but not tied to it
 * yet (by its context id, or by a Caliper group that designates this course and no other), and
 * those tied to it without a person.
 */
export async function pendingEventsOf(q: Queryable, { platformId, contextId }: CourseKey): Promise<PendingEvent[]> {
  return q.query<PendingEvent>(
    `select e.source, e.source_id as "sourceId", e.context_id as "contextId", e.person_ref as "personRef" from source_events e
     where e.platform_id = $1 and e.user_id is null
       and (e.context_id = $2
            or (e.context_id is null and e.course_ref->>'contextId' = $2)
            or (e.context_id is null and e.course_ref->>'rule' = 'caliper-group'
                and exists (select 1 from courses c where c.platform_id = $1 and c.context_id = $2 and ${groupMatchesCourse('e.course_ref', 'c')})
                and (select count(*) from courses c where c.platform_id = $1 and ${groupMatchesCourse('e.course_ref', 'c')}) = 1))`,
    [platformId, contextId],
  );
}

/** Ties the events to the course, and to the person found for each (null: still unknown). */
export async function resolvePendingEvents(
  q: Queryable,
  { platformId, contextId }: CourseKey,
  resolved: readonly { source: EventSource; sourceId: string; userId: string | null }[],
): Promise<void> {
  if (resolved.length === 0) return;
  await q.query(
    `update source_events e set context_id = $2, user_id = r.user_id
     from unnest($3::text[], $4::text[], $5::text[]) as r(source, source_id, user_id)
     where e.platform_id = $1 and e.source = r.source and e.source_id = r.source_id`,
    [platformId, contextId, resolved.map((r) => r.source), resolved.map((r) => r.sourceId), resolved.map((r) => r.userId)],
  );
}
