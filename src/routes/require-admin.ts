/** The admin API's authorisation: `Authorization: Bearer <admin token>` (api.md). */
import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from './http-error.js';

const digest = (value: string): Buffer => crypto.createHash('sha256').update(value).digest();
const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="coursepulse-admin"' };

export function requireAdmin(adminToken: string): RequestHandler {
  const expected = digest(adminToken);
  return (req, _res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!match) {
      return next(new HttpError(401, 'missing admin token: send "Authorization: Bearer <admin token>"', CHALLENGE));
    }
    // Comparing digests keeps the comparison constant-time whatever the lengths.
    if (!crypto.timingSafeEqual(digest(match[1]!), expected)) {
      return next(new HttpError(401, 'wrong admin token', CHALLENGE));
    }
    next();
  };
}
