/**
 * The Caliper endpoint at /caliper (IMS Caliper 1.2 §6, and the 1.1 that Canvas and Blackboard
 * send): one envelope per POST, `Authorization: Bearer <key>:<secret>` of a platform's ingest
 * credential, JSON only. The handler parses, makes one call and answers after the commit;
 * preparing is src/ingest/caliper-batch.ts, storing src/ingest/store-events.ts.
 *
 * Statuses: 200 with a summary; 400 not an envelope (or one id twice with different content);
 * 401 credential; 409 a different event under a stored id (nothing of the envelope is stored);
 * 413 over INGEST_MAX_BYTES; 415 not JSON; 422 a dataVersion we do not read; 429 over the
 * credential's rate. Errors are `{"error": "<what is wrong>"}`.
 */
import express, { type RequestHandler } from 'express';
import { CALIPER_DATA_VERSIONS } from '../ingest/caliper.js';
import { caliperSummary, prepareCaliperEnvelope, sameCaliperEvent } from '../ingest/caliper-batch.js';
import type { RollupSettings } from '../ingest/recompute.js';
import type { ReportReads } from '../reports/report-reads.js';
import { storeEvents } from '../ingest/store-events.js';
import type { Database } from '../models/database.js';
import { telemetryOf } from '../observability/telemetry.js';
import { HttpError, handle } from './http-error.js';
import { ingestIdentityOf } from './require-ingest-credential.js';
import { requireStorableBody } from './storable-input.js';

export interface CaliperDeps {
  db: Database;
  now: () => Date;
  settings: RollupSettings;
  /** The reports' remembered reads: the courses whose figures an envelope changed are read again. */
  reports: ReportReads;
}

/** Caliper sends JSON-LD as application/json; application/ld+json is the same thing. */
const JSON_TYPES = ['application/json', 'application/*+json'];

/** The envelope: JSON only (else 415), at most `maxBytes` (else 413). */
export function caliperJsonBody(maxBytes: number): RequestHandler[] {
  const checkType: RequestHandler = (req, _res, next) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody) return next(new HttpError(400, 'the request has no body: send one Caliper envelope {sensor, sendTime, dataVersion, data} as JSON'));
    if (!req.is(JSON_TYPES)) return next(new HttpError(415, 'Content-Type: send the Caliper envelope as application/json'));
    next();
  };
  return [checkType, express.json({ limit: maxBytes, type: JSON_TYPES, strict: false }), requireStorableBody];
}

/** POST /caliper: one envelope; 200 with what became of each item. */
export const postCaliper = (deps: CaliperDeps): RequestHandler =>
  handle(async (req, res) => {
    const { platformId, credentialKey } = ingestIdentityOf(res);
    const prepared = prepareCaliperEnvelope(req.body);
    if (!prepared.ok) throw new HttpError(prepared.status, prepared.error);
    const { batch } = prepared;
    const result = await storeEvents(deps.db, batch.events, { platformId, source: 'caliper', credentialKey }, deps.settings, deps.now(), { same: sameCaliperEvent });
    if (!result.ok) throw new HttpError(result.status, result.error);
    for (const contextId of result.changedCourses) deps.reports.forget({ platformId, contextId });
    telemetryOf(res)?.ingested('caliper', result.events, batch.unusable);
    const summary = caliperSummary(batch, result.events);
    req.log?.info({ platformId, credentialKey, received: summary.received, stored: summary.stored, unusable: summary.unusable.length, recomputedStudents: result.recomputedStudents }, 'caliper envelope');
    res.status(200).json(summary);
  });

/** GET /caliper: what this endpoint takes (Caliper 1.2 lets a sensor ask before it sends). */
export const getCaliper =
  (maxBytes: number): RequestHandler =>
  (_req, res) => {
    res.json({ caliperSupportedVersions: CALIPER_DATA_VERSIONS, caliperMaximumPayloadSize: Math.floor(maxBytes / 1024), caliperSupportedExtensions: {} });
  };
