/**
 * Overload as a real process meets it (MAX_CONCURRENT_REQUESTS=2): requests beyond the bound are
 * answered 503 with Retry-After at once, as JSON or as a page; the probes answer all the while;
 * requests within the bound, and those after the load is gone, pass; a burst far beyond the
 * bound leaves the process up and serving.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import { BACKEND, processDatabaseEnv } from './support/databases.js';
import { ServerProcess, buildIfNeeded, freePort } from './support/server-process.js';

const ADMIN_TOKEN = 'load-shedding-admin-token-0123';
const BUSY = 'CoursePulse is busy (2 requests in progress); retry in 1 s';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request on a connection of its own (no agent: each stays in flight independently). */
function request(url: string, init: { method?: string; headers?: http.OutgoingHttpHeaders } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', headers: init.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

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

describe(`overload: MAX_CONCURRENT_REQUESTS (${BACKEND})`, function () {
  this.timeout(120_000);
  let env: { DATA_DIR: string; DATABASE_URL?: string };
  let server: ServerProcess;

  before(async () => {
    buildIfNeeded();
    env = await processDatabaseEnv();
    server = ServerProcess.start({ ...env, PORT: String(await freePort()), LOG_LEVEL: 'warn', ADMIN_TOKEN, MAX_CONCURRENT_REQUESTS: '2' });
    await server.healthy(60_000);
  });
  after(async () => {
    await server?.stop('SIGKILL');
    fs.rmSync(env.DATA_DIR, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After beyond the bound, serves the probes meanwhile, and passes requests again once there is room', async () => {
    const within = await request(`${server.url}/xapi/about`);
    assert.equal(within.status, 200);

    const held = [heldRequest(server.url), heldRequest(server.url)];
    // The two are in flight once the server has read their heads: until then a request passes.
    let refused: Answer | undefined;
    for (let tries = 0; tries < 100 && !refused; tries++) {
      const answer = await request(`${server.url}/xapi/about`);
      if (answer.status === 503) refused = answer;
      else await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(refused, 'a third request should be refused while two are in flight');
    const { requestId, ...json } = JSON.parse(refused.body) as { requestId: unknown };
    assert.deepEqual({ retryAfter: refused.headers['retry-after'], type: refused.headers['content-type'], json }, {
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

    // The probes are neither counted nor refused.
    const auth = { Authorization: `Bearer ${ADMIN_TOKEN}` };
    const probes = await Promise.all([request(`${server.url}/healthz`), request(`${server.url}/readyz`), request(`${server.url}/metrics`, { headers: auth })]);
    assert.deepEqual(probes.map((p) => p.status), [200, 200, 200]);
    // A refused request is counted like any other answer, under the label of requests no route took.
    assert.match(probes[2]!.body, /^coursepulse_http_requests_total\{route="\(unmatched\)",method="GET",status_class="5xx"\} [1-9]\d*$/m);

    // The held requests were served all along: their answers are their own (an invalid platform).
    const answers = await Promise.all(held.map((h) => h.finish()));
    assert.deepEqual(answers.map((a) => a.status), [400, 400]);
    assert.equal((await request(`${server.url}/xapi/about`)).status, 200);
  });

  it('stays up through a burst far beyond the bound, every answer a 200 or a 503 with Retry-After', async () => {
    const answers = await Promise.all(Array.from({ length: 200 }, () => request(`${server.url}/xapi/about`)));
    const kinds = new Set(answers.map((a) => (a.status === 503 ? `503 Retry-After ${String(a.headers['retry-after'])}` : String(a.status))));
    assert.deepEqual([...kinds].filter((k) => k !== '200' && k !== '503 Retry-After 1'), []);
    assert.ok(answers.some((a) => a.status === 200));
    assert.equal(server.child.exitCode, null, 'the process is still running');
    assert.equal((await request(`${server.url}/healthz`)).status, 200);
    assert.equal((await request(`${server.url}/xapi/about`)).status, 200);
    assert.deepEqual(await server.stop(), { code: 0, signal: null });
  });
});
