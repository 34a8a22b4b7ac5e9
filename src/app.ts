/** The Express app: request logging, static files, the route table, errors. Tests build it directly. */
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import compression from 'compression';
import express, { type Express } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import type { Lti } from './lti/provider.js';
import type { Database } from './models/database.js';
import { httpMetrics } from './observability/http-metrics.js';
import { createReadiness, type Readiness } from './observability/readiness.js';
import { createTelemetry, type Telemetry } from './observability/telemetry.js';
import { routes } from './routes/index.js';
import type { IngestSettings } from './routes/xapi-statements.js';
import { errorHandler, notFound } from './routes/http-error.js';
import { frameForCourseSession, securityHeaders } from './routes/security-headers.js';
import { refuseNulInUrl } from './routes/storable-input.js';
import { admission } from './routes/load-shedding.js';

// Like the migrations, static files stay in src/ and resolve from src/ and dist/ alike.
export const PUBLIC_DIR = fileURLToPath(new URL('../src/views/public/', import.meta.url));

export interface AppDeps {
  db: Database;
  lti: Lti;
  adminToken: string;
  logger: Logger;
  /** PUBLIC_URL, for the endpoints LMSs are told to call. */
  publicUrl: string;
  /** What xAPI ingestion reads of the configuration (time zone, G, T, limits); defaults when absent. */
  ingest?: IngestSettings;
  /** The clock of course activity and changes (tests freeze it). */
  now?: () => Date;
  /** What /metrics shows; a new one when absent. */
  telemetry?: Telemetry;
  /**
   * What /readyz reports besides the database; absent, the start-up is taken as done (an app
   * built directly, as tests do, is built on a migrated database). server.ts passes its own.
   */
  readiness?: Readiness;
  /** METRICS_TOKEN: opens /metrics besides the admin token. */
  metricsToken?: string | undefined;
  /** MAX_CONCURRENT_REQUESTS: requests worked on at once (load-shedding.ts); absent or 0, no bound. */
  maxConcurrentRequests?: number;
  /** MAX_QUEUED_REQUESTS: requests waiting for their turn beyond that; more are answered 503. Absent or 0: refused at once. */
  maxQueuedRequests?: number;
}

// htmx is served from our own origin (no CDN), straight from its npm package.
const HTMX = createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js');

// So are the chart libraries, as the browser builds (UMD) that define the globals vega-embed
// reads: `vega`, then `vegaLite`, then `vegaEmbed`; each sits in build/ beside its package's
// entry. vega-interpreter, which draws charts under a CSP without 'unsafe-eval', has no browser
// build (only an ES module importing vega-util by bare name); vega-embed's browser build bundles
// it and uses it when asked for `ast` (public/charts.js), so it is not served on its own.
function browserBuild(name: string, file: string): string {
  return path.join(path.dirname(createRequire(import.meta.url).resolve(name)), file);
}
const VENDOR_FILES: Record<string, string> = {
  'vega.min.js': browserBuild('vega', 'vega.min.js'),
  'vega-lite.min.js': browserBuild('vega-lite', 'vega-lite.min.js'),
  'vega-embed.min.js': browserBuild('vega-embed', 'vega-embed.min.js'),
};

/** Brotli's quality for every compressed answer (see the compression middleware below). */
export const BROTLI_QUALITY = 2;

// A caller's request id is kept when it is a sane token, so logs join up across a proxy.
const REQUEST_ID = /^[\w.:-]{1,64}$/;

export function createApp({ db, lti, adminToken, logger, publicUrl, ingest, now = () => new Date(), telemetry = createTelemetry({ db }), readiness = createReadiness({ started: true }), metricsToken, maxConcurrentRequests = 0, maxQueuedRequests = 0 }: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback, linklocal, uniquelocal');
  // First, so that a request's time includes every other middleware.
  app.use(httpMetrics(telemetry));
  app.use(
    pinoHttp({
      logger,
      genReqId(req, res) {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : crypto.randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Health probes every few seconds would drown the log.
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      // One line per request: what was asked and how it ended; headers stay out of the log.
      serializers: {
        req: (req: { id: string; method: string; url: string; remoteAddress?: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url.replace(/([?&](?:ltik|registration_token)=)[^&]*/g, '$1[hidden]'),
          remoteAddress: req.remoteAddress,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  // A 1,000-student overview is megabytes of HTML that gzip shrinks about tenfold. No BREACH
  // exposure: the secret on the page (the ltik) is never sent by the browser on its own (no
  // cookie), so no third party can make it answer chosen inputs beside it. Brotli at quality 2, not
  // the package's 4: on 123 KB of our templates' and docs' text 0.9 ms of CPU instead of 1.9 ms, for
  // 5 % more bytes (36.0 KB against 34.3 KB); every report page and JSON answer is compressed afresh.
  app.use(compression({ brotli: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } } }));
  // CSP, framing, nosniff and referrer policy of every response, by its kind (security-headers.ts).
  app.use(securityHeaders());
  // A NUL in the path or query reaches no resource (storable-input.ts).
  app.use(refuseNulInUrl);
  // After the metrics, the log and the headers, so a refused request is counted, logged and
  // answered like any other; before everything that does work.
  const admitted = admission({ maxInProgress: maxConcurrentRequests, maxQueued: maxQueuedRequests });
  telemetry.admission(admitted);
  app.use(admitted.middleware);
  app.get('/static/vendor/htmx.min.js', (_req, res) => res.sendFile(HTMX, { maxAge: '1d' }));
  for (const [name, file] of Object.entries(VENDOR_FILES)) app.get(`/static/vendor/${name}`, (_req, res) => res.sendFile(file, { maxAge: '1d' }));
  app.use('/static', express.static(PUBLIC_DIR, { index: false, maxAge: '1h' }));
  // The course pages (and their problem pages) may be framed by the platform of their ltik.
  app.use(['/reports', '/groups'], frameForCourseSession(db, lti.ltiKey, lti.reads.frames));
  app.use(routes({ db, lti, adminToken, publicUrl, now, ingest, telemetry, readiness, metricsToken }));
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
