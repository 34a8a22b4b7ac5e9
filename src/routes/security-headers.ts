/**
 * The security headers of every response, decided in one place by the kind of response:
 *
 * - HTML (pages, htmx partials, problem pages, the LTI flow's pages): a strict CSP — scripts and
 *   styles only from our own origin (no inline script, no eval: public/charts.js runs Vega with
 *   its interpreter, htmx is told not to eval or inject its indicator style), forms posting only
 *   to us (ltijs's login answers with a redirect to the platform, never with a form of ours), no
 *   <base>, no plugins — and `frame-ancestors` naming who may frame the page: the origins
 *   `allowFraming` was given for this response (the platform of the course session), else
 *   nobody. X-Frame-Options (one origin at most) is sent only with `frame-ancestors 'none'`.
 * - Everything else (JSON, CSV, xAPI, Caliper, static files, redirects): `default-src 'none';
 *   frame-ancestors 'none'`, so none of it runs or renders as a document anywhere.
 * - All: `X-Content-Type-Options: nosniff`, `Referrer-Policy: strict-origin-when-cross-origin`
 *   (page URLs may carry the ltik; other origins get our origin only).
 *
 * The headers are written just before the response's head, because what a response is (HTML or
 * not) and who may frame it are known only by then; ltijs's helmet, which runs inside /lti, is
 * overridden the same way.
 */
import type { RequestHandler, Response } from 'express';
import { verifyLtik } from '../lti/ltik-signature.js';
import { z } from 'zod';
import { ltikOf } from '../lti/course-session.js';
import type { Queryable } from '../models/database.js';
import { platformFrameOrigins } from '../models/platform-frame-origins.js';
import type { ReadMemo } from '../models/read-memo.js';
import { unstorableReason } from './storable-input.js';

/** Where `allowFraming` leaves the origins for the response's head. */
const FRAMING = Symbol('frame-ancestors');

/**
 * The CSP of an HTML response. img-src allows data: because Vega's SVG renderer and the
 * browser's own form controls may use data: images; styles stay 'self' only: vega-embed and
 * vega-tooltip have their <style> turned off (charts.js), htmx its indicator style (the layout's
 * htmx-config), and script-set styles (element.style) are not inline styles to CSP.
 */
export function htmlPolicy(frameAncestors: readonly string[]): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
    `frame-ancestors ${frameAncestors.length > 0 ? frameAncestors.join(' ') : "'none'"}`,
  ].join('; ');
}

/** The CSP of every response that is not HTML. */
export const NON_HTML_POLICY = "default-src 'none'; frame-ancestors 'none'";

/** The origin of a URL, or undefined for anything but an http(s) URL (`null` origins, junk). */
export function originOf(url: unknown): string | undefined {
  if (typeof url !== 'string' || url === '') return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Lets the LMS pages of these origins frame this response (if it is HTML). */
export function allowFraming(res: Response, origins: Iterable<string | undefined>): void {
  const valid = [...origins].filter((origin): origin is string => origin !== undefined && originOf(origin) === origin);
  (res.locals as Record<symbol, string[]>)[FRAMING] = [...new Set(valid)];
}

/** Who may frame the pages of a registered platform's courses: its issuer's origin and the origins its launches came from. */
export function platformFrameAncestors(platform: { issuer: string; origins: readonly string[] }): string[] {
  return [originOf(platform.issuer), ...platform.origins].filter((origin): origin is string => origin !== undefined);
}

/** The platform an issuer and client id name, as frame ancestors (empty when it is not registered). */
export async function frameAncestorsOfPlatform(db: Queryable, issuer: unknown, clientId: unknown): Promise<string[]> {
  if (typeof issuer !== 'string' || typeof clientId !== 'string' || !issuer || !clientId) return [];
  // Claims of a refused launch are unverified: one the database cannot take names no platform (storable-input.ts).
  if (unstorableReason([issuer, clientId]) !== undefined) return [];
  const platform = await platformFrameOrigins(db, issuer, clientId);
  return platform ? platformFrameAncestors(platform) : [];
}

function writeSecurityHeaders(res: Response): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'strict-origin-when-cross-origin');
  const type = String(res.getHeader('Content-Type') ?? '');
  const framing = (res.locals as Record<symbol, string[] | undefined>)[FRAMING] ?? [];
  const html = /^text\/html\b/i.test(type);
  res.setHeader('Content-Security-Policy', html ? htmlPolicy(framing) : NON_HTML_POLICY);
  if (html && framing.length > 0) res.removeHeader('X-Frame-Options');
  else res.setHeader('X-Frame-Options', 'DENY');
}

/** The middleware that writes the headers of every response (first in the app). */
export function securityHeaders(): RequestHandler {
  return (_req, res, next) => {
    const writeHead = res.writeHead;
    // Node calls writeHead once, also for an implicit head (res.end without it).
    res.writeHead = function (this: Response, ...args: unknown[]) {
      if (!this.headersSent) writeSecurityHeaders(this);
      return (writeHead as (...a: unknown[]) => Response).apply(this, args);
    } as typeof res.writeHead;
    next();
  };
}

const ltikPlatform = z.object({ platformUrl: z.string().min(1), clientId: z.string().min(1) });

/**
 * For the course pages: a request whose ltik we signed may be framed by that launch's platform,
 * whatever the answer — the page, or the problem page of a session that ended or a role that
 * changed — so the teacher reads it inside the LMS. Without a valid ltik: framed by nobody. The
 * ltik's signature is what proves the platform (requireCourse checks the session itself). `frames`
 * remembers the answer for a few seconds (lti/launch-reads.ts).
 */
export function frameForCourseSession(db: Queryable, ltiKey: string, frames: ReadMemo<string[]>): RequestHandler {
  return (req, res, next) => {
    const ltik = ltikOf(req);
    if (!ltik) return next();
    let claims: z.infer<typeof ltikPlatform>;
    try {
      claims = ltikPlatform.parse(verifyLtik(ltik, ltiKey));
    } catch {
      return next();
    }
    const read = () => frameAncestorsOfPlatform(db, claims.platformUrl, claims.clientId);
    frames.read(JSON.stringify([claims.platformUrl, claims.clientId]), read).then((origins) => {
      allowFraming(res, origins);
      next();
    }, next);
  };
}
