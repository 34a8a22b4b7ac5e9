/**
 * The derived figures of one platform (optionally one course) as whole rows, in a fixed order
 * (byte order of the ids, the same on every collation), for tests that compare them whole:
 * `student_visits`, `student_days` and `course_days`.
 */
import type { Queryable } from '../../src/models/database.js';

export type Row = Record<string, unknown>;

export interface DerivedRows {
  visits: Row[];
  days: Row[];
  courseDays: Row[];
}

const scope = (contextId: string | undefined): string => (contextId === undefined ? 'platform_id = $1' : 'platform_id = $1 and context_id = $2');
const params = (platformId: string, contextId: string | undefined): unknown[] => (contextId === undefined ? [platformId] : [platformId, contextId]);

export function visitRows(q: Queryable, platformId: string, contextId?: string): Promise<Row[]> {
  return q.query<Row>(
    `select context_id, user_id, started_at, last_event_at, day, events, duration_seconds, capped
     from student_visits where ${scope(contextId)} order by context_id collate "C", user_id collate "C", started_at`,
    params(platformId, contextId),
  );
}

export function dayRows(q: Queryable, platformId: string, contextId?: string): Promise<Row[]> {
  return q.query<Row>(
    `select context_id, user_id, day, visits, duration_seconds, actions, resources, activities, communication, threads, posts, comments,
            first_event_at, last_event_at
     from student_days where ${scope(contextId)} order by context_id collate "C", user_id collate "C", day`,
    params(platformId, contextId),
  );
}

export function courseDayRows(q: Queryable, platformId: string, contextId?: string): Promise<Row[]> {
  return q.query<Row>(
    `select context_id, day, visits, visitors, duration_seconds, actions, resources, activities, communication, threads, posts, comments
     from course_days where ${scope(contextId)} order by context_id collate "C", day`,
    params(platformId, contextId),
  );
}

export async function derivedRows(q: Queryable, platformId: string, contextId?: string): Promise<DerivedRows> {
  return {
    visits: await visitRows(q, platformId, contextId),
    days: await dayRows(q, platformId, contextId),
    courseDays: await courseDayRows(q, platformId, contextId),
  };
}
