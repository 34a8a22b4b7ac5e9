import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { createReadiness, type Readiness } from '../../src/observability/readiness.js';
import { BACKEND, processDatabaseEnv } from '../support/databases.js';
import { ServerProcess, buildIfNeeded, freePort } from '../support/server-process.js';
import { TEST_ADMIN_TOKEN, testApp, type TestApp } from '../support/test-app.js';

describe(`GET /healthz (${BACKEND})`, () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('answers ok while the database answers', async () => {
    const res = await request(t.app).get('/healthz').expect(200);
    assert.deepEqual(res.body, { status: 'ok' });
    assert.match(res.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
  });

  it('answers 503 when the database does not', async () => {
    await t.db.close();
    const res = await request(t.app).get('/healthz').expect(503);
    assert.deepEqual(res.body, { status: 'unavailable' });
  });

  it('keeps a sane request id given by a proxy, and replaces one that is not', async () => {
    const kept = await request(t.app).get('/healthz').set('X-Request-Id', 'lb-1234.abc');
    assert.equal(kept.headers['x-request-id'], 'lb-1234.abc');
    const replaced = await request(t.app).get('/healthz').set('X-Request-Id', '<script>');
    assert.match(replaced.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
  });

  it('answers an unknown path 404 with a JSON error', async () => {
    const res = await request(t.app).get('/nope').expect(404);
    assert.equal(res.body.error, 'no such resource: GET /nope');
  });
});

describe(`GET /readyz (${BACKEND})`, () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp();
  });
  afterEach(async () => {
    await t.close();
  });

  const READY = { status: 'ready', checks: { database: 'ok', migrations: 'ok', rebuild: 'ok', shutdown: 'ok' }, failing: [] };
  /** The app over the test's database, with a readiness the test drives as server.ts's start-up and shutdown do. */
  const appWith = (readiness: Readiness) => createApp({ db: t.db, lti: t.lti, adminToken: TEST_ADMIN_TOKEN, logger: t.logger, publicUrl: 'http://127.0.0.1', readiness });

  it('answers 200 naming every check when the app is ready', async () => {
    const res = await request(t.app).get('/readyz').expect(200).expect('Content-Type', /^application\/json/);
    assert.deepEqual(res.body, READY);
  });

  it('answers 503 until the migrations and the start-up rebuild are done, naming what is pending', async () => {
    const readiness = createReadiness();
    const app = appWith(readiness);
    assert.deepEqual((await request(app).get('/readyz').expect(503)).body, {
      status: 'not ready',
      checks: { database: 'ok', migrations: 'pending', rebuild: 'pending', shutdown: 'ok' },
      failing: ['migrations', 'rebuild'],
    });
    readiness.markMigrated();
    assert.deepEqual((await request(app).get('/readyz').expect(503)).body, {
      status: 'not ready',
      checks: { database: 'ok', migrations: 'ok', rebuild: 'pending', shutdown: 'ok' },
      failing: ['rebuild'],
    });
    readiness.markRebuilt();
    assert.deepEqual((await request(app).get('/readyz').expect(200)).body, READY);
    // Liveness is another question: alive while not ready.
    await request(app).get('/healthz').expect(200);
  });

  it('answers 503 from the moment shutdown begins, while /healthz still answers ok', async () => {
    const readiness = createReadiness({ started: true });
    const app = appWith(readiness);
    await request(app).get('/readyz').expect(200);
    readiness.markDraining();
    assert.deepEqual((await request(app).get('/readyz').expect(503)).body, {
      status: 'not ready',
      checks: { database: 'ok', migrations: 'ok', rebuild: 'ok', shutdown: 'draining' },
      failing: ['shutdown'],
    });
    assert.deepEqual((await request(app).get('/healthz').expect(200)).body, { status: 'ok' });
  });

  it('answers 503 naming the database when it does not answer', async () => {
    await t.db.close();
    assert.deepEqual((await request(t.app).get('/readyz').expect(503)).body, {
      status: 'not ready',
      checks: { database: 'unavailable', migrations: 'ok', rebuild: 'ok', shutdown: 'ok' },
      failing: ['database'],
    });
  });
});

describe(`/readyz of the running server (${BACKEND})`, function () {
  this.timeout(120_000);
  let env: { DATA_DIR: string; DATABASE_URL?: string };
  let server: ServerProcess | undefined;

  before(() => buildIfNeeded());
  beforeEach(async () => {
    env = await processDatabaseEnv();
  });
  afterEach(async () => {
    await server?.stop('SIGKILL');
    server = undefined;
    fs.rmSync(env.DATA_DIR, { recursive: true, force: true });
  });

  it('is ready once listening, opens /metrics with METRICS_TOKEN, logs no probe, and answers 503 "draining" to a request that reaches it after SIGTERM', async () => {
    const port = await freePort();
    const metricsToken = 'metrics-token-0123456789';
    const s = (server = ServerProcess.start({ ...env, PORT: String(port), LOG_LEVEL: 'info', METRICS_TOKEN: metricsToken }));
    await s.healthy(60_000);
    // METRICS_TOKEN opens /metrics; on a PostgreSQL server it shows the pool.
    const metrics = await fetch(`${s.url}/metrics`, { headers: { Authorization: `Bearer ${metricsToken}` } });
    assert.equal(metrics.status, 200);
    const families = [...(await metrics.text()).matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]);
    assert.equal(families.includes('coursepulse_db_pool_connections'), BACKEND === 'postgres');
    assert.ok(families.includes('coursepulse_http_requests_total'));
    assert.equal((await fetch(`${s.url}/metrics`)).status, 401);
    const ready = await fetch(`${s.url}/readyz`);
    assert.deepEqual({ status: ready.status, body: await ready.json() }, {
      status: 200,
      body: { status: 'ready', checks: { database: 'ok', migrations: 'ok', rebuild: 'ok', shutdown: 'ok' }, failing: [] },
    });
    await fetch(`${s.url}/nope`);

    // A request already arriving when the signal comes (its first bytes sent): the server finishes
    // it while it drains, and it answers what a balancer must hear then.
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    let answer = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write('GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await new Promise((resolve) => setTimeout(resolve, 200));
    s.child.kill('SIGTERM');
    while (!s.logs().some((line) => String(line.msg).startsWith('stopping'))) await new Promise((resolve) => setTimeout(resolve, 20));
    socket.write('Connection: close\r\n\r\n');
    await ended;
    const [head, body] = answer.split('\r\n\r\n');
    assert.match(head!, /^HTTP\/1\.1 503 Service Unavailable\r\n/);
    assert.deepEqual(JSON.parse(body!), {
      status: 'not ready',
      checks: { database: 'ok', migrations: 'ok', rebuild: 'ok', shutdown: 'draining' },
      failing: ['shutdown'],
    });
    assert.deepEqual(await s.exited, { code: 0, signal: null });
    server = undefined;

    // Probes are not logged per request; other requests are.
    const urls = s.logs().flatMap((line) => ((line.req as { url?: string } | undefined)?.url ? [(line.req as { url: string }).url] : []));
    assert.deepEqual(urls, ['/metrics', '/metrics', '/nope']);
  });
});
