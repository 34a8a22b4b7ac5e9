/** Stored events of a platform looked up by their source ids: for the 409 comparison and for voiding's checks. */
import type { EventSource } from '../ingest/normalised-event.js';
import type { Queryable } from './database.js';

export interface StoredEvent {
  sourceId: string;
  payload: unknown;
  /** Set on a voiding statement: the id it voids. */
  voids: string | null;
  voided: boolean;
  /** Why the event is ignored by the reports (classification), or null. */
  ignored: string | null;
  courseRef: { contextId?: string } | null;
  contextId: string | null;
  userId: string | null;
}

export async function storedEventsByIds(q: Queryable, platformId: string, source: EventSource, ids: readonly string[]): Promise<Map<string, StoredEvent>> {
  if (ids.length === 0) return new Map();
  const rows = await q.query<StoredEvent>(
    `select source_id as "sourceId", payload, voids, voided, ignored, course_ref as "courseRef", context_id as "contextId", user_id as "userId"
     from source_events where platform_id = $1 and source = $2 and source_id = any($3::text[])`,
    [platformId, source, [...new Set(ids)]],
  );
  return new Map(rows.map((row) => [row.sourceId, row]));
}
