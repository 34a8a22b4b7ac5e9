/**
 * Authenticates an LMS sending activity: HTTP Basic with an ingest credential's key and secret
 * (xAPI), or `Authorization: Bearer <key>:<secret>` (Caliper). The platform is the credential's —
 * never a value in the request. Sets `res.locals.ingest`.
 */
import type { RequestHandler, Response } from 'express';
import { secretMatches } from '../ingest/credential-secret.js';
import type { Database } from '../models/database.js';
import { findLiveCredential, touchIngestCredential } from '../models/ingest-credentials.js';
import { HttpError } from './http-error.js';

export interface IngestIdentity {
  platformId: string;
  credentialKey: string;
}

/** What a credential key can be (`cpk_` and base64url, credential-secret.ts); anything else names none. */
const KEY = /^[A-Za-z0-9_-]{1,100}$/;

function presented(authorization: string | undefined): { key: string; secret: string } | undefined {
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  const pair = basic ? Buffer.from(basic[1]!, 'base64').toString('utf8') : /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  const colon = pair?.indexOf(':') ?? -1;
  if (!pair || colon <= 0) return undefined;
  return { key: pair.slice(0, colon), secret: pair.slice(colon + 1) };
}

export function requireIngestCredential(db: Database, now: () => Date = () => new Date()): RequestHandler {
  const challenge = { 'WWW-Authenticate': 'Basic realm="coursepulse-xapi"' };
  return (req, res, next) => {
    const given = presented(req.headers.authorization);
    if (!given) return next(new HttpError(401, 'missing credentials: send HTTP Basic auth with an ingest key and secret', challenge));
    // Not looked up: a key of another alphabet is no credential (and a NUL in it would fail the query).
    if (!KEY.test(given.key)) return next(new HttpError(401, 'unknown or revoked credentials', challenge));
    findLiveCredential(db, given.key)
      .then(async (credential) => {
        if (!credential || !secretMatches(given.secret, credential.secretHash)) {
          return next(new HttpError(401, 'unknown or revoked credentials', challenge));
        }
        res.locals.ingest = { platformId: credential.platformId, credentialKey: given.key } satisfies IngestIdentity;
        await touchIngestCredential(db, given.key, now());
        next();
      })
      .catch(next);
  };
}

/** The identity `requireIngestCredential` set. */
export const ingestIdentityOf = (res: Response): IngestIdentity => res.locals.ingest as IngestIdentity;
