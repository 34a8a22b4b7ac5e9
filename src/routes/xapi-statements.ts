/**
 * The xAPI Statements resource at /xapi/statements (api.md "xAPI"; the LRS rules of
 * xAPI-Communication.md §2.1): POST, PUT and GET, authenticated by a platform's ingest
 * credential. The handlers parse, make one call and answer; storing is
 * src/ingest/store-statements.ts, reading src/models/query-statements.ts.
 *
 * Statements come as application/json, or as multipart/mixed with attachment data
 * (src/ingest/multipart-mixed.ts reads and writes that format); GET with `attachments=true`
 * answers multipart/mixed with the data the platform holds (src/models/find-attachments.ts).
 *
 * Every /xapi answer carries `X-Experience-API-Version` (2.0.0 to a 2.x request, else 1.0.3) and
 * `X-Experience-API-Consistent-Through` (now: statements are stored, and their figures computed,
 * before the answer). Errors are `{"error": "<field>: <what is wrong>"}`.
 */
import crypto from 'node:crypto';
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { Config } from '../config.js';
import type { RollupSettings } from '../ingest/recompute.js';
import { attachmentHashes, multipartMixedBody, readMultipartStatements, type AttachmentPart } from '../ingest/multipart-mixed.js';
import { ifiKey } from '../ingest/statement-id.js';
import { STATEMENT_FORMATS, formatStatement, parseAcceptLanguage, type StatementFormat } from '../ingest/statement-format.js';
import { isIri, isUuid, parseTimestamp, parseXapiVersionHeader, type Actor, type XapiVersion } from '../ingest/statement-validation.js';
import { storeStatements, type StatementSender, type StatementsRequest } from '../ingest/store-statements.js';
import type { Lti } from '../lti/provider.js';
import type { Database } from '../models/database.js';
import { telemetryOf } from '../observability/telemetry.js';
import { findAttachments } from '../models/find-attachments.js';
import { findStatement, listStatements, type StatementFilter } from '../models/query-statements.js';
import { HttpError, handle } from './http-error.js';
import { ingestIdentityOf } from './require-ingest-credential.js';
import { requireStorableBody, unstorableReason } from './storable-input.js';

/** What the xAPI endpoints depend on in the configuration (Config satisfies it). */
export type IngestSettings = RollupSettings & Pick<Config, 'ingestMaxBytes' | 'ingestRatePerMinute'>;

export const DEFAULT_INGEST_SETTINGS: IngestSettings = Object.freeze({
  timezone: 'UTC',
  visitTimeoutMinutes: 30,
  lastEventCreditSeconds: 60,
  ingestMaxBytes: 5_242_880,
  ingestRatePerMinute: 600,
});

export interface XapiDeps {
  db: Database;
  /** The platforms' issuers; the reports' remembered reads, which stored statements make stale. */
  lti: Pick<Lti, 'provider' | 'reports'>;
  /** PUBLIC_URL: the authority's homePage. */
  publicUrl: string;
  now: () => Date;
  settings: RollupSettings;
}

/** GET returns at most this many statements a page (also for `limit=0`, "the server's maximum"). */
export const MAX_STATEMENTS_PER_PAGE = 500;

const versionOf = (res: { locals: Record<string, unknown> }): XapiVersion => res.locals.xapiVersion as XapiVersion;

/** The response headers of every /xapi answer. */
export function xapiHeaders(now: () => Date): RequestHandler {
  return (req, res, next) => {
    res.setHeader('X-Experience-API-Version', /^\s*2\./.test(req.get('X-Experience-API-Version') ?? '') ? '2.0.0' : '1.0.3');
    res.setHeader('X-Experience-API-Consistent-Through', now().toISOString());
    next();
  };
}

/** Requires a version we serve in `X-Experience-API-Version` (every resource but /about). */
export const requireXapiVersion: RequestHandler = (req, res, next) => {
  const header = req.get('X-Experience-API-Version');
  const version = parseXapiVersionHeader(header);
  if (!version) {
    return next(
      new HttpError(400, header === undefined
        ? 'X-Experience-API-Version: the header is required (1.0.3 or 2.0.0)'
        : `X-Experience-API-Version: ${header} is not a version served here (1.0.x or 2.0.x)`),
    );
  }
  res.locals.xapiVersion = version;
  next();
};

const JSON_TYPES = ['application/json', 'application/*+json'];

const MULTIPART_MIXED = 'multipart/mixed';

/**
 * The body of a POST or PUT, at most `maxBytes` whole (else 413; attachment data counts): JSON
 * (parsed), or multipart/mixed with attachment data (kept as octets for readMultipartStatements).
 */
export function xapiBody(maxBytes: number): RequestHandler[] {
  const checkType: RequestHandler = (req, _res, next) => {
    if (req.method !== 'POST' && req.method !== 'PUT') return next();
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return next(new HttpError(400, 'statement: the request has no body (send a statement or an array of statements as JSON)'));
    if (req.is(MULTIPART_MIXED)) return next();
    if (req.is('multipart/*')) return next(new HttpError(400, `Content-Type: ${req.get('Content-Type')?.split(';')[0]} is not accepted; send application/json, or multipart/mixed with attachment data`));
    if (!req.is(JSON_TYPES)) return next(new HttpError(400, 'Content-Type: send statements as application/json (or multipart/mixed with attachment data)'));
    next();
  };
  // A JSON body is checked for what PostgreSQL cannot store (storable-input.ts); a multipart one once read, in statementsBody.
  return [checkType, express.json({ limit: maxBytes, type: JSON_TYPES, strict: false }), requireStorableBody, express.raw({ limit: maxBytes, type: MULTIPART_MIXED })];
}

/** The statements of a POST/PUT body, and the attachment parts when it was multipart/mixed. */
function statementsBody(req: Request): { body: unknown; attachments?: AttachmentPart[] } {
  if (!req.is(MULTIPART_MIXED) || !Buffer.isBuffer(req.body)) return { body: req.body };
  const read = readMultipartStatements(req.body, req.get('Content-Type') ?? '');
  if (!read.ok) throw new HttpError(400, read.error);
  const unstorable = unstorableReason(read.statements);
  if (unstorable !== undefined) throw new HttpError(400, `multipart/mixed part 1: ${unstorable}`);
  return { body: read.statements, attachments: read.attachments };
}

/** The issuer (LMS base URL) of a platform, cached: it never changes for a platform id. */
function platformIssuers(lti: Pick<Lti, 'provider'>): (platformId: string) => Promise<string> {
  const known = new Map<string, string>();
  return async (platformId) => {
    const cached = known.get(platformId);
    if (cached !== undefined) return cached;
    const platform = await lti.provider.getPlatformById(platformId);
    if (!platform) throw new HttpError(403, 'the platform of this credential is no longer registered');
    const issuer = await platform.platformUrl();
    known.set(platformId, issuer);
    return issuer;
  };
}

function storeHandler(deps: XapiDeps, method: 'POST' | 'PUT'): RequestHandler {
  const issuerOf = platformIssuers(deps.lti);
  return handle(async (req, res) => {
    const { platformId, credentialKey } = ingestIdentityOf(res);
    const query = req.query as Record<string, unknown>;
    const allowed = method === 'PUT' ? ['statementId'] : [];
    const unknown = Object.keys(query).find((name) => !allowed.includes(name));
    if (unknown !== undefined) throw new HttpError(400, `${unknown}: not a parameter of ${method} statements`);
    if (query.statementId !== undefined && typeof query.statementId !== 'string') throw new HttpError(400, 'statementId: give it once');
    const { body, attachments } = statementsBody(req);
    const sender: StatementSender = { platformId, credentialKey, issuer: await issuerOf(platformId), authorityHomePage: deps.publicUrl };
    const request: StatementsRequest = { method, body, statementId: query.statementId as string | undefined, version: versionOf(res) };
    const result = await storeStatements(deps.db, request, sender, deps.settings, deps.now(), attachments);
    if (!result.ok) throw new HttpError(result.status, result.error);
    // Committed: the courses whose figures changed are read again by their next report.
    for (const contextId of result.changedCourses) deps.lti.reports.forget({ platformId, contextId });
    telemetryOf(res)?.ingested('xapi', result.statements);
    const stored = result.statements.filter((s) => s.outcome === 'stored').length;
    req.log?.info({ platformId, credentialKey, statements: result.ids.length, stored, attachmentParts: attachments?.length ?? 0, recomputedStudents: result.recomputedStudents }, 'xapi statements');
    if (method === 'PUT') res.status(204).end();
    else res.status(200).json(result.ids);
  });
}

/** POST /xapi/statements: one statement or an array; 200 with the ids in order. */
export const postStatements = (deps: XapiDeps): RequestHandler => storeHandler(deps, 'POST');
/** PUT /xapi/statements?statementId=: one statement; 204. */
export const putStatements = (deps: XapiDeps): RequestHandler => storeHandler(deps, 'PUT');

// ---------------------------------------------------------------------------------------------
// GET

const GET_PARAMETERS = new Set([
  'statementId', 'voidedStatementId', 'agent', 'verb', 'activity', 'registration', 'related_activities', 'related_agents',
  'since', 'until', 'limit', 'format', 'attachments', 'ascending',
]);

type Params = Record<string, string>;

function stringParams(query: Record<string, unknown>): Params {
  const out: Params = {};
  for (const [name, value] of Object.entries(query)) {
    if (typeof value !== 'string') throw new HttpError(400, `${name}: give it once, as a plain value`);
    out[name] = value;
  }
  return out;
}

function booleanParam(params: Params, name: string): boolean {
  const value = params[name];
  if (value === undefined) return false;
  if (value !== 'true' && value !== 'false') throw new HttpError(400, `${name}: must be true or false`);
  return value === 'true';
}

function formatParam(params: Params): StatementFormat {
  const format = params.format ?? 'exact';
  if (!(STATEMENT_FORMATS as readonly string[]).includes(format)) throw new HttpError(400, 'format: must be exact, ids or canonical');
  return format as StatementFormat;
}

/**
 * The answer of a GET: JSON, or with `attachments=true` the multipart/mixed response of
 * xAPI-Communication.md §2.1.3 — the JSON as its first part, then one part per distinct sha2 the
 * returned statements name whose data this platform holds (an attachment known only by its
 * `fileUrl` has no part).
 */
async function sendStatements(
  res: Response,
  db: Database,
  platformId: string,
  body: unknown,
  payloads: ReadonlyArray<Record<string, unknown>>,
  attachments: boolean,
): Promise<void> {
  if (!attachments) {
    res.json(body);
    return;
  }
  const held = await findAttachments(db, platformId, [...new Set(payloads.flatMap(attachmentHashes))]);
  const { boundary, body: octets } = multipartMixedBody(JSON.stringify(body), held, () => `coursepulse-${crypto.randomUUID()}`);
  res.setHeader('Content-Type', `multipart/mixed; boundary=${boundary}`);
  res.send(octets);
}

const IFI_PROPERTIES = ['mbox', 'mbox_sha1sum', 'openid', 'account'] as const;

/** The `agent` parameter: an Agent or identified Group as JSON, with exactly one IFI. */
function agentParam(value: string): NonNullable<StatementFilter['agent']> {
  let agent: unknown;
  try {
    agent = JSON.parse(value);
  } catch {
    throw new HttpError(400, 'agent: must be an Agent or identified Group as JSON');
  }
  if (typeof agent !== 'object' || agent === null || Array.isArray(agent)) throw new HttpError(400, 'agent: must be an Agent or identified Group as JSON');
  // The query's own NUL check (storable-input.ts) sees %00, not a \u0000 escape inside this JSON.
  const unstorable = unstorableReason(agent);
  if (unstorable !== undefined) throw new HttpError(400, `agent: ${unstorable}`);
  const a = agent as Record<string, unknown>;
  const present = IFI_PROPERTIES.filter((p) => a[p] !== undefined);
  if (present.length !== 1) throw new HttpError(400, 'agent: must have exactly one of mbox, mbox_sha1sum, openid, account');
  const ifiName = present[0]!;
  const ifi = a[ifiName];
  const account = ifi as { homePage?: unknown; name?: unknown };
  const valid =
    ifiName === 'mbox' ? typeof ifi === 'string' && /^mailto:[^@\s]+@[^@\s]+$/i.test(ifi)
    : ifiName === 'mbox_sha1sum' ? typeof ifi === 'string' && /^[0-9a-f]{40}$/i.test(ifi)
    : ifiName === 'openid' ? isIri(ifi)
    : typeof ifi === 'object' && ifi !== null && typeof account.homePage === 'string' && isIri(account.homePage) && typeof account.name === 'string';
  if (!valid) throw new HttpError(400, `agent.${ifiName}: is not a valid ${ifiName}`);
  const idOnly = ifiName === 'account' ? { account: { homePage: account.homePage, name: account.name } } : { [ifiName]: ifi };
  return { key: ifiKey(idOnly as Actor)!, ifi: idOnly };
}

function timeParam(params: Params, name: 'since' | 'until', version: XapiVersion): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  const parsed = parseTimestamp(value, version);
  if (!parsed.ok) throw new HttpError(400, `${name}: ${parsed.problem}`);
  return parsed.utc;
}

function filterOf(params: Params, version: XapiVersion): StatementFilter {
  const limitText = params.limit ?? '0';
  if (!/^\d+$/.test(limitText)) throw new HttpError(400, 'limit: must be a whole number (0: the server maximum)');
  const limit = Number(limitText) === 0 ? MAX_STATEMENTS_PER_PAGE : Math.min(Number(limitText), MAX_STATEMENTS_PER_PAGE);
  for (const name of ['verb', 'activity'] as const) {
    if (params[name] !== undefined && !isIri(params[name])) throw new HttpError(400, `${name}: must be an IRI`);
  }
  if (params.registration !== undefined && !isUuid(params.registration)) throw new HttpError(400, 'registration: must be a UUID');
  const filter: StatementFilter = {
    limit,
    ascending: booleanParam(params, 'ascending'),
    relatedActivities: booleanParam(params, 'related_activities'),
    relatedAgents: booleanParam(params, 'related_agents'),
  };
  if (params.agent !== undefined) filter.agent = agentParam(params.agent);
  if (params.verb !== undefined) filter.verb = params.verb;
  if (params.activity !== undefined) filter.activity = params.activity;
  if (params.registration !== undefined) filter.registration = params.registration.toLowerCase();
  const since = timeParam(params, 'since', version);
  const until = timeParam(params, 'until', version);
  if (since !== undefined) filter.since = since;
  if (until !== undefined) filter.until = until;
  return filter;
}

/** The `more` cursor: the page's query and the seq of its last statement, opaque to clients. */
interface Cursor {
  q: Params;
  s: number;
}

const encodeCursor = (cursor: Cursor): string => Buffer.from(JSON.stringify(cursor)).toString('base64url');

function decodeCursor(token: string): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Cursor;
    if (typeof cursor === 'object' && cursor !== null && Number.isSafeInteger(cursor.s) && typeof cursor.q === 'object' && cursor.q !== null) {
      if (Object.entries(cursor.q).every(([k, v]) => GET_PARAMETERS.has(k) && typeof v === 'string')) return cursor;
    }
  } catch {
    // falls through
  }
  throw new HttpError(400, 'more: not a link this server gave');
}

const moreLink = (req: Request, cursor: Cursor): string => `${req.baseUrl}/statements?more=${encodeCursor(cursor)}`;

/** GET /xapi/statements: one statement (statementId, voidedStatementId) or a page of them with a `more` link. */
export const getStatements = (deps: Pick<XapiDeps, 'db'>): RequestHandler =>
  handle(async (req, res) => {
    const { platformId } = ingestIdentityOf(res);
    const version = versionOf(res);
    let params = stringParams(req.query as Record<string, unknown>);
    let afterSeq: number | undefined;
    if (params.more !== undefined) {
      const others = Object.keys(params).filter((name) => name !== 'more');
      if (others.length > 0) throw new HttpError(400, `${others[0]}: not allowed with more (the link carries the query)`);
      const cursor = decodeCursor(params.more);
      params = cursor.q;
      afterSeq = cursor.s;
    }
    const unknown = Object.keys(params).find((name) => !GET_PARAMETERS.has(name));
    if (unknown !== undefined) throw new HttpError(400, `${unknown}: not a parameter of GET statements (names are case-sensitive)`);
    const format = formatParam(params);
    const attachments = booleanParam(params, 'attachments');
    // canonical answers one language per map, the one the request prefers.
    const languages = format === 'canonical' ? parseAcceptLanguage(req.get('Accept-Language')) : [];
    if (format === 'canonical') res.vary('Accept-Language');

    const single = params.statementId ?? params.voidedStatementId;
    if (params.statementId !== undefined || params.voidedStatementId !== undefined) {
      if (params.statementId !== undefined && params.voidedStatementId !== undefined) {
        throw new HttpError(400, 'statementId: give statementId or voidedStatementId, not both');
      }
      const which = params.statementId !== undefined ? 'statementId' : 'voidedStatementId';
      const extra = Object.keys(params).find((name) => name !== which && name !== 'format' && name !== 'attachments');
      if (extra !== undefined) throw new HttpError(400, `${extra}: not allowed with ${which}`);
      if (!isUuid(single)) throw new HttpError(400, `${which}: must be a UUID`);
      const row = await findStatement(deps.db, platformId, single, { voided: which === 'voidedStatementId' });
      if (!row) throw new HttpError(404, `${which}: no ${which === 'voidedStatementId' ? 'voided ' : ''}statement with the id ${single}`);
      res.setHeader('Last-Modified', row.storedAt.toUTCString());
      await sendStatements(res, deps.db, platformId, formatStatement(row.payload, format, languages), [row.payload], attachments);
      return;
    }

    const filter = filterOf(params, version);
    if (afterSeq !== undefined) filter.afterSeq = afterSeq;
    const rows = await listStatements(deps.db, platformId, filter);
    const page = rows.slice(0, filter.limit);
    const more = rows.length > filter.limit ? moreLink(req, { q: params, s: page[page.length - 1]!.seq }) : '';
    const result = { statements: page.map((row) => formatStatement(row.payload, format, languages)), more };
    await sendStatements(res, deps.db, platformId, result, page.map((row) => row.payload), attachments);
  });
