/**
 * GET /metrics: who may read it, that it is the Prometheus text format a scraper reads (checked
 * by an independent strict reader, test/support/prometheus-text.ts), and that its counters move
 * by exactly what real requests did — statements over xAPI, a Caliper envelope, launches, the
 * roster refresher — with route templates for labels, never the URL's ids.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import supertest from 'supertest';
import { createApp } from '../../src/app.js';
import { startRosterRefresher } from '../../src/lti/roster-refresher.js';
import { MetricsRegistry } from '../../src/observability/metrics-registry.js';
import { createTelemetry } from '../../src/observability/telemetry.js';
import { BACKEND } from '../support/databases.js';
import { ltikOf } from '../support/lti-world.js';
import { counterIncreases, parseExposition, type Exposition } from '../support/prometheus-text.js';
import { instructor, students } from '../support/roster-members.js';
import { TEST_ADMIN_TOKEN } from '../support/test-app.js';
import { CLAIMS, DEFAULT_CONTEXT, ROLES, type ContextClaim } from '../support/test-platform.js';
import { xapiWorld, type XapiWorld } from '../support/xapi-world.js';

const VIEWED = 'http://id.tincanapi.com/verb/viewed';

/** A statement of `student-001` naming no course, at `minute` past 09:00. */
function statement(minute: number): Record<string, unknown> {
  return {
    actor: { objectType: 'Agent', account: { homePage: 'https://lms.example.edu', name: 'student-001' } },
    verb: { id: VIEWED, display: { en: 'viewed' } },
    object: { id: `https://lms.example.edu/page/${minute}`, definition: { type: 'https://w3id.org/xapi/acrossx/activities/page' } },
    timestamp: `2026-03-02T09:${String(minute).padStart(2, '0')}:00.000Z`,
  };
}

describe(`GET /metrics (${BACKEND})`, () => {
  let x: XapiWorld;
  beforeEach(async () => {
    x = await xapiWorld();
  });
  afterEach(async () => {
    await x.close();
  });

  const scrape = async (app = x.w.t.app): Promise<Exposition> => {
    const res = await supertest(app).get('/metrics').set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).expect(200);
    assert.equal(res.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    return parseExposition(res.text);
  };
  /** The series key of a sample, labels in the order the family declares them. */
  const series = (name: string, labels: Record<string, string>): string =>
    `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}}`;
  const requests = (route: string, method: string, statusClass: string) => series('coursepulse_http_requests_total', { route, method, status_class: statusClass });
  const timed = (route: string, method: string) => series('coursepulse_http_request_duration_seconds_count', { route, method });
  /** The scrape before the work, as the second scrape counts it. */
  const METRICS_SCRAPE = { [requests('/metrics', 'GET', '2xx')]: 1, [timed('/metrics', 'GET')]: 1 };

  it('answers 401 without a token or with a wrong one, and 200 with the admin token or METRICS_TOKEN', async () => {
    const metricsToken = 'metrics-token-0123456789';
    const { db, lti, logger } = x.w.t;
    const app = createApp({ db, lti, adminToken: TEST_ADMIN_TOKEN, logger, publicUrl: x.w.tool.url, metricsToken });
    const none = await supertest(app).get('/metrics').expect(401);
    assert.deepEqual(
      { body: none.body.error, challenge: none.headers['www-authenticate'] },
      { body: 'missing token: send "Authorization: Bearer <metrics token or admin token>"', challenge: 'Bearer realm="coursepulse-metrics"' },
    );
    assert.equal((await supertest(app).get('/metrics').set('Authorization', 'Bearer not-the-token-at-all').expect(401)).body.error, 'wrong token for /metrics');
    // A platform's ingest credential opens ingestion, not the figures.
    assert.equal((await supertest(app).get('/metrics').set('Authorization', `Bearer ${x.credential.key}:${x.credential.secret}`).expect(401)).body.error, 'wrong token for /metrics');
    await supertest(app).get('/metrics').set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).expect(200);
    await supertest(app).get('/metrics').set('Authorization', `Bearer ${metricsToken}`).expect(200);
    // Without METRICS_TOKEN set, that token opens nothing.
    await supertest(x.w.t.app).get('/metrics').set('Authorization', `Bearer ${metricsToken}`).expect(401);
  });

  it('is the text exposition format: HELP and TYPE for every family, every sample in a declared one, cumulative histograms ending in +Inf', async () => {
    await x.post([statement(1)]).expect(200);
    await supertest(x.w.t.app).get('/nope').expect(404);
    const exposition = await scrape();
    // Every family CoursePulse declares, with its type; the pool's only on a PostgreSQL server.
    const types = Object.fromEntries([...exposition.families].map(([name, f]) => [name, f.type]));
    assert.deepEqual(types, {
      coursepulse_http_requests_total: 'counter',
      coursepulse_http_request_duration_seconds: 'histogram',
      coursepulse_ingest_events_total: 'counter',
      coursepulse_ingest_not_counted_total: 'counter',
      coursepulse_ingest_rejected_requests_total: 'counter',
      coursepulse_ingest_rejected_items_total: 'counter',
      coursepulse_roster_refresh_passes_total: 'counter',
      coursepulse_roster_refresh_courses_total: 'counter',
      coursepulse_http_requests_in_progress: 'gauge',
      coursepulse_http_requests_queued: 'gauge',
      ...(BACKEND === 'postgres'
        ? {
            coursepulse_db_pool_connections: 'gauge',
            coursepulse_db_pool_idle_connections: 'gauge',
            coursepulse_db_pool_waiting_requests: 'gauge',
            coursepulse_db_pool_max_connections: 'gauge',
          }
        : {}),
      process_resident_memory_bytes: 'gauge',
      nodejs_heap_size_total_bytes: 'gauge',
      nodejs_heap_size_used_bytes: 'gauge',
      nodejs_external_memory_bytes: 'gauge',
      process_start_time_seconds: 'gauge',
      coursepulse_uptime_seconds: 'gauge',
      nodejs_eventloop_lag_p50_seconds: 'gauge',
      nodejs_eventloop_lag_p99_seconds: 'gauge',
      nodejs_eventloop_lag_max_seconds: 'gauge',
    });
    for (const [name, family] of exposition.families) assert.ok(family.help.length > 10, `${name} has a HELP text`);

    // One request's histogram, whole: 12 buckets, cumulative, ending in +Inf = _count = 1.
    const buckets = [...exposition.samples].filter(([key]) => key.startsWith('coursepulse_http_request_duration_seconds_bucket{route="/xapi/statements",method="POST"'));
    assert.deepEqual(
      buckets.map(([key]) => /le="([^"]+)"/.exec(key)![1]),
      ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'],
    );
    assert.equal(buckets.at(-1)![1], 1);
    assert.equal(exposition.samples.get(timed('/xapi/statements', 'POST')), 1);
    const sum = exposition.samples.get(series('coursepulse_http_request_duration_seconds_sum', { route: '/xapi/statements', method: 'POST' }))!;
    assert.ok(sum > 0 && sum < 60, String(sum));
    // A path no route answers is one label, whatever the path.
    assert.equal(exposition.samples.get(requests('(unmatched)', 'GET', '4xx')), 1);

    // The scrape is a probe, neither in progress nor waiting; nothing else is under way.
    assert.deepEqual([exposition.samples.get('coursepulse_http_requests_in_progress'), exposition.samples.get('coursepulse_http_requests_queued')], [0, 0]);

    // The process's figures are real readings.
    for (const name of ['process_resident_memory_bytes', 'nodejs_heap_size_total_bytes', 'nodejs_heap_size_used_bytes', 'coursepulse_uptime_seconds']) {
      assert.ok(exposition.samples.get(name)! > 0, name);
    }
    assert.ok(Math.abs(exposition.samples.get('process_start_time_seconds')! + process.uptime() - Date.now() / 1000) < 5);
    for (const name of ['nodejs_eventloop_lag_p50_seconds', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_eventloop_lag_max_seconds']) {
      assert.ok(exposition.samples.get(name)! >= 0, name);
    }
    if (BACKEND === 'postgres') {
      // test/support/databases.ts opens test databases with a pool of 4; nothing waits between requests.
      const pool = (name: string) => exposition.samples.get(`coursepulse_db_pool_${name}`)!;
      assert.equal(pool('max_connections'), 4);
      assert.equal(pool('waiting_requests'), 0);
      assert.ok(pool('connections') >= 1 && pool('connections') <= 4 && pool('idle_connections') === pool('connections'), JSON.stringify([pool('connections'), pool('idle_connections')]));
    }
  });

  it('counts xAPI statements stored, duplicates, the refused requests by status, and what waits for its course', async () => {
    const before = await scrape();
    await x.post([statement(1), statement(2), statement(3)]).expect(200);
    // The same three again: duplicates, nothing stored.
    await x.post([statement(1), statement(2), statement(3)]).expect(200);
    // One bad statement refuses its whole batch.
    await x.post([statement(4), { ...statement(5), actor: { mbox: 'sam@example.edu' } }]).expect(400);
    // A wrong credential is refused before any route: labelled by the /xapi mount.
    await supertest(x.w.t.app).post('/xapi/statements').set('X-Experience-API-Version', '1.0.3').auth(x.credential.key, 'wrong').send([statement(6)]).expect(401);
    // Reads are not ingest: a GET's 404 is no rejected statement.
    await x.get({ statementId: '5b7e0d4c-0000-4000-8000-000000000000' }).expect(404);
    const after = await scrape();

    assert.deepEqual(counterIncreases(before, after), {
      ...METRICS_SCRAPE,
      [requests('/xapi/statements', 'POST', '2xx')]: 2,
      [requests('/xapi/statements', 'POST', '4xx')]: 1,
      [requests('/xapi/*', 'POST', '4xx')]: 1,
      [requests('/xapi/statements', 'GET', '4xx')]: 1,
      [timed('/xapi/statements', 'POST')]: 3,
      [timed('/xapi/*', 'POST')]: 1,
      [timed('/xapi/statements', 'GET')]: 1,
      [series('coursepulse_ingest_events_total', { source: 'xapi', outcome: 'stored' })]: 3,
      [series('coursepulse_ingest_events_total', { source: 'xapi', outcome: 'duplicate' })]: 3,
      // They name no course of this platform: stored, not counted.
      [series('coursepulse_ingest_not_counted_total', { source: 'xapi', reason: 'no-course' })]: 3,
      [series('coursepulse_ingest_rejected_requests_total', { source: 'xapi', status: '400' })]: 1,
      [series('coursepulse_ingest_rejected_requests_total', { source: 'xapi', status: '401' })]: 1,
    });
  });

  it('counts a Caliper envelope: events stored, unusable items by reason, and a refused envelope by status', async () => {
    const envelope = JSON.parse(readFileSync(new URL('../fixtures/caliper/caliper-mixed-batch.json', import.meta.url), 'utf8')) as object;
    const caliper = () => supertest(x.w.t.app).post('/caliper').set('Authorization', `Bearer ${x.credential.key}:${x.credential.secret}`);
    const before = await scrape();
    await caliper().send(envelope).expect(200);
    await caliper().send({ ...envelope, dataVersion: 'http://purl.imsglobal.org/ctx/caliper/v1p0' }).expect(422);
    await caliper().set('Content-Type', 'text/plain').send('not json').expect(415);
    const after = await scrape();

    assert.deepEqual(counterIncreases(before, after), {
      ...METRICS_SCRAPE,
      [requests('/caliper', 'POST', '2xx')]: 1,
      [requests('/caliper', 'POST', '4xx')]: 2,
      [timed('/caliper', 'POST')]: 3,
      [series('coursepulse_ingest_events_total', { source: 'caliper', outcome: 'stored' })]: 3,
      [series('coursepulse_ingest_not_counted_total', { source: 'caliper', reason: 'course-not-launched' })]: 3,
      [series('coursepulse_ingest_rejected_items_total', { source: 'caliper', reason: 'not-an-event' })]: 2,
      [series('coursepulse_ingest_rejected_items_total', { source: 'caliper', reason: 'bad-event-time' })]: 1,
      [series('coursepulse_ingest_rejected_items_total', { source: 'caliper', reason: 'malformed-event' })]: 1,
      [series('coursepulse_ingest_rejected_requests_total', { source: 'caliper', status: '422' })]: 1,
      [series('coursepulse_ingest_rejected_requests_total', { source: 'caliper', status: '415' })]: 1,
    });
  });

  it('labels requests by route template, never by the ids in the URL, and counts a student\'s launch as activity', async () => {
    const context: ContextClaim = { ...DEFAULT_CONTEXT, id: 'metrics-course' };
    x.platform.setMembers(context, [instructor, ...students(1)]);
    const before = await scrape();
    const teacher = await x.platform.launch(supertest.agent(x.w.t.app), { context });
    assert.equal(teacher.response.status, 200);
    const ltik = ltikOf(teacher.response.text);
    const student = await x.platform.launch(supertest.agent(x.w.t.app), { context, sub: 'student-001', roles: [ROLES.learner] });
    assert.equal(student.response.status, 403);
    await supertest(x.w.t.app).get('/api/students/student-001').set('Authorization', `Bearer ${ltik}`).expect(200);
    await supertest(x.w.t.app).get('/api/students/nobody-42').set('Authorization', `Bearer ${ltik}`).expect(404);
    const after = await scrape();

    assert.deepEqual(counterIncreases(before, after), {
      ...METRICS_SCRAPE,
      // Each launch: the login (redirect to the platform), then the id_token POST.
      [requests('/lti/login', 'GET', '3xx')]: 2,
      [requests('/lti/launch', 'POST', '2xx')]: 1,
      [requests('/lti/launch', 'POST', '4xx')]: 1,
      [requests('/api/students/:userId', 'GET', '2xx')]: 1,
      [requests('/api/students/:userId', 'GET', '4xx')]: 1,
      [timed('/lti/login', 'GET')]: 2,
      [timed('/lti/launch', 'POST')]: 2,
      [timed('/api/students/:userId', 'GET')]: 2,
      [series('coursepulse_ingest_events_total', { source: 'launch', outcome: 'stored' })]: 1,
    });
    const text = (await supertest(x.w.t.app).get('/metrics').set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`)).text;
    assert.ok(!text.includes('student-001') && !text.includes('nobody-42') && !text.includes(ltik.slice(0, 20)), 'no id of a URL in a label');
  });

  it('counts the roster refresher\'s passes and the courses it synced or failed', async () => {
    const telemetry = createTelemetry({ db: x.w.t.db });
    const good: ContextClaim = { ...DEFAULT_CONTEXT, id: 'roster-good' };
    const broken: ContextClaim = { ...DEFAULT_CONTEXT, id: 'roster-broken' };
    x.platform.setMembers(good, [instructor, ...students(2)]);
    await x.w.launch({ context: good });
    await x.w.launch({ context: broken, claims: { [CLAIMS.namesRoles]: { context_memberships_url: `${x.platform.issuer}/nrps/unknown`, service_versions: ['2.0'] } } });
    const refresher = startRosterRefresher(x.w.deps(), { intervalMinutes: 15, tickSeconds: 3600, onPass: telemetry.rosterPass });
    try {
      const before = parseExposition(telemetry.registry.expose());
      assert.deepEqual(await refresher.runOnce(), { synced: 1, failed: 1, takenElsewhere: 0 });
      // Nothing is due any more: a pass that reads nothing still counts as a pass.
      assert.deepEqual(await refresher.runOnce(), { synced: 0, failed: 0, takenElsewhere: 0 });
      assert.deepEqual(counterIncreases(before, parseExposition(telemetry.registry.expose())), {
        [series('coursepulse_roster_refresh_passes_total', { outcome: 'completed' })]: 2,
        [series('coursepulse_roster_refresh_courses_total', { outcome: 'synced' })]: 1,
        [series('coursepulse_roster_refresh_courses_total', { outcome: 'failed' })]: 1,
      });
    } finally {
      await refresher.stop();
    }
  });
  it('counts a request the client gave up on as aborted, and a method nothing routes as OTHER', async () => {
    const before = await scrape();
    // A statement body announced but never finished: the client goes away while it is read.
    const aborted = http.request(`${x.w.tool.url}/xapi/statements`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Content-Length': '1000',
        'X-Experience-API-Version': '1.0.3',
        Authorization: `Basic ${Buffer.from(`${x.credential.key}:${x.credential.secret}`).toString('base64')}`,
      },
    });
    aborted.on('error', () => undefined);
    aborted.write('[{"actor":');
    await new Promise((resolve) => setTimeout(resolve, 300));
    aborted.destroy();
    const propfind = await new Promise<number>((resolve, reject) => {
      http.request(`${x.w.tool.url}/healthz`, { method: 'PROPFIND' }, (res) => resolve(res.resume().statusCode!)).on('error', reject).end();
    });
    assert.equal(propfind, 404);
    // The server sees the client go when its socket closes: wait for it, at most 5 s.
    const abortedKey = requests('/xapi/*', 'POST', 'aborted');
    let after = await scrape();
    for (let waited = 0; !after.samples.has(abortedKey) && waited < 5000; waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await scrape();
    }
    const moved = counterIncreases(before, after);
    // The scrapes made while waiting count too: take them out.
    const scrapes = moved[requests('/metrics', 'GET', '2xx')]!;
    assert.ok(scrapes >= 1);
    assert.deepEqual(moved, {
      [requests('/metrics', 'GET', '2xx')]: scrapes,
      [timed('/metrics', 'GET')]: scrapes,
      [abortedKey]: 1,
      [timed('/xapi/*', 'POST')]: 1,
      [requests('(unmatched)', 'OTHER', '4xx')]: 1,
      [timed('(unmatched)', 'OTHER')]: 1,
    });
  });
});

describe('the exposition format and its reader', () => {
  it('escapes HELP texts and label values so that they read back as written', () => {
    const registry = new MetricsRegistry();
    const counter = registry.counter({ name: 'odd_total', help: 'A help text with a \\ and a\nline feed.', labelNames: ['what'] });
    counter.inc({ what: 'a "quoted" \\ back\nslash' }, 2);
    registry.histogram({ name: 'took_seconds', help: 'Durations.', buckets: [0.1, 1] }).observe({}, 0.5);
    const text = registry.expose();
    assert.equal(
      text,
      [
        '# HELP odd_total A help text with a \\\\ and a\\nline feed.',
        '# TYPE odd_total counter',
        'odd_total{what="a \\"quoted\\" \\\\ back\\nslash"} 2',
        '# HELP took_seconds Durations.',
        '# TYPE took_seconds histogram',
        'took_seconds_bucket{le="0.1"} 0',
        'took_seconds_bucket{le="1"} 1',
        'took_seconds_bucket{le="+Inf"} 1',
        'took_seconds_sum 0.5',
        'took_seconds_count 1',
        '',
      ].join('\n'),
    );
    assert.deepEqual([...parseExposition(text).samples.keys()].slice(0, 1), ['odd_total{what="a \\"quoted\\" \\\\ back\\nslash"}']);
    assert.throws(() => counter.inc({ what: 'x' }, -1), /can only go up/);
    assert.throws(() => counter.inc({} as { what: string }), /takes the labels \[what\]/);
  });

  const head = '# HELP h_seconds H.\n# TYPE h_seconds histogram\n';
  const refused: Array<[string, string, RegExp]> = [
    ['a sample of no declared family', 'x 1\n', /sample of no declared family/],
    ['TYPE without HELP', '# TYPE x counter\nx_total 1\n', /TYPE without HELP/],
    ['buckets that are not cumulative', `${head}h_seconds_bucket{le="1"} 2\nh_seconds_bucket{le="+Inf"} 1\nh_seconds_sum 1\nh_seconds_count 1\n`, /not cumulative/],
    ['buckets without +Inf', `${head}h_seconds_bucket{le="1"} 1\nh_seconds_sum 1\nh_seconds_count 1\n`, /not le="\+Inf"/],
    ['a histogram without _count', `${head}h_seconds_bucket{le="+Inf"} 1\nh_seconds_sum 1\n`, /_sum or _count missing/],
    ['a counter below 0', '# HELP c_total C.\n# TYPE c_total counter\nc_total -1\n', /counter below 0/],
    ['no final line feed', '# HELP c_total C.\n# TYPE c_total counter\nc_total 1', /line feed/],
  ];
  for (const [what, text, error] of refused) {
    it(`the test reader refuses ${what}`, () => {
      assert.throws(() => parseExposition(text), error);
    });
  }
});
