/**
 * The reports benchmark's timing phase: the real app (createApp with ltijs, request logging at
 * `info` into /dev/null as production logs) listening on a loopback port, a teacher's real LTI
 * launch through the test LMS (test/support/test-platform.ts: OIDC login, the LMS's
 * authorisation endpoint, the signed id_token POSTed back), and then, with the launch's ltik,
 * rounds of GET requests over keep-alive HTTP — each round one request to every report URL,
 * so a burst of load on the shared machine falls on all of them alike.
 *
 * Requests ask as browsers do (`Accept-Encoding: gzip, deflate, br`), so answers are compressed
 * as the app compresses them for readers. Server time: measured in the process, from the
 * request's arrival at the HTTP server (headers read) to the response's `finish` (its last byte
 * handed to the socket) — what a Server-Timing header would say, without changing the app.
 * Client time (the round trip through loopback, before decoding) is kept beside it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { pino } from 'pino';
import supertest from 'supertest';
import { seededRandom } from './activity-generator.js';
import { studentUserId } from './bench-course.js';
import { REPORTS_CLIENT_ID, REPORTS_COURSE_ID, REPORTS_LMS_URL, REPORTS_PUBLIC_URL, REPORTS_TEACHER_ID, benchGroups, reportsLti } from './reports-course.js';
import { CLAIMS, ROLES, TestPlatform } from '../test/support/test-platform.js';
import { createApp } from '../src/app.js';
import type { RollupSettings } from '../src/ingest/recompute.js';
import { createLogger } from '../src/logger.js';
import type { Database } from '../src/models/database.js';
import { platformGroupId } from '../src/models/replace-platform-groups.js';

export interface TimingOptions {
  /** Timed rounds (each one request per URL). */
  samples: number;
  /** Rounds before them, not timed (JIT, caches, connection pool). */
  warmup: number;
  seed: number;
  students: number;
  settings: RollupSettings;
  /** The app's clock. */
  now: Date;
  progress: (line: string) => void;
}

export interface Summary {
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

export interface EndpointTiming {
  name: string;
  samples: number;
  /** How many answers had each status (a report URL that is not served shows as 404 here). */
  statuses: Record<string, number>;
  serverMs: Summary;
  clientMs: Summary;
  /** Median size of the answer's body as sent (compressed when the app compresses it). */
  bytes: number;
  /** Median size of the body decoded. */
  decodedBytes: number;
  /** The Content-Encodings the answers came with (`identity`: none). */
  encodings: string[];
}

export interface TimingResult {
  /** The launch, from the login request to the launch's answer (client side). */
  launchMs: number;
  /** The status of the launch's answer (the overview page). */
  launchStatus: number;
  endpoints: EndpointTiming[];
  /** The last answer of GET /api/overview (the whole course), for the baseline's check. */
  overviewAnswer: Record<string, unknown>;
}

interface Endpoint {
  name: string;
  path: () => string;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export function summarise(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return { p50: 0, p95: 0, max: 0, mean: 0 };
  return {
    p50: round1(percentile(sorted, 0.5)),
    p95: round1(percentile(sorted, 0.95)),
    max: round1(sorted.at(-1)!),
    mean: round1(sorted.reduce((a, b) => a + b, 0) / sorted.length),
  };
}

/** The report URLs, with random students and groups drawn from a seeded stream (the same URLs every run). */
function endpoints(o: TimingOptions): Endpoint[] {
  const random = seededRandom(o.seed ^ 0x2545f491);
  const student = () => studentUserId(1 + Math.floor(random() * o.students));
  const groups = benchGroups(o.students).map((g) => platformGroupId('lti-gs', g.externalId));
  let g = 0;
  return [
    { name: 'GET /api/overview', path: () => '/api/overview' },
    { name: 'GET /api/overview?group=…', path: () => `/api/overview?group=${encodeURIComponent(groups[g++ % groups.length]!)}` },
    { name: 'GET /api/students/:id', path: () => `/api/students/${student()}` },
    { name: 'GET /reports/overview (HTML)', path: () => '/reports/overview' },
    { name: 'GET /reports/students/:id (HTML)', path: () => `/reports/students/${student()}` },
  ];
}

/**
 * A teacher's launch of the course through the test LMS; the ltik of the page it answers, and
 * that page's status. Should the page fail (the pages are being rebuilt), the session exists all
 * the same — ltijs made it before our page — and its ltik is the one ltijs handed to the page
 * (`launchLtik`, read off the response by the server).
 */
async function launch(server: http.Server, platform: TestPlatform, launchLtik: () => string | undefined): Promise<{ ltik: string; status: number }> {
  const agent = supertest.agent(server);
  // The LMS's page that opens the tool, for this course and teacher; its issuer is the bench
  // platform's (the statements' LMS), while its endpoints are the test LMS's of this run.
  const start = new URL(
    platform.launchStartUrl({
      sub: REPORTS_TEACHER_ID,
      roles: [ROLES.instructor],
      context: { id: REPORTS_COURSE_ID, label: 'RBENCH', title: 'Reports bench course', type: ['http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering'] },
      claims: {
        iss: REPORTS_LMS_URL,
        name: 'Teacher',
        given_name: 'Tea',
        family_name: 'Cher',
        email: 'teacher@reports-bench.example',
        // The roster is the loader's: no service to read it again from.
        [CLAIMS.namesRoles]: undefined,
      },
    }),
  );
  const params = start.searchParams;
  params.set('iss', REPORTS_LMS_URL);
  const login = await agent.get(`/lti/login?${params.toString()}`).redirects(0);
  if (login.status !== 302) throw new Error(`the login answered ${login.status}: ${login.text.slice(0, 300)}`);
  const auth = await fetch(String(login.headers.location));
  const form = await auth.text();
  const field = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(form)?.[1]?.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&amp;/g, '&');
  const idToken = field('id_token');
  const state = field('state');
  if (auth.status !== 200 || !idToken || !state) throw new Error(`the test LMS refused the authentication request: ${form.slice(0, 300)}`);
  const answer = await agent.post('/lti/launch').type('form').send({ id_token: idToken, state }).redirects(0);
  // The page hands its ltik to htmx.
  const ltik = /hx-headers='\{"Authorization": "Bearer ([^"]+)"\}'/.exec(answer.text)?.[1] ?? launchLtik();
  if (!ltik) throw new Error(`the launch answered ${answer.status} without an ltik: ${answer.text.slice(0, 300)}`);
  return { ltik, status: answer.status };
}

/** What browsers (and so htmx) accept: the server time includes compressing the answer, as it does for them. */
const ACCEPT_ENCODING = 'gzip, deflate, br';

function decode(raw: Buffer, encoding: string): Buffer {
  if (encoding === 'br') return zlib.brotliDecompressSync(raw);
  if (encoding === 'gzip') return zlib.gunzipSync(raw);
  if (encoding === 'deflate') return zlib.inflateSync(raw);
  return raw;
}

interface Answer {
  status: number;
  body: string;
  /** As sent. */
  bytes: number;
  encoding: string;
  clientMs: number;
}

/** GET with the ltik over a keep-alive agent, as a browser asks; the server time is recorded by the server under `id`. */
function get(base: URL, agent: http.Agent, path: string, ltik: string, id: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const headers = { Authorization: `Bearer ${ltik}`, 'Accept-Encoding': ACCEPT_ENCODING, 'X-Bench-Request': id };
    const req = http.get(new URL(path, base), { agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const clientMs = performance.now() - started;
        const raw = Buffer.concat(chunks);
        const encoding = res.headers['content-encoding'] ?? 'identity';
        try {
          resolve({ status: res.statusCode ?? 0, body: decode(raw, encoding).toString('utf8'), bytes: raw.length, encoding, clientMs });
        } catch (err) {
          reject(err);
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/** Times the report URLs of the course in `db` (loaded by reports-course.ts); see the file's comment. */
export async function timeReports(db: Database, o: TimingOptions): Promise<TimingResult> {
  const now = () => o.now;
  const logger = createLogger('info', pino.destination({ dest: '/dev/null', sync: false }));
  const lti = await reportsLti(db, o.settings, now, logger);
  const app = createApp({ db, lti, adminToken: 'reports-bench-admin-token-0123456789', logger, publicUrl: REPORTS_PUBLIC_URL, ingest: { ...o.settings, ingestMaxBytes: 5_242_880, ingestRatePerMinute: 0 }, now });
  const serverMs = new Map<string, number>();
  let launchLtik: string | undefined;
  const server = http.createServer((req, res) => {
    const started = performance.now();
    const id = req.headers['x-bench-request'];
    if (typeof id === 'string') res.once('finish', () => serverMs.set(id, performance.now() - started));
    // ltijs puts the session's ltik in res.locals for the launch's page.
    if (req.url === '/lti/launch') res.once('finish', () => (launchLtik = (res as unknown as { locals?: { ltik?: string } }).locals?.ltik));
    app(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const platform = await TestPlatform.start({ toolUrl: REPORTS_PUBLIC_URL, clientId: REPORTS_CLIENT_ID, deploymentId: '1', name: 'Reports bench Moodle' });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    // The platform keeps its id (and so its courses); only its endpoints move to this run's test LMS.
    await lti.provider.registerPlatform({
      url: REPORTS_LMS_URL,
      clientId: REPORTS_CLIENT_ID,
      name: 'Reports bench Moodle',
      authenticationEndpoint: platform.authUrl,
      accesstokenEndpoint: platform.tokenUrl,
      authConfig: { method: 'JWK_SET', key: platform.jwksUrl },
    });
    const launchStarted = performance.now();
    const { ltik, status: launchStatus } = await launch(server, platform, () => launchLtik);
    const launchMs = performance.now() - launchStarted;
    if (launchStatus !== 200) o.progress(`!!! the launch's page answered ${launchStatus}; timing with the session's ltik all the same`);
    o.progress(`launched in ${Math.round(launchMs)} ms; ${o.warmup} warm-up rounds, then ${o.samples} timed rounds of ${endpoints(o).length} requests`);

    const base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const list = endpoints(o);
    const times = list.map(() => ({ server: [] as number[], client: [] as number[], bytes: [] as number[], decoded: [] as number[], encodings: new Set<string>(), statuses: {} as Record<string, number> }));
    let overviewAnswer: Record<string, unknown> | undefined;
    let counter = 0;
    for (let round = 0; round < o.warmup + o.samples; round++) {
      for (const [i, endpoint] of list.entries()) {
        const id = String(++counter);
        const answer = await get(base, agent, endpoint.path(), ltik, id);
        // `finish` precedes the client's `end`; the wait is for safety only.
        while (!serverMs.has(id)) await new Promise((resolve) => setImmediate(resolve));
        const serverTime = serverMs.get(id)!;
        serverMs.delete(id);
        if (i === 0 && answer.status === 200) overviewAnswer = JSON.parse(answer.body) as Record<string, unknown>;
        if (round < o.warmup) continue;
        const t = times[i]!;
        t.server.push(serverTime);
        t.client.push(answer.clientMs);
        t.bytes.push(answer.bytes);
        t.decoded.push(Buffer.byteLength(answer.body));
        t.encodings.add(answer.encoding);
        t.statuses[answer.status] = (t.statuses[answer.status] ?? 0) + 1;
      }
      if ((round + 1) % 50 === 0) o.progress(`  ${round + 1}/${o.warmup + o.samples} rounds`);
    }
    if (!overviewAnswer) throw new Error('GET /api/overview never answered 200');
    return {
      launchMs: Math.round(launchMs),
      launchStatus,
      endpoints: list.map((e, i) => ({
        name: e.name,
        samples: o.samples,
        statuses: times[i]!.statuses,
        serverMs: summarise(times[i]!.server),
        clientMs: summarise(times[i]!.client),
        bytes: summarise(times[i]!.bytes).p50,
        decodedBytes: summarise(times[i]!.decoded).p50,
        encodings: [...times[i]!.encodings].sort(),
      })),
      overviewAnswer,
    };
  } finally {
    agent.destroy();
    await platform.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await lti.close();
  }
}
