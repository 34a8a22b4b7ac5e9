/**
 * What the metrics read of one student's events in one course: the events that count — resolved
 * to that course and student, not voided, not ignored — for a set of students of one platform.
 */
import type { EventKind } from '../ingest/event-kind.js';
import type { Queryable } from './database.js';

export interface CountedEvent {
  contextId: string;
  userId: string;
  at: Date;
  kind: EventKind;
  durationSeconds: number | null;
}

export async function countedEventsOf(
  q: Queryable,
  platformId: string,
  students: readonly { contextId: string; userId: string }[],
): Promise<CountedEvent[]> {
  if (students.length === 0) return [];
  return q.query<CountedEvent>(
    `select e.context_id as "contextId", e.user_id as "userId", e.event_at as "at", e.kind, e.duration_seconds as "durationSeconds"
     from source_events e
     join unnest($2::text[], $3::text[]) as s(context_id, user_id) on e.context_id = s.context_id and e.user_id = s.user_id
     where e.platform_id = $1 and not e.voided and e.ignored is null and e.kind is not null`,
    [platformId, students.map((s) => s.contextId), students.map((s) => s.userId)],
  );
}
