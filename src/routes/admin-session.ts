/**
 * The admin page's sign-in: the admin pastes the admin token once; the browser then holds a
 * cookie `HMAC(admin token, expiry)` — valid 8 hours, HttpOnly, SameSite=Strict (so no other
 * site can make the browser post admin forms), Secure over https, for /admin only. Changing
 * ADMIN_TOKEN signs everyone out.
 */
import crypto from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';

export const ADMIN_COOKIE = 'coursepulse_admin';
const LIFETIME_MS = 8 * 3600_000;

const sign = (adminToken: string, expires: number): string =>
  crypto.createHmac('sha256', adminToken).update(`admin-session:${expires}`).digest('base64url');

function cookieOf(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === ADMIN_COOKIE) return value.join('=');
  }
  return undefined;
}

export function tokenMatches(given: string, adminToken: string): boolean {
  const digest = (v: string) => crypto.createHash('sha256').update(v).digest();
  return crypto.timingSafeEqual(digest(given), digest(adminToken));
}

export function hasAdminSession(req: Request, adminToken: string, now: number): boolean {
  const [expires, signature] = (cookieOf(req) ?? '').split('.');
  const until = Number(expires);
  if (!signature || !Number.isSafeInteger(until) || until <= now) return false;
  const expected = Buffer.from(sign(adminToken, until));
  const given = Buffer.from(signature);
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

export function startAdminSession(res: Response, adminToken: string, now: number, secure: boolean): void {
  const expires = now + LIFETIME_MS;
  res.cookie(ADMIN_COOKIE, `${expires}.${sign(adminToken, expires)}`, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/admin',
    maxAge: LIFETIME_MS,
  });
}

export function endAdminSession(res: Response, secure: boolean): void {
  res.clearCookie(ADMIN_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: '/admin' });
}

/** Forms of the admin page are posted from the page itself: refuse another origin outright. */
export function sameOrigin(publicUrl: string): RequestHandler {
  const ours = new URL(publicUrl).origin;
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (req.method === 'POST' && origin && origin !== ours && origin !== `${req.protocol}://${req.headers.host}`) {
      res.status(403).type('text').send('This form must be sent from the CoursePulse admin page.');
      return;
    }
    next();
  };
}
