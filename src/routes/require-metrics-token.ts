/**
 * Who may read /metrics: `Authorization: Bearer <token>` with the admin token, or with
 * METRICS_TOKEN when it is set — a token that reads the figures and can do nothing else, for the
 * Prometheus server's configuration. Not by address: behind a proxy every scrape comes from the
 * proxy, so "loopback only" would let the world in.
 */
import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import { HttpError } from './http-error.js';

const digest = (value: string): Buffer => crypto.createHash('sha256').update(value).digest();
const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="coursepulse-metrics"' };

export function requireMetricsToken(adminToken: string, metricsToken: string | undefined): RequestHandler {
  const accepted = [adminToken, metricsToken].flatMap((token) => (token === undefined ? [] : [digest(token)]));
  return (req, _res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!match) {
      return next(new HttpError(401, 'missing token: send "Authorization: Bearer <metrics token or admin token>"', CHALLENGE));
    }
    // Every accepted token is compared, so the time taken does not tell which one matched.
    const given = digest(match[1]!);
    const matches = accepted.map((token) => crypto.timingSafeEqual(given, token));
    if (!matches.includes(true)) return next(new HttpError(401, 'wrong token for /metrics', CHALLENGE));
    next();
  };
}
