/**
 * Admission and load shedding (MAX_CONCURRENT_REQUESTS, MAX_QUEUED_REQUESTS): a bound on the
 * requests this process works on at once, a short queue in front of it, and a quick 503 with
 * `Retry-After: 1` beyond the queue.
 *
 * Why a small bound and a queue, not a large bound alone: requests in progress share one
 * JavaScript thread, and the more of them are under way together, the longer each one's objects
 * live and the more the garbage collector has to move, and the longer each holds a pooled
 * database connection between its queries. Under the load benchmark (docs/PERFORMANCE.md, "Load")
 * a process allowed 64 at once that fell behind for a moment — its start, a checkpoint — stayed
 * behind: each request then cost it twice the CPU, so the backlog never drained. Allowed 16 at
 * once, the same process caught up within seconds of its start even under half as much load
 * again. A waiting request costs nothing of the kind: its body is not read (Node stops reading
 * its socket), no work is started. So a burst waits its turn instead of being refused, and only a
 * backlog longer than the queue — a flood, not a moment — is answered 503 at once, which tells the
 * sender (an LMS's forwarder, a balancer, a browser) to come back. The ingest rate limit (ingest-rate-limit.ts,
 * 429) bounds one sender; this bounds them all together.
 *
 * A request is in progress from the moment it is let through until its answer is sent or its
 * client leaves; a client that leaves while waiting leaves the queue. The probes are never
 * counted, queued nor refused: an overloaded process is alive and may be scraped, and a balancer
 * that saw it dead would send its load to the other instances all at once.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';

const PROBES = new Set(['/healthz', '/readyz', '/metrics']);

/** Seconds a refused sender is asked to wait: load changes within a second. */
const RETRY_AFTER_SECONDS = 1;

export interface AdmissionBounds {
  /** Requests worked on at once; 0: no bound (nothing waits, nothing is refused). */
  maxInProgress: number;
  /** Requests waiting for their turn beyond that; 0: refuse at once. */
  maxQueued: number;
}

/** The middleware, and what it holds right now (for /metrics). */
export interface Admission {
  middleware: RequestHandler;
  readonly inProgress: number;
  readonly queued: number;
}

export function admission({ maxInProgress, maxQueued }: AdmissionBounds): Admission {
  let inProgress = 0;
  // Insertion order is arrival order; a request that leaves is deleted wherever it stands.
  const waiting = new Map<object, () => void>();

  const start = (res: Response, next: NextFunction): void => {
    inProgress++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      inProgress--;
      admitWaiting();
    };
    // 'finish' when the answer is sent; 'close' also when the client left before it was.
    res.once('finish', release);
    res.once('close', release);
    next();
  };

  // The next request starts on its own turn of the event loop, not inside the answer that made room.
  const admitWaiting = (): void => {
    while (inProgress < maxInProgress && waiting.size > 0) {
      const [key, begin] = waiting.entries().next().value as [object, () => void];
      waiting.delete(key);
      inProgress++; // held for it until it starts, so that no later arrival overtakes it
      setImmediate(() => {
        inProgress--;
        begin();
      });
    }
  };

  const refuse = (req: Request, res: Response): void => {
    const message = `CoursePulse is busy (${maxInProgress} requests in progress, ${maxQueued} waiting); retry in ${RETRY_AFTER_SECONDS} s`;
    res.status(503).set('Retry-After', String(RETRY_AFTER_SECONDS));
    // A browser (a teacher's page) gets a sentence; scripts and forwarders the usual error JSON.
    res.format({
      json: () => res.json({ error: message, requestId: req.id }),
      html: () => res.send(`<!doctype html><html lang="en"><meta charset="utf-8"><title>CoursePulse is busy</title><p>${message}.</p></html>`),
      default: () => res.json({ error: message, requestId: req.id }),
    });
  };

  const middleware: RequestHandler = (req, res, next) => {
    if (PROBES.has(req.path)) return next();
    if (maxInProgress <= 0 || (inProgress < maxInProgress && waiting.size === 0)) return start(res, next);
    if (waiting.size >= maxQueued) return refuse(req, res);
    const key = {};
    let gone = false;
    const leave = () => {
      gone = true;
      waiting.delete(key);
    };
    res.once('close', leave);
    waiting.set(key, () => {
      res.off('close', leave);
      // Left between its turn coming and starting: the turn passes on.
      if (gone) admitWaiting();
      else start(res, next);
    });
  };

  return {
    middleware,
    get inProgress() {
      return inProgress;
    },
    get queued() {
      return waiting.size;
    },
  };
}
