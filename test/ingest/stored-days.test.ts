/**
 * Days through storage in a course time zone (Europe/Oslo): Moodle-shaped statements POSTed to
 * /xapi/statements, then the whole `student_visits`, `student_days` and `course_days` rows of the
 * course. A visit across local midnight counts on the day it started while its later actions
 * count on their own day; Oslo's 23-hour and 25-hour days with a visit across the clock change
 * (durations are real elapsed time); the spec's worked example with its late page views; and a
 * late event and a late voiding, days after, that change only the days they belong to.
 *
 * The `course_days` expectations are in `it` blocks of their own (named "… course_days …").
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import express from 'express';
import supertest from 'supertest';
import { recompute } from '../../src/ingest/recompute.js';
import { errorHandler, notFound } from '../../src/routes/http-error.js';
import { routes } from '../../src/routes/index.js';
import { DEFAULT_INGEST_SETTINGS } from '../../src/routes/xapi-statements.js';
import { setCourseTimezone } from '../support/course-timezone.js';
import { derivedRows, type DerivedRows, type Row } from '../support/derived-rows.js';
import { moodleStatement, voidingStatement, type StatementKind } from '../support/moodle-statements.js';
import { TEST_ADMIN_TOKEN } from '../support/test-app.js';
import { DEFAULT_CONTEXT } from '../support/test-platform.js';
import { SETTINGS, learner, xapiWorld, type XapiWorld } from '../support/xapi-world.js';

const OSLO = 'Europe/Oslo';

/** One event: who, what, when (UTC), and optionally a sent id. */
type Ev = [userId: string, kind: StatementKind, at: string, id?: string];

interface Counts {
  visits?: number;
  duration?: number;
  actions?: number;
  resources?: number;
  activities?: number;
  communication?: number;
  threads?: number;
  posts?: number;
  comments?: number;
}

const visit = (contextId: string, userId: string, startedAt: string, lastEventAt: string, day: string, events: number, durationSeconds: number): Row => ({
  context_id: contextId,
  user_id: userId,
  started_at: new Date(startedAt),
  last_event_at: new Date(lastEventAt),
  day,
  events,
  duration_seconds: durationSeconds,
  capped: false,
});

const studentDay = (contextId: string, userId: string, day: string, first: string, last: string, c: Counts): Row => ({
  context_id: contextId,
  user_id: userId,
  day,
  visits: c.visits ?? 0,
  duration_seconds: c.duration ?? 0,
  actions: c.actions ?? 0,
  resources: c.resources ?? 0,
  activities: c.activities ?? 0,
  communication: c.communication ?? 0,
  threads: c.threads ?? 0,
  posts: c.posts ?? 0,
  comments: c.comments ?? 0,
  first_event_at: new Date(first),
  last_event_at: new Date(last),
});

const courseDay = (contextId: string, day: string, visitors: number, c: Counts): Row => ({
  context_id: contextId,
  day,
  visits: c.visits ?? 0,
  visitors,
  duration_seconds: c.duration ?? 0,
  actions: c.actions ?? 0,
  resources: c.resources ?? 0,
  activities: c.activities ?? 0,
  communication: c.communication ?? 0,
  threads: c.threads ?? 0,
  posts: c.posts ?? 0,
  comments: c.comments ?? 0,
});

describe('stored days in a course time zone (Europe/Oslo)', function () {
  this.timeout(120_000);

  // One tool and LMS for the file; every test has a course (and so all its rows) of its own.
  let x: XapiWorld;
  let courses = 0;
  before(async () => {
    x = await xapiWorld();
  });
  after(async () => {
    await x.close();
  });

  /** A new course in Oslo time with `students` on its roster. */
  async function osloCourse(students: string[]): Promise<string> {
    courses += 1;
    const contextId = `oslo-${courses}`;
    await x.openCourse(students.map((s) => learner(s)), { ...DEFAULT_CONTEXT, id: contextId, title: `Oslo course ${courses}` });
    await setCourseTimezone(x.w.t.db, { platformId: x.platformId, contextId }, OSLO);
    return contextId;
  }

  let objects = 0;
  const statements = (contextId: string, events: Ev[]) =>
    events.map(([userId, kind, at, id]) => moodleStatement({ issuer: x.platform.issuer, contextId, userId, kind, at, id, objectKey: (objects += 1) }));

  async function send(contextId: string, events: Ev[]): Promise<void> {
    const res = await x.post(statements(contextId, events));
    assert.equal(res.status, 200, res.text);
  }

  const rows = (contextId: string): Promise<DerivedRows> => derivedRows(x.w.t.db, x.platformId, contextId);

  /** Recomputing the course's students from scratch changes nothing: the stored rows are what the events give. */
  async function assertFromScratch(contextId: string, users: string[]): Promise<void> {
    const before = await rows(contextId);
    await recompute(x.w.t.db, users.map((userId) => ({ platformId: x.platformId, contextId, userId })), SETTINGS);
    assert.deepEqual(await rows(contextId), before);
  }

  // -------------------------------------------------------------------------------------------
  // A visit across local midnight (2 March 2026, CET = UTC+1)

  const MIDNIGHT: Ev[] = [
    ['s1', 'visit', '2026-03-02T22:50:00Z'], // 23:50 on the 2nd
    ['s1', 'resource', '2026-03-02T22:58:00Z'], // 23:58 on the 2nd
    ['s1', 'activity', '2026-03-02T23:05:00Z'], // 00:05 on the 3rd
    ['s1', 'post', '2026-03-02T23:20:00Z'], // 00:20 on the 3rd
    ['s2', 'visit', '2026-03-02T23:10:00Z'], // 00:10 on the 3rd: s2's visit is the 3rd's
    ['s2', 'resource', '2026-03-02T23:15:00Z'],
  ];

  const midnightStudentRows = (c: string): Omit<DerivedRows, 'courseDays'> => ({
    visits: [
      // 22:50–23:20: 30 min + 60 s, all of it on the 2nd.
      visit(c, 's1', '2026-03-02T22:50:00Z', '2026-03-02T23:20:00Z', '2026-03-02', 4, 31 * 60),
      visit(c, 's2', '2026-03-02T23:10:00Z', '2026-03-02T23:15:00Z', '2026-03-03', 2, 6 * 60),
    ],
    days: [
      studentDay(c, 's1', '2026-03-02', '2026-03-02T22:50:00Z', '2026-03-02T22:58:00Z', { visits: 1, duration: 31 * 60, actions: 1, resources: 1 }),
      // The visit's after-midnight actions count on their own day, without a visit.
      studentDay(c, 's1', '2026-03-03', '2026-03-02T23:05:00Z', '2026-03-02T23:20:00Z', { actions: 2, activities: 1, communication: 1, posts: 1 }),
      studentDay(c, 's2', '2026-03-03', '2026-03-02T23:10:00Z', '2026-03-02T23:15:00Z', { visits: 1, duration: 6 * 60, actions: 1, resources: 1 }),
    ],
  });

  const midnightCourseDays = (c: string): Row[] => [
    courseDay(c, '2026-03-02', 1, { visits: 1, duration: 31 * 60, actions: 1, resources: 1 }),
    courseDay(c, '2026-03-03', 1, { visits: 1, duration: 6 * 60, actions: 3, resources: 1, activities: 1, communication: 1, posts: 1 }),
  ];

  it('a visit from 23:50 local past midnight counts wholly on its first day; its actions after midnight on the next', async () => {
    const c = await osloCourse(['s1', 's2']);
    await send(c, MIDNIGHT);
    const got = await rows(c);
    assert.deepEqual({ visits: got.visits, days: got.days }, midnightStudentRows(c));
    await assertFromScratch(c, ['s1', 's2']);
  });

  it('course_days: a visit across local midnight on its first day, the later actions on the next', async () => {
    const c = await osloCourse(['s1', 's2']);
    await send(c, MIDNIGHT);
    assert.deepEqual((await rows(c)).courseDays, midnightCourseDays(c));
  });

  it('the TIMEZONE setting gives the days of a course without a zone of its own; recomputed under UTC, the visit\'s actions fall on one day', async () => {
    courses += 1;
    const c = `setting-${courses}`;
    await x.openCourse([learner('s1'), learner('s2')], { ...DEFAULT_CONTEXT, id: c, title: 'Course in the TIMEZONE setting' });
    const oslo = { ...DEFAULT_INGEST_SETTINGS, timezone: OSLO };
    const app = express();
    app.use(routes({ db: x.w.t.db, lti: x.w.t.lti, adminToken: TEST_ADMIN_TOKEN, publicUrl: x.w.tool.url, now: x.w.clock.now, ingest: oslo }));
    app.use(notFound, errorHandler);
    await supertest(app).post('/xapi/statements').auth(x.credential.key, x.credential.secret).set('X-Experience-API-Version', '1.0.3').send(statements(c, MIDNIGHT)).expect(200);
    const got = await rows(c);
    assert.deepEqual({ visits: got.visits, days: got.days }, midnightStudentRows(c));
    // Recomputed with the UTC setting, the same events fall on the 2nd only.
    await recompute(x.w.t.db, ['s1', 's2'].map((userId) => ({ platformId: x.platformId, contextId: c, userId })), SETTINGS);
    assert.deepEqual((await rows(c)).days, [
      studentDay(c, 's1', '2026-03-02', '2026-03-02T22:50:00Z', '2026-03-02T23:20:00Z', { visits: 1, duration: 31 * 60, actions: 3, resources: 1, activities: 1, communication: 1, posts: 1 }),
      studentDay(c, 's2', '2026-03-02', '2026-03-02T23:10:00Z', '2026-03-02T23:15:00Z', { visits: 1, duration: 6 * 60, actions: 1, resources: 1 }),
    ]);
  });

  // -------------------------------------------------------------------------------------------
  // Spring forward: 31 March 2024 has 23 hours in Oslo (02:00 CET → 03:00 CEST);
  // it runs from 2024-03-30T23:00Z to 2024-03-31T22:00Z.

  const SPRING: Ev[] = [
    ['s1', 'visit', '2024-03-30T22:40:00Z'], // 23:40 CET on the 30th
    ['s1', 'resource', '2024-03-30T22:59:59Z'], // 23:59:59 on the 30th
    ['s1', 'resource', '2024-03-30T23:00:00Z'], // 00:00 on the 31st
    ['s1', 'visit', '2024-03-31T00:50:00Z'], // 01:50 CET
    ['s1', 'activity', '2024-03-31T01:10:00Z'], // 03:10 CEST: 20 minutes later, not 80
    ['s1', 'post', '2024-03-31T01:30:00Z'], // 03:30 CEST
    ['s1', 'resource', '2024-03-31T21:59:00Z'], // 23:59 CEST, the day's last minute
    ['s1', 'activity', '2024-03-31T22:00:00Z'], // 00:00 on 1 April
  ];

  it('spring forward: the 23-hour day\'s edges, and a visit across the clock change lasts its real 40 minutes', async () => {
    const c = await osloCourse(['s1']);
    await send(c, SPRING);
    assert.deepEqual(await rows(c).then(({ visits, days }) => ({ visits, days })), {
      visits: [
        visit(c, 's1', '2024-03-30T22:40:00Z', '2024-03-30T23:00:00Z', '2024-03-30', 3, 21 * 60),
        visit(c, 's1', '2024-03-31T00:50:00Z', '2024-03-31T01:30:00Z', '2024-03-31', 3, 41 * 60),
        visit(c, 's1', '2024-03-31T21:59:00Z', '2024-03-31T22:00:00Z', '2024-03-31', 2, 2 * 60),
      ],
      days: [
        studentDay(c, 's1', '2024-03-30', '2024-03-30T22:40:00Z', '2024-03-30T22:59:59Z', { visits: 1, duration: 21 * 60, actions: 1, resources: 1 }),
        studentDay(c, 's1', '2024-03-31', '2024-03-30T23:00:00Z', '2024-03-31T21:59:00Z', { visits: 2, duration: 43 * 60, actions: 4, resources: 2, activities: 1, communication: 1, posts: 1 }),
        studentDay(c, 's1', '2024-04-01', '2024-03-31T22:00:00Z', '2024-03-31T22:00:00Z', { actions: 1, activities: 1 }),
      ],
    });
    await assertFromScratch(c, ['s1']);
  });

  it('course_days: spring forward, the 23-hour day', async () => {
    const c = await osloCourse(['s1']);
    await send(c, SPRING);
    assert.deepEqual((await rows(c)).courseDays, [
      courseDay(c, '2024-03-30', 1, { visits: 1, duration: 21 * 60, actions: 1, resources: 1 }),
      courseDay(c, '2024-03-31', 1, { visits: 2, duration: 43 * 60, actions: 4, resources: 2, activities: 1, communication: 1, posts: 1 }),
      courseDay(c, '2024-04-01', 0, { actions: 1, activities: 1 }),
    ]);
  });

  // -------------------------------------------------------------------------------------------
  // Fall back: 27 October 2024 has 25 hours in Oslo (03:00 CEST → 02:00 CET);
  // it runs from 2024-10-26T22:00Z to 2024-10-27T23:00Z.

  const FALL: Ev[] = [
    ['s1', 'resource', '2024-10-26T21:59:00Z'], // 23:59 CEST on the 26th
    ['s1', 'activity', '2024-10-26T22:00:00Z'], // 00:00 on the 27th
    ['s1', 'visit', '2024-10-27T00:50:00Z'], // 02:50 CEST
    ['s1', 'resource', '2024-10-27T01:10:00Z'], // 02:10 CET: earlier on the wall clock, 20 minutes later in fact
    ['s1', 'thread', '2024-10-27T01:40:00Z'], // 02:40 CET
    ['s1', 'comment', '2024-10-27T22:59:00Z'], // 23:59 CET, the day's last minute
    ['s1', 'resource', '2024-10-27T23:00:00Z'], // 00:00 on the 28th
  ];

  it('fall back: the 25-hour day\'s edges, and a visit across the clock change lasts its real 50 minutes', async () => {
    const c = await osloCourse(['s1']);
    await send(c, FALL);
    assert.deepEqual(await rows(c).then(({ visits, days }) => ({ visits, days })), {
      visits: [
        visit(c, 's1', '2024-10-26T21:59:00Z', '2024-10-26T22:00:00Z', '2024-10-26', 2, 2 * 60),
        visit(c, 's1', '2024-10-27T00:50:00Z', '2024-10-27T01:40:00Z', '2024-10-27', 3, 51 * 60),
        visit(c, 's1', '2024-10-27T22:59:00Z', '2024-10-27T23:00:00Z', '2024-10-27', 2, 2 * 60),
      ],
      days: [
        studentDay(c, 's1', '2024-10-26', '2024-10-26T21:59:00Z', '2024-10-26T21:59:00Z', { visits: 1, duration: 2 * 60, actions: 1, resources: 1 }),
        studentDay(c, 's1', '2024-10-27', '2024-10-26T22:00:00Z', '2024-10-27T22:59:00Z', {
          visits: 2,
          duration: 53 * 60,
          actions: 4,
          resources: 1,
          activities: 1,
          communication: 2,
          threads: 1,
          posts: 1,
          comments: 1,
        }),
        studentDay(c, 's1', '2024-10-28', '2024-10-27T23:00:00Z', '2024-10-27T23:00:00Z', { actions: 1, resources: 1 }),
      ],
    });
    await assertFromScratch(c, ['s1']);
  });

  it('course_days: fall back, the 25-hour day', async () => {
    const c = await osloCourse(['s1']);
    await send(c, FALL);
    assert.deepEqual((await rows(c)).courseDays, [
      courseDay(c, '2024-10-26', 1, { visits: 1, duration: 2 * 60, actions: 1, resources: 1 }),
      courseDay(c, '2024-10-27', 1, { visits: 2, duration: 53 * 60, actions: 4, resources: 1, activities: 1, communication: 2, threads: 1, posts: 1, comments: 1 }),
      courseDay(c, '2024-10-28', 0, { actions: 1, resources: 1 }),
    ]);
  });

  // -------------------------------------------------------------------------------------------
  // The worked example of activity-reports.md at Oslo's 09:00… on 2 March 2026 (08:00Z…).

  const EXAMPLE: Ev[] = [
    ['s1', 'visit', '2026-03-02T08:00:00Z'],
    ['s1', 'resource', '2026-03-02T08:10:00Z'],
    ['s1', 'activity', '2026-03-02T08:25:00Z'],
    ['s1', 'post', '2026-03-02T09:30:00Z'],
    ['s1', 'resource', '2026-03-02T09:40:00Z'],
  ];
  const LATE_PAGE_VIEWS: Ev[] = [
    ['s1', 'resource', '2026-03-02T09:10:00Z'], // 10:10
    ['s1', 'resource', '2026-03-02T08:50:00Z'], // 09:50
  ];

  it("the spec's worked example in Oslo time, then its two late page views merge the visits", async () => {
    const c = await osloCourse(['s1']);
    await send(c, EXAMPLE);
    assert.deepEqual(await rows(c).then(({ visits, days }) => ({ visits, days })), {
      visits: [
        visit(c, 's1', '2026-03-02T08:00:00Z', '2026-03-02T08:25:00Z', '2026-03-02', 3, 26 * 60),
        visit(c, 's1', '2026-03-02T09:30:00Z', '2026-03-02T09:40:00Z', '2026-03-02', 2, 11 * 60),
      ],
      days: [
        studentDay(c, 's1', '2026-03-02', '2026-03-02T08:00:00Z', '2026-03-02T09:40:00Z', { visits: 2, duration: 37 * 60, actions: 4, resources: 2, activities: 1, communication: 1, posts: 1 }),
      ],
    });
    await send(c, LATE_PAGE_VIEWS);
    assert.deepEqual(await rows(c).then(({ visits, days }) => ({ visits, days })), {
      visits: [visit(c, 's1', '2026-03-02T08:00:00Z', '2026-03-02T09:40:00Z', '2026-03-02', 7, 101 * 60)],
      days: [
        studentDay(c, 's1', '2026-03-02', '2026-03-02T08:00:00Z', '2026-03-02T09:40:00Z', { visits: 1, duration: 101 * 60, actions: 6, resources: 4, activities: 1, communication: 1, posts: 1 }),
      ],
    });
    await assertFromScratch(c, ['s1']);
  });

  it("course_days: the spec's worked example, before and after its late page views", async () => {
    const c = await osloCourse(['s1']);
    await send(c, EXAMPLE);
    assert.deepEqual((await rows(c)).courseDays, [courseDay(c, '2026-03-02', 1, { visits: 2, duration: 37 * 60, actions: 4, resources: 2, activities: 1, communication: 1, posts: 1 })]);
    await send(c, LATE_PAGE_VIEWS);
    assert.deepEqual((await rows(c)).courseDays, [courseDay(c, '2026-03-02', 1, { visits: 1, duration: 101 * 60, actions: 6, resources: 4, activities: 1, communication: 1, posts: 1 })]);
  });

  // -------------------------------------------------------------------------------------------
  // Ten days of history (1–10 March 2026, CET), then a late event and a late voiding, days later.

  const day = (n: number): string => `2026-03-${String(n).padStart(2, '0')}`;
  const HISTORY_DAYS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  /** The history; the resource view of 2 March carries the id `voidedLater` (a voiding statement names it later). */
  function history(voidedLater: string): Ev[] {
    const events: Ev[] = [];
    for (const n of HISTORY_DAYS) {
      // 09:00–09:20 and 20:00–20:10 local each day.
      events.push(['s1', 'visit', `${day(n)}T08:00:00Z`], ['s1', 'resource', `${day(n)}T08:20:00Z`, n === 2 ? voidedLater : undefined]);
      events.push(['s1', 'activity', `${day(n)}T19:00:00Z`], ['s1', 'post', `${day(n)}T19:10:00Z`]);
    }
    // A visit at 00:20 local on the 6th (23:20Z on the 5th).
    events.push(['s1', 'visit', '2026-03-05T23:20:00Z'], ['s1', 'resource', '2026-03-05T23:25:00Z']);
    // s2: a page view at 10:00 local on the 4th to the 6th.
    for (const n of [4, 5, 6]) events.push(['s2', 'resource', `${day(n)}T09:00:00Z`]);
    return events;
  }

  /** The rows of the history before anything late arrives. */
  function historyRows(c: string): DerivedRows {
    const visits: Row[] = [];
    const days: Row[] = [];
    const courseDays: Row[] = [];
    for (const n of HISTORY_DAYS) {
      if (n === 6) visits.push(visit(c, 's1', '2026-03-05T23:20:00Z', '2026-03-05T23:25:00Z', day(6), 2, 6 * 60));
      visits.push(visit(c, 's1', `${day(n)}T08:00:00Z`, `${day(n)}T08:20:00Z`, day(n), 2, 21 * 60));
      visits.push(visit(c, 's1', `${day(n)}T19:00:00Z`, `${day(n)}T19:10:00Z`, day(n), 2, 11 * 60));
      const plain = { visits: 2, duration: 32 * 60, actions: 3, resources: 1, activities: 1, communication: 1, posts: 1 };
      const sixth = { visits: 3, duration: 38 * 60, actions: 4, resources: 2, activities: 1, communication: 1, posts: 1 };
      days.push(studentDay(c, 's1', day(n), n === 6 ? '2026-03-05T23:20:00Z' : `${day(n)}T08:00:00Z`, `${day(n)}T19:10:00Z`, n === 6 ? sixth : plain));
      const s2 = n >= 4 && n <= 6 ? { visits: 1, duration: 60, actions: 1, resources: 1 } : null;
      const sum = (a: Counts, b: Counts | null): Counts =>
        Object.fromEntries((['visits', 'duration', 'actions', 'resources', 'activities', 'communication', 'threads', 'posts', 'comments'] as const).map((k) => [k, (a[k] ?? 0) + (b?.[k] ?? 0)]));
      courseDays.push(courseDay(c, day(n), s2 ? 2 : 1, sum(n === 6 ? sixth : plain, s2)));
    }
    for (const n of [4, 5, 6]) {
      visits.push(visit(c, 's2', `${day(n)}T09:00:00Z`, `${day(n)}T09:00:00Z`, day(n), 1, 60));
      days.push(studentDay(c, 's2', day(n), `${day(n)}T09:00:00Z`, `${day(n)}T09:00:00Z`, { visits: 1, duration: 60, actions: 1, resources: 1 }));
    }
    return { visits, days, courseDays };
  }

  /** The rows after the late page view and the late voiding: the rows of their days replaced, every other row as it was. */
  function withChanges(before: DerivedRows, c: string): DerivedRows {
    // The 23:55 page view on the 5th (22:55Z) is 25 min before the 6th's 00:20 visit: that visit now
    // starts on the 5th (22:55–23:25Z: 30 min + 60 s) and leaves the 6th; the 6th keeps its actions.
    // The voided page view of the 2nd leaves its visit with the course view only (60 s).
    const visits = before.visits
      .filter((v) => !(v.user_id === 's1' && (v.started_at as Date).toISOString() === '2026-03-05T23:20:00.000Z'))
      .map((v) => (v.user_id === 's1' && (v.started_at as Date).toISOString() === '2026-03-02T08:00:00.000Z' ? visit(c, 's1', '2026-03-02T08:00:00Z', '2026-03-02T08:00:00Z', day(2), 1, 60) : v));
    visits.splice(
      visits.findIndex((v) => v.user_id === 's1' && (v.started_at as Date).toISOString() === '2026-03-06T08:00:00.000Z'),
      0,
      visit(c, 's1', '2026-03-05T22:55:00Z', '2026-03-05T23:25:00Z', day(5), 3, 31 * 60),
    );
    const days = before.days.map((d) => {
      if (d.user_id !== 's1') return d;
      if (d.day === day(2)) return studentDay(c, 's1', day(2), `${day(2)}T08:00:00Z`, `${day(2)}T19:10:00Z`, { visits: 2, duration: 12 * 60, actions: 2, activities: 1, communication: 1, posts: 1 });
      if (d.day === day(5)) return studentDay(c, 's1', day(5), `${day(5)}T08:00:00Z`, '2026-03-05T22:55:00Z', { visits: 3, duration: 63 * 60, actions: 4, resources: 2, activities: 1, communication: 1, posts: 1 });
      if (d.day === day(6)) return studentDay(c, 's1', day(6), '2026-03-05T23:20:00Z', `${day(6)}T19:10:00Z`, { visits: 2, duration: 32 * 60, actions: 4, resources: 2, activities: 1, communication: 1, posts: 1 });
      return d;
    });
    const courseDays = before.courseDays.map((d) => {
      if (d.day === day(2)) return courseDay(c, day(2), 1, { visits: 2, duration: 12 * 60, actions: 2, activities: 1, communication: 1, posts: 1 });
      if (d.day === day(5)) return courseDay(c, day(5), 2, { visits: 4, duration: 64 * 60, actions: 5, resources: 3, activities: 1, communication: 1, posts: 1 });
      if (d.day === day(6)) return courseDay(c, day(6), 2, { visits: 3, duration: 33 * 60, actions: 5, resources: 3, activities: 1, communication: 1, posts: 1 });
      return d;
    });
    return { visits, days, courseDays };
  }

  /** Stores the history, then (days later) the late page view and the late voiding; the rows before and after. */
  async function lateArrivals(): Promise<{ c: string; before: DerivedRows; after: DerivedRows }> {
    const c = await osloCourse(['s1', 's2']);
    // The history as a forwarder sends it: in a few batches.
    const voidedLater = crypto.randomUUID();
    const events = history(voidedLater);
    for (let i = 0; i < events.length; i += 8) await send(c, events.slice(i, i + 8));
    const before = await rows(c);
    await send(c, [['s1', 'resource', '2026-03-05T22:55:00Z']]); // 23:55 local on the 5th
    const res = await x.post([voidingStatement(voidedLater, { at: x.w.clock.now() })]);
    assert.equal(res.status, 200, res.text);
    return { c, before, after: await rows(c) };
  }

  it('a late event and a late voiding, days after, change only the rows of their days (every row checked)', async () => {
    const { c, before, after } = await lateArrivals();
    const expected = historyRows(c);
    assert.deepEqual({ visits: before.visits, days: before.days }, { visits: expected.visits, days: expected.days });
    const changed = withChanges(expected, c);
    assert.deepEqual({ visits: after.visits, days: after.days }, { visits: changed.visits, days: changed.days });
    await assertFromScratch(c, ['s1', 's2']);
  });

  it('course_days: a late event and a late voiding, days after, change only their days (every row checked)', async () => {
    const { c, before, after } = await lateArrivals();
    const expected = historyRows(c);
    assert.deepEqual(before.courseDays, expected.courseDays);
    assert.deepEqual(after.courseDays, withChanges(expected, c).courseDays);
  });
});
