/**
 * Statement validation: the first step of xAPI ingestion. Takes a parsed JSON body as an LMS sent
 * it and either answers the one thing that is wrong with it — a message that starts with the path
 * of the offending property (`statement[3].actor.mbox: must be a mailto: IRI`), which the HTTP
 * layer sends as the 400's error — or gives back the statement normalised the way the LRS must
 * store it. Pure: no database, no clock, no I/O.
 *
 * The rules are those of xAPI 1.0.3 (adlnet/xAPI-Spec: xAPI-Data.md, cited as "Data §…") as
 * tightened by xAPI 2.0 (IEEE 9274.1.1-2023: SHOULD* became SHALL) and as the ADL LRS conformance
 * suite tests them (adlnet/lrs-conformance-test-suite test/v2_0, cited by requirement id XAPI-…).
 * Where they differ by version the request's `X-Experience-API-Version` decides:
 * - `context.contextAgents` / `context.contextGroups` exist only in 2.0.0; a 1.0.x request with
 *   them is rejected like any other unknown property;
 * - timestamps: 1.0.x takes ISO 8601 (extended or basic format, seconds optional); 2.0.0 takes RFC
 *   3339 only (its SHOULD* "use RFC 3339" became SHALL). Both need a time zone and refuse the
 *   negative zero offset; both are stored in UTC to the millisecond (Data §4.5: precision of at
 *   least milliseconds is kept, finer digits MAY be truncated; 2.0 converts offsets to UTC);
 * - `version`: 1.0.x accepts `1.0` / `1.0.x` only (Data §2.4.10); 2.0.0 accepts `2.0.x` too; an
 *   absent version becomes `1.0.0` or `2.0.0`.
 * - 2.0.0 only: `"timestamp": null` counts as an absent timestamp (the 2.0 suite posts one and
 *   expects `timestamp` = `stored` back: 4.1.6.1-Statement-Resource.js, "The LRS shall set the
 *   timestamp property to the value of the stored property if not provided"); every other null
 *   outside extensions is rejected (Data §2.2).
 *
 * Normalisation (what the returned statement has that the input may not): `contextActivities`
 * values are arrays (Data §2.4.6.2), `version` is set, UUIDs are lower case (RFC 4122: case
 * insensitive on input, lower case on output), `timestamp`/`stored` are UTC ISO strings with
 * milliseconds. Nothing is added: no `id`, `timestamp`, `stored` or `authority` (those need the
 * request: see `statement-id.ts` and the HTTP layer). Unknown properties are never passed through.
 */
import { isIsoDuration } from './iso-duration.js';

// ---------------------------------------------------------------------------------------------
// Types of a validated, normalised statement

/** A version from `X-Experience-API-Version` that we serve: any 1.0.x, or 2.0.x. */
export type XapiVersion = `1.0.${number}` | `2.0.${number}`;

export type LanguageMap = Record<string, string>;
/** Extension values are any JSON (null included). */
export type Extensions = Record<string, unknown>;

export interface Account {
  homePage: string;
  name: string;
}

interface Identifiers {
  mbox?: string;
  mbox_sha1sum?: string;
  openid?: string;
  account?: Account;
}

export interface Agent extends Identifiers {
  objectType?: 'Agent';
  name?: string;
}

export interface Group extends Identifiers {
  objectType: 'Group';
  name?: string;
  member?: Agent[];
}

export type Actor = Agent | Group;

export interface Verb {
  id: string;
  display?: LanguageMap;
}

export const INTERACTION_TYPES = [
  'true-false',
  'choice',
  'fill-in',
  'long-fill-in',
  'matching',
  'performance',
  'sequencing',
  'likert',
  'numeric',
  'other',
] as const;
export type InteractionType = (typeof INTERACTION_TYPES)[number];

export interface InteractionComponent {
  id: string;
  description?: LanguageMap;
}

export interface ActivityDefinition {
  name?: LanguageMap;
  description?: LanguageMap;
  type?: string;
  moreInfo?: string;
  interactionType?: InteractionType;
  correctResponsesPattern?: string[];
  choices?: InteractionComponent[];
  scale?: InteractionComponent[];
  source?: InteractionComponent[];
  target?: InteractionComponent[];
  steps?: InteractionComponent[];
  extensions?: Extensions;
}

export interface Activity {
  objectType?: 'Activity';
  id: string;
  definition?: ActivityDefinition;
}

export interface StatementRef {
  objectType: 'StatementRef';
  id: string;
}

/** An Agent as a statement's object: `objectType` is required there (Data §2.4.4.2). */
export type AgentObject = Agent & { objectType: 'Agent' };

export interface SubStatement {
  objectType: 'SubStatement';
  actor: Actor;
  verb: Verb;
  object: Activity | AgentObject | Group | StatementRef;
  result?: Result;
  context?: Context;
  timestamp?: string;
  attachments?: Attachment[];
}

export type StatementObject = Activity | AgentObject | Group | StatementRef | SubStatement;

export interface Score {
  scaled?: number;
  raw?: number;
  min?: number;
  max?: number;
}

export interface Result {
  score?: Score;
  success?: boolean;
  completion?: boolean;
  response?: string;
  duration?: string;
  extensions?: Extensions;
}

export interface ContextActivities {
  parent?: Activity[];
  grouping?: Activity[];
  category?: Activity[];
  other?: Activity[];
}

/** xAPI 2.0 only. */
export interface ContextAgent {
  objectType: 'contextAgent';
  agent: Agent;
  relevantTypes?: string[];
}

/** xAPI 2.0 only. */
export interface ContextGroup {
  objectType: 'contextGroup';
  group: Group;
  relevantTypes?: string[];
}

export interface Context {
  registration?: string;
  instructor?: Actor;
  team?: Group;
  contextActivities?: ContextActivities;
  contextAgents?: ContextAgent[];
  contextGroups?: ContextGroup[];
  revision?: string;
  platform?: string;
  language?: string;
  statement?: StatementRef;
  extensions?: Extensions;
}

export interface Attachment {
  usageType: string;
  display: LanguageMap;
  description?: LanguageMap;
  contentType: string;
  length: number;
  sha2: string;
  fileUrl?: string;
}

export interface Statement {
  id?: string;
  actor: Actor;
  verb: Verb;
  object: StatementObject;
  result?: Result;
  context?: Context;
  timestamp?: string;
  stored?: string;
  authority?: Actor;
  /** Always present after validation (set to 1.0.0 / 2.0.0 when the statement had none). */
  version: string;
  attachments?: Attachment[];
}

export { VOIDED_VERB } from './kind-rules.js';
import { VOIDED_VERB } from './kind-rules.js';
export const SIGNATURE_USAGE_TYPE = 'http://adlnet.gov/expapi/attachments/signature';

export interface ValidateOptions {
  /**
   * The request is `multipart/mixed`, so an attachment may come without `fileUrl` (its data must
   * then be a part whose hash matches `sha2` — the HTTP layer checks that). In an
   * `application/json` request (the default) every attachment needs a `fileUrl`
   * (xAPI-Communication.md §1.5.1/§1.5.2).
   */
  multipart?: boolean;
  /** How the statement is named in messages (default `statement`). */
  path?: string;
}

export type StatementValidation = { ok: true; statement: Statement } | { ok: false; error: string };
export type StatementsValidation = { ok: true; statements: Statement[] } | { ok: false; error: string };

// ---------------------------------------------------------------------------------------------
// Versions

/**
 * The version a request asks for from its `X-Experience-API-Version` header, or null when we do
 * not serve it (missing, before 1.0.0, 1.1.0 or later, 2.1.0 or later, or not a version).
 * `1.0` means `1.0.0` (xAPI-Communication.md §3.3); `2.0` is taken as `2.0.0`.
 */
export function parseXapiVersionHeader(value: string | undefined): XapiVersion | null {
  const m = /^\s*(1|2)\.0(?:\.(\d+))?\s*$/.exec(value ?? '');
  if (!m) return null;
  return `${m[1]}.0.${Number(m[2] ?? 0)}` as XapiVersion;
}

function isV2(version: XapiVersion): boolean {
  return version.startsWith('2.');
}

// ---------------------------------------------------------------------------------------------
// Formats

const IRI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
// Characters an IRI never contains unescaped: controls, spaces, and "<>\"{}|\\^`" (RFC 3987 §2.2).
const IRI_FORBIDDEN = /[\u0000-\u0020\u007f-\u009f<>"{}|\\^`\s]/u;
const BAD_PERCENT = /%(?![0-9A-Fa-f]{2})/;

/**
 * Best-effort IRI check (Data §2.2 allows best effort): an absolute IRI — a scheme, then at least
 * one character — with no character an IRI cannot hold, `%` only as a percent-escape and at most
 * one `#`. A relative reference or a bare fragment is not an IRI.
 */
export function isIri(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const scheme = IRI_SCHEME.exec(value);
  if (!scheme || value.length === scheme[0].length) return false;
  if (IRI_FORBIDDEN.test(value) || BAD_PERCENT.test(value)) return false;
  return (value.match(/#/g) ?? []).length <= 1;
}

/** An IRL: an IRI that locates something, i.e. a scheme with an authority (`https://…`). */
export function isIrl(value: unknown): value is string {
  return isIri(value) && /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A UUID in standard string form (Data §2.4.1, §4.4), any version and variant, either case. Not
 * restricted to RFC 4122 variant 2: the spec's own example id (`12345678-1234-5678-1234-…`) is not.
 */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

const LANGUAGE_TAG = (() => {
  const language = '(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})';
  const script = '(?:-[a-z]{4})';
  const region = '(?:-(?:[a-z]{2}|[0-9]{3}))';
  const variant = '(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))';
  const extension = '(?:-[0-9a-wy-z](?:-[a-z0-9]{2,8})+)';
  const privateUse = '(?:x(?:-[a-z0-9]{1,8})+)';
  const irregular =
    'en-gb-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo|i-pwn|i-tao|i-tay|i-tsu|sgn-be-fr|sgn-be-nl|sgn-ch-de';
  const regular = 'art-lojban|cel-gaulish|no-bok|no-nyn|zh-guoyu|zh-hakka|zh-min|zh-min-nan|zh-xiang';
  return new RegExp(
    `^(?:${language}${script}?${region}?${variant}*${extension}*(?:-${privateUse})?|${privateUse}|${irregular}|${regular})$`,
    'i',
  );
})();

/**
 * A well-formed RFC 5646 language tag (Data §2.2: "at least validate that the sequence of token
 * lengths for language map keys matches RFC 5646"): language (2–3 letters with up to three
 * extlangs, 4 or 5–8 letters), script, region, variants, extensions, private use; the whole-tag
 * private-use and grandfathered forms. Case-insensitive. Registry membership is not checked.
 */
export function isLanguageTag(value: unknown): value is string {
  return typeof value === 'string' && LANGUAGE_TAG.test(value);
}

const TIMESTAMP_EXTENDED =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;
const TIMESTAMP_BASIC = /^(\d{4})(\d{2})(\d{2})[Tt](\d{2})(\d{2})(?:(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2})(\d{2})?)?$/;
const TIMESTAMP_RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

const ISO_TIMESTAMP_PROBLEM = 'must be an ISO 8601 date and time with a time zone (such as 2024-05-04T17:00:00.000Z)';
const RFC_TIMESTAMP_PROBLEM = 'must be an RFC 3339 date and time with a time zone (such as 2024-05-04T17:00:00.000Z)';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
}

/**
 * A timestamp turned into the UTC form we store (`2024-05-04T17:00:00.000Z`, milliseconds kept,
 * finer digits truncated), or what is wrong with it. 1.0.x: ISO 8601 extended or basic format;
 * 2.0.x: RFC 3339. Either way with a time zone, and never the negative zero offset (`-00:00`,
 * `-0000`, `-00`: ISO 8601 forbids it; XAPI-00123 tests).
 */
export function parseTimestamp(text: unknown, version: XapiVersion): { ok: true; utc: string } | { ok: false; problem: string } {
  const generic = isV2(version) ? RFC_TIMESTAMP_PROBLEM : ISO_TIMESTAMP_PROBLEM;
  if (typeof text !== 'string') return { ok: false, problem: generic };
  const m = TIMESTAMP_EXTENDED.exec(text) ?? TIMESTAMP_BASIC.exec(text);
  if (!m) return { ok: false, problem: generic };
  const [, y, mo, d, h, mi, s, fraction, z, sign, oh, om] = m;
  if (z === undefined && sign === undefined) return { ok: false, problem: 'must include a time zone (Z or an offset such as +02:00)' };
  if (sign === '-' && Number(oh) === 0 && Number(om ?? 0) === 0) {
    return { ok: false, problem: 'must not use the offset -00:00 (UTC is Z or +00:00)' };
  }
  if (isV2(version) && !TIMESTAMP_RFC3339.test(text)) return { ok: false, problem: generic };
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s ?? '0'].map(Number) as [number, number, number, number, number, number];
  const [offsetHours, offsetMinutes] = [Number(oh ?? 0), Number(om ?? 0)];
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    offsetHours > 23 ||
    offsetMinutes > 59
  ) {
    return { ok: false, problem: 'is not a valid date and time' };
  }
  const millis = Number((fraction ?? '').slice(0, 3).padEnd(3, '0'));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  const offset = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  const utc = new Date(date.getTime() - offset * 60_000);
  if (utc.getUTCFullYear() < 0 || utc.getUTCFullYear() > 9999) return { ok: false, problem: 'is not a valid date and time' };
  return { ok: true, utc: utc.toISOString() };
}

// ---------------------------------------------------------------------------------------------
// The walk

class Invalid extends Error {}

function fail(path: string, problem: string): never {
  throw new Invalid(`${path}: ${problem}`);
}

interface Ctx {
  version: XapiVersion;
  v2: boolean;
  multipart: boolean;
}

type Json = Record<string, unknown>;

function at(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, path: string, what = 'an object'): Json {
  if (value === null) fail(path, 'must not be null');
  if (!isObject(value)) fail(path, `must be ${what}`);
  return value;
}

/**
 * Every key of `obj` is one the spec allows here (case-sensitively: Data §2.2) and none is null.
 * `hints` give the message for keys that are known but not allowed in this place.
 */
function onlyKeys(obj: Json, path: string, allowed: readonly string[], hints: Readonly<Record<string, string>> = {}): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      const hint = Object.hasOwn(hints, key) ? hints[key] : undefined;
      if (hint) fail(at(path, key), hint);
      const other = allowed.find((a) => a.toLowerCase() === key.toLowerCase());
      fail(at(path, key), other ? `is not allowed (property names are case-sensitive: "${other}")` : 'is not allowed');
    }
    if (obj[key] === null) fail(at(path, key), 'must not be null');
  }
}

function has(obj: Json, key: string): boolean {
  return Object.hasOwn(obj, key);
}

function required(obj: Json, key: string, path: string): unknown {
  if (!has(obj, key)) fail(at(path, key), 'is required');
  return obj[key];
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, 'must be a string');
  return value;
}

function boolean(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') fail(path, 'must be true or false');
  return value;
}

function number(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(path, 'must be a number');
  return value;
}

function iri(value: unknown, path: string): string {
  if (!isIri(value)) fail(path, 'must be an IRI');
  return value;
}

function irl(value: unknown, path: string): string {
  if (!isIrl(value)) fail(path, 'must be an IRL');
  return value;
}

function uuid(value: unknown, path: string): string {
  if (!isUuid(value)) fail(path, 'must be a UUID (8-4-4-4-12 hex digits)');
  return value.toLowerCase();
}

function array(value: unknown, path: string, what: string): unknown[] {
  if (!Array.isArray(value)) fail(path, `must be an array of ${what}`);
  return value;
}

function languageMap(value: unknown, path: string): LanguageMap {
  const map = object(value, path, 'a language map (an object of language tag to string)');
  const out: LanguageMap = {};
  for (const [tag, text] of Object.entries(map)) {
    if (!isLanguageTag(tag)) fail(path, `${JSON.stringify(tag)} is not an RFC 5646 language tag`);
    if (text === null) fail(at(path, tag), 'must not be null');
    out[tag] = string(text, at(path, tag));
  }
  return out;
}

/** Extensions: keys are IRIs (Data §4.1); values are never judged (null included). */
function extensions(value: unknown, path: string): Extensions {
  const map = object(value, path, 'an object whose keys are IRIs');
  const out: Extensions = {};
  for (const [key, v] of Object.entries(map)) {
    if (!isIri(key)) fail(path, `key ${JSON.stringify(key)} is not an IRI`);
    out[key] = structuredClone(v);
  }
  return out;
}

function timestamp(value: unknown, path: string, ctx: Ctx): string {
  const parsed = parseTimestamp(value, ctx.version);
  if (!parsed.ok) fail(path, parsed.problem);
  return parsed.utc;
}

// --- Agents and Groups (Data §2.4.2)

const IFIS = ['mbox', 'mbox_sha1sum', 'openid', 'account'] as const;
const IFI_LIST = 'mbox, mbox_sha1sum, openid or account';
const MAILTO = /^mailto:[^@\s]+@[^@\s.][^@\s]*$/i;
const SHA1 = /^[0-9a-f]{40}$/i;

function identifiers(obj: Json, path: string, kind: 'Agent' | 'Group'): Identifiers {
  const found = IFIS.filter((k) => has(obj, k));
  if (found.length > 1) {
    fail(path, `${kind === 'Agent' ? 'an Agent' : 'a Group'} has only one of ${IFI_LIST}, not both ${found[0]} and ${found[1]}`);
  }
  if (found.length === 0 && kind === 'Agent') fail(path, `an Agent needs one of ${IFI_LIST}`);
  const out: Identifiers = {};
  if (has(obj, 'mbox')) {
    const mbox = string(obj.mbox, at(path, 'mbox'));
    if (!/^mailto:/i.test(mbox)) fail(at(path, 'mbox'), 'must be a mailto: IRI');
    if (!MAILTO.test(mbox) || !isIri(mbox)) fail(at(path, 'mbox'), 'must be a mailto: IRI of an e-mail address (mailto:name@example.com)');
    out.mbox = mbox;
  }
  if (has(obj, 'mbox_sha1sum')) {
    const sum = string(obj.mbox_sha1sum, at(path, 'mbox_sha1sum'));
    if (!SHA1.test(sum)) fail(at(path, 'mbox_sha1sum'), 'must be the 40 hex digits of a SHA-1 hash');
    out.mbox_sha1sum = sum;
  }
  if (has(obj, 'openid')) {
    const openid = string(obj.openid, at(path, 'openid'));
    if (!isIri(openid) || /[^\x21-\x7e]/.test(openid)) fail(at(path, 'openid'), 'must be a URI');
    out.openid = openid;
  }
  if (has(obj, 'account')) {
    const p = at(path, 'account');
    const account = object(obj.account, p);
    onlyKeys(account, p, ['homePage', 'name']);
    const homePage = irl(required(account, 'homePage', p), at(p, 'homePage'));
    const name = string(required(account, 'name', p), at(p, 'name'));
    out.account = { homePage, name };
  }
  return out;
}

function agent(obj: Json, path: string): Agent {
  onlyKeys(obj, path, ['objectType', 'name', ...IFIS], { member: 'is not allowed on an Agent (a Group has "objectType": "Group")' });
  const out: Agent = {};
  if (has(obj, 'objectType')) out.objectType = 'Agent';
  if (has(obj, 'name')) out.name = string(obj.name, at(path, 'name'));
  return Object.assign(out, identifiers(obj, path, 'Agent'));
}

function group(obj: Json, path: string): Group {
  onlyKeys(obj, path, ['objectType', 'name', 'member', ...IFIS]);
  const out: Group = { objectType: 'Group' };
  if (has(obj, 'name')) out.name = string(obj.name, at(path, 'name'));
  const ids = identifiers(obj, path, 'Group');
  if (has(obj, 'member')) {
    const p = at(path, 'member');
    out.member = array(obj.member, p, 'Agents').map((m, i) => {
      const member = object(m, at(p, i));
      if (member.objectType === 'Group') fail(at(p, i), 'a Group cannot be a member of a Group');
      return agentOrGroup(member, at(p, i));
    }) as Agent[];
  }
  if (Object.keys(ids).length === 0) {
    // An Anonymous Group (Data §2.4.2.2): no identifier, so its members are what it is.
    if (!out.member) fail(at(path, 'member'), `is required in an anonymous Group (one without ${IFI_LIST})`);
    if (out.member.length === 0) fail(at(path, 'member'), 'must list at least one Agent in an anonymous Group');
  }
  return Object.assign(out, ids);
}

/** An Agent or a Group (by `objectType`, which is optional for an Agent). */
function agentOrGroup(value: unknown, path: string): Actor {
  const obj = object(value, path);
  if (has(obj, 'objectType') && obj.objectType !== 'Agent' && obj.objectType !== 'Group') {
    if (obj.objectType === null) fail(at(path, 'objectType'), 'must not be null');
    fail(at(path, 'objectType'), 'must be "Agent" or "Group"');
  }
  return obj.objectType === 'Group' ? group(obj, path) : agent(obj, path);
}

/**
 * `authority` (Data §2.4.9): an Agent, or — 3-legged OAuth only — an anonymous Group of exactly
 * two Agents (XAPI-00098, XAPI-00100). The HTTP layer then replaces it with the credential's agent.
 */
function authority(value: unknown, path: string): Actor {
  const actor = agentOrGroup(value, path);
  if (actor.objectType === 'Group' && (IFIS.some((k) => actor[k] !== undefined) || actor.member?.length !== 2)) {
    fail(path, 'a Group authority must be an anonymous Group of exactly two Agents (3-legged OAuth)');
  }
  return actor;
}

// --- Verb (Data §2.4.3)

function verb(value: unknown, path: string): Verb {
  const obj = object(value, path);
  onlyKeys(obj, path, ['id', 'display']);
  const out: Verb = { id: iri(required(obj, 'id', path), at(path, 'id')) };
  if (has(obj, 'display')) out.display = languageMap(obj.display, at(path, 'display'));
  return out;
}

// --- Activities (Data §2.4.4.1)

const COMPONENT_LISTS = ['choices', 'scale', 'source', 'target', 'steps'] as const;
type ComponentList = (typeof COMPONENT_LISTS)[number];

/** The interaction component lists each interactionType supports (Data §2.4.4.1, Interaction Components). */
const LISTS_OF: Readonly<Record<InteractionType, readonly ComponentList[]>> = {
  'true-false': [],
  choice: ['choices'],
  'fill-in': [],
  'long-fill-in': [],
  matching: ['source', 'target'],
  performance: ['steps'],
  sequencing: ['choices'],
  likert: ['scale'],
  numeric: [],
  other: [],
};

function components(value: unknown, path: string, list: ComponentList): InteractionComponent[] {
  const seen = new Map<string, number>();
  return array(value, path, 'interaction components').map((c, i) => {
    const p = at(path, i);
    const obj = object(c, p);
    onlyKeys(obj, p, ['id', 'description']);
    const id = string(required(obj, 'id', p), at(p, 'id'));
    const first = seen.get(id);
    if (first !== undefined) fail(at(p, 'id'), `${JSON.stringify(id)} is already the id of ${list}[${first}]`);
    seen.set(id, i);
    const out: InteractionComponent = { id };
    if (has(obj, 'description')) out.description = languageMap(obj.description, at(p, 'description'));
    return out;
  });
}

function definition(value: unknown, path: string): ActivityDefinition {
  const obj = object(value, path);
  onlyKeys(obj, path, [
    'name',
    'description',
    'type',
    'moreInfo',
    'interactionType',
    'correctResponsesPattern',
    ...COMPONENT_LISTS,
    'extensions',
  ]);
  const out: ActivityDefinition = {};
  if (has(obj, 'name')) out.name = languageMap(obj.name, at(path, 'name'));
  if (has(obj, 'description')) out.description = languageMap(obj.description, at(path, 'description'));
  if (has(obj, 'type')) out.type = iri(obj.type, at(path, 'type'));
  if (has(obj, 'moreInfo')) out.moreInfo = irl(obj.moreInfo, at(path, 'moreInfo'));
  if (has(obj, 'interactionType')) {
    const type = obj.interactionType;
    if (!INTERACTION_TYPES.includes(type as InteractionType)) {
      fail(at(path, 'interactionType'), `must be one of ${INTERACTION_TYPES.join(', ')}`);
    }
    out.interactionType = type as InteractionType;
  } else if (has(obj, 'correctResponsesPattern') || COMPONENT_LISTS.some((l) => has(obj, l))) {
    // XAPI-00064: the interaction properties come with an interactionType.
    fail(at(path, 'interactionType'), 'is required when correctResponsesPattern, choices, scale, source, target or steps is used');
  }
  if (has(obj, 'correctResponsesPattern')) {
    const p = at(path, 'correctResponsesPattern');
    out.correctResponsesPattern = array(obj.correctResponsesPattern, p, 'strings').map((s, i) => string(s, at(p, i)));
  }
  for (const list of COMPONENT_LISTS) {
    if (!has(obj, list)) continue;
    const supported = LISTS_OF[out.interactionType!];
    if (!supported.includes(list)) {
      fail(
        at(path, list),
        `is not used with interactionType "${out.interactionType}" (${supported.length ? `it uses ${supported.join(' and ')}` : 'it has no component list'})`,
      );
    }
    out[list] = components(obj[list], at(path, list), list);
  }
  if (has(obj, 'extensions')) out.extensions = extensions(obj.extensions, at(path, 'extensions'));
  return out;
}

function activity(obj: Json, path: string): Activity {
  onlyKeys(obj, path, ['objectType', 'id', 'definition']);
  if (has(obj, 'objectType') && obj.objectType !== 'Activity') fail(at(path, 'objectType'), 'must be "Activity"');
  const out: Activity = { id: '' };
  if (has(obj, 'objectType')) out.objectType = 'Activity';
  out.id = iri(required(obj, 'id', path), at(path, 'id'));
  if (has(obj, 'definition')) out.definition = definition(obj.definition, at(path, 'definition'));
  return out;
}

// --- Statement references and the object (Data §2.4.4)

function statementRef(obj: Json, path: string): StatementRef {
  onlyKeys(obj, path, ['objectType', 'id']);
  if (required(obj, 'objectType', path) !== 'StatementRef') fail(at(path, 'objectType'), 'must be "StatementRef"');
  return { objectType: 'StatementRef', id: uuid(required(obj, 'id', path), at(path, 'id')) };
}

const OBJECT_TYPES = ['Activity', 'Agent', 'Group', 'StatementRef', 'SubStatement'];

function statementObject(value: unknown, path: string, ctx: Ctx, inSubStatement: boolean): StatementObject {
  const obj = object(value, path);
  const type = has(obj, 'objectType') ? obj.objectType : 'Activity';
  if (type === null) fail(at(path, 'objectType'), 'must not be null');
  if (!OBJECT_TYPES.includes(type as string)) {
    fail(at(path, 'objectType'), 'must be one of "Activity", "Agent", "Group", "StatementRef", "SubStatement"');
  }
  if (!has(obj, 'objectType') && [...IFIS, 'member'].some((k) => has(obj, k))) {
    // Data §2.4.4.2 (XAPI-00065): an Agent or Group as the object says so.
    fail(at(path, 'objectType'), 'is required when the object is an Agent or a Group');
  }
  switch (type) {
    case 'Agent':
    case 'Group':
      return agentOrGroup(obj, path) as AgentObject | Group;
    case 'StatementRef':
      return statementRef(obj, path);
    case 'SubStatement':
      if (inSubStatement) fail(at(path, 'objectType'), 'a SubStatement cannot contain another SubStatement');
      return statementBody(obj, path, ctx, true) as SubStatement;
    default:
      return activity(obj, path);
  }
}

// --- Result (Data §2.4.5)

function score(value: unknown, path: string): Score {
  const obj = object(value, path);
  onlyKeys(obj, path, ['scaled', 'raw', 'min', 'max']);
  const out: Score = {};
  for (const key of ['scaled', 'raw', 'min', 'max'] as const) {
    if (has(obj, key)) out[key] = number(obj[key], at(path, key));
  }
  if (out.scaled !== undefined && (out.scaled < -1 || out.scaled > 1)) fail(at(path, 'scaled'), 'must be between -1 and 1');
  if (out.min !== undefined && out.max !== undefined && !(out.min < out.max)) fail(at(path, 'min'), 'must be less than max');
  if (out.raw !== undefined && out.min !== undefined && out.raw < out.min) fail(at(path, 'raw'), 'must not be less than min');
  if (out.raw !== undefined && out.max !== undefined && out.raw > out.max) fail(at(path, 'raw'), 'must not be more than max');
  return out;
}

function result(value: unknown, path: string): Result {
  const obj = object(value, path);
  onlyKeys(obj, path, ['score', 'success', 'completion', 'response', 'duration', 'extensions']);
  const out: Result = {};
  if (has(obj, 'score')) out.score = score(obj.score, at(path, 'score'));
  if (has(obj, 'success')) out.success = boolean(obj.success, at(path, 'success'));
  if (has(obj, 'completion')) out.completion = boolean(obj.completion, at(path, 'completion'));
  if (has(obj, 'response')) out.response = string(obj.response, at(path, 'response'));
  if (has(obj, 'duration')) {
    if (!isIsoDuration(obj.duration)) fail(at(path, 'duration'), 'must be an ISO 8601 duration (such as PT1H30M or PT5400S)');
    out.duration = obj.duration;
  }
  if (has(obj, 'extensions')) out.extensions = extensions(obj.extensions, at(path, 'extensions'));
  return out;
}

// --- Context (Data §2.4.6; contextAgents/contextGroups: xAPI 2.0)

const CONTEXT_ACTIVITY_KEYS = ['parent', 'grouping', 'category', 'other'] as const;

function contextActivities(value: unknown, path: string): ContextActivities {
  const obj = object(value, path);
  const out: ContextActivities = {};
  for (const key of Object.keys(obj)) {
    if (!(CONTEXT_ACTIVITY_KEYS as readonly string[]).includes(key)) {
      fail(at(path, key), 'is not allowed (the keys of contextActivities are parent, grouping, category and other)');
    }
  }
  for (const key of CONTEXT_ACTIVITY_KEYS) {
    if (!has(obj, key)) continue;
    const p = at(path, key);
    const v = obj[key];
    if (v === null) fail(p, 'must not be null');
    // A single Activity is allowed and stored as an array of one (Data §2.4.6.2).
    if (Array.isArray(v)) out[key] = v.map((a, i) => activity(object(a, at(p, i), 'an Activity'), at(p, i)));
    else out[key] = [activity(object(v, p, 'an Activity or an array of Activities'), p)];
  }
  return out;
}

function relevantTypes(value: unknown, path: string): string[] {
  const types = array(value, path, 'IRIs');
  if (types.length === 0) fail(path, 'must list at least one IRI');
  return types.map((t, i) => iri(t, at(path, i)));
}

function contextAgents(value: unknown, path: string): ContextAgent[] {
  return array(value, path, 'contextAgent objects').map((v, i) => {
    const p = at(path, i);
    const obj = object(v, p);
    onlyKeys(obj, p, ['objectType', 'agent', 'relevantTypes']);
    if (required(obj, 'objectType', p) !== 'contextAgent') fail(at(p, 'objectType'), 'must be "contextAgent"');
    const a = agentOrGroup(required(obj, 'agent', p), at(p, 'agent'));
    if (a.objectType === 'Group') fail(at(p, 'agent'), 'must be an Agent (a Group goes in contextGroups)');
    const out: ContextAgent = { objectType: 'contextAgent', agent: a };
    if (has(obj, 'relevantTypes')) out.relevantTypes = relevantTypes(obj.relevantTypes, at(p, 'relevantTypes'));
    return out;
  });
}

function contextGroups(value: unknown, path: string): ContextGroup[] {
  return array(value, path, 'contextGroup objects').map((v, i) => {
    const p = at(path, i);
    const obj = object(v, p);
    onlyKeys(obj, p, ['objectType', 'group', 'relevantTypes']);
    if (required(obj, 'objectType', p) !== 'contextGroup') fail(at(p, 'objectType'), 'must be "contextGroup"');
    const g = agentOrGroup(required(obj, 'group', p), at(p, 'group'));
    if (g.objectType !== 'Group') fail(at(p, 'group'), 'must be a Group ("objectType": "Group")');
    const out: ContextGroup = { objectType: 'contextGroup', group: g };
    if (has(obj, 'relevantTypes')) out.relevantTypes = relevantTypes(obj.relevantTypes, at(p, 'relevantTypes'));
    return out;
  });
}

function context(value: unknown, path: string, ctx: Ctx, objectIsActivity: boolean): Context {
  const obj = object(value, path);
  const v2Only = 'is not allowed in xAPI 1.0.x (it is new in 2.0.0)';
  onlyKeys(
    obj,
    path,
    [
      'registration',
      'instructor',
      'team',
      'contextActivities',
      ...(ctx.v2 ? ['contextAgents', 'contextGroups'] : []),
      'revision',
      'platform',
      'language',
      'statement',
      'extensions',
    ],
    ctx.v2 ? {} : { contextAgents: v2Only, contextGroups: v2Only },
  );
  const out: Context = {};
  if (has(obj, 'registration')) out.registration = uuid(obj.registration, at(path, 'registration'));
  if (has(obj, 'instructor')) out.instructor = agentOrGroup(obj.instructor, at(path, 'instructor'));
  if (has(obj, 'team')) {
    const team = agentOrGroup(obj.team, at(path, 'team'));
    if (team.objectType !== 'Group') fail(at(path, 'team'), 'must be a Group ("objectType": "Group")');
    out.team = team;
  }
  if (has(obj, 'contextActivities')) out.contextActivities = contextActivities(obj.contextActivities, at(path, 'contextActivities'));
  if (has(obj, 'contextAgents')) out.contextAgents = contextAgents(obj.contextAgents, at(path, 'contextAgents'));
  if (has(obj, 'contextGroups')) out.contextGroups = contextGroups(obj.contextGroups, at(path, 'contextGroups'));
  for (const key of ['revision', 'platform'] as const) {
    if (!has(obj, key)) continue;
    out[key] = string(obj[key], at(path, key));
    if (!objectIsActivity) fail(at(path, key), 'is only allowed when the object is an Activity');
  }
  if (has(obj, 'language')) {
    if (!isLanguageTag(obj.language)) fail(at(path, 'language'), 'must be an RFC 5646 language tag');
    out.language = obj.language;
  }
  if (has(obj, 'statement')) out.statement = statementRef(object(obj.statement, at(path, 'statement')), at(path, 'statement'));
  if (has(obj, 'extensions')) out.extensions = extensions(obj.extensions, at(path, 'extensions'));
  return out;
}

// --- Attachments (Data §2.4.11, xAPI-Communication.md §1.5)

const MEDIA_TYPE = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(?:\s*;.*)?$/;
const SHA2 = /^(?:[0-9a-f]{56}|[0-9a-f]{64}|[0-9a-f]{96}|[0-9a-f]{128})$/i;

function attachments(value: unknown, path: string, ctx: Ctx): Attachment[] {
  return array(value, path, 'attachments').map((v, i) => {
    const p = at(path, i);
    const obj = object(v, p, 'an attachment object');
    onlyKeys(obj, p, ['usageType', 'display', 'description', 'contentType', 'length', 'sha2', 'fileUrl']);
    const out: Attachment = {
      usageType: iri(required(obj, 'usageType', p), at(p, 'usageType')),
      display: languageMap(required(obj, 'display', p), at(p, 'display')),
      contentType: '',
      length: 0,
      sha2: '',
    };
    if (has(obj, 'description')) out.description = languageMap(obj.description, at(p, 'description'));
    const contentType = string(required(obj, 'contentType', p), at(p, 'contentType'));
    if (!MEDIA_TYPE.test(contentType)) fail(at(p, 'contentType'), 'must be an Internet media type (such as text/plain)');
    out.contentType = contentType;
    const length = required(obj, 'length', p);
    if (typeof length !== 'number' || !Number.isSafeInteger(length) || length < 0) {
      fail(at(p, 'length'), 'must be a whole number of octets (0 or more)');
    }
    out.length = length;
    const sha2 = string(required(obj, 'sha2', p), at(p, 'sha2'));
    if (!SHA2.test(sha2)) fail(at(p, 'sha2'), 'must be the hex digits of a SHA-2 hash (SHA-224, -256, -384 or -512)');
    out.sha2 = sha2;
    if (has(obj, 'fileUrl')) out.fileUrl = irl(obj.fileUrl, at(p, 'fileUrl'));
    if (out.usageType === SIGNATURE_USAGE_TYPE && contentType.split(';')[0]!.trim().toLowerCase() !== 'application/octet-stream') {
      // Data §2.6: a signature is a JWS attachment of type application/octet-stream.
      fail(at(p, 'contentType'), 'must be application/octet-stream for a signature attachment');
    }
    if (!ctx.multipart && out.fileUrl === undefined) {
      fail(at(p, 'fileUrl'), 'is required in an application/json request (attachment data can only come in a multipart/mixed request)');
    }
    return out;
  });
}

// --- Statements and SubStatements (Data §2.4)

const STATEMENT_KEYS = ['id', 'actor', 'verb', 'object', 'result', 'context', 'timestamp', 'stored', 'authority', 'version', 'attachments'];
const SUBSTATEMENT_KEYS = ['objectType', 'actor', 'verb', 'object', 'result', 'context', 'timestamp', 'attachments'];
const NOT_IN_SUBSTATEMENT = 'is not allowed in a SubStatement';

function version(value: unknown, path: string, ctx: Ctx): string {
  const v = string(value, path);
  if (ctx.v2 ? !/^[12]\.0(?:\.\d+)?$/.test(v) : !/^1\.0(?:\.\d+)?$/.test(v)) {
    fail(path, ctx.v2 ? 'must be 1.0.x or 2.0.x' : 'must be 1.0.x in an xAPI 1.0.x request');
  }
  return v;
}

function statementBody(input: Json, path: string, ctx: Ctx, sub: boolean): Statement | SubStatement {
  let obj = input;
  if (ctx.v2 && obj.timestamp === null) {
    const { timestamp: _absent, ...rest } = obj;
    obj = rest;
  }
  onlyKeys(
    obj,
    path,
    sub ? SUBSTATEMENT_KEYS : STATEMENT_KEYS,
    sub ? { id: NOT_IN_SUBSTATEMENT, stored: NOT_IN_SUBSTATEMENT, version: NOT_IN_SUBSTATEMENT, authority: NOT_IN_SUBSTATEMENT } : {},
  );
  for (const key of ['actor', 'verb', 'object']) required(obj, key, path);

  const id = !sub && has(obj, 'id') ? uuid(obj.id, at(path, 'id')) : undefined;
  const theActor = agentOrGroup(obj.actor, at(path, 'actor'));
  const theVerb = verb(obj.verb, at(path, 'verb'));
  const theObject = statementObject(obj.object, at(path, 'object'), ctx, sub);
  if (theVerb.id === VOIDED_VERB && theObject.objectType !== 'StatementRef') {
    // Data §2.3.2 (XAPI-00017): a voiding statement's object is a StatementRef to what it voids.
    fail(at(path, 'object'), `must be a StatementRef when the verb is ${VOIDED_VERB}`);
  }
  const out: Record<string, unknown> = {};
  if (sub) out.objectType = 'SubStatement';
  if (id !== undefined) out.id = id;
  out.actor = theActor;
  out.verb = theVerb;
  out.object = theObject;
  if (has(obj, 'result')) out.result = result(obj.result, at(path, 'result'));
  if (has(obj, 'context')) {
    const isActivity = theObject.objectType === undefined || theObject.objectType === 'Activity';
    out.context = context(obj.context, at(path, 'context'), ctx, isActivity);
  }
  if (has(obj, 'timestamp')) out.timestamp = timestamp(obj.timestamp, at(path, 'timestamp'), ctx);
  if (!sub) {
    // `stored` is the LRS's to set: validated here (Data §2.4.8: SHOULD validate), replaced on storing.
    if (has(obj, 'stored')) out.stored = timestamp(obj.stored, at(path, 'stored'), ctx);
    if (has(obj, 'authority')) out.authority = authority(obj.authority, at(path, 'authority'));
    out.version = has(obj, 'version') ? version(obj.version, at(path, 'version'), ctx) : ctx.v2 ? '2.0.0' : '1.0.0';
  }
  if (has(obj, 'attachments')) out.attachments = attachments(obj.attachments, at(path, 'attachments'), ctx);
  return out as unknown as Statement | SubStatement;
}

function makeCtx(version: XapiVersion, options: ValidateOptions): Ctx {
  if (!/^[12]\.0\.\d+$/.test(version)) throw new TypeError(`not an xAPI version we serve: ${version}`);
  return { version, v2: isV2(version), multipart: options.multipart ?? false };
}

/**
 * Validates one statement as received in a request of xAPI `version` and returns it normalised,
 * or the first problem found as `<path>: <what is wrong>`.
 */
export function validateStatement(raw: unknown, version: XapiVersion, options: ValidateOptions = {}): StatementValidation {
  const ctx = makeCtx(version, options);
  const path = options.path ?? 'statement';
  try {
    const obj = object(raw, path, 'a statement object');
    return { ok: true, statement: statementBody(obj, path, ctx, false) as Statement };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, error: e.message };
    throw e;
  }
}

/**
 * Validates a POST body: one statement or an array of them (an empty array is valid). Each
 * statement is named `statement[i]` in messages (a lone statement `statement`); the whole request
 * fails on the first invalid statement, and when two statements carry the same `id`
 * (xAPI-Communication.md §2.1.2: SHOULD* reject the batch with 400).
 */
export function validateStatements(raw: unknown, version: XapiVersion, options: ValidateOptions = {}): StatementsValidation {
  if (!Array.isArray(raw)) {
    if (!isObject(raw)) return { ok: false, error: 'statement: must be a statement object or an array of statements' };
    const one = validateStatement(raw, version, options);
    return one.ok ? { ok: true, statements: [one.statement] } : one;
  }
  const statements: Statement[] = [];
  const seen = new Map<string, number>();
  for (const [i, item] of raw.entries()) {
    const path = `statement[${i}]`;
    const one = validateStatement(item, version, { ...options, path });
    if (!one.ok) return one;
    const id = one.statement.id;
    if (id !== undefined) {
      const first = seen.get(id);
      if (first !== undefined) return { ok: false, error: `${path}.id: is the id of statement[${first}] too (a request may not repeat an id)` };
      seen.set(id, i);
    }
    statements.push(one.statement);
  }
  return { ok: true, statements };
}
