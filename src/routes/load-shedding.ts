/**
 * Load shedding (MAX_CONCURRENT_REQUESTS): a bound on the requests this process serves at once.
 * Beyond it a request is answered at once — 503 with `Retry-After: 1` — instead of joining the
 * queue: under a flood, queued requests wait for the database pool and hold their bodies in
 * memory (an ingest request may be 5 MB) until the process slows for everyone or runs out of
 * memory, while a quick 503 costs nothing and tells the sender (an LMS's forwarder, a balancer,
 * a browser) to come back. The ingest rate limit (ingest-rate-limit.ts, 429) bounds one sender;
 * this bounds them all together.
 *
 * Counted from the moment a request's head arrives until its answer is sent or its client leaves.
 * The probes are never counted nor refused: an overloaded process is alive and may be scraped,
 * and a balancer that saw it dead would send its load to the other instances all at once.
 */
import type { RequestHandler } from 'express';

const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

/** Seconds a refused sender is asked to wait: load changes within a second. */
const RETRY_AFTER_SECONDS = 1;

export function loadShedding(maxInFlight: number): RequestHandler {
  if (maxInFlight <= 0) return (_req, _res, next) => next();
  let inFlight = 0;
  return (req, res, next) => {
    if (PROBES.has(req.path)) return next();
    if (inFlight >= maxInFlight) {
      const message = `CoursePulse is busy (${maxInFlight} requests in progress); retry in ${RETRY_AFTER_SECONDS} s`;
      res.status(503).set('Retry-After', String(RETRY_AFTER_SECONDS));
      // A browser (a teacher's page) gets a sentence; scripts and forwarders the usual error JSON.
      res.format({
        json: () => res.json({ error: message, requestId: req.id }),
        html: () => res.send(`<!doctype html><html lang="en"><meta charset="utf-8"><title>CoursePulse is busy</title><p>${message}.</p></html>`),
        default: () => res.json({ error: message, requestId: req.id }),
      });
      return;
    }
    inFlight++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      inFlight--;
    };
    // 'finish' when the answer is sent; 'close' also when the client left before it was.
    res.once('finish', release);
    res.once('close', release);
    next();
  };
}
