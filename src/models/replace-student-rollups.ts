/**
 * Replaces the derived figures of a set of students of one platform — their `student_visits` and
 * `student_days` rows within each student's window — with freshly computed ones: per table one
 * DELETE for the whole set and one INSERT … SELECT FROM unnest(…). A window is whole local days
 * holding whole visits (recompute.ts makes it so): the visits starting in [from, to) and the days
 * in [fromDay, toDay) are replaced; null bounds reach to the student's first or last row. Students
 * of the set without new rows get none there (all their events were voided, say).
 */
import type { Queryable } from './database.js';

export interface VisitRow {
  contextId: string;
  userId: string;
  startedAt: Date;
  lastEventAt: Date;
  day: string;
  events: number;
  durationSeconds: number;
  capped: boolean;
}

export interface DayRow {
  contextId: string;
  userId: string;
  day: string;
  visits: number;
  durationSeconds: number;
  actions: number;
  resources: number;
  activities: number;
  communication: number;
  threads: number;
  posts: number;
  comments: number;
  firstEventAt: Date;
  lastEventAt: Date;
}

/** One student's window: instants for the visits (by start), days for the day rows; null: unbounded. */
export interface RollupWindow {
  contextId: string;
  userId: string;
  from: Date | null;
  to: Date | null;
  fromDay: string | null;
  toDay: string | null;
}

export async function replaceStudentRollups(
  q: Queryable,
  platformId: string,
  windows: readonly RollupWindow[],
  visits: readonly VisitRow[],
  days: readonly DayRow[],
): Promise<void> {
  if (windows.length === 0) return;
  // Unbounded sides as ±infinity rather than "lo is null or …": a plain range keeps the primary key's index usable.
  const students = [windows.map((w) => w.contextId), windows.map((w) => w.userId)];
  await q.query(
    `delete from student_visits t using unnest($2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[]) as s(context_id, user_id, lo, hi)
     where t.platform_id = $1 and t.context_id = s.context_id and t.user_id = s.user_id and t.started_at >= s.lo and t.started_at < s.hi`,
    [platformId, ...students, windows.map((w) => w.from?.toISOString() ?? '-infinity'), windows.map((w) => w.to?.toISOString() ?? 'infinity')],
  );
  await q.query(
    `delete from student_days t using unnest($2::text[], $3::text[], $4::date[], $5::date[]) as s(context_id, user_id, lo, hi)
     where t.platform_id = $1 and t.context_id = s.context_id and t.user_id = s.user_id and t.day >= s.lo and t.day < s.hi`,
    [platformId, ...students, windows.map((w) => w.fromDay ?? '-infinity'), windows.map((w) => w.toDay ?? 'infinity')],
  );
  if (visits.length > 0) {
    const col = <T>(pick: (v: VisitRow) => T): T[] => visits.map(pick);
    await q.query(
      `insert into student_visits (platform_id, context_id, user_id, started_at, last_event_at, day, events, duration_seconds, capped)
       select $1, * from unnest($2::text[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::date[], $7::int4[], $8::int4[], $9::bool[])`,
      [
        platformId,
        col((v) => v.contextId),
        col((v) => v.userId),
        col((v) => v.startedAt.toISOString()),
        col((v) => v.lastEventAt.toISOString()),
        col((v) => v.day),
        col((v) => v.events),
        col((v) => v.durationSeconds),
        col((v) => v.capped),
      ],
    );
  }
  if (days.length > 0) {
    const col = <T>(pick: (d: DayRow) => T): T[] => days.map(pick);
    await q.query(
      `insert into student_days (platform_id, context_id, user_id, day, visits, duration_seconds, actions, resources, activities,
                                 communication, threads, posts, comments, first_event_at, last_event_at)
       select $1, * from unnest($2::text[], $3::text[], $4::date[], $5::int4[], $6::int4[], $7::int4[], $8::int4[], $9::int4[],
                                $10::int4[], $11::int4[], $12::int4[], $13::int4[], $14::timestamptz[], $15::timestamptz[])`,
      [
        platformId,
        col((d) => d.contextId),
        col((d) => d.userId),
        col((d) => d.day),
        col((d) => d.visits),
        col((d) => d.durationSeconds),
        col((d) => d.actions),
        col((d) => d.resources),
        col((d) => d.activities),
        col((d) => d.communication),
        col((d) => d.threads),
        col((d) => d.posts),
        col((d) => d.comments),
        col((d) => d.firstEventAt.toISOString()),
        col((d) => d.lastEventAt.toISOString()),
      ],
    );
  }
}
