/**
 * Who may frame the pages of the LTI flow (src/routes/security-headers.ts writes the header).
 *
 * - A launch ltijs validated: the origins of its platform — the issuer's, and those its launches
 *   came from, which this launch adds to (the signed launch_presentation.return_url's origin and
 *   the launch POST's Origin header). Canvas frames tools at the institution's host
 *   (https://school.instructure.com), never at its issuer (https://canvas.instructure.com), so the
 *   issuer alone would not do.
 * - A refused launch or login (an expired token, a blocked cookie, an inactive platform): the
 *   registered platform the request names, so its user reads the reason (and the "open in a new
 *   window" button) inside the LMS. The name is not verified, but it can only pick a registered
 *   platform's origins, for a page that shows no data.
 * - Dynamic Registration: the LMS opens it in a frame (Canvas, Moodle) before it is registered, so
 *   the origin of its openid_configuration URL and the page it was opened from may frame it; the
 *   page acts on its GET alone, so a frame adds nothing an attacker could not do by opening it.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { LtiHandler } from 'ltijs';
import type { Database } from '../models/database.js';
import { recordPlatformOrigins } from '../models/record-platform-origins.js';
import { allowFraming, frameAncestorsOfPlatform, originOf } from '../routes/security-headers.js';
import { verifiedIdTokenClaims } from './launch-claims.js';
import { forgetLaunchReads, type LaunchReads } from './launch-reads.js';

interface ValidatedToken {
  iss: string;
  clientId: string;
  platformId: string;
}

/** The web origins a validated launch shows it came from. */
export function launchOrigins(req: Request, context: unknown): string[] {
  const returnUrl = (context as { launchPresentation?: { return_url?: unknown } | null } | undefined)?.launchPresentation?.return_url;
  return [originOf(returnUrl), originOf(req.get('Origin'))].filter((origin): origin is string => origin !== undefined);
}

/**
 * Wraps ltijs's onConnect handler: records where the launch came from, and lets its platform frame
 * the answer. The launch may have changed roles, the course's title or the platform's origins:
 * what this process remembers of earlier launches is forgotten (launch-reads.ts).
 */
export function framedLaunch(db: Database, now: () => Date, reads: LaunchReads, handler: LtiHandler): LtiHandler {
  return (token, req, res, next) => {
    const { iss, clientId, platformId } = token as ValidatedToken;
    recordPlatformOrigins(db, platformId, launchOrigins(req, res.locals.context), now())
      .then(() => {
        forgetLaunchReads(reads);
        return frameAncestorsOfPlatform(db, iss, clientId);
      })
      .then((origins) => {
        allowFraming(res, origins);
        return handler(token, req, res, next);
      })
      .catch(next);
  };
}

/** A refused launch (its unverified id_token) or login (its parameters): the platform it names may frame the answer. */
export async function frameForClaimedPlatform(db: Database, req: Request, res: Response): Promise<void> {
  const claims = verifiedIdTokenClaims(req.body);
  const params = { ...(req.query as Record<string, unknown>), ...((req.body ?? {}) as Record<string, unknown>) };
  const aud = Array.isArray(claims.aud) ? claims.aud[0] : claims.aud;
  const [issuer, clientId] = claims.iss !== undefined ? [claims.iss, aud] : [params.iss, params.client_id];
  allowFraming(res, await frameAncestorsOfPlatform(db, issuer, clientId));
}

/** Middleware of the Dynamic Registration route. */
export const frameForRegistration: RequestHandler = (req, res, next) => {
  allowFraming(res, [originOf(req.query.openid_configuration), originOf(req.get('Referer'))]);
  next();
};
