/**
 * Overload as a real process meets it (MAX_CONCURRENT_REQUESTS=2, MAX_QUEUED_REQUESTS=1): two
 * requests are worked on at once, the next waits its turn and is served when one ends, and one
 * more is answered 503 with Retry-After at once, as JSON or as a page; a client that leaves while
 * waiting leaves the queue; the probes answer all the while and /metrics shows both counts; a
 * burst far beyond the bounds leaves the process up and serving.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { BACKEND, processDatabaseEnv } from './support/databases.js';
import { ServerProcess, buildIfNeeded, freePort } from './support/server-process.js';

const ADMIN_TOKEN = 'load-shedding-admin-token-0123';
const BUSY = 'CoursePulse is busy (2 requests in progress, 1 waiting); retry in 1 s';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type RequestInit = { method?: string; headers?: http.OutgoingHttpHeaders };

/**
 * One request on a connection of its own (no agent: each stays in flight independently), whose
 * answer may be awaited later and whose client can leave before it comes.
 */
function pendingRequest(url: string, init: RequestInit = {}): { answered: Promise<Answer>; settled(): boolean; leave(): void } {
  let settled = false;
  let req!: http.ClientRequest;
  const answered = new Promise<Answer>((resolve, reject) => {
    req = http.request(url, { method: init.method ?? 'GET', headers: init.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  }).finally(() => (settled = true));
  return { answered, settled: () => settled, leave: () => req.destroy() };
}

/** One request, its answer awaited. */
const request = (url: string, init: RequestInit = {}): Promise<Answer> => pendingRequest(url, init).answered;

/**
 * An admin request whose JSON body arrives only when `finish` is called: until then the server
 * waits for it inside the route (the body parser), so the request is in flight.
 */
function heldRequest(base: string): { finish(): Promise<Answer> } {
  const body = JSON.stringify({ issuer: 'not a url' });
  let answered!: Promise<Answer>;
  const req = http.request(`${base}/admin/api/platforms`, {
    method: 'POST',
    agent: false,
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
  });
  answered = new Promise((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
  });
  req.write(body.slice(0, 1));
  return {
    finish() {
      req.end(body.slice(1));
      return answered;
    },
  };
}

describe(`overload: MAX_CONCURRENT_REQUESTS and MAX_QUEUED_REQUESTS (${BACKEND})`, function () {
  this.timeout(120_000);
  let env: { DATA_DIR: string; DATABASE_URL?: string };
  let server: ServerProcess;
  const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };

  /** The admission counts /metrics shows now: [in progress, waiting]. */
  async function admissionCounts(): Promise<[number, number]> {
    const { body } = await request(`${server.url}/metrics`, { headers: auth });
    const read = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(body)?.[1]);
    return [read('coursepulse_http_requests_in_progress'), read('coursepulse_http_requests_queued')];
  }

  /** Waits until /metrics shows `counts` (the server reads a request's head a moment after it is sent). */
  async function until(counts: [number, number]): Promise<void> {
    let seen = await admissionCounts();
    for (let tries = 0; tries < 200 && (seen[0] !== counts[0] || seen[1] !== counts[1]); tries++) {
      await new Promise((r) => setTimeout(r, 20));
      seen = await admissionCounts();
    }
    assert.deepEqual(seen, counts, '[in progress, waiting]');
  }

  before(async () => {
    buildIfNeeded();
    env = await processDatabaseEnv();
    server = ServerProcess.start({ ...env, PORT: String(await freePort()), LOG_LEVEL: 'warn', ADMIN_TOKEN, MAX_CONCURRENT_REQUESTS: '2', MAX_QUEUED_REQUESTS: '1' });
    await server.healthy(60_000);
  });
  after(async () => {
    await server?.stop('SIGKILL');
    fs.rmSync(env.DATA_DIR, { recursive: true, force: true });
  });

  it('works on two at once, holds the next until one ends, answers 503 with Retry-After beyond that, and serves the probes meanwhile', async () => {
    assert.equal((await request(`${server.url}/xapi/about`)).status, 200);
    await until([0, 0]);

    const held = [heldRequest(server.url), heldRequest(server.url)];
    await until([2, 0]);
    const waiting = pendingRequest(`${server.url}/xapi/about`);
    await until([2, 1]);

    const refused = await request(`${server.url}/xapi/about`);
    const { requestId, ...json } = JSON.parse(refused.body) as { requestId: unknown };
    assert.deepEqual({ status: refused.status, retryAfter: refused.headers['retry-after'], type: refused.headers['content-type'], json }, {
      status: 503,
      retryAfter: '1',
      type: 'application/json; charset=utf-8',
      json: { error: BUSY },
    });
    assert.equal(typeof requestId, 'string');

    const page = await request(`${server.url}/admin`, { headers: { Accept: 'text/html' } });
    assert.deepEqual({ status: page.status, retryAfter: page.headers['retry-after'], type: page.headers['content-type'] }, {
      status: 503,
      retryAfter: '1',
      type: 'text/html; charset=utf-8',
    });
    assert.ok(page.body.includes(`<p>${BUSY}.</p>`), page.body);

    // The probes are neither counted, queued nor refused.
    const probes = await Promise.all([request(`${server.url}/healthz`), request(`${server.url}/readyz`), request(`${server.url}/metrics`, { headers: auth })]);
    assert.deepEqual(probes.map((p) => p.status), [200, 200, 200]);
    // A refused request is counted like any other answer, under the label of requests no route took.
    assert.match(probes[2]!.body, /^coursepulse_http_requests_total\{route="\(unmatched\)",method="GET",status_class="5xx"\} [1-9]\d*$/m);

    // The waiting request is still waiting; it is served once a held one ends, and the held ones get their own answers.
    assert.equal(waiting.settled(), false);
    assert.equal((await held[0]!.finish()).status, 400);
    assert.equal((await waiting.answered).status, 200);
    assert.equal((await held[1]!.finish()).status, 400);
    await until([0, 0]);
    assert.equal((await request(`${server.url}/xapi/about`)).status, 200);
  });

  it('takes a client that leaves while waiting out of the queue, so the next one waits in its place', async () => {
    const held = [heldRequest(server.url), heldRequest(server.url)];
    await until([2, 0]);
    const leaving = pendingRequest(`${server.url}/xapi/about`);
    leaving.answered.catch(() => undefined);
    await until([2, 1]);
    leaving.leave();
    await until([2, 0]);

    const next = pendingRequest(`${server.url}/xapi/about`);
    await until([2, 1]);
    await Promise.all(held.map((h) => h.finish()));
    assert.equal((await next.answered).status, 200);
    await until([0, 0]);
  });

  it('stays up through a burst far beyond the bounds, every answer a 200 or a 503 with Retry-After', async () => {
    const answers = await Promise.all(Array.from({ length: 200 }, () => request(`${server.url}/xapi/about`)));
    const kinds = new Set(answers.map((a) => (a.status === 503 ? `503 Retry-After ${String(a.headers['retry-after'])}` : String(a.status))));
    assert.deepEqual([...kinds].filter((k) => k !== '200' && k !== '503 Retry-After 1'), []);
    assert.ok(answers.some((a) => a.status === 200));
    assert.equal(server.child.exitCode, null, 'the process is still running');
    await until([0, 0]);
    assert.equal((await request(`${server.url}/healthz`)).status, 200);
    assert.equal((await request(`${server.url}/xapi/about`)).status, 200);
    assert.deepEqual(await server.stop(), { code: 0, signal: null });
  });
});
