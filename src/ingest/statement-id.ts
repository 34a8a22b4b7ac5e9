/**
 * Statement identity: the id a statement gets when it came without one, and whether two
 * statements with one id are the same statement (the 409 rule).
 *
 * Moodle's log store sends no `id` and re-sends an exact copy after a lost answer
 * (shared/fixtures/README.md), so an id-less statement gets a name-based UUID (version 5: SHA-1
 * over a fixed namespace and a name, RFC 4122 §4.3) derived from what identifies the event
 * (xapi-mapping.md, "Duplicates, voiding, time"): the actor's identifier, the verb id, the object's
 * identity, the timestamp and Moodle's event name. A re-send gets the same id, and storing it again
 * changes nothing.
 *
 * Works on statements as `validateStatement` returns them (timestamps in UTC, contextActivities as
 * arrays, UUIDs in lower case), but does not rely on it: comparisons re-normalise what they compare.
 */
import { createHash } from 'node:crypto';
import { durationComparisonForm } from './iso-duration.js';
import type { Activity, Actor, Context, Result, Statement, StatementObject, SubStatement } from './statement-validation.js';

/** The namespace of our derived statement ids. Fixed forever: changing it changes every derived id. */
export const STATEMENT_ID_NAMESPACE = '9242af1e-cb4b-4f2f-b6e4-c74b73ae242e';

/** Where Moodle's log store (and Learning Locker clients) put the event name. */
export { MOODLE_INFO_EXTENSION } from './kind-rules.js';
import { MOODLE_INFO_EXTENSION } from './kind-rules.js';

/** A name-based (version 5) UUID of `name` in `namespace` (RFC 4122 §4.3). */
export function uuidV5(name: string, namespace: string = STATEMENT_ID_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new TypeError(`not a UUID: ${namespace}`);
  const bytes = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // variant RFC 4122
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Moodle's event name (`\mod_forum\event\post_created`) exactly as sent, or null when the
 * statement has none: the part of the derived id that tells two Moodle events on one object apart.
 * (classify.ts reads the same field trimmed, for classification; identity takes it verbatim.)
 */
export function identityEventName(statement: { context?: Context }): string | null {
  const info = statement.context?.extensions?.[MOODLE_INFO_EXTENSION];
  if (typeof info !== 'object' || info === null || Array.isArray(info)) return null;
  const name = (info as Record<string, unknown>).event_name;
  return typeof name === 'string' ? name : null;
}

/**
 * A mailto IRI with its case-insensitive parts in lower case: the scheme and the domain
 * (xAPI-Data.md §2.4.2.3, §2.3.1 "Case sensitivity"). The local part keeps its case.
 */
export function canonicalMbox(mbox: string): string {
  const at = mbox.lastIndexOf('@');
  const local = mbox.slice('mailto:'.length, at);
  return `mailto:${local}@${mbox.slice(at + 1).toLowerCase()}`;
}

/**
 * The inverse functional identifier of an Agent or an identified Group as one string —
 * `mbox:mailto:…`, `mbox_sha1sum:<hex>`, `openid:<uri>`, `account:<homePage>|<name>` (an IRL
 * never contains `|`) — or null for an anonymous Group.
 */
export function ifiKey(actor: Actor): string | null {
  if (actor.mbox !== undefined) return `mbox:${canonicalMbox(actor.mbox)}`;
  if (actor.mbox_sha1sum !== undefined) return `mbox_sha1sum:${actor.mbox_sha1sum.toLowerCase()}`;
  if (actor.openid !== undefined) return `openid:${actor.openid}`;
  if (actor.account !== undefined) return `account:${actor.account.homePage}|${actor.account.name}`;
  return null;
}

function isGroup(actor: Actor): boolean {
  return actor.objectType === 'Group';
}

/** Who an actor is, for the derived id: kind and identifier; an anonymous Group by its members. */
function actorIdentity(actor: Actor): unknown {
  const key = ifiKey(actor);
  if (!isGroup(actor)) return ['Agent', key];
  if (key !== null) return ['Group', key];
  const members = ('member' in actor ? (actor.member ?? []) : []).map((m) => ifiKey(m) ?? '').sort();
  return ['Group', null, members];
}

function instant(timestamp: string | undefined): string | null {
  if (timestamp === undefined) return null;
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? timestamp : new Date(ms).toISOString();
}

function objectIdentity(object: StatementObject): unknown {
  switch (object.objectType) {
    case 'Agent':
    case 'Group':
      return actorIdentity(object);
    case 'StatementRef':
      return ['StatementRef', object.id.toLowerCase()];
    case 'SubStatement':
      return ['SubStatement', actorIdentity(object.actor), object.verb.id, objectIdentity(object.object), instant(object.timestamp)];
    default:
      return ['Activity', object.id];
  }
}

/**
 * The id of a statement that came without one: a version 5 UUID of its actor's identifier, verb
 * id, object identity (an Activity's id, an Agent's or Group's identifier, a StatementRef's target,
 * a SubStatement's own actor/verb/object/timestamp), timestamp (as an instant: `…T19:06:08Z` and
 * `…T20:06:08.000+01:00` are one time) and Moodle's event name. Names, displays, definitions,
 * result and the rest of the context do not count — a re-send is recognised, and a statement that
 * differs only there is the same event. A statement without a timestamp gets an id without one
 * (so the HTTP layer should give it `timestamp` = `stored` first if such statements are to be
 * distinct events).
 */
export function deriveStatementId(statement: Statement): string {
  const name = JSON.stringify([
    'coursepulse statement id 1',
    actorIdentity(statement.actor),
    statement.verb.id,
    objectIdentity(statement.object),
    instant(statement.timestamp),
    identityEventName(statement),
  ]);
  return uuidV5(name);
}

// ---------------------------------------------------------------------------------------------
// Statement comparison (xAPI-Data.md §2.3.1, "Statement Comparison Requirements")

/** JSON with object keys sorted and undefined members left out: equal values, equal strings. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function comparableActor(actor: Actor): unknown {
  const members = 'member' in actor && actor.member ? actor.member.map((m) => canonicalJson(comparableActor(m))).sort() : undefined;
  return { objectType: isGroup(actor) ? 'Group' : 'Agent', name: actor.name, ifi: ifiKey(actor), member: members };
}

function comparableActivity(activity: Activity): unknown {
  return { objectType: 'Activity', id: activity.id };
}

function comparableObject(object: StatementObject): unknown {
  switch (object.objectType) {
    case 'Agent':
    case 'Group':
      return comparableActor(object);
    case 'StatementRef':
      return { objectType: 'StatementRef', id: object.id.toLowerCase() };
    case 'SubStatement':
      // A SubStatement's timestamp is never assigned by the LRS, so it counts even when one lacks it.
      return { objectType: 'SubStatement', ...comparableBody(object), timestamp: instant(object.timestamp) };
    default:
      return comparableActivity(object);
  }
}

function comparableResult(result: Result): unknown {
  return { ...result, duration: result.duration === undefined ? undefined : durationComparisonForm(result.duration) };
}

function comparableContext(context: Context): unknown {
  const activities = context.contextActivities
    ? Object.fromEntries(
        Object.entries(context.contextActivities).map(([key, value]) => [
          key,
          (Array.isArray(value) ? (value as Activity[]) : [value as Activity]).map(comparableActivity),
        ]),
      )
    : undefined;
  return {
    registration: context.registration?.toLowerCase(),
    instructor: context.instructor && comparableActor(context.instructor),
    team: context.team && comparableActor(context.team),
    contextActivities: activities,
    contextAgents: context.contextAgents?.map((c) => ({ agent: comparableActor(c.agent), relevantTypes: c.relevantTypes })),
    contextGroups: context.contextGroups?.map((c) => ({ group: comparableActor(c.group), relevantTypes: c.relevantTypes })),
    revision: context.revision,
    platform: context.platform,
    language: context.language?.toLowerCase(),
    statement: context.statement && context.statement.id.toLowerCase(),
    extensions: context.extensions,
  };
}

function comparableBody(s: Statement | SubStatement): Record<string, unknown> {
  return {
    actor: comparableActor(s.actor),
    verb: s.verb.id,
    object: comparableObject(s.object),
    result: s.result && comparableResult(s.result),
    context: s.context && comparableContext(s.context),
  };
}

function sameInstant(a: string | undefined, b: string | undefined): boolean {
  // A missing timestamp is one the LRS assigns (from `stored`), so it matches any.
  if (a === undefined || b === undefined) return true;
  return instant(a) === instant(b);
}

/**
 * Whether two statements with the same id are the same statement, so that storing the second
 * changes nothing (and answers 200/204) rather than 409 Conflict (xAPI-Communication.md §2.1.1,
 * §2.1.2; xAPI-Data.md §2.3.1). Ignored, as exceptions to immutability: `id`, `authority`,
 * `stored`, `version`, a timestamp one of them lacks (the LRS assigns it), the serialisation of a
 * timestamp (compared as an instant), activity definitions (only activity ids count), the verb's
 * `display`, attachments, the order of a Group's members, single-vs-array contextActivities
 * values, and case where it does not matter: the scheme and domain of an mbox, UUIDs,
 * mbox_sha1sum hex, the context language tag. Durations count only to 0.01 s (§4.6). An absent
 * `objectType` equals its default (`Agent` for an actor, `Activity` for an object).
 * Everything else counts as written, arrays in order.
 */
export function sameStatement(a: Statement, b: Statement): boolean {
  if (!sameInstant(a.timestamp, b.timestamp)) return false;
  return canonicalJson(comparableBody(a)) === canonicalJson(comparableBody(b));
}
