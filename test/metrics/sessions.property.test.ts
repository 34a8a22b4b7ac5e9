/**
 * Properties of visits and day roll-ups over random event sets, against a deliberately naive
 * oracle (intervals listed one by one and merged), in zones with DST, half-hour DST and a
 * skipped midnight. Gaps are drawn around G (G − 1 ms, G, G + 1 ms) as often as elsewhere.
 * fast-check prints the seed and path of any failure; pass them back to replay it.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EVENT_KINDS, type EventKind } from '../../src/ingest/event-kind.js';
import { dailyRollup, localDay, sessionise, type DayRollup, type SessionParams, type TimedEvent, type Visit } from '../../src/metrics/index.js';

const MINUTE = 60_000;

/** Starting points near the interesting days: Oslo's DST changes, Lord Howe's, Santiago's skipped midnight. */
const STARTS = ['2024-03-30T20:00:00Z', '2024-10-26T20:00:00Z', '2024-10-05T10:00:00Z', '2024-09-07T20:00:00Z', '2024-01-15T21:00:00Z'].map(Date.parse);
const ZONES = ['UTC', 'Europe/Oslo', 'Australia/Lord_Howe', 'America/Santiago', 'Asia/Kathmandu'];

const paramsArb: fc.Arbitrary<SessionParams> = fc.record({
  visitTimeoutMinutes: fc.integer({ min: 5, max: 240 }),
  lastEventCreditSeconds: fc.oneof(fc.constant(0), fc.constant(60), fc.integer({ min: 0, max: 3600 })),
  // Small caps too, so that the cap is hit often.
  maxVisitSeconds: fc.constantFrom(1800, 3600, 8 * 3600),
  maxEventDurationSeconds: fc.constantFrom(0, 600, 4 * 3600),
  timezone: fc.constantFrom(...ZONES),
});

/** An event with an identity, as stored: the id is what dedupes a re-sent statement. */
interface StoredEvent extends TimedEvent {
  readonly id: number;
}

function eventsArb(params: SessionParams): fc.Arbitrary<StoredEvent[]> {
  const g = params.visitTimeoutMinutes * MINUTE;
  const gap = fc.oneof(
    fc.constant(0), // two events at one instant
    fc.constantFrom(g - 1, g, g + 1),
    fc.integer({ min: 0, max: 10 * MINUTE }),
    fc.integer({ min: 0, max: 12 * 60 * MINUTE }),
  );
  const step = fc.record({
    gap,
    kind: fc.constantFrom<EventKind>(...EVENT_KINDS),
    durationSeconds: fc.option(fc.oneof(fc.integer({ min: -5, max: 6 * 3600 }), fc.constantFrom(0.25, 1.5, 59.99)), { nil: undefined }),
  });
  return fc.tuple(fc.constantFrom(...STARTS), fc.array(step, { maxLength: 40 })).map(([start, steps]) => {
    let at = start;
    return steps.map(({ gap: ms, kind, durationSeconds }, id) => {
      at += ms;
      return durationSeconds === undefined ? { id, at, kind } : { id, at, kind, durationSeconds };
    });
  });
}

const caseArb = paramsArb.chain((params) => eventsArb(params).map((events) => ({ params, events })));

/** The spec's definition read literally: list every interval, merge, measure, cap, round. */
function naiveVisits(events: readonly TimedEvent[], params: SessionParams): Visit[] {
  const g = params.visitTimeoutMinutes * MINUTE;
  const t = params.lastEventCreditSeconds * 1000;
  const sorted = [...events].sort((a, b) => a.at - b.at);
  const runs: TimedEvent[][] = [];
  for (const event of sorted) {
    const run = runs.at(-1);
    const previous = run?.at(-1);
    if (run && previous && event.at - previous.at <= g) run.push(event);
    else runs.push([event]);
  }
  return runs.map((run) => {
    const intervals: Array<[number, number]> = [];
    run.forEach((event, i) => {
      const next = run[i + 1];
      if (next) intervals.push([event.at, next.at]);
      intervals.push([event.at, event.at + t]);
      const d = event.durationSeconds;
      if (d !== undefined && d > 0) intervals.push([event.at - Math.min(Math.round(d * 1000), params.maxEventDurationSeconds * 1000), event.at]);
    });
    intervals.sort((a, b) => a[0] - b[0]);
    let total = 0;
    let [from, to] = intervals[0]!;
    for (const [start, end] of intervals.slice(1)) {
      if (start > to) {
        total += to - from;
        [from, to] = [start, end];
      } else {
        to = Math.max(to, end);
      }
    }
    total += to - from;
    const first = run[0]!;
    const last = run.at(-1)!;
    return {
      day: localDay(first.at, params.timezone),
      firstEventAt: first.at,
      lastEventAt: last.at,
      events: run.length,
      durationSeconds: Math.round(Math.min(total, params.maxVisitSeconds * 1000) / 1000),
      capped: total > params.maxVisitSeconds * 1000,
      open: false,
    };
  });
}

/** What each kind adds to a day, written out rather than derived from ACTION_KINDS. */
const COUNTS: Record<EventKind, Partial<Record<keyof DayRollup, number>>> = {
  visit: {},
  other: {},
  resource: { actions: 1, resources: 1 },
  activity: { actions: 1, activities: 1 },
  thread: { actions: 1, communication: 1, threads: 1, posts: 1 },
  post: { actions: 1, communication: 1, posts: 1 },
  comment: { actions: 1, communication: 1, comments: 1 },
};

function naiveRollup(events: readonly TimedEvent[], params: SessionParams): DayRollup[] {
  const days = new Map<string, Record<string, number | string>>();
  const get = (day: string) => {
    let row = days.get(day);
    if (!row) {
      row = { day, visits: 0, durationSeconds: 0, actions: 0, resources: 0, activities: 0, communication: 0, threads: 0, posts: 0, comments: 0, firstEventAt: Infinity, lastEventAt: -Infinity };
      days.set(day, row);
    }
    return row;
  };
  for (const visit of naiveVisits(events, params)) {
    const row = get(visit.day);
    row.visits = (row.visits as number) + 1;
    row.durationSeconds = (row.durationSeconds as number) + visit.durationSeconds;
  }
  for (const event of events) {
    const row = get(localDay(event.at, params.timezone));
    for (const [key, n] of Object.entries(COUNTS[event.kind])) row[key] = (row[key] as number) + n;
    row.firstEventAt = Math.min(row.firstEventAt as number, event.at);
    row.lastEventAt = Math.max(row.lastEventAt as number, event.at);
  }
  return [...days.keys()].sort().map((day) => days.get(day) as unknown as DayRollup);
}

/** A permutation of `items` from random ranks (ties keep their order). */
function permute<T>(items: readonly T[], ranks: readonly number[]): T[] {
  return items
    .map((item, i) => ({ item, rank: ranks[i % Math.max(ranks.length, 1)] ?? 0, i }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map(({ item }) => item);
}

const strip = (events: readonly StoredEvent[]): TimedEvent[] => events.map(({ id: _id, ...event }) => event);

const RUNS = { numRuns: 1000 };

describe('sessionise and dailyRollup: properties', () => {
  it('agree with the naive reading of the definition (union of every interval)', () => {
    fc.assert(
      fc.property(caseArb, ({ params, events }) => {
        assert.deepEqual(sessionise(strip(events), params), naiveVisits(events, params));
        assert.deepEqual(dailyRollup(strip(events), params), naiveRollup(events, params));
      }),
      RUNS,
    );
  });

  it('give the same result for any order of the same events', () => {
    fc.assert(
      fc.property(caseArb, fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), fc.integer({ min: -600, max: 600 }), ({ params, events }, ranks, nowMinutes) => {
        const shuffled = permute(strip(events), ranks);
        const now = (events.at(-1)?.at ?? 0) + nowMinutes * MINUTE;
        assert.deepEqual(sessionise(shuffled, params, now), sessionise(strip(events), params, now));
        assert.deepEqual(dailyRollup(shuffled, params), dailyRollup(strip(events), params));
        // Once now is past every event, only the last visit can be open: every earlier one ended
        // more than G before the next began.
        const later = (events.at(-1)?.at ?? 0) + Math.abs(nowMinutes) * MINUTE;
        const visits = sessionise(shuffled, params, later);
        assert.deepEqual(
          visits.map((v) => v.open),
          visits.map((v, i) => i === visits.length - 1 && later - v.lastEventAt < params.visitTimeoutMinutes * MINUTE),
        );
      }),
      RUNS,
    );
  });

  it('come out the same when the events arrive in batches, late, re-sent, and are recomputed each time', () => {
    fc.assert(
      fc.property(
        caseArb,
        fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat({ max: 40 }), { maxLength: 6 }),
        fc.array(fc.nat({ max: 39 }), { maxLength: 5 }),
        ({ params, events }, ranks, cuts, resent) => {
          const arrival = permute(events, ranks);
          const bounds = [0, ...cuts.map((c) => Math.min(c, arrival.length)).sort((a, b) => a - b), arrival.length];
          const stored = new Map<number, StoredEvent>(); // keyed by statement id: a re-send changes nothing
          let rollup: DayRollup[] = [];
          for (let b = 0; b + 1 < bounds.length; b += 1) {
            const batch = arrival.slice(bounds[b], bounds[b + 1]);
            // Re-send some events of earlier batches with this one.
            const again = resent.map((i) => arrival[i]).filter((e): e is StoredEvent => e !== undefined && stored.has(e.id));
            for (const event of [...batch, ...again]) stored.set(event.id, event);
            rollup = dailyRollup(strip([...stored.values()]), params);
            // Each intermediate state is the roll-up of exactly the events stored so far.
            assert.deepEqual(rollup, naiveRollup([...stored.values()], params));
          }
          assert.deepEqual(rollup, dailyRollup(strip(events), params));
        },
      ),
      RUNS,
    );
  });

  it('keep within the bounds: one visit per gap > G plus one, T-credit ≤ duration ≤ cap, totals add up', () => {
    fc.assert(
      fc.property(caseArb, ({ params, events }) => {
        const visits = sessionise(strip(events), params);
        const days = dailyRollup(strip(events), params);
        const sortedAt = events.map((e) => e.at).sort((a, b) => a - b);
        const longGaps = sortedAt.slice(1).filter((at, i) => at - sortedAt[i]! > params.visitTimeoutMinutes * MINUTE).length;
        assert.equal(visits.length, events.length === 0 ? 0 : longGaps + 1);

        const cap = params.maxVisitSeconds;
        const t = params.lastEventCreditSeconds;
        for (const visit of visits) {
          // Without durations a visit is exactly (last − first) + T; a D adds at most the D cap.
          const span = (visit.lastEventAt - visit.firstEventAt) / 1000 + t;
          assert.ok(visit.durationSeconds <= cap, `${visit.durationSeconds} > cap ${cap}`);
          assert.ok(visit.durationSeconds >= Math.min(cap, Math.floor(span)), `${visit.durationSeconds} < span ${span}`);
          assert.ok(visit.durationSeconds <= Math.ceil(span + params.maxEventDurationSeconds), `${visit.durationSeconds} > span + D cap`);
          if (visit.capped) assert.equal(visit.durationSeconds, cap);
        }
        const total = visits.reduce((sum, v) => sum + v.durationSeconds, 0);
        // Every visit has at least one event, so at least one T-credit (unless capped below it).
        assert.ok(total >= visits.length * Math.min(t, cap));

        const sum = (key: keyof DayRollup) => days.reduce((s, d) => s + (d[key] as number), 0);
        const kinds = (...k: EventKind[]) => events.filter((e) => k.includes(e.kind)).length;
        assert.deepEqual(
          { visits: sum('visits'), durationSeconds: sum('durationSeconds'), actions: sum('actions'), posts: sum('posts'), communication: sum('communication') },
          {
            visits: visits.length,
            durationSeconds: total,
            actions: kinds('resource', 'activity', 'thread', 'post', 'comment'),
            posts: kinds('thread', 'post'),
            communication: kinds('thread', 'post', 'comment'),
          },
        );
        // A day has a row only if an event falls on it, and rows are in day order without repeats.
        assert.deepEqual(
          days.map((d) => d.day),
          [...new Set(events.map((e) => localDay(e.at, params.timezone)))].sort(),
        );
      }),
      RUNS,
    );
  });
});
