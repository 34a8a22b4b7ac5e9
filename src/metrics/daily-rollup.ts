/**
 * One student's activity in one course, day by day: what the heat map, the activity-per-day
 * chart, the 7-day bars and every total are summed from (activity-reports.md, "Exact points":
 * a visit counts on the day of its first event, an action on the day of its own event).
 */
import { ACTION_KINDS, COMMUNICATION_KINDS, type EventKind } from '../ingest/event-kind.js';
import { localDay, type Day } from './local-day.js';
import { sessionise, type SessionParams, type TimedEvent } from './sessions.js';

/** One local day of one student in one course. */
export interface DayRollup {
  readonly day: Day;
  /** Visits whose first event is on this day. */
  readonly visits: number;
  /** Σ durationSeconds of those visits (each already whole seconds; the sum is not rounded again). */
  readonly durationSeconds: number;
  /** resources + activities + communication. */
  readonly actions: number;
  readonly resources: number;
  readonly activities: number;
  /** threads started + posts + comments (a thread start is one communication, not two). */
  readonly communication: number;
  /** Threads started. */
  readonly threads: number;
  /** Discussion posts, thread starts included (a thread start is also a post). */
  readonly posts: number;
  /** Bulletin/announcement comments. */
  readonly comments: number;
  /** Epoch ms of the earliest event of any kind on this day. */
  readonly firstEventAt: number;
  /** Epoch ms of the latest event of any kind on this day. */
  readonly lastEventAt: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function emptyDay(day: Day, at: number): Mutable<DayRollup> {
  return {
    day,
    visits: 0,
    durationSeconds: 0,
    actions: 0,
    resources: 0,
    activities: 0,
    communication: 0,
    threads: 0,
    posts: 0,
    comments: 0,
    firstEventAt: at,
    lastEventAt: at,
  };
}

function countAction(row: Mutable<DayRollup>, kind: EventKind): void {
  if (!ACTION_KINDS.has(kind)) return;
  row.actions += 1;
  if (COMMUNICATION_KINDS.has(kind)) row.communication += 1;
  switch (kind) {
    case 'resource':
      row.resources += 1;
      break;
    case 'activity':
      row.activities += 1;
      break;
    case 'thread':
      row.threads += 1;
      row.posts += 1;
      break;
    case 'post':
      row.posts += 1;
      break;
    case 'comment':
      row.comments += 1;
      break;
    default:
      break;
  }
}

/**
 * The days of one student's events in one course, earliest first, in `params.timezone`.
 *
 * There is a row for every local day with at least one event, and no other (the reports fill the
 * gaps). A day reached only by the tail of a visit that began the day before has a row with
 * `visits: 0` and its actions; "active days" are the rows with `visits > 0`. Like
 * {@link sessionise}, a pure function of the set of events; it needs no `now` (whether a visit is
 * still open does not change its figures).
 */
export function dailyRollup(events: readonly TimedEvent[], params: SessionParams): DayRollup[] {
  const days = new Map<Day, Mutable<DayRollup>>();
  const rowFor = (day: Day, at: number): Mutable<DayRollup> => {
    let row = days.get(day);
    if (!row) {
      row = emptyDay(day, at);
      days.set(day, row);
    }
    return row;
  };

  for (const visit of sessionise(events, params)) {
    const row = rowFor(visit.day, visit.firstEventAt);
    row.visits += 1;
    row.durationSeconds += visit.durationSeconds;
  }
  for (const event of events) {
    const row = rowFor(localDay(event.at, params.timezone), event.at);
    row.firstEventAt = Math.min(row.firstEventAt, event.at);
    row.lastEventAt = Math.max(row.lastEventAt, event.at);
    countAction(row, event.kind);
  }
  return [...days.values()].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}
