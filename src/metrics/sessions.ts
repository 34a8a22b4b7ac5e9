/**
 * Visits (activity-reports.md, "Visits and duration"): one student's events in one course cut
 * into visits, each with its duration and its day. A pure function of the *set* of events, so a
 * late or out-of-order event gives exactly what it would have given had it arrived in time.
 */
import type { Config } from '../config.js';
import type { EventKind } from '../ingest/event-kind.js';
import { assertTimeZone, localDay, type Day } from './local-day.js';

/** One stored event of one student in one course, as the metrics see it. */
export interface TimedEvent {
  /** Event time, epoch ms (the statement's `timestamp`, not `stored`). */
  readonly at: number;
  readonly kind: EventKind;
  /**
   * xAPI `result.duration` in seconds: activity that *ended* at `at`, i.e. covers [at − D, at].
   * Capped at {@link SessionParams.maxEventDurationSeconds}; absent, negative or not finite → none.
   */
  readonly durationSeconds?: number;
}

/** The parameters that shape visits; shown beside the figures they shaped. */
export interface SessionParams {
  /** G: consecutive events at most this far apart are in one visit (a gap of exactly G is). */
  readonly visitTimeoutMinutes: number;
  /** T: every event is credited [t, t + T]. 0 allowed. */
  readonly lastEventCreditSeconds: number;
  /** A visit's duration is truncated to this (the visit is never split). */
  readonly maxVisitSeconds: number;
  /** Cap on one event's own duration D. */
  readonly maxEventDurationSeconds: number;
  /** IANA zone whose calendar days the visits and actions are counted on. */
  readonly timezone: string;
}

/** The spec's defaults: G = 30 min, T = 60 s, 8 h per visit, 4 h per event duration, UTC. */
export const DEFAULT_SESSION_PARAMS: SessionParams = Object.freeze({
  visitTimeoutMinutes: 30,
  lastEventCreditSeconds: 60,
  maxVisitSeconds: 8 * 3600,
  maxEventDurationSeconds: 4 * 3600,
  timezone: 'UTC',
});

/**
 * The parameters in force for a course: G, T and the zone from the configuration, the caps at
 * their defaults; `overrides` for what a course sets itself (its own time zone).
 */
export function sessionParams(
  config: Pick<Config, 'visitTimeoutMinutes' | 'lastEventCreditSeconds' | 'timezone'>,
  overrides: Partial<SessionParams> = {},
): SessionParams {
  return Object.freeze({
    ...DEFAULT_SESSION_PARAMS,
    visitTimeoutMinutes: config.visitTimeoutMinutes,
    lastEventCreditSeconds: config.lastEventCreditSeconds,
    timezone: config.timezone,
    // An override given as undefined means "not overridden", not "no value".
    ...Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined)),
  });
}

/** One visit. */
export interface Visit {
  /** Local day of the first event: the whole visit and all of its duration count on this day. */
  readonly day: Day;
  /** Epoch ms of the first event: the visit's start, even when a D reaches further back. */
  readonly firstEventAt: number;
  /** Epoch ms of the last event. */
  readonly lastEventAt: number;
  /** Events in the visit, of every kind. */
  readonly events: number;
  /**
   * Whole seconds: the exact length in ms of the union of the visit's intervals, truncated to
   * the cap, then rounded to the nearest second, halves away from zero (up: it is never negative).
   */
  readonly durationSeconds: number;
  /** True when the 8-hour (maxVisitSeconds) cap cut the duration. */
  readonly capped: boolean;
  /** True when `now` was given and the last event is less than G before it; such a visit can still grow. */
  readonly open: boolean;
}

/** The validated parameters in ms. */
interface Millis {
  gap: number;
  credit: number;
  maxVisit: number;
  maxEventDuration: number;
}

function toMillis(params: SessionParams): Millis {
  const { visitTimeoutMinutes: g, lastEventCreditSeconds: t, maxVisitSeconds: cap, maxEventDurationSeconds: dCap } = params;
  if (!(Number.isFinite(g) && g > 0)) throw new RangeError(`visitTimeoutMinutes must be a positive number, not ${g}`);
  if (!(Number.isFinite(t) && t >= 0)) throw new RangeError(`lastEventCreditSeconds must be 0 or more, not ${t}`);
  if (!(Number.isFinite(cap) && cap > 0)) throw new RangeError(`maxVisitSeconds must be a positive number, not ${cap}`);
  if (!(Number.isFinite(dCap) && dCap >= 0)) throw new RangeError(`maxEventDurationSeconds must be 0 or more, not ${dCap}`);
  assertTimeZone(params.timezone);
  // Rounded to whole ms so that, with whole-ms event times, every sum below is an exact integer.
  return {
    gap: Math.round(g * 60_000),
    credit: Math.round(t * 1000),
    maxVisit: Math.round(cap * 1000),
    maxEventDuration: Math.round(dCap * 1000),
  };
}

/** How far back before `at` the event's own duration reaches, in whole ms (0 without one). */
function reachBackMs(event: TimedEvent, millis: Millis): number {
  const d = event.durationSeconds;
  if (d === undefined || !Number.isFinite(d) || d <= 0) return 0;
  // To whole ms: xAPI durations carry at most 0.01 s in practice; a finer fraction is noise.
  return Math.min(Math.round(d * 1000), millis.maxEventDuration);
}

/** Whole seconds from non-negative whole ms, halves up (= away from zero, as the spec rounds). */
function wholeSeconds(ms: number): number {
  return Math.floor((ms + 500) / 1000);
}

/**
 * Cuts one student's events in one course into visits, in time order.
 *
 * `events` may come in any order; duplicates must already be gone (two distinct events at the same
 * instant both count). `now` (epoch ms) only decides `open`; without it no visit is open. Throws a
 * RangeError for an event time that is not a finite number or for parameters out of range.
 *
 * Duration: the union of the gaps between consecutive events, [t, t + T] for every event and
 * [t − D, t] for every event with a duration D. The gaps cover [first, last]; every [t, t + T]
 * lies inside [first, last + T]; every [t − D, t] touches [first, last] at t. So the union is the
 * single interval [min(first, min(t − D)), last + T], and its length is the duration — which is
 * (last − first) + T when no D reaches back before the first event. An open visit uses the same
 * formula: its T is not clipped at `now`.
 */
export function sessionise(events: readonly TimedEvent[], params: SessionParams, now?: number): Visit[] {
  const millis = toMillis(params);
  for (const event of events) {
    if (!Number.isFinite(event.at)) throw new RangeError(`Event time is not an instant: ${event.at}`);
  }
  // Sorting by time alone is enough: nothing below depends on the order of events at one instant.
  const sorted = [...events].sort((a, b) => a.at - b.at);
  const visits: Visit[] = [];
  let i = 0;
  while (i < sorted.length) {
    const first = sorted[i]!;
    let last = first;
    let coveredFrom = first.at - reachBackMs(first, millis);
    let count = 1;
    i += 1;
    for (; i < sorted.length; i += 1) {
      const next = sorted[i]!;
      if (next.at - last.at > millis.gap) break;
      last = next;
      coveredFrom = Math.min(coveredFrom, next.at - reachBackMs(next, millis));
      count += 1;
    }
    const exactMs = last.at + millis.credit - coveredFrom;
    const durationMs = Math.min(exactMs, millis.maxVisit);
    visits.push({
      day: localDay(first.at, params.timezone),
      firstEventAt: first.at,
      lastEventAt: last.at,
      events: count,
      durationSeconds: wholeSeconds(durationMs),
      capped: exactMs > millis.maxVisit,
      open: now !== undefined && now - last.at < millis.gap,
    });
  }
  return visits;
}
