/**
 * studentFigures and its calendar (details.ts, calendar-month.ts): hand-computed figures of one
 * student's Activity Details. Day rows are written out here, or made by dailyRollup from the
 * spec's worked example so that the whole pipeline from events is covered once.
 */
import assert from 'node:assert/strict';
import type { EventKind } from '../../src/ingest/event-kind.js';
import { communicationTrend, detailDays, monthDays } from '../support/detail-days.js';
import {
  DEFAULT_SESSION_PARAMS,
  addMonths,
  dailyRollup,
  isMonth,
  lastTwelveMonths,
  monthBounds,
  reportWeeks,
  studentFigures,
  type StudentDayCounts,
  type StudentFigures,
  type TimedEvent,
} from '../../src/metrics/index.js';

const NONE = { visits: 0, durationSeconds: 0, actions: 0, resources: 0, activities: 0, communication: 0, threads: 0, posts: 0, comments: 0 };
const row = (day: string, counts: Partial<typeof NONE>): StudentDayCounts => ({ day, ...NONE, ...counts });

const ev = (iso: string, kind: EventKind): TimedEvent => ({ at: Date.parse(iso), kind });
// activity-reports.md's worked example, on Tuesday 2025-03-04 in UTC.
const WORKED = [
  ev('2025-03-04T09:00:00Z', 'visit'),
  ev('2025-03-04T09:10:00Z', 'resource'),
  ev('2025-03-04T09:25:00Z', 'activity'),
  ev('2025-03-04T10:30:00Z', 'post'),
  ev('2025-03-04T10:40:00Z', 'resource'),
];
const LATE = [ev('2025-03-04T09:50:00Z', 'resource'), ev('2025-03-04T10:10:00Z', 'resource')];

describe('studentFigures: one student’s Activity Details', () => {
  it('the worked example: 2 visits, 37 min, 4 actions on its day, one post', () => {
    const days = dailyRollup(WORKED, DEFAULT_SESSION_PARAMS);
    const figures = studentFigures({ today: '2025-03-05', days, lastVisit: new Date('2025-03-04T10:30:00Z') });
    const expected: StudentFigures = {
      // 26 min + 11 min = 2220 s on one active day.
      totals: { durationSeconds: 2220, visits: 2, activeDays: 1, lastVisit: '2025-03-04T10:30:00.000Z' },
      perActiveDay: { durationSeconds: 2220, visits: 2 },
      // Wednesday: this week is Monday 3 March to today; the week before had nothing.
      weekToWeek: {
        thisWeekSeconds: 2220,
        previousWeekSeconds: 0,
        changePercent: null,
        thisWeek: { from: '2025-03-03', to: '2025-03-05' },
        previousWeek: { from: '2025-02-24', to: '2025-03-02' },
      },
      days: detailDays('2024-03-06', '2025-03-05', {
        '2025-03-04': { visits: 2, durationSeconds: 2220, actions: 4, resources: 2, activities: 1, communication: 1 },
      }),
      communication: { threadsStarted: 0, discussionPosts: 1, bulletinComments: 0 },
      month: {
        month: '2025-03',
        from: '2025-03-01',
        to: '2025-03-31',
        days: monthDays('2025-03-01', '2025-03-31', { '2025-03-04': { visits: 2, durationSeconds: 2220 } }),
        visits: 2,
        durationSeconds: 2220,
        previousMonth: '2025-02',
        nextMonth: null,
      },
      communicationTrend: communicationTrend('2024-04', { '2025-03': { discussionPosts: 1 } }),
    };
    assert.deepEqual(figures, expected);
    assert.equal(figures.days.length, 365);
  });

  it('the worked example with its late page views: one visit of 101 min, 6 actions', () => {
    const days = dailyRollup([...LATE, ...WORKED], DEFAULT_SESSION_PARAMS);
    const figures = studentFigures({ today: '2025-03-05', days, lastVisit: new Date('2025-03-04T09:00:00Z') });
    assert.deepEqual(figures.totals, { durationSeconds: 6060, visits: 1, activeDays: 1, lastVisit: '2025-03-04T09:00:00.000Z' });
    assert.deepEqual(figures.perActiveDay, { durationSeconds: 6060, visits: 1 });
    assert.deepEqual(figures.days.find((d) => d.date === '2025-03-04'), {
      date: '2025-03-04',
      visits: 1,
      durationSeconds: 6060,
      actions: 6,
      resources: 4,
      activities: 1,
      communication: 1,
    });
  });

  it('the last 12 months: the day after today’s date one year ago through today, 29 February → 28 February', () => {
    assert.deepEqual(lastTwelveMonths('2028-02-29'), { from: '2027-03-01', to: '2028-02-29' });
    assert.deepEqual(lastTwelveMonths('2025-03-01'), { from: '2024-03-02', to: '2025-03-01' });
    assert.deepEqual(lastTwelveMonths('2025-01-01'), { from: '2024-01-02', to: '2025-01-01' });

    const leap = studentFigures({ today: '2028-02-29', days: [row('2027-02-28', { visits: 1, durationSeconds: 60 }), row('2027-03-01', { visits: 1, durationSeconds: 90 })], lastVisit: null });
    // 2027-03-01 … 2028-02-29 holds 29 February: 366 days; 2027-02-28 is outside (but in the totals).
    assert.equal(leap.days.length, 366);
    assert.deepEqual(leap.days[0], { date: '2027-03-01', visits: 1, durationSeconds: 90, actions: 0, resources: 0, activities: 0, communication: 0 });
    assert.deepEqual(leap.days.at(-1), { date: '2028-02-29', visits: 0, durationSeconds: 0, actions: 0, resources: 0, activities: 0, communication: 0 });
    assert.deepEqual(leap.totals, { durationSeconds: 150, visits: 2, activeDays: 2, lastVisit: null });

    const after = studentFigures({ today: '2025-03-01', days: [row('2024-03-01', { visits: 1 }), row('2024-03-02', { visits: 2 })], lastVisit: null });
    assert.equal(after.days.length, 365);
    assert.deepEqual(
      after.days.slice(0, 2).map((d) => [d.date, d.visits]),
      [['2024-03-02', 2], ['2024-03-03', 0]],
    );
    assert.equal(after.days.at(-1)!.date, '2025-03-01');
  });

  it('week to week on a Monday (this week is today) and on a Sunday (the whole week)', () => {
    const days = [
      row('2025-02-23', { visits: 1, durationSeconds: 7000 }), // the Sunday before the previous week
      row('2025-02-24', { visits: 1, durationSeconds: 600 }), // previous week's Monday
      row('2025-03-02', { visits: 1, durationSeconds: 600 }), // previous week's Sunday
      row('2025-03-03', { visits: 1, durationSeconds: 900 }), // Monday
      row('2025-03-09', { visits: 1, durationSeconds: 300 }), // Sunday
      row('2025-03-10', { visits: 1, durationSeconds: 5000 }), // the Monday after
    ];
    assert.deepEqual(studentFigures({ today: '2025-03-03', days, lastVisit: null }).weekToWeek, {
      thisWeekSeconds: 900,
      previousWeekSeconds: 1200,
      changePercent: -25, // (900 − 1200) ÷ 1200 × 100
      thisWeek: { from: '2025-03-03', to: '2025-03-03' },
      previousWeek: { from: '2025-02-24', to: '2025-03-02' },
    });
    assert.deepEqual(studentFigures({ today: '2025-03-09', days, lastVisit: null }).weekToWeek, {
      thisWeekSeconds: 1200,
      previousWeekSeconds: 1200,
      changePercent: 0,
      thisWeek: { from: '2025-03-03', to: '2025-03-09' },
      previousWeek: { from: '2025-02-24', to: '2025-03-02' },
    });
    assert.deepEqual(reportWeeks('2025-03-10'), { thisWeek: { from: '2025-03-10', to: '2025-03-10' }, previousWeek: { from: '2025-03-03', to: '2025-03-09' } });
  });

  it('week to week: a previous week of 0 gives no change (null), whatever this week holds', () => {
    const figures = studentFigures({ today: '2025-03-05', days: [row('2025-03-04', { visits: 1, durationSeconds: 60 })], lastVisit: null });
    assert.equal(figures.weekToWeek.previousWeekSeconds, 0);
    assert.equal(figures.weekToWeek.changePercent, null);
  });

  it('rounds halves away from zero: averages to whole seconds and 2 decimals, the change to 1 decimal', () => {
    // 8 active days, 9 visits, 3 s in all: 0.375 s → 0; 9 ÷ 8 = 1.125 → 1.13.
    const eight = ['2025-01-06', '2025-01-07', '2025-01-08', '2025-01-09', '2025-01-10', '2025-01-13', '2025-01-14', '2025-01-15'];
    const many = eight.map((day, i) => row(day, { visits: i === 0 ? 2 : 1, durationSeconds: i < 3 ? 1 : 0 }));
    assert.deepEqual(studentFigures({ today: '2025-03-05', days: many, lastVisit: null }).perActiveDay, { durationSeconds: 0, visits: 1.13 });
    // 2 active days, 3 s: 1.5 → 2.
    const two = [row('2025-01-06', { visits: 1, durationSeconds: 1 }), row('2025-01-07', { visits: 1, durationSeconds: 2 })];
    assert.deepEqual(studentFigures({ today: '2025-03-05', days: two, lastVisit: null }).perActiveDay, { durationSeconds: 2, visits: 1 });
    // Previous week 2000 s; this week 2001 s → +0.05 % → 0.1; 1999 s → −0.05 % → −0.1.
    const weeks = (thisWeek: number) => [row('2025-02-25', { visits: 1, durationSeconds: 2000 }), row('2025-03-04', { visits: 1, durationSeconds: thisWeek })];
    assert.equal(studentFigures({ today: '2025-03-05', days: weeks(2001), lastVisit: null }).weekToWeek.changePercent, 0.1);
    assert.equal(studentFigures({ today: '2025-03-05', days: weeks(1999), lastVisit: null }).weekToWeek.changePercent, -0.1);
  });

  it('without any active day: totals 0, averages null (no divisor), every day zero', () => {
    // A day reached only by a visit's tail has actions but no visit: not an active day.
    const figures = studentFigures({ today: '2025-03-05', days: [row('2025-03-01', { actions: 1, resources: 1 })], lastVisit: null });
    assert.deepEqual(figures.totals, { durationSeconds: 0, visits: 0, activeDays: 0, lastVisit: null });
    assert.deepEqual(figures.perActiveDay, { durationSeconds: null, visits: null });
    assert.deepEqual(figures.days, detailDays('2024-03-06', '2025-03-05', { '2025-03-01': { actions: 1, resources: 1 } }));
  });

  it('communication since the course started: a thread start is one thread and one post, not two posts', () => {
    const days = [
      // A thread start (threads 1, posts 1, communication 1) and a reply the same day.
      row('2023-10-02', { visits: 1, durationSeconds: 60, actions: 2, communication: 2, threads: 1, posts: 2 }),
      row('2025-01-15', { visits: 1, durationSeconds: 60, actions: 2, communication: 2, threads: 1, posts: 1, comments: 1 }),
      row('2025-03-04', { visits: 1, durationSeconds: 60, actions: 1, communication: 1, comments: 1 }),
    ];
    const figures = studentFigures({ today: '2025-03-05', days, lastVisit: null });
    assert.deepEqual(figures.communication, { threadsStarted: 2, discussionPosts: 3, bulletinComments: 2 });
    // The trend: 12 whole months, 2024-04 … 2025-03; October 2023 is before it.
    assert.deepEqual(
      figures.communicationTrend,
      communicationTrend('2024-04', { '2025-01': { threadsStarted: 1, discussionPosts: 1, bulletinComments: 1 }, '2025-03': { bulletinComments: 1 } }),
    );
  });

  it('month by month: back to the first activity or 12 months, whichever is earlier; never past today’s month', () => {
    const old = [row('2023-11-20', { visits: 1, durationSeconds: 120 }), row('2025-02-28', { visits: 2, durationSeconds: 300 })];
    const step = (month: string | undefined, days = old) => {
      const { month: shown, previousMonth, nextMonth, visits, durationSeconds, from, to } = studentFigures({ today: '2025-03-05', days, lastVisit: null, month }).month;
      return { month: shown, previousMonth, nextMonth, visits, durationSeconds, from, to };
    };
    assert.deepEqual(step('2023-11'), { month: '2023-11', previousMonth: null, nextMonth: '2023-12', visits: 1, durationSeconds: 120, from: '2023-11-01', to: '2023-11-30' });
    assert.deepEqual(step('2023-12'), { month: '2023-12', previousMonth: '2023-11', nextMonth: '2024-01', visits: 0, durationSeconds: 0, from: '2023-12-01', to: '2023-12-31' });
    assert.deepEqual(step('2025-02'), { month: '2025-02', previousMonth: '2025-01', nextMonth: '2025-03', visits: 2, durationSeconds: 300, from: '2025-02-01', to: '2025-02-28' });
    assert.deepEqual(step(undefined), { month: '2025-03', previousMonth: '2025-02', nextMonth: null, visits: 0, durationSeconds: 0, from: '2025-03-01', to: '2025-03-31' });
    // A student whose activity began within the 12 months steps back to the month the 12 months start in.
    const recent = [row('2025-02-28', { visits: 1 })];
    assert.deepEqual(step('2024-03', recent), { month: '2024-03', previousMonth: null, nextMonth: '2024-04', visits: 0, durationSeconds: 0, from: '2024-03-01', to: '2024-03-31' });
    assert.deepEqual(step('2024-04', recent).previousMonth, '2024-03');
    // A leap February has 29 entries.
    assert.equal(studentFigures({ today: '2025-03-05', days: old, lastVisit: null, month: '2024-02' }).month.days.length, 29);
    assert.throws(() => studentFigures({ today: '2025-03-05', days: old, lastVisit: null, month: '2025-13' }), RangeError);
  });

  it('calendar months: well-formed real months only, stepping across years', () => {
    assert.deepEqual(['2025-03', '2025-12', '1000-01', '2025-13', '2025-00', '2025-3', '0999-05', '2025-03-01', ''].map(isMonth), [
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    assert.deepEqual([addMonths('2025-01', -1), addMonths('2024-12', 1), addMonths('2025-03', -11), addMonths('2025-03', 24)], ['2024-12', '2025-01', '2024-04', '2027-03']);
    assert.deepEqual(monthBounds('2100-02'), { from: '2100-02-01', to: '2100-02-28' });
  });
});
