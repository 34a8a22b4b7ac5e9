/**
 * The xAPI ingestion pipeline, as named steps: parse (the HTTP layer) → validate → assign id,
 * `stored`, `authority` (and `timestamp` when absent) → map (normaliseStatement) → resolve course
 * (courseOfStatement with the platform's issuer; the course must have been launched) and person
 * (matchPerson against that course's members) → store the batch in ONE transaction (one INSERT
 * for all rows; a re-send changes nothing, a changed re-send is 409) → apply voiding both ways →
 * recompute the touched students' visits and days in the same transaction, so that the answer
 * (sent after the commit) implies the figures are visible.
 *
 * Nothing is dropped: a statement whose course or person is not known yet, or whose kind the
 * reports ignore, is stored with what is known, and {@link notCountedReason} says why it does not
 * count (yet). `resolvePending` (recompute.ts) ties waiting statements to their course and person
 * after a launch or a roster read.
 *
 * Identity: a statement's `id` is its identity (lower case). A statement sent without one gets a
 * name-based id from its content (statement-id.ts), so Moodle's re-sends are recognised. For a
 * statement that carried an id, a stored statement with that id and different content answers 409
 * (sameStatement, xAPI-Data.md §2.3.1); for an id-less one the derived id *is* the event's identity
 * — the LRS would have given it a fresh id and it could never conflict — so a stored statement with
 * that id means "already have it", whatever its names or result say.
 */
import { heldCourses, lockCourses, recomputeStudents, type RollupSettings, type TouchedStudent } from './recompute.js';
import type { IgnoredReason } from './kind-rules.js';
import { matchAttachments, type AttachmentData, type AttachmentPart } from './multipart-mixed.js';
import type { NormalisedEvent } from './normalised-event.js';
import { matchPerson } from './person-reference.js';
import { mappedColumns } from './event-columns.js';
import { deriveStatementId, ifiKey, sameStatement } from './statement-id.js';
import { checkSignatures } from './statement-signature.js';
import { isUuid, validateStatement, validateStatements, type Actor, type Statement, type XapiVersion } from './statement-validation.js';
import { normaliseStatement } from './xapi-event.js';
import { applyVoiding } from '../models/apply-voiding.js';
import type { Database, Queryable } from '../models/database.js';
import { coursesForIngest } from '../models/ingest-courses.js';
import { insertAttachments } from '../models/insert-attachments.js';
import { lockPlatformIngest } from '../models/ingest-lock.js';
import { noteIngestWrites } from '../models/ingest-statistics.js';
import { insertSourceEvents, type NewSourceEvent } from '../models/insert-source-events.js';
import { storedEventsByIds } from '../models/stored-events.js';

/** Who sent the request: the platform of the authenticating credential, never a value in it. */
export interface StatementSender {
  platformId: string;
  credentialKey: string;
  /** The platform's LTI issuer (its LMS base URL), for course URLs. */
  issuer: string;
  /** The `homePage` of the authority agent we put on every statement (PUBLIC_URL). */
  authorityHomePage: string;
}

export interface StatementsRequest {
  /** POST: one statement or an array; PUT: one statement stored under `statementId`. */
  method: 'POST' | 'PUT';
  /** The parsed JSON body. */
  body: unknown;
  /** PUT's `statementId` parameter. */
  statementId?: string | undefined;
  /** From `X-Experience-API-Version`. */
  version: XapiVersion;
}

/** Why a stored statement does not count in the figures (yet). */
export type NotCountedReason =
  /** Its kind is one the reports ignore (login, subscription, voiding …). */
  | { reason: 'ignored'; ignored: IgnoredReason }
  /** A voiding statement targets it. */
  | { reason: 'voided' }
  /** It names no course of the platform (a site login, say). */
  | { reason: 'no-course' }
  /** It names a course that has not been launched yet; it is resolved after the first launch. */
  | { reason: 'course-not-launched'; contextId: string }
  /** Its actor is not on the course's roster (yet); it is resolved after a launch or roster read names them. */
  | { reason: 'person-not-matched'; contextId: string };

/** What a stored row says about counting; see {@link notCountedReason}. */
export interface CountingState {
  ignored: string | null;
  voided: boolean;
  courseRef: { contextId?: string } | null | undefined;
  contextId: string | null;
  userId: string | null;
}

/** Why a stored row does not count, or null when it counts. Pure: the reason is data on the row. */
export function notCountedReason(row: CountingState): NotCountedReason | null {
  if (row.ignored !== null) return { reason: 'ignored', ignored: row.ignored as IgnoredReason };
  if (row.voided) return { reason: 'voided' };
  if (row.contextId === null) {
    const contextId = row.courseRef?.contextId;
    return contextId === undefined ? { reason: 'no-course' } : { reason: 'course-not-launched', contextId };
  }
  if (row.userId === null) return { reason: 'person-not-matched', contextId: row.contextId };
  return null;
}

export interface StatementOutcome {
  id: string;
  /** `stored`: new; `unchanged`: already stored (identical, or a re-send of an id-less statement). */
  outcome: 'stored' | 'unchanged';
  notCounted: NotCountedReason | null;
}

export type StoreStatementsResult =
  | {
      ok: true;
      /** The statement ids in request order (what POST answers). */
      ids: string[];
      /** One per distinct statement of the request, in request order. */
      statements: StatementOutcome[];
      /** Students whose figures were recomputed. */
      recomputedStudents: number;
      /** The courses (context ids) those students belong to: whose reports changed. */
      changedCourses: string[];
    }
  | { ok: false; status: 400 | 409; error: string };

/** A validated statement ready to store. */
export interface PreparedStatement {
  /** How the request names it in messages: `statement` or `statement[i]` (its first occurrence). */
  path: string;
  id: string;
  /** Whether the request gave the id (else derived from the content). */
  sentId: boolean;
  /** As validated, before the LRS's assignments: what a re-send is compared with. */
  original: Statement;
  /** As stored: with id, timestamp, stored and authority. */
  stored: Statement;
  event: NormalisedEvent;
}

export type PreparedStatements =
  | { ok: true; ids: string[]; statements: PreparedStatement[] }
  | { ok: false; status: 400; error: string };

/** The authority of statements sent with a credential: an agent naming the credential (xAPI-Data.md §2.4.9). */
export function credentialAuthority(sender: Pick<StatementSender, 'credentialKey' | 'authorityHomePage'>): Actor {
  return { objectType: 'Agent', account: { homePage: sender.authorityHomePage, name: sender.credentialKey } };
}

/**
 * Validate, assign and map (pure). Ids: sent (lower case) or derived; `stored` is `now`; a
 * statement without `timestamp` gets `stored` (xAPI-Data.md §2.4.7); the authority is the
 * credential's, whatever was sent. Statements of one request with one derived id are one statement.
 * `multipart`: the request was multipart/mixed, so attachments may come without `fileUrl`.
 */
export function prepareStatements(request: StatementsRequest, sender: StatementSender, now: Date, { multipart = false }: { multipart?: boolean } = {}): PreparedStatements {
  let validated: Statement[];
  if (request.method === 'PUT') {
    const statementId = request.statementId;
    if (statementId === undefined || statementId === '') return { ok: false, status: 400, error: 'statementId: is required (the id of the statement to store)' };
    if (!isUuid(statementId)) return { ok: false, status: 400, error: 'statementId: must be a UUID' };
    if (Array.isArray(request.body)) return { ok: false, status: 400, error: 'statement: PUT takes one statement object, not an array' };
    const one = validateStatement(request.body, request.version, { multipart });
    if (!one.ok) return { ok: false, status: 400, error: one.error };
    if (one.statement.id !== undefined && one.statement.id.toLowerCase() !== statementId.toLowerCase()) {
      return { ok: false, status: 400, error: `statement.id: differs from the statementId parameter (${statementId})` };
    }
    validated = [{ ...one.statement, id: statementId.toLowerCase() }];
  } else {
    const all = validateStatements(request.body, request.version, { multipart });
    if (!all.ok) return { ok: false, status: 400, error: all.error };
    validated = all.statements;
  }

  const storedAt = now.toISOString();
  const authority = credentialAuthority(sender);
  const single = !Array.isArray(request.body);
  const ids: string[] = [];
  const byId = new Map<string, PreparedStatement>();
  for (const [i, original] of validated.entries()) {
    const { id: sent, stored: _stored, authority: _authority, ...body } = original;
    const timestamp = original.timestamp ?? storedAt;
    const id = (sent ?? deriveStatementId({ ...original, timestamp })).toLowerCase();
    ids.push(id);
    if (byId.has(id)) continue; // validateStatements refuses a repeated sent id: this is a repeated derived one
    const stored: Statement = { id, ...body, timestamp, stored: storedAt, authority };
    byId.set(id, {
      path: single ? 'statement' : `statement[${i}]`,
      id,
      sentId: sent !== undefined,
      original,
      stored,
      event: normaliseStatement(stored, now, { issuer: sender.issuer }),
    });
  }
  return { ok: true, ids, statements: [...byId.values()] };
}

/** Thrown inside the storing transaction to refuse the whole request (and roll it back). */
export class StatementsRejected extends Error {
  constructor(
    readonly status: 400 | 409,
    message: string,
  ) {
    super(message);
  }
}

/** The row of a prepared statement, with its course and person as resolved against the known courses. */
export function statementRow(s: PreparedStatement, contextId: string | null, userId: string | null): NewSourceEvent {
  const { event, stored } = s;
  return {
    sourceId: s.id,
    payload: stored,
    eventAt: event.at,
    verbId: stored.verb.id,
    actorKey: ifiKey(stored.actor),
    registration: stored.context?.registration ?? null,
    voids: event.voidsSourceId ?? null,
    ...mappedColumns(event, contextId, userId),
  };
}

/** The context id a statement names, if any (the course it would belong to once launched). */
const namedContext = (s: PreparedStatement): string | undefined =>
  s.event.course && 'contextId' in s.event.course ? s.event.course.contextId : undefined;

/**
 * Stores prepared statements inside the caller's transaction (`storeStatements` opens one; the
 * importer also writes its progress in it). Throws {@link StatementsRejected} to refuse them all.
 * `attachments`: the attachment data of a multipart/mixed request, matched to the statements.
 */
export async function storePreparedStatements(
  tx: Queryable,
  statements: readonly PreparedStatement[],
  sender: StatementSender,
  settings: RollupSettings,
  now: Date,
  attachments: readonly AttachmentData[] = [],
): Promise<{ statements: StatementOutcome[]; recomputedStudents: number; changedCourses: string[] }> {
  const { platformId } = sender;
  const voiding = statements.filter((s) => s.event.voidsSourceId !== undefined);
  await lockPlatformIngest(tx, platformId, voiding.length > 0 ? 'exclusive' : 'shared');

  // Lock every course the batch may touch (named by its statements, or holding a statement it voids), then read them.
  const targetsBefore = await storedEventsByIds(tx, platformId, 'xapi', voiding.map((s) => s.event.voidsSourceId!));
  const named = statements.flatMap((s) => namedContext(s) ?? []);
  await lockCourses(tx, platformId, [...named, ...[...targetsBefore.values()].flatMap((t) => t.contextId ?? [])]);
  const courses = await coursesForIngest(tx, platformId, named);

  const rows = statements.map((s) => {
    const course = courses.get(namedContext(s) ?? '');
    if (!course) return statementRow(s, null, null);
    return statementRow(s, course.contextId, matchPerson(s.event.person, course.members) ?? null);
  });
  const inserted = await insertSourceEvents(tx, { platformId, source: 'xapi', storedAt: now, credentialKey: sender.credentialKey, rows });

  // Re-sends: the same statement changes nothing; a different one with a sent id is a conflict.
  const resent = statements.filter((s) => !inserted.has(s.id));
  const existing = await storedEventsByIds(tx, platformId, 'xapi', resent.map((s) => s.id));
  for (const s of resent) {
    const old = existing.get(s.id);
    if (!old) throw new Error(`statement ${s.id} was neither inserted nor found`);
    if (s.sentId && !sameStatement(old.payload as Statement, s.original)) {
      throw new StatementsRejected(409, `${s.path}.id: a different statement with the id ${s.id} is already stored`);
    }
  }

  // A voiding statement may not target a voiding statement (xAPI-Data.md §2.3.2; XAPI-00016 allows rejecting it).
  const newVoiding = voiding.filter((s) => inserted.has(s.id));
  const targetsNow = await storedEventsByIds(tx, platformId, 'xapi', newVoiding.map((s) => s.event.voidsSourceId!));
  for (const s of newVoiding) {
    const target = targetsNow.get(s.event.voidsSourceId!);
    if (target?.voids != null) {
      throw new StatementsRejected(400, `${s.path}.object.id: ${target.sourceId} is a voiding statement, and a voiding statement cannot be voided`);
    }
  }
  const voided = await applyVoiding(tx, platformId, [...inserted], newVoiding.map((s) => s.event.voidsSourceId!));
  // Attachment data commits with its statements or not at all.
  await insertAttachments(tx, platformId, now, attachments);
  const voidedIds = new Set(voided.map((v) => v.sourceId));

  // The students whose counted events changed, at the times they changed: new counted rows and newly voided ones.
  const touched: TouchedStudent[] = [];
  const counted = rows.filter((r) => inserted.has(r.sourceId) && r.kind !== null && r.ignored === null);
  for (const row of [...counted.map((r) => ({ ...r, at: new Date(r.eventAt) })), ...voided]) {
    if (row.contextId !== null && row.userId !== null) touched.push({ platformId, contextId: row.contextId, userId: row.userId, at: row.at });
  }
  const recomputedStudents = await recomputeStudents(tx, touched, settings, heldCourses(platformId, courses));

  const outcomes = statements.map((s, i): StatementOutcome => {
    if (inserted.has(s.id)) {
      const row = rows[i]!;
      return { id: s.id, outcome: 'stored', notCounted: notCountedReason({ ...row, ignored: row.ignored, voided: voidedIds.has(s.id), courseRef: s.event.course as CountingState['courseRef'] }) };
    }
    return { id: s.id, outcome: 'unchanged', notCounted: notCountedReason(existing.get(s.id)!) };
  });
  return { statements: outcomes, recomputedStudents, changedCourses: [...new Set(touched.map((t) => t.contextId))] };
}

/**
 * Stores a POST or PUT of statements whole or not at all. `ok: false` carries the status and the
 * message naming the field (400: invalid, a repeated id, voiding a voiding statement, attachment
 * parts and attachment objects that do not pair up, a malformed signature; 409: a different statement under a sent id);
 * nothing of such a request is stored. `attachments`: the data parts of a multipart/mixed request
 * (absent for application/json, where every attachment needs a fileUrl).
 */
export async function storeStatements(
  db: Database,
  request: StatementsRequest,
  sender: StatementSender,
  settings: RollupSettings,
  now: Date,
  attachments?: readonly AttachmentPart[],
): Promise<StoreStatementsResult> {
  const prepared = prepareStatements(request, sender, now, { multipart: attachments !== undefined });
  if (!prepared.ok) return prepared;
  const matched = matchAttachments(prepared.statements, attachments ?? []);
  if (!matched.ok) return { ok: false, status: 400, error: matched.error };
  const signatures = checkSignatures(prepared.statements, matched.data, request.version);
  if (!signatures.ok) return { ok: false, status: 400, error: signatures.error };
  if (prepared.statements.length === 0) return { ok: true, ids: [], statements: [], recomputedStudents: 0, changedCourses: [] };
  try {
    const stored = await db.transaction((tx) => storePreparedStatements(tx, prepared.statements, sender, settings, now, matched.data));
    await noteIngestWrites(db, stored.statements.filter((s) => s.outcome === 'stored').length);
    return { ok: true, ids: prepared.ids, ...stored };
  } catch (err) {
    if (err instanceof StatementsRejected) return { ok: false, status: err.status, error: err.message };
    throw err;
  }
}
