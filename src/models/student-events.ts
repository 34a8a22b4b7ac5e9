/**
 * What the metrics read of one student's events in one course: the events that count — resolved
 * to that course and student, not voided, not ignored — for a set of students of one platform,
 * each within its own window [from, to) (null: unbounded on that side).
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

export interface StudentWindow {
  contextId: string;
  userId: string;
  from: Date | null;
  to: Date | null;
}

// Unbounded sides as ±infinity rather than "lo is null or …": a plain range keeps the (course, user, time) index usable.
const lower = (at: Date | null): string => (at === null ? '-infinity' : at.toISOString());
const upper = (at: Date | null): string => (at === null ? 'infinity' : at.toISOString());

export async function countedEventsOf(q: Queryable, platformId: string, windows: readonly StudentWindow[]): Promise<CountedEvent[]> {
  if (windows.length === 0) return [];
  return q.query<CountedEvent>(
    `select e.context_id as "contextId", e.user_id as "userId", e.event_at as "at", e.kind, e.duration_seconds as "durationSeconds"
     from unnest($2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[]) as s(context_id, user_id, lo, hi)
     join source_events e on e.platform_id = $1 and e.context_id = s.context_id and e.user_id = s.user_id
       and e.event_at >= s.lo and e.event_at < s.hi
     where not e.voided and e.ignored is null and e.kind is not null`,
    [platformId, windows.map((w) => w.contextId), windows.map((w) => w.userId), windows.map((w) => lower(w.from)), windows.map((w) => upper(w.to))],
  );
}
