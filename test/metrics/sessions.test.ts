import assert from 'node:assert/strict';
import type { EventKind } from '../../src/ingest/event-kind.js';
import { DEFAULT_SESSION_PARAMS, sessionise, sessionParams, type SessionParams, type TimedEvent } from '../../src/metrics/index.js';

const at = (iso: string): number => Date.parse(iso);
const ev = (iso: string, kind: EventKind, durationSeconds?: number): TimedEvent =>
  durationSeconds === undefined ? { at: at(iso), kind } : { at: at(iso), kind, durationSeconds };

/** G = 30 min, T = 60 s, caps 8 h and 4 h, days in Oslo. */
const OSLO: SessionParams = { ...DEFAULT_SESSION_PARAMS, timezone: 'Europe/Oslo' };
const UTC: SessionParams = DEFAULT_SESSION_PARAMS;

// The spec's worked example, on Tuesday 2024-09-10 in Oslo (CEST, UTC+2).
const WORKED = [
  ev('2024-09-10T09:00:00+02:00', 'visit'),
  ev('2024-09-10T09:10:00+02:00', 'resource'),
  ev('2024-09-10T09:25:00+02:00', 'activity'),
  ev('2024-09-10T10:30:00+02:00', 'post'),
  ev('2024-09-10T10:40:00+02:00', 'resource'),
];
const LATE = [ev('2024-09-10T09:50:00+02:00', 'resource'), ev('2024-09-10T10:10:00+02:00', 'resource')];

describe('sessionise: visits and their durations', () => {
  it('cuts the worked example into two visits of 26 and 11 minutes', () => {
    assert.deepEqual(sessionise(WORKED, OSLO), [
      // 09:00–09:25 = 1500 s, + T 60 s = 1560 s = 26 min. Then 09:25 → 10:30 is 65 min > G.
      {
        day: '2024-09-10',
        firstEventAt: at('2024-09-10T09:00:00+02:00'),
        lastEventAt: at('2024-09-10T09:25:00+02:00'),
        events: 3,
        durationSeconds: 1560,
        capped: false,
        open: false,
      },
      // 10:30–10:40 = 600 s, + 60 s = 660 s = 11 min.
      {
        day: '2024-09-10',
        firstEventAt: at('2024-09-10T10:30:00+02:00'),
        lastEventAt: at('2024-09-10T10:40:00+02:00'),
        events: 2,
        durationSeconds: 660,
        capped: false,
        open: false,
      },
    ]);
  });

  it('merges the two visits when the 09:50 and 10:10 page views arrive late, out of order', () => {
    // Gaps 10, 15, 25, 20, 20, 10 min: none > 30, so one visit 09:00–10:40 = 6000 s + 60 s = 6060 s = 101 min.
    const expected = [
      {
        day: '2024-09-10',
        firstEventAt: at('2024-09-10T09:00:00+02:00'),
        lastEventAt: at('2024-09-10T10:40:00+02:00'),
        events: 7,
        durationSeconds: 6060,
        capped: false,
        open: false,
      },
    ];
    assert.deepEqual(sessionise([...WORKED, ...LATE], OSLO), expected);
    assert.deepEqual(sessionise([...LATE, ...WORKED].reverse(), OSLO), expected);
  });

  it('keeps a gap of exactly G inside the visit and splits at G + 1 ms', () => {
    const ten = at('2024-09-10T10:00:00Z');
    const G = 30 * 60_000;
    assert.deepEqual(sessionise([{ at: ten, kind: 'visit' }, { at: ten + G, kind: 'resource' }], UTC), [
      // 1800 s + 60 s.
      { day: '2024-09-10', firstEventAt: ten, lastEventAt: ten + G, events: 2, durationSeconds: 1860, capped: false, open: false },
    ]);
    assert.deepEqual(sessionise([{ at: ten, kind: 'visit' }, { at: ten + G + 1, kind: 'resource' }], UTC), [
      // Two one-event visits: 0 + 60 s each.
      { day: '2024-09-10', firstEventAt: ten, lastEventAt: ten, events: 1, durationSeconds: 60, capped: false, open: false },
      { day: '2024-09-10', firstEventAt: ten + G + 1, lastEventAt: ten + G + 1, events: 1, durationSeconds: 60, capped: false, open: false },
    ]);
  });

  it('follows G from the parameters', () => {
    const params = { ...UTC, visitTimeoutMinutes: 5 };
    // 10:00 → 10:05 is exactly G = 5 min (one visit, 300 + 60 s); 10:05 → 10:11 is 6 min > G.
    assert.deepEqual(
      sessionise([ev('2024-09-10T10:00:00Z', 'visit'), ev('2024-09-10T10:05:00Z', 'resource'), ev('2024-09-10T10:11:00Z', 'resource')], params),
      [
        { day: '2024-09-10', firstEventAt: at('2024-09-10T10:00:00Z'), lastEventAt: at('2024-09-10T10:05:00Z'), events: 2, durationSeconds: 360, capped: false, open: false },
        { day: '2024-09-10', firstEventAt: at('2024-09-10T10:11:00Z'), lastEventAt: at('2024-09-10T10:11:00Z'), events: 1, durationSeconds: 60, capped: false, open: false },
      ],
    );
  });

  it('credits nothing after the last event when T = 0', () => {
    const params = { ...UTC, lastEventCreditSeconds: 0 };
    assert.deepEqual(
      sessionise(
        [
          ev('2024-09-10T08:00:00Z', 'visit'), // alone: 0 s
          ev('2024-09-10T10:00:00Z', 'visit'),
          ev('2024-09-10T10:10:00Z', 'resource'), // 10:00–10:10 = 600 s
          ev('2024-09-10T12:00:00Z', 'activity', 90), // alone, but its own D: [11:58:30, 12:00] = 90 s
        ],
        params,
      ),
      [
        { day: '2024-09-10', firstEventAt: at('2024-09-10T08:00:00Z'), lastEventAt: at('2024-09-10T08:00:00Z'), events: 1, durationSeconds: 0, capped: false, open: false },
        { day: '2024-09-10', firstEventAt: at('2024-09-10T10:00:00Z'), lastEventAt: at('2024-09-10T10:10:00Z'), events: 2, durationSeconds: 600, capped: false, open: false },
        { day: '2024-09-10', firstEventAt: at('2024-09-10T12:00:00Z'), lastEventAt: at('2024-09-10T12:00:00Z'), events: 1, durationSeconds: 90, capped: false, open: false },
      ],
    );
  });

  it('counts an event duration D once where it overlaps the gaps, and in full where it reaches before the first event', () => {
    assert.deepEqual(
      sessionise(
        [
          // Visit A: D = 600 s ends at 10:20, so [10:10, 10:20] lies inside the gap 10:00–10:20:
          // nothing added. 10:00–10:20 + 60 s = 1260 s.
          ev('2024-09-10T10:00:00Z', 'visit'),
          ev('2024-09-10T10:20:00Z', 'activity', 600),
          // Visit B: D = 1800 s at 12:05 reaches back to 11:35, 25 min before the first event at
          // 12:00: [11:35, 12:06] = 1860 s. The visit still starts at 12:00.
          ev('2024-09-10T12:00:00Z', 'resource'),
          ev('2024-09-10T12:05:00Z', 'activity', 1800),
          // Visit C: a D on the last event reaching before the first: events 14:00 and 14:10 with
          // D = 3600 s on the second → union [13:10, 14:11] = 3660 s.
          ev('2024-09-10T14:00:00Z', 'visit'),
          ev('2024-09-10T14:10:00Z', 'activity', 3600),
          // Visit D: D = 6 h is capped at 4 h: [16:00, 20:01] = 14400 + 60 = 14460 s.
          ev('2024-09-10T20:00:00Z', 'activity', 6 * 3600),
          // Visit E: negative and non-finite durations are no durations: 60 s.
          { at: at('2024-09-11T09:00:00Z'), kind: 'activity', durationSeconds: -30 },
          { at: at('2024-09-11T09:00:00Z'), kind: 'activity', durationSeconds: Number.NaN },
        ],
        UTC,
      ),
      [
        { day: '2024-09-10', firstEventAt: at('2024-09-10T10:00:00Z'), lastEventAt: at('2024-09-10T10:20:00Z'), events: 2, durationSeconds: 1260, capped: false, open: false },
        { day: '2024-09-10', firstEventAt: at('2024-09-10T12:00:00Z'), lastEventAt: at('2024-09-10T12:05:00Z'), events: 2, durationSeconds: 1860, capped: false, open: false },
        { day: '2024-09-10', firstEventAt: at('2024-09-10T14:00:00Z'), lastEventAt: at('2024-09-10T14:10:00Z'), events: 2, durationSeconds: 3660, capped: false, open: false },
        { day: '2024-09-10', firstEventAt: at('2024-09-10T20:00:00Z'), lastEventAt: at('2024-09-10T20:00:00Z'), events: 1, durationSeconds: 14460, capped: false, open: false },
        { day: '2024-09-11', firstEventAt: at('2024-09-11T09:00:00Z'), lastEventAt: at('2024-09-11T09:00:00Z'), events: 2, durationSeconds: 60, capped: false, open: false },
      ],
    );
  });

  it('keeps the day of the first event when a D reaches back across local midnight', () => {
    // 00:10 Oslo on the 11th with D = 30 min: covers 23:40 on the 10th to 00:11 = 1860 s, all on the 11th.
    assert.deepEqual(sessionise([ev('2024-09-11T00:10:00+02:00', 'activity', 1800)], OSLO), [
      { day: '2024-09-11', firstEventAt: at('2024-09-11T00:10:00+02:00'), lastEventAt: at('2024-09-11T00:10:00+02:00'), events: 1, durationSeconds: 1860, capped: false, open: false },
    ]);
  });

  it('truncates a visit at 8 hours and never splits it', () => {
    // Events every 25 min from 08:00 to 18:00 (25 events): one visit of 10 h + 60 s, capped to 28800 s.
    const start = at('2024-09-10T08:00:00Z');
    const long = Array.from({ length: 25 }, (_, i): TimedEvent => ({ at: start + i * 25 * 60_000, kind: 'resource' }));
    assert.deepEqual(sessionise(long, UTC), [
      { day: '2024-09-10', firstEventAt: start, lastEventAt: at('2024-09-10T18:00:00Z'), events: 25, durationSeconds: 28800, capped: true, open: false },
    ]);
    // Exactly 8 h is not cut: 08:00–16:00 with T = 0 (17 events 30 min apart) = 28800 s, not capped;
    // with T = 60 s it would be 28860 s, capped to 28800.
    const eight = Array.from({ length: 17 }, (_, i): TimedEvent => ({ at: start + i * 30 * 60_000, kind: 'resource' }));
    const visit = { day: '2024-09-10', firstEventAt: start, lastEventAt: at('2024-09-10T16:00:00Z'), events: 17, durationSeconds: 28800 };
    assert.deepEqual(sessionise(eight, { ...UTC, lastEventCreditSeconds: 0 }), [{ ...visit, capped: false, open: false }]);
    assert.deepEqual(sessionise(eight, UTC), [{ ...visit, capped: true, open: false }]);
    // The cap follows the parameters: 1 h.
    assert.deepEqual(sessionise(eight, { ...UTC, maxVisitSeconds: 3600 }), [{ ...visit, durationSeconds: 3600, capped: true, open: false }]);
  });

  it('flags the visit whose last event is less than G before now as open, with its full duration', () => {
    const events = [ev('2024-09-10T08:00:00Z', 'visit'), ev('2024-09-10T10:00:00Z', 'visit'), ev('2024-09-10T10:05:00Z', 'resource')];
    const earlier = { day: '2024-09-10', firstEventAt: at('2024-09-10T08:00:00Z'), lastEventAt: at('2024-09-10T08:00:00Z'), events: 1, durationSeconds: 60, capped: false };
    // 10:00–10:05 + 60 s = 360 s, even at 10:05:10 when only 310 s have passed: T is not clipped at now.
    const latest = { day: '2024-09-10', firstEventAt: at('2024-09-10T10:00:00Z'), lastEventAt: at('2024-09-10T10:05:00Z'), events: 2, durationSeconds: 360, capped: false };
    const openAt = (now?: string) => sessionise(events, UTC, now === undefined ? undefined : at(now)).map((visit) => visit.open);
    assert.deepEqual(sessionise(events, UTC, at('2024-09-10T10:05:10Z')), [
      { ...earlier, open: false },
      { ...latest, open: true },
    ]);
    assert.deepEqual(
      {
        lastEventNow: openAt('2024-09-10T10:05:00Z'),
        justUnderG: openAt('2024-09-10T10:34:59.999Z'),
        exactlyG: openAt('2024-09-10T10:35:00Z'), // "less than G ago" only
        later: openAt('2024-09-11T00:00:00Z'),
        noNow: openAt(),
      },
      {
        lastEventNow: [false, true],
        justUnderG: [false, true],
        exactlyG: [false, false],
        later: [false, false],
        noNow: [false, false],
      },
    );
  });

  it('rounds the exact duration in ms once, to whole seconds, halves up', () => {
    const ten = at('2024-09-10T10:00:00Z');
    const pair = (gapMs: number, params: SessionParams) =>
      sessionise([{ at: ten, kind: 'visit' }, { at: ten + gapMs, kind: 'resource' }], params)[0]?.durationSeconds;
    const noCredit = { ...UTC, lastEventCreditSeconds: 0 };
    assert.deepEqual(
      [
        pair(1499, UTC), // 61.499 s → 61
        pair(1500, UTC), // 61.5 s → 62
        pair(499, noCredit), // 0.499 s → 0
        pair(500, noCredit), // 0.5 s → 1
        // D = 0.25 s: [10:00 − 0.25 s, 10:00] = 0.25 s → 0
        sessionise([{ at: ten, kind: 'activity', durationSeconds: 0.25 }], noCredit)[0]?.durationSeconds,
        // D = 1.5 s → 2
        sessionise([{ at: ten, kind: 'activity', durationSeconds: 1.5 }], noCredit)[0]?.durationSeconds,
      ],
      [61, 62, 0, 1, 0, 2],
    );
  });

  it('counts distinct events at the same instant and gives nothing for no events', () => {
    const ten = at('2024-09-10T10:00:00Z');
    assert.deepEqual(sessionise([{ at: ten, kind: 'visit' }, { at: ten, kind: 'resource' }], UTC), [
      { day: '2024-09-10', firstEventAt: ten, lastEventAt: ten, events: 2, durationSeconds: 60, capped: false, open: false },
    ]);
    assert.deepEqual(sessionise([], UTC, ten), []);
  });

  it('refuses parameters out of range, unknown zones and event times that are not instants', () => {
    const one = [ev('2024-09-10T10:00:00Z', 'visit')];
    assert.throws(() => sessionise(one, { ...UTC, visitTimeoutMinutes: 0 }), { name: 'RangeError', message: 'visitTimeoutMinutes must be a positive number, not 0' });
    assert.throws(() => sessionise(one, { ...UTC, lastEventCreditSeconds: -1 }), RangeError);
    assert.throws(() => sessionise(one, { ...UTC, maxVisitSeconds: Number.POSITIVE_INFINITY }), RangeError);
    assert.throws(() => sessionise(one, { ...UTC, maxEventDurationSeconds: Number.NaN }), RangeError);
    // Also with no events: a wrong zone is a configuration error, not something data may hide.
    assert.throws(() => sessionise([], { ...UTC, timezone: 'Europe/Olso' }), { name: 'RangeError', message: 'Unknown time zone: "Europe/Olso"' });
    assert.throws(() => sessionise([{ at: Number.NaN, kind: 'visit' }], UTC), { name: 'RangeError', message: 'Event time is not an instant: NaN' });
  });

  it('makes the parameters of a course from the configuration, a course zone overriding', () => {
    const config = { visitTimeoutMinutes: 45, lastEventCreditSeconds: 0, timezone: 'UTC' };
    assert.deepEqual(sessionParams(config), {
      visitTimeoutMinutes: 45,
      lastEventCreditSeconds: 0,
      maxVisitSeconds: 28800,
      maxEventDurationSeconds: 14400,
      timezone: 'UTC',
    });
    assert.deepEqual(sessionParams(config, { timezone: 'Europe/Oslo', maxVisitSeconds: undefined }), {
      visitTimeoutMinutes: 45,
      lastEventCreditSeconds: 0,
      maxVisitSeconds: 28800,
      maxEventDurationSeconds: 14400,
      timezone: 'Europe/Oslo',
    });
    assert.deepEqual(DEFAULT_SESSION_PARAMS, {
      visitTimeoutMinutes: 30,
      lastEventCreditSeconds: 60,
      maxVisitSeconds: 28800,
      maxEventDurationSeconds: 14400,
      timezone: 'UTC',
    });
  });
});
