/**
 * A per-credential request rate limit for ingestion: a token bucket in memory (per process) for
 * each credential key, `perMinute` tokens deep and refilled evenly at `perMinute` a minute — so a
 * burst of up to `perMinute` requests passes, and a sustained rate above it gets 429 with
 * `Retry-After` (seconds until the next token). `perMinute` 0: no limit. Runs after
 * requireIngestCredential (it needs the credential).
 */
import type { RequestHandler } from 'express';
import { HttpError } from './http-error.js';
import { ingestIdentityOf } from './require-ingest-credential.js';

export class TokenBuckets {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  constructor(readonly perMinute: number) {}

  /** Takes a token of `key` at `nowMs`: 0 when granted, else the seconds to wait. */
  take(key: string, nowMs: number): number {
    const ratePerMs = this.perMinute / 60_000;
    const bucket = this.#buckets.get(key) ?? { tokens: this.perMinute, at: nowMs };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + Math.max(0, nowMs - bucket.at) * ratePerMs);
    bucket.at = nowMs;
    this.#buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000));
  }
}

export function ingestRateLimit(perMinute: number, now: () => Date): RequestHandler {
  if (perMinute <= 0) return (_req, _res, next) => next();
  const buckets = new TokenBuckets(perMinute);
  return (_req, res, next) => {
    const wait = buckets.take(ingestIdentityOf(res).credentialKey, now().getTime());
    if (wait === 0) return next();
    next(new HttpError(429, `too many requests for this credential (limit ${perMinute} a minute); retry after ${wait} s`, { 'Retry-After': String(wait) }));
  };
}
