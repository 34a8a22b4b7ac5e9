import assert from 'node:assert/strict';
import type { EventKind } from '../../src/ingest/event-kind.js';
import { DEFAULT_SESSION_PARAMS, dailyRollup, type DayRollup, type SessionParams, type TimedEvent } from '../../src/metrics/index.js';

const at = (iso: string): number => Date.parse(iso);
const ev = (iso: string, kind: EventKind, durationSeconds?: number): TimedEvent =>
  durationSeconds === undefined ? { at: at(iso), kind } : { at: at(iso), kind, durationSeconds };

const OSLO: SessionParams = { ...DEFAULT_SESSION_PARAMS, timezone: 'Europe/Oslo' };
const UTC: SessionParams = DEFAULT_SESSION_PARAMS;

/** Every counter at zero; each expected row below spreads it and sets what is not zero. */
const NOTHING = { visits: 0, durationSeconds: 0, actions: 0, resources: 0, activities: 0, communication: 0, threads: 0, posts: 0, comments: 0 };
const row = (day: string, first: string, last: string, counts: Partial<typeof NOTHING>): DayRollup => ({
  day,
  ...NOTHING,
  ...counts,
  firstEventAt: at(first),
  lastEventAt: at(last),
});

const WORKED = [
  ev('2024-09-10T09:00:00+02:00', 'visit'),
  ev('2024-09-10T09:10:00+02:00', 'resource'),
  ev('2024-09-10T09:25:00+02:00', 'activity'),
  ev('2024-09-10T10:30:00+02:00', 'post'),
  ev('2024-09-10T10:40:00+02:00', 'resource'),
];

describe('dailyRollup: one student, day by day', () => {
  it('sums the worked example: 2 visits, 37 min, 4 actions', () => {
    assert.deepEqual(dailyRollup(WORKED, OSLO), [
      // Visits 1560 s + 660 s = 2220 s = 37 min. Actions: 2 page views, 1 quiz view, 1 post; the
      // 09:00 course opening is not an action.
      row('2024-09-10', '2024-09-10T09:00:00+02:00', '2024-09-10T10:40:00+02:00', {
        visits: 2,
        durationSeconds: 2220,
        actions: 4,
        resources: 2,
        activities: 1,
        communication: 1,
        posts: 1,
      }),
    ]);
  });

  it('gives the merged figures when the 09:50 and 10:10 page views arrive late', () => {
    const late = [ev('2024-09-10T10:10:00+02:00', 'resource'), ev('2024-09-10T09:50:00+02:00', 'resource')];
    // One visit 09:00–10:40 = 6000 s + 60 s = 6060 s = 101 min; actions 4 + 2 = 6, of them 4 page views.
    const expected = [
      row('2024-09-10', '2024-09-10T09:00:00+02:00', '2024-09-10T10:40:00+02:00', {
        visits: 1,
        durationSeconds: 6060,
        actions: 6,
        resources: 4,
        activities: 1,
        communication: 1,
        posts: 1,
      }),
    ];
    assert.deepEqual(dailyRollup([...WORKED, ...late], OSLO), expected);
    assert.deepEqual(dailyRollup([...late, ...WORKED.slice().reverse()], OSLO), expected);
  });

  it('counts a thread start as one action, one communication, one thread and one post', () => {
    assert.deepEqual(dailyRollup([ev('2024-09-10T12:00:00Z', 'thread')], UTC), [
      row('2024-09-10', '2024-09-10T12:00:00Z', '2024-09-10T12:00:00Z', {
        visits: 1,
        durationSeconds: 60,
        actions: 1,
        communication: 1,
        threads: 1,
        posts: 1,
      }),
    ]);
    assert.deepEqual(
      dailyRollup(
        [
          ev('2024-09-10T12:00:00Z', 'thread'),
          ev('2024-09-10T12:05:00Z', 'post'),
          ev('2024-09-10T12:10:00Z', 'comment'),
          ev('2024-09-10T12:15:00Z', 'other'), // an edit: extends the visit, not an action
          ev('2024-09-10T12:20:00Z', 'visit'), // the course opened again: the same
        ],
        UTC,
      ),
      [
        // 12:00–12:20 + 60 s = 1260 s. Communication 3 (thread, post, comment); posts 2 (thread + post).
        row('2024-09-10', '2024-09-10T12:00:00Z', '2024-09-10T12:20:00Z', {
          visits: 1,
          durationSeconds: 1260,
          actions: 3,
          communication: 3,
          threads: 1,
          posts: 2,
          comments: 1,
        }),
      ],
    );
  });

  it('omits days without events and lists the others in order', () => {
    assert.deepEqual(
      dailyRollup([ev('2024-09-12T08:00:00Z', 'activity'), ev('2024-09-10T08:00:00Z', 'resource'), ev('2024-09-10T20:00:00Z', 'visit')], UTC),
      [
        row('2024-09-10', '2024-09-10T08:00:00Z', '2024-09-10T20:00:00Z', { visits: 2, durationSeconds: 120, actions: 1, resources: 1 }),
        row('2024-09-12', '2024-09-12T08:00:00Z', '2024-09-12T08:00:00Z', { visits: 1, durationSeconds: 60, actions: 1, activities: 1 }),
      ],
    );
    assert.deepEqual(dailyRollup([], UTC), []);
  });

  it('counts a visit across local midnight on its first day, and a later action on its own day', () => {
    // Oslo in January is UTC+1. 23:50 on the 15th → 00:10 and 00:20 on the 16th: one visit,
    // 30 min + 60 s = 1860 s, on the 15th; the two actions after midnight count on the 16th.
    const events = [
      ev('2024-01-15T23:50:00+01:00', 'visit'),
      ev('2024-01-16T00:10:00+01:00', 'resource'),
      ev('2024-01-16T00:20:00+01:00', 'activity'),
    ];
    assert.deepEqual(dailyRollup(events, OSLO), [
      row('2024-01-15', '2024-01-15T23:50:00+01:00', '2024-01-15T23:50:00+01:00', { visits: 1, durationSeconds: 1860 }),
      row('2024-01-16', '2024-01-16T00:10:00+01:00', '2024-01-16T00:20:00+01:00', { actions: 2, resources: 1, activities: 1 }),
    ]);
    // The same events in UTC (22:50Z, 23:10Z, 23:20Z) are all on the 15th.
    assert.deepEqual(dailyRollup(events, UTC), [
      row('2024-01-15', '2024-01-15T22:50:00Z', '2024-01-15T23:20:00Z', { visits: 1, durationSeconds: 1860, actions: 2, resources: 1, activities: 1 }),
    ]);
  });

  it('measures a visit across the spring-forward jump in real time, on the 23-hour day', () => {
    // Oslo, 2024-03-31: 02:00 CET becomes 03:00 CEST (01:00Z). 01:50 CET (00:50Z) → 03:10 CEST
    // (01:10Z) is 80 min on the wall clock but 20 min in fact: one visit, 1200 + 60 = 1260 s.
    // The day runs from 00:00 CET (2024-03-30T23:00Z) to 23:59:59.999 CEST (21:59:59.999Z).
    const events = [
      ev('2024-03-30T22:59:59.999Z', 'resource'), // 23:59:59.999 on the 30th
      ev('2024-03-31T00:50:00Z', 'visit'),
      ev('2024-03-31T01:10:00Z', 'resource'),
      ev('2024-03-31T21:59:59.999Z', 'activity'), // the day's last ms
      ev('2024-03-31T22:00:00Z', 'activity'), // 00:00 on 1 April
    ];
    assert.deepEqual(dailyRollup(events, OSLO), [
      row('2024-03-30', '2024-03-30T22:59:59.999Z', '2024-03-30T22:59:59.999Z', { visits: 1, durationSeconds: 60, actions: 1, resources: 1 }),
      // Visits: the jump visit (1260 s) and the 23:59:59.999 one, which the 00:00 event joins
      // (1 ms apart): 1 ms + 60 s = 60.001 s → 60 s. 1260 + 60 = 1320 s.
      row('2024-03-31', '2024-03-31T00:50:00Z', '2024-03-31T21:59:59.999Z', { visits: 2, durationSeconds: 1320, actions: 2, resources: 1, activities: 1 }),
      row('2024-04-01', '2024-03-31T22:00:00Z', '2024-03-31T22:00:00Z', { actions: 1, activities: 1 }),
    ]);
  });

  it('puts both passes of the repeated hour on the 25-hour autumn day', () => {
    // Oslo, 2024-10-27: 03:00 CEST becomes 02:00 CET (01:00Z). 02:50 CEST (00:50Z) → 02:10 CET
    // (01:10Z) goes back on the wall clock but is 20 min later: one visit, 1260 s.
    // The day runs from 00:00 CEST (2024-10-26T22:00Z) to 23:59:59.999 CET (2024-10-27T22:59:59.999Z).
    const events = [
      ev('2024-10-26T22:00:00Z', 'comment'), // 00:00 CEST
      ev('2024-10-27T00:50:00Z', 'visit'), // 02:50 CEST
      ev('2024-10-27T01:10:00Z', 'resource'), // 02:10 CET
      ev('2024-10-27T22:59:59.999Z', 'post'), // 23:59:59.999 CET
    ];
    assert.deepEqual(dailyRollup(events, OSLO), [
      // Visits 60 s (00:00) + 1260 s + 60 s (23:59:59.999) = 1380 s.
      row('2024-10-27', '2024-10-26T22:00:00Z', '2024-10-27T22:59:59.999Z', {
        visits: 3,
        durationSeconds: 1380,
        actions: 3,
        resources: 1,
        communication: 2,
        posts: 1,
        comments: 1,
      }),
    ]);
  });

  it('follows a half-hour DST change (Australia/Lord_Howe)', () => {
    // 2024-10-06: 02:00 (+10:30) becomes 02:30 (+11) at 2024-10-05T15:30Z. 01:50 (+10:30) = 15:20Z
    // → 02:40 (+11) = 15:40Z: 20 min in fact, one visit of 1260 s, on the 6th.
    // 2024-10-06 23:59 (+11) = 12:59Z is still the 6th; 2024-10-07 00:00 (+11) = 13:00Z is the 7th.
    const events = [
      ev('2024-10-06T01:50:00+10:30', 'visit'),
      ev('2024-10-06T02:40:00+11:00', 'activity'),
      ev('2024-10-06T12:59:00Z', 'resource'),
      ev('2024-10-06T13:00:00Z', 'resource'),
    ];
    assert.deepEqual(dailyRollup(events, { ...UTC, timezone: 'Australia/Lord_Howe' }), [
      // The 23:59 and 00:00 events are one visit (1 min + 60 s = 120 s) on the 6th.
      row('2024-10-06', '2024-10-05T15:20:00Z', '2024-10-06T12:59:00Z', { visits: 2, durationSeconds: 1380, actions: 2, resources: 1, activities: 1 }),
      row('2024-10-07', '2024-10-06T13:00:00Z', '2024-10-06T13:00:00Z', { actions: 1, resources: 1 }),
    ]);
  });

  it('does not depend on the order the events come in', () => {
    const events = [
      ...WORKED,
      ev('2024-09-10T23:55:00+02:00', 'thread'),
      ev('2024-09-11T00:05:00+02:00', 'comment', 300),
      ev('2024-09-11T00:05:00+02:00', 'other'),
    ];
    const expected = dailyRollup(events, OSLO);
    for (const order of [events.slice().reverse(), [...events.slice(4), ...events.slice(0, 4)]]) {
      assert.deepEqual(dailyRollup(order, OSLO), expected);
    }
  });
});
