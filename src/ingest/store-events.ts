/**
 * The storing step of the sources other than xAPI — Caliper events (caliper-batch.ts) and
 * students' launches (launch-event.ts) — as named steps, inside ONE transaction: resolve course
 * and person → insert the whole batch in one statement → compare re-sends (the same event changes
 * nothing; a different one under a stored id refuses the whole batch, 409) → recompute the touched
 * students' visits and days. The caller answers after the commit, so an answer means the figures
 * are visible. Source-agnostic: it takes prepared events — the payload to store and the
 * NormalisedEvent the source's mapping made of it — and knows nothing of their format.
 *
 * Course: a context id the event names (an LTI claim: Caliper's LTI context extension or federated
 * session, a launch's context) counts once that course has been launched on the platform; a
 * Caliper `group` (the LMS's own course) is joined to the one course whose launches carry that LMS
 * course id (caliper-group-courses.ts). Person: matchPerson against that course's members. What
 * cannot be resolved yet is stored with its course and/or person NULL and its references kept;
 * resolvePending (recompute.ts) ties it after a launch or a roster read. The platform is always
 * the sender's (the credential's, the launch's), never a value in the event.
 *
 * xAPI keeps its own pipeline (store-statements.ts): voiding, derived ids and the LRS's
 * assignments are xAPI's alone. No source here voids.
 */
import { isDeepStrictEqual } from 'node:util';
import { heldCourses, lockCourses, recomputeStudents, resolvePending, type RollupSettings, type TouchedStudent } from './recompute.js';
import type { CourseReference, EventSource, NormalisedEvent } from './normalised-event.js';
import { matchPerson } from './person-reference.js';
import { mappedColumns } from './event-columns.js';
import { notCountedReason, type CountingState, type NotCountedReason } from './store-statements.js';
import { coursesOfGroups } from '../models/caliper-group-courses.js';
import type { Database, Queryable } from '../models/database.js';
import { coursesForIngest } from '../models/ingest-courses.js';
import { lockPlatformIngest } from '../models/ingest-lock.js';
import { noteIngestWrites } from '../models/ingest-statistics.js';
import { insertSourceEvents, type NewSourceEvent } from '../models/insert-source-events.js';
import { storedEventsByIds } from '../models/stored-events.js';

/** One event ready to store. */
export interface PreparedEvent {
  /** How the request names it in messages (`data[3]`, `launch`). */
  path: string;
  /** What is stored as the row's payload, and what a re-send is compared with. */
  payload: unknown;
  /** The source's mapping of it; `event.sourceId` is its identity within the platform and source. */
  event: NormalisedEvent;
}

/** Who sent the events: the platform is the credential's or the launch's, never a value in them. */
export interface EventSender {
  platformId: string;
  source: Exclude<EventSource, 'xapi'>;
  /** The ingest credential's key; null for launches. */
  credentialKey: string | null;
}

/** Why a stored event does not count (yet): store-statements.ts's reasons, plus a Caliper group no launched course carries. */
export type EventNotCounted = NotCountedReason | { reason: 'course-not-launched'; groupId: string };

export interface EventOutcome {
  sourceId: string;
  /** `stored`: new; `unchanged`: the same event was stored already. */
  outcome: 'stored' | 'unchanged';
  notCounted: EventNotCounted | null;
}

export type StoreEventsResult =
  | {
      ok: true;
      events: EventOutcome[];
      recomputedStudents: number;
      /** The courses (context ids) whose students' figures were recomputed: whose reports changed. */
      changedCourses: string[];
    }
  | { ok: false; status: 409; error: string };

export interface StoreEventsOptions {
  /** Whether a stored payload and an incoming one are the same event (default: deep equality). */
  same?: (stored: unknown, incoming: unknown) => boolean;
  /**
   * Writes that belong with the events (a launch's member row), run in the same transaction once
   * the courses are locked and before the events are resolved, so that they see it.
   */
  beforeResolve?: (tx: Queryable) => Promise<void>;
}

/** Thrown inside the storing transaction to refuse the whole batch (and roll it back). */
export class EventsRejected extends Error {
  constructor(
    readonly status: 409,
    message: string,
  ) {
    super(message);
  }
}

const namedContext = (event: NormalisedEvent): string | undefined => (event.course && 'contextId' in event.course ? event.course.contextId : undefined);

type GroupReference = Extract<CourseReference, { rule: 'caliper-group' }>;
const groupOf = (event: NormalisedEvent): GroupReference | undefined => (event.course?.rule === 'caliper-group' ? event.course : undefined);

/** Why a row does not count; a Caliper group no launched course carries says which group. */
function notCountedOf(row: CountingState, course: CourseReference | null | undefined): EventNotCounted | null {
  const reason = notCountedReason({ ...row, courseRef: course as CountingState['courseRef'] });
  if (reason?.reason === 'no-course' && course?.rule === 'caliper-group') return { reason: 'course-not-launched', groupId: course.groupId };
  return reason;
}

function rowOf({ payload, event }: PreparedEvent, contextId: string | null, userId: string | null): NewSourceEvent {
  // The xAPI GET filters stay empty: the Statements resource never lists other sources.
  return { sourceId: event.sourceId, payload, eventAt: event.at, verbId: null, actorKey: null, registration: null, voids: null, ...mappedColumns(event, contextId, userId) };
}

/** The distinct Caliper groups of `events`, keyed by their JSON, in first-seen order. */
function distinctGroups(events: readonly PreparedEvent[]): Map<string, GroupReference> {
  const groups = new Map<string, GroupReference>();
  for (const { event } of events) {
    const group = groupOf(event);
    if (group) groups.set(JSON.stringify(group), group);
  }
  return groups;
}

/** Which course each distinct group designates now (JSON of the group → context id). */
async function groupCourses(q: Queryable, platformId: string, groups: Map<string, GroupReference>): Promise<Map<string, string>> {
  const keys = [...groups.keys()];
  const found = await coursesOfGroups(q, platformId, [...groups.values()]);
  return new Map([...found].map(([i, contextId]) => [keys[i]!, contextId]));
}

/**
 * Stores `events` (distinct source ids, all of `sender.source`) inside the caller's transaction.
 * Throws {@link EventsRejected} to refuse them all. Returns, besides the outcomes, the Caliper
 * groups that stayed without a course (see {@link storeEvents}).
 */
export async function storePreparedEvents(
  tx: Queryable,
  events: readonly PreparedEvent[],
  sender: EventSender,
  settings: RollupSettings,
  now: Date,
  options: StoreEventsOptions = {},
): Promise<{ events: EventOutcome[]; recomputedStudents: number; changedCourses: string[]; unresolvedGroups: GroupReference[] }> {
  const { platformId, source } = sender;
  const wrong = events.find((e) => e.event.source !== source);
  if (wrong) throw new Error(`${wrong.path}: a ${wrong.event.source} event among ${source} events`);
  await lockPlatformIngest(tx, platformId, 'shared');

  // The course of each event: the context it names, or the course its group designates.
  const groups = distinctGroups(events);
  const ofGroup = await groupCourses(tx, platformId, groups);
  const contextOf = (event: NormalisedEvent): string | undefined => {
    const group = groupOf(event);
    return group ? ofGroup.get(JSON.stringify(group)) : namedContext(event);
  };
  const contexts = events.flatMap((e) => contextOf(e.event) ?? []);
  await lockCourses(tx, platformId, contexts);
  await options.beforeResolve?.(tx);
  const courses = await coursesForIngest(tx, platformId, contexts);

  const rows = events.map((e) => {
    const course = courses.get(contextOf(e.event) ?? '');
    if (!course) return rowOf(e, null, null);
    return rowOf(e, course.contextId, matchPerson(e.event.person, course.members) ?? null);
  });
  const inserted = await insertSourceEvents(tx, { platformId, source, storedAt: now, credentialKey: sender.credentialKey, rows });

  // Re-sends: the same event changes nothing; a different one under a stored id is a conflict.
  const same = options.same ?? isDeepStrictEqual;
  const resent = events.filter((e) => !inserted.has(e.event.sourceId));
  const existing = await storedEventsByIds(tx, platformId, source, resent.map((e) => e.event.sourceId));
  for (const e of resent) {
    const old = existing.get(e.event.sourceId);
    if (!old) throw new Error(`event ${e.event.sourceId} was neither inserted nor found`);
    if (!same(old.payload, e.payload)) {
      throw new EventsRejected(409, `${e.path}.id: a different event with the id ${e.event.sourceId} is already stored`);
    }
  }

  // Every (student, event time) the batch added; recomputeStudents narrows its work to those times.
  const touched: TouchedStudent[] = [];
  for (const row of rows) {
    if (inserted.has(row.sourceId) && row.contextId !== null && row.userId !== null) {
      touched.push({ platformId, contextId: row.contextId, userId: row.userId, at: new Date(row.eventAt) });
    }
  }
  const recomputedStudents = await recomputeStudents(tx, touched, settings, heldCourses(platformId, courses));

  const outcomes = events.map((e, i): EventOutcome => {
    const { sourceId, course } = e.event;
    if (inserted.has(sourceId)) {
      const row = rows[i]!;
      return { sourceId, outcome: 'stored', notCounted: notCountedOf({ ...row, voided: false, courseRef: undefined }, course) };
    }
    const old = existing.get(sourceId)!;
    return { sourceId, outcome: 'unchanged', notCounted: notCountedOf(old, old.courseRef as CourseReference | null) };
  });
  const waiting = new Set(
    events.flatMap((e, i) => (inserted.has(e.event.sourceId) && rows[i]!.contextId === null && groupOf(e.event) ? [JSON.stringify(groupOf(e.event))] : [])),
  );
  const unresolvedGroups = [...groups].filter(([key]) => waiting.has(key)).map(([, group]) => group);
  return { events: outcomes, recomputedStudents, changedCourses: [...new Set(touched.map((t) => t.contextId))], unresolvedGroups };
}

/**
 * Stores `events` whole or not at all (409: a different event under a stored id; nothing of the
 * batch is stored then) and returns after the commit.
 *
 * A Caliper group's course is found through a launch's custom claim, so no course lock can be
 * taken for a group nobody launched yet; a course's first launch committing while this batch is
 * under way could then look for its waiting events before this batch commits, and miss them.
 * So, after the commit, the groups that stayed without a course are looked up once more, and a
 * course found now gets its waiting events resolved (resolvePending) before the answer.
 */
export async function storeEvents(
  db: Database,
  events: readonly PreparedEvent[],
  sender: EventSender,
  settings: RollupSettings,
  now: Date,
  options: StoreEventsOptions = {},
): Promise<StoreEventsResult> {
  if (events.length === 0) return { ok: true, events: [], recomputedStudents: 0, changedCourses: [] };
  let stored;
  try {
    stored = await db.transaction((tx) => storePreparedEvents(tx, events, sender, settings, now, options));
  } catch (err) {
    if (err instanceof EventsRejected) return { ok: false, status: err.status, error: err.message };
    throw err;
  }
  await noteIngestWrites(db, stored.events.filter((e) => e.outcome === 'stored').length);

  let recomputedStudents = stored.recomputedStudents;
  const changedCourses = new Set(stored.changedCourses);
  if (stored.unresolvedGroups.length > 0) {
    const late = await coursesOfGroups(db, sender.platformId, stored.unresolvedGroups);
    for (const contextId of new Set(late.values())) {
      recomputedStudents += (await resolvePending(db, { platformId: sender.platformId, contextId }, settings)).students;
      changedCourses.add(contextId);
    }
  }
  return { ok: true, events: stored.events, recomputedStudents, changedCourses: [...changedCourses] };
}
