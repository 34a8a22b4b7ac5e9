/**
 * `student_totals` follows `student_days` and `student_visits` through its triggers (migration
 * 0005) whatever writes them — inserts, deletes, updates, truncation, several students and
 * courses in one statement — and the migration fills it from what was stored before it. Then the two queries the
 * overview reads: getStudentTotals and getRecentStudentDays, each scoped to one course.
 */
import assert from 'node:assert/strict';
import type { Database } from '../../src/models/database.js';
import { getRecentStudentDays } from '../../src/models/get-recent-student-days.js';
import { getStudentTotals } from '../../src/models/get-student-totals.js';
import { migrate, readMigrations } from '../../src/models/migrate.js';
import { BACKEND, emptyTestDatabase, testDatabase } from '../support/databases.js';

type Day = [platformId: string, contextId: string, userId: string, day: string, visits: number, durationSeconds: number];

async function insertDays(db: Database, days: Day[]): Promise<void> {
  await db.query(
    `insert into student_days (platform_id, context_id, user_id, day, visits, duration_seconds, actions, resources, activities, communication,
                               threads, posts, comments, first_event_at, last_event_at)
     select p, c, u, d, v, s, 0, 0, 0, 0, 0, 0, 0, d::timestamptz, d::timestamptz
     from unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::int4[], $6::int4[]) as x(p, c, u, d, v, s)`,
    [0, 1, 2, 3, 4, 5].map((i) => days.map((day) => day[i])),
  );
}

type Visit = [platformId: string, contextId: string, userId: string, startedAt: string];

async function insertVisits(db: Database, visits: Visit[]): Promise<void> {
  await db.query(
    `insert into student_visits (platform_id, context_id, user_id, started_at, last_event_at, day, events, duration_seconds, capped)
     select p, c, u, s, s, s::date, 1, 60, false from unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) as x(p, c, u, s)`,
    [0, 1, 2, 3].map((i) => visits.map((visit) => visit[i])),
  );
}

const totals = (db: Database) =>
  db.query<{ platform_id: string; context_id: string; user_id: string; visits: number; duration_seconds: number; last_visit_at: Date | null }>(
    'select * from student_totals order by platform_id collate "C", context_id collate "C", user_id collate "C"',
  );
const total = (platform_id: string, context_id: string, user_id: string, visits: number, duration_seconds: number, lastVisitAt: string | null = null) => ({
  platform_id,
  context_id,
  user_id,
  visits,
  duration_seconds,
  last_visit_at: lastVisitAt === null ? null : new Date(lastVisitAt),
});

describe(`student totals (${BACKEND})`, () => {
  let db: Database;
  afterEach(async () => {
    await db.close();
  });

  it('adds inserted days, takes away deleted ones and follows updates, per student and course', async () => {
    db = await testDatabase();
    await insertDays(db, [
      ['p1', 'c1', 'u1', '2026-03-01', 2, 100],
      ['p1', 'c1', 'u1', '2026-03-02', 1, 60],
      ['p1', 'c1', 'u2', '2026-03-01', 0, 0],
      ['p1', 'c2', 'u1', '2026-03-01', 3, 999],
      ['p2', 'c1', 'u1', '2026-03-01', 1, 7],
    ]);
    assert.deepEqual(await totals(db), [total('p1', 'c1', 'u1', 3, 160), total('p1', 'c1', 'u2', 0, 0), total('p1', 'c2', 'u1', 3, 999), total('p2', 'c1', 'u1', 1, 7)]);

    // A recompute's shape: delete a window of days, insert its new rows.
    await db.transaction(async (tx) => {
      await tx.query(`delete from student_days where platform_id = 'p1' and context_id = 'c1' and day >= '2026-03-02'`);
      await tx.query(
        `insert into student_days select platform_id, context_id, user_id, '2026-03-02', 4, 400, 0, 0, 0, 0, 0, 0, 0, first_event_at, last_event_at
         from student_days where platform_id = 'p1' and context_id = 'c1' and day = '2026-03-01'`,
      );
    });
    assert.deepEqual(await totals(db), [total('p1', 'c1', 'u1', 6, 500), total('p1', 'c1', 'u2', 4, 400), total('p1', 'c2', 'u1', 3, 999), total('p2', 'c1', 'u1', 1, 7)]);

    await db.query(`update student_days set visits = visits + 1, duration_seconds = duration_seconds * 2 where context_id = 'c1' and day = '2026-03-01'`);
    assert.deepEqual(await totals(db), [total('p1', 'c1', 'u1', 7, 600), total('p1', 'c1', 'u2', 5, 400), total('p1', 'c2', 'u1', 3, 999), total('p2', 'c1', 'u1', 2, 14)]);

    await db.query(`delete from student_days where platform_id = 'p1' and user_id = 'u1'`);
    assert.deepEqual(await totals(db), [total('p1', 'c1', 'u1', 0, 0), total('p1', 'c1', 'u2', 5, 400), total('p1', 'c2', 'u1', 0, 0), total('p2', 'c1', 'u1', 2, 14)]);

    await db.exec('truncate student_days');
    assert.deepEqual(await totals(db), [total('p1', 'c1', 'u1', 0, 0), total('p1', 'c1', 'u2', 0, 0), total('p1', 'c2', 'u1', 0, 0), total('p2', 'c1', 'u1', 0, 0)]);
  });

  it('keeps the start of the latest visit as visits are inserted, deleted and changed', async () => {
    db = await testDatabase();
    await insertVisits(db, [
      ['p1', 'c1', 'u1', '2026-03-01T09:00:00Z'],
      ['p1', 'c1', 'u1', '2026-03-03T09:00:00Z'],
      ['p1', 'c1', 'u2', '2026-03-02T09:00:00Z'],
      ['p1', 'c2', 'u1', '2026-03-09T09:00:00Z'],
    ]);
    await insertDays(db, [['p1', 'c1', 'u1', '2026-03-01', 1, 60]]);
    assert.deepEqual(await totals(db), [
      total('p1', 'c1', 'u1', 1, 60, '2026-03-03T09:00:00Z'),
      total('p1', 'c1', 'u2', 0, 0, '2026-03-02T09:00:00Z'),
      total('p1', 'c2', 'u1', 0, 0, '2026-03-09T09:00:00Z'),
    ]);

    // An earlier visit changes nothing; a later one is the last.
    await insertVisits(db, [
      ['p1', 'c1', 'u1', '2026-02-01T09:00:00Z'],
      ['p1', 'c1', 'u2', '2026-03-04T09:00:00Z'],
    ]);
    assert.deepEqual(await totals(db), [
      total('p1', 'c1', 'u1', 1, 60, '2026-03-03T09:00:00Z'),
      total('p1', 'c1', 'u2', 0, 0, '2026-03-04T09:00:00Z'),
      total('p1', 'c2', 'u1', 0, 0, '2026-03-09T09:00:00Z'),
    ]);

    // Deleting the latest visit brings back the one before; deleting all of them leaves none.
    await db.query(`delete from student_visits where platform_id = 'p1' and context_id = 'c1' and started_at >= '2026-03-03' and user_id = 'u1'`);
    await db.query(`delete from student_visits where platform_id = 'p1' and context_id = 'c1' and started_at >= '2026-03-03'`);
    await db.query(`delete from student_visits where context_id = 'c2'`);
    assert.deepEqual(await totals(db), [
      total('p1', 'c1', 'u1', 1, 60, '2026-03-01T09:00:00Z'),
      total('p1', 'c1', 'u2', 0, 0, '2026-03-02T09:00:00Z'),
      total('p1', 'c2', 'u1', 0, 0),
    ]);

    await db.query(`update student_visits set started_at = started_at + interval '30 days' where user_id = 'u1' and started_at < '2026-02-15'`);
    assert.deepEqual(await totals(db), [total('p1', 'c1', 'u1', 1, 60, '2026-03-03T09:00:00Z'), total('p1', 'c1', 'u2', 0, 0, '2026-03-02T09:00:00Z'), total('p1', 'c2', 'u1', 0, 0)]);

    await db.exec('truncate student_visits');
    assert.deepEqual(await totals(db), [total('p1', 'c1', 'u1', 1, 60), total('p1', 'c1', 'u2', 0, 0), total('p1', 'c2', 'u1', 0, 0)]);
  });

  it('is filled from the days stored before the migration', async () => {
    db = await emptyTestDatabase();
    const migrations = readMigrations();
    const before = migrations.findIndex((m) => m.name === '0005_student_totals');
    await migrate(db, migrations.slice(0, before));
    await insertDays(db, [
      ['p1', 'c1', 'u1', '2026-03-01', 2, 100],
      ['p1', 'c1', 'u1', '2026-03-05', 1, 61],
      ['p1', 'c1', 'u2', '2026-03-01', 1, 5],
    ]);
    await insertVisits(db, [
      ['p1', 'c1', 'u1', '2026-03-01T08:00:00Z'],
      ['p1', 'c1', 'u1', '2026-03-05T08:00:00Z'],
      ['p1', 'c1', 'u3', '2026-03-05T10:00:00Z'],
    ]);
    await migrate(db, migrations);
    assert.deepEqual(await totals(db), [
      total('p1', 'c1', 'u1', 3, 161, '2026-03-05T08:00:00Z'),
      total('p1', 'c1', 'u2', 1, 5),
      // A visit without its days (not a state ingestion leaves, but the sums must not lose it).
      total('p1', 'c1', 'u3', 0, 0, '2026-03-05T10:00:00Z'),
    ]);
  });

  it("reads the totals and last visits, and the days in a range, of one course only", async () => {
    db = await testDatabase();
    await insertDays(db, [
      ['p1', 'c1', 'u1', '2026-03-01', 2, 100],
      ['p1', 'c1', 'u1', '2026-03-07', 1, 60],
      ['p1', 'c1', 'u1', '2026-03-08', 1, 61],
      ['p1', 'c1', 'u2', '2026-03-07', 0, 0],
      ['p1', 'c1', 'u3', '2026-03-07', 5, 5],
      ['p1', 'c2', 'u1', '2026-03-07', 9, 9],
      ['p2', 'c1', 'u1', '2026-03-07', 9, 9],
    ]);
    await insertVisits(db, [
      ['p1', 'c1', 'u1', '2026-03-08T09:00:00Z'],
      ['p1', 'c1', 'u1', '2026-03-01T09:00:00Z'],
      ['p1', 'c2', 'u1', '2026-03-09T09:00:00Z'],
    ]);
    const course = { platformId: 'p1', contextId: 'c1' };
    const byUser = <T extends { userId: string }>(rows: T[]) => rows.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
    assert.deepEqual(byUser(await getStudentTotals(db, course)), [
      { userId: 'u1', visits: 4, durationSeconds: 221, lastVisit: new Date('2026-03-08T09:00:00Z') },
      { userId: 'u2', visits: 0, durationSeconds: 0, lastVisit: null },
      { userId: 'u3', visits: 5, durationSeconds: 5, lastVisit: null },
    ]);
    assert.deepEqual(await getStudentTotals(db, { platformId: 'p1', contextId: 'nothing' }), []);
    const days = await getRecentStudentDays(db, course, '2026-03-02', '2026-03-08');
    assert.deepEqual(
      days.sort((a, b) => (a.userId + a.day < b.userId + b.day ? -1 : 1)),
      [
        { userId: 'u1', day: '2026-03-07', visits: 1, durationSeconds: 60 },
        { userId: 'u1', day: '2026-03-08', visits: 1, durationSeconds: 61 },
        { userId: 'u2', day: '2026-03-07', visits: 0, durationSeconds: 0 },
        { userId: 'u3', day: '2026-03-07', visits: 5, durationSeconds: 5 },
      ],
    );
    assert.deepEqual(await getRecentStudentDays(db, course, '2026-03-09', '2026-03-31'), []);
  });
});
