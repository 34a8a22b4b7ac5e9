/**
 * Hostile input to the admin API (/admin/api/*): mutated platform registrations and credential
 * bodies, path tricks in platform ids and credential keys, query tricks on the audit log, wrong
 * content types, bad admin tokens. Every answer is below 500, a refusal is `{"error"}` and writes
 * nothing; an accepted registration or credential is listed whole afterwards; /healthz answers
 * after each property.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import supertest from 'supertest';
import { BACKEND } from '../support/databases.js';
import { TEST_ADMIN_TOKEN, testApp, type TestApp } from '../support/test-app.js';
import { assertAnswered, assertHealthy, changedTables, rowCounts } from './answer-checks.js';
import { FuzzTally, fuzzParameters } from './fuzz-runs.js';
import { bodyOf, contentTypeArb, mutate, mutationArb, randomBody, type Json } from './json-mutations.js';
import { queryArb, segmentArb } from './path-tricks.js';
import { withBody } from './request-body.js';

const tally = new FuzzTally('admin api');
const admin = { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const moodle = {
  issuer: 'https://moodle.example.edu',
  clientId: 'tool-client-1',
  name: 'Moodle at Example University',
  authUrl: 'https://moodle.example.edu/mod/lti/auth.php',
  tokenUrl: 'https://moodle.example.edu/mod/lti/token.php',
  jwksUrl: 'https://moodle.example.edu/mod/lti/certs.php',
};

describe(`fuzz: /admin/api (${BACKEND})`, () => {
  let t: TestApp;
  let platformId: string;

  before(async () => {
    t = await testApp();
    platformId = ((await supertest(t.app).post('/admin/api/platforms').set(admin).send(moodle).expect(201)).body as { id: string }).id;
  });
  after(async () => {
    await t?.close();
    console.log(`    ${tally.line()}`);
  });

  const platforms = async () => (await supertest(t.app).get('/admin/api/platforms').set(admin).expect(200)).body as Array<Record<string, unknown>>;

  it('POST /platforms: the registration of a platform CoursePulse has, with one node mutated', async function () {
    this.timeout(180_000);
    await fc.assert(
      fc.asyncProperty(mutationArb, contentTypeArb, async (mutation, contentType) => {
        tally.count('POST /platforms');
        const { text, what } = mutate(moodle as Json, mutation);
        const before = await rowCounts(t.db);
        const res = await withBody(supertest(t.app).post('/admin/api/platforms').set(admin), text, contentType);
        assertAnswered(res, 'json', `${what} (${contentType})`);
        if (res.status === 201) {
          const added = res.body as Record<string, unknown>;
          assert.deepEqual((await platforms()).find((p) => p.id === added.id), added, `an accepted registration is listed whole: ${what}`);
        } else {
          assert.deepEqual(changedTables(before, await rowCounts(t.db)), {}, `${what} → ${res.status} ${res.text}`);
        }
      }),
      fuzzParameters(60),
    );
    await assertHealthy(t.app);
  });

  it('platform ids and credential keys in the path: encoded slashes, dots, NUL, long, prototype names', async function () {
    this.timeout(120_000);
    const route = fc.constantFrom(
      ['post', '/admin/api/platforms/:s/activate'],
      ['post', '/admin/api/platforms/:s/deactivate'],
      ['post', '/admin/api/platforms/:s/credentials'],
      ['get', '/admin/api/platforms/:s/credentials'],
      ['delete', '/admin/api/credentials/:s'],
      ['get', '/admin/api/:s'],
      ['get', '/admin/api/platforms/:s'],
    ) as fc.Arbitrary<['post' | 'get' | 'delete', string]>;
    await fc.assert(
      fc.asyncProperty(route, segmentArb, async ([method, template], segment) => {
        tally.count('paths');
        const path = template.replace(':s', segment);
        const before = await rowCounts(t.db);
        const res = await supertest(t.app)[method](path).set(admin);
        assertAnswered(res, 'json', `${method.toUpperCase()} ${path.slice(0, 200)}`);
        if (res.status >= 300) assert.deepEqual(changedTables(before, await rowCounts(t.db)), {}, path);
      }),
      fuzzParameters(80),
    );
    await assertHealthy(t.app);
  });

  it('POST /platforms/:id/credentials: random and mutated bodies', async function () {
    this.timeout(120_000);
    const body = fc.oneof(
      mutationArb.map((m) => mutate({ label: 'Moodle log store' }, m)),
      randomBody.map((b) => ({ text: bodyOf(b), what: `random ${b.kind}` })),
    );
    await fc.assert(
      fc.asyncProperty(body, contentTypeArb, async ({ text, what }, contentType) => {
        tally.count('POST credentials');
        const before = await rowCounts(t.db);
        const res = await withBody(supertest(t.app).post(`/admin/api/platforms/${platformId}/credentials`).set(admin), text, contentType);
        assertAnswered(res, 'json', `${what} (${contentType})`);
        if (res.status === 201) {
          const listed = (await supertest(t.app).get(`/admin/api/platforms/${platformId}/credentials`).set(admin).expect(200)).body as Array<{ key: string; label: unknown }>;
          const made = res.body as { key: string; label: unknown; secret: unknown };
          assert.ok(typeof made.secret === 'string' && made.secret.length > 0);
          assert.deepEqual(listed.find((c) => c.key === made.key)?.label, made.label, `an accepted credential is listed: ${what}`);
        } else {
          assert.deepEqual(changedTables(before, await rowCounts(t.db)), {}, `${what} → ${res.status}`);
        }
      }),
      fuzzParameters(50),
    );
    await assertHealthy(t.app);
  });

  it('GET /audit: parameters repeated, bracketed, out of range, prototype names', async function () {
    this.timeout(120_000);
    await fc.assert(
      fc.asyncProperty(queryArb(['platform', 'course', 'student', 'since', 'until', 'limit', 'cursor']), async (query) => {
        tally.count('GET /audit');
        const res = await supertest(t.app).get(`/admin/api/audit?${query}`).set(admin);
        assertAnswered(res, 'json', `GET /admin/api/audit?${query.slice(0, 200)}`);
      }),
      fuzzParameters(60),
    );
    // Counterexamples fuzzing found: a cursor of year 33658 reached PostgreSQL as a time it cannot hold (a 500).
    const cursors = ['999999999999999-999999999999999999', '0-0', '8640000000000001-1', '1-99999999999999999'];
    const instants = ['0000-01-01T00:00:00Z', '9999-12-31T23:59:59-12:00', '2026-02-30T00:00:00Z', '-000001-01-01T00:00:00Z', '+275760-09-13T00:00:00Z'];
    const answers = [];
    for (const query of [...cursors.map((c) => `cursor=${c}`), ...instants.flatMap((i) => [`since=${encodeURIComponent(i)}`, `until=${encodeURIComponent(i)}`])]) {
      tally.count('GET /audit');
      const res = await supertest(t.app).get(`/admin/api/audit?${query}`).set(admin);
      assertAnswered(res, 'json', query);
      answers.push(`${query} ${res.status}`);
    }
    assert.deepEqual(answers, [
      'cursor=999999999999999-999999999999999999 400',
      'cursor=0-0 200',
      'cursor=8640000000000001-1 400',
      'cursor=1-99999999999999999 400',
      'since=0000-01-01T00%3A00%3A00Z 400',
      'until=0000-01-01T00%3A00%3A00Z 400',
      'since=9999-12-31T23%3A59%3A59-12%3A00 400',
      'until=9999-12-31T23%3A59%3A59-12%3A00 400',
      'since=2026-02-30T00%3A00%3A00Z 400',
      'until=2026-02-30T00%3A00%3A00Z 400',
      'since=-000001-01-01T00%3A00%3A00Z 400',
      'until=-000001-01-01T00%3A00%3A00Z 400',
      'since=%2B275760-09-13T00%3A00%3A00Z 400',
      'until=%2B275760-09-13T00%3A00%3A00Z 400',
    ]);
    await assertHealthy(t.app);
  });

  it('admin tokens: wrong, malformed, another scheme; nothing answered but 401', async function () {
    this.timeout(60_000);
    const header = fc.oneof(
      fc.constantFrom('', 'Bearer', 'Bearer ', `Bearer ${TEST_ADMIN_TOKEN}x`, `Bearer  ${TEST_ADMIN_TOKEN} x`, `Basic ${Buffer.from(`admin:${TEST_ADMIN_TOKEN}`).toString('base64')}`, `Bearer ${TEST_ADMIN_TOKEN.slice(0, -1)}`, `Bearer ${'x'.repeat(10_000)}`),
      fc.string({ maxLength: 60 }).map((s) => `Bearer ${s}`),
    );
    const route = fc.constantFrom<['get' | 'post' | 'delete', string]>(['get', '/admin/api/platforms'], ['post', '/admin/api/platforms'], ['get', '/admin/api/audit'], ['delete', '/admin/api/credentials/x'], ['post', `/admin/api/platforms/x/credentials`]);
    await fc.assert(
      fc.asyncProperty(header, route, async (authorization, [method, path]) => {
        tally.count('tokens');
        const before = await rowCounts(t.db);
        const res = await withBody(supertest(t.app)[method](path).set('Authorization', authorization), JSON.stringify(moodle), 'application/json');
        assertAnswered(res, 'json', `${authorization.slice(0, 60)} ${path}`);
        assert.equal(res.status, 401);
        assert.deepEqual(changedTables(before, await rowCounts(t.db)), {});
      }),
      fuzzParameters(30),
    );
    await assertHealthy(t.app);
  });

  it('fixed cases: a body over the limit, deep nesting, random bodies', async function () {
    this.timeout(60_000);
    const cases: Array<[string, string, number]> = [
      ['a body over 100 kB', JSON.stringify({ ...moodle, name: 'x'.repeat(200_000) }), 413],
      ['a body 40,000 arrays deep', '['.repeat(40_000) + ']'.repeat(40_000), 400],
      ['a body 15,000 objects deep', '{"a":'.repeat(15_000) + '1' + '}'.repeat(15_000), 400],
      ['a number for a body', '1', 400],
    ];
    for (const [what, body, status] of cases) {
      tally.count('fixed');
      const before = await rowCounts(t.db);
      const res = await withBody(supertest(t.app).post('/admin/api/platforms').set(admin), body, 'application/json');
      assertAnswered(res, 'json', what);
      assert.equal(res.status, status, `${what}: ${res.status} ${res.text.slice(0, 200)}`);
      assert.deepEqual(changedTables(before, await rowCounts(t.db)), {});
    }
    await assertHealthy(t.app);
  });
});
