/**
 * HTTP instrumentation: every answered request is counted by route template × method × status
 * class, and timed by route template × method; refused ingest requests are counted by source and
 * status. The route label is the route table's path (`/api/students/:userId`), never the URL:
 * ids in labels would make a new series per student and swamp Prometheus.
 */
import type { Request, RequestHandler, Response } from 'express';
import { attachTelemetry, telemetryOf, type IngestSource, type Telemetry } from './telemetry.js';

/** The label of a request no route answered and no mount point took (a 404, a probe of random paths). */
export const UNMATCHED_ROUTE = '(unmatched)';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Express sets `req.route` when a route starts handling a request, with `req.baseUrl` then the
 * path of the router it sits in; by the time the answer is sent after an error, `baseUrl` has been
 * put back to the outer router's. So the template is taken at that moment, through an accessor
 * on the request. A request answered before any route (a 401 of a router-wide credential check,
 * a static file) is labelled with the last mount point it entered, `/xapi/*`: every mount in the
 * route table is a literal path, so these are as few as the mounts.
 */
function followRoute(req: Request): () => string {
  let route: unknown;
  let template: string | undefined;
  let mount = '';
  let baseUrl = req.baseUrl;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set(value: { path?: unknown } | undefined) {
      route = value;
      if (value && value.path !== undefined) template = joinPath(baseUrl, String(value.path));
    },
  });
  Object.defineProperty(req, 'baseUrl', {
    configurable: true,
    enumerable: true,
    get: () => baseUrl,
    set(value: string) {
      baseUrl = value;
      // The last router entered: on the way out Express sets the outer routers' paths back.
      if (value) mount = value;
    },
  });
  return () => template ?? (mount ? `${mount}/*` : UNMATCHED_ROUTE);
}

const joinPath = (base: string, path: string): string => (base && path === '/' ? base : `${base}${path}`);

const statusClass = (res: Response): string => (res.writableFinished ? `${Math.floor(res.statusCode / 100)}xx` : 'aborted');

/** Counts and times every request of the app; the first middleware, so its clock starts first. */
export function httpMetrics(telemetry: Telemetry): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    attachTelemetry(res, telemetry);
    const routeOf = followRoute(req);
    // 'close' comes after 'finish' for answered requests and alone for ones the client gave up on.
    res.once('close', () => {
      const route = routeOf();
      const method = METHODS.has(req.method) ? req.method : 'OTHER';
      telemetry.httpRequests.inc({ route, method, status_class: statusClass(res) });
      telemetry.httpDuration.observe({ route, method }, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}

/**
 * Counts the ingest requests of `source` refused whole (4xx of a POST or PUT): credential, rate,
 * size and format checks refuse before the handler runs, so this watches the answer rather than
 * the handler. Mounted in front of the ingest routes (routes/index.ts).
 */
export function countIngestRejections(source: IngestSource): RequestHandler {
  return (req, res, next) => {
    // Mounted at the resource's path: anything under it is another (unknown) resource.
    if ((req.method === 'POST' || req.method === 'PUT') && req.path === '/') {
      res.once('finish', () => {
        if (res.statusCode >= 400 && res.statusCode < 500) telemetryOf(res)?.rejectedRequest(source, res.statusCode);
      });
    }
    next();
  };
}
