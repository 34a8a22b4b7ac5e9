/**
 * Hostile input to /xapi/statements (POST, PUT, GET): real Moodle statements with one node
 * mutated, valid batches with one mutated statement among them, random bodies, wrong content
 * types and versions, bad credentials, and query tricks. Every answer is below 500 with a
 * message; a refused request writes nothing (every table's row count unchanged), an accepted one
 * stores every statement it answers; /healthz answers after each property.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fc from 'fast-check';
import supertest from 'supertest';
import { BACKEND } from '../support/databases.js';
import { moodleStatement, STATEMENT_KINDS, type StatementKind } from '../support/moodle-statements.js';
import { learner, xapiWorld, type XapiWorld } from '../support/xapi-world.js';
import { assertAnswered, assertHealthy, changedTables, rowCounts } from './answer-checks.js';
import { FuzzTally, fuzzParameters } from './fuzz-runs.js';
import { anyJson, bodyOf, contentTypeArb, deepJson, hostileValue, jsonText, mutate, mutationArb, randomBody, type Json } from './json-mutations.js';
import { encode } from './path-tricks.js';
import { withBody } from './request-body.js';

const tally = new FuzzTally('xapi');
const VERSIONS = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom<string | undefined>('1.0.3', '2.0.0') },
  { weight: 1, arbitrary: fc.constantFrom<string | undefined>(undefined, '', '0.9', '1.0', '1.0.99', '2', '3.0.0', ' 1.0.3 ', '1.0.3, 2.0.0', 'x') },
);

describe(`fuzz: /xapi/statements (${BACKEND})`, () => {
  let x: XapiWorld;
  let auth: [string, string];

  before(async () => {
    x = await xapiWorld();
    await x.openCourse([learner('s1'), learner('s2')]);
    auth = [x.credential.key, x.credential.secret];
  });
  after(async () => {
    await x?.close();
    console.log(`    ${tally.line()}`);
  });

  /** A statement of `kind` by s1 or s2 an hour ago, unique by `key`. */
  const statement = (kind: StatementKind, key: number, user = 's1'): Json =>
    moodleStatement({ issuer: x.platform.issuer, contextId: 'course-1', userId: user, kind, at: x.w.clock.now().getTime() - 3600_000, objectKey: key }) as Json;

  // The rate limit refills with the frozen clock: a second per input keeps it from answering 429 to everything.
  const tick = () => x.w.clock.advance(1);

  const xapi = (method: 'post' | 'put' | 'get', path: string, version: string | undefined) => {
    const test = supertest(x.w.t.app)[method](path).auth(...auth);
    return version === undefined ? test : test.set('X-Experience-API-Version', version);
  };

  /** Checks the answer of a POST or PUT and what it left in the database. */
  async function checkStore(res: supertest.Response, before: Awaited<ReturnType<typeof rowCounts>>, what: string, putId?: string): Promise<void> {
    assertAnswered(res, 'json', what);
    const after = await rowCounts(x.w.t.db);
    if (res.status >= 300) {
      assert.deepEqual(changedTables(before, after), {}, `a refused request writes nothing: ${what}\n→ ${res.status} ${res.text.slice(0, 200)}`);
      return;
    }
    const ids = putId !== undefined ? [putId.toLowerCase()] : (res.body as string[]);
    assert.ok(Array.isArray(ids), `POST answers the ids: ${what}`);
    const stored = await x.rows(`select source_id from source_events where platform_id = $1 and source = 'xapi' and source_id = any($2::text[])`, [x.platformId, ids]);
    assert.equal(stored.length, new Set(ids).size, `every id answered is stored: ${what}`);
  }

  it('POST: a real statement with one node mutated, under any content type and version', async function () {
    this.timeout(120_000);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...STATEMENT_KINDS), fc.nat(), mutationArb, contentTypeArb, VERSIONS, async (kind, key, mutation, contentType, version) => {
        tick();
        tally.count('POST');
        const { text, what } = mutate(statement(kind, key), mutation);
        const before = await rowCounts(x.w.t.db);
        const res = await withBody(xapi('post', '/xapi/statements', version), text, contentType);
        await checkStore(res, before, `POST ${kind} ${what} (${contentType}, version ${version})`);
      }),
      fuzzParameters(120),
    );
    await assertHealthy(x.w.t.app);
  });

  it('POST: a valid batch with one mutated statement is stored whole or not at all', async function () {
    this.timeout(120_000);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...STATEMENT_KINDS), { minLength: 1, maxLength: 4 }), fc.nat(), fc.nat(), mutationArb, async (kinds, key, position, mutation) => {
        tick();
        tally.count('POST batch');
        const texts = kinds.map((kind, i) => jsonText(statement(kind, key * 10 + i, i % 2 ? 's2' : 's1')));
        const { text, what } = mutate(statement('resource', key * 10 + 9), mutation);
        texts.splice(position % (texts.length + 1), 0, text);
        const before = await rowCounts(x.w.t.db);
        const res = await withBody(xapi('post', '/xapi/statements', '1.0.3'), `[${texts.join(',')}]`, 'application/json');
        await checkStore(res, before, `POST batch ${kinds.join(',')} with ${what} at ${position % (texts.length)}`);
      }),
      fuzzParameters(50),
    );
    await assertHealthy(x.w.t.app);
  });

  it('POST: random bodies', async function () {
    this.timeout(120_000);
    await fc.assert(
      fc.asyncProperty(randomBody, contentTypeArb, async (body, contentType) => {
        tick();
        tally.count('POST');
        const before = await rowCounts(x.w.t.db);
        const res = await withBody(xapi('post', '/xapi/statements', '1.0.3'), bodyOf(body), contentType);
        await checkStore(res, before, `POST random ${body.kind} ${JSON.stringify(bodyOf(body)).slice(0, 120)} (${contentType})`);
      }),
      fuzzParameters(60),
    );
    await assertHealthy(x.w.t.app);
  });

  it('PUT: statementId tricks and mutated statements', async function () {
    this.timeout(120_000);
    const statementId = fc.oneof(
      { weight: 4, arbitrary: fc.uuid().map((id) => `statementId=${id}`) },
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          '',
          'statementId=',
          'statementId=not-a-uuid',
          `statementId=${crypto.randomUUID()}&statementId=${crypto.randomUUID()}`,
          `statementId[]=${crypto.randomUUID()}`,
          `statementId[__proto__]=${crypto.randomUUID()}`,
          `__proto__[statementId]=${crypto.randomUUID()}`,
          `statementId=${crypto.randomUUID()}%00`,
          `statementId=${'a'.repeat(10_000)}`,
          `statementId=${crypto.randomUUID()}&more=x`,
          `constructor=1&statementId=${crypto.randomUUID()}`,
        ),
      },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }).map((s) => `statementId=${encode(s)}`) },
    );
    await fc.assert(
      fc.asyncProperty(statementId, fc.option(mutationArb, { nil: undefined }), fc.nat(), async (query, mutation, key) => {
        tick();
        tally.count('PUT');
        const base = statement('activity', key);
        const { text, what } = mutation ? mutate(base, mutation) : { text: jsonText(base), what: 'valid' };
        const before = await rowCounts(x.w.t.db);
        const res = await withBody(xapi('put', `/xapi/statements?${query}`, '1.0.3'), text, 'application/json');
        const id = /^statementId=([0-9a-f-]{36})$/i.exec(query)?.[1];
        if (res.status === 204) assert.ok(id, `only a PUT with one UUID statementId is accepted: ${query}`);
        await checkStore(res, before, `PUT ?${query.slice(0, 100)} ${what}`, id);
      }),
      fuzzParameters(50),
    );
    await assertHealthy(x.w.t.app);
  });

  it('GET: parameters, repeated and bracketed names, prototype keys, forged more links', async function () {
    this.timeout(120_000);
    const names = fc.constantFrom(
      'statementId', 'voidedStatementId', 'agent', 'verb', 'activity', 'registration', 'related_activities', 'related_agents',
      'since', 'until', 'limit', 'format', 'attachments', 'ascending', 'more', '__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'STATEMENTID', 'x',
    );
    const values = fc.oneof(
      fc.constantFrom('true', 'false', '0', '1', '-1', '500', '99999999999999999999', 'exact', 'ids', 'canonical', '2026-01-01T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:60Z', crypto.randomUUID()),
      fc.constantFrom('{"mbox":"mailto:a@b.c"}', '{"account":{"homePage":"http://x","name":"s1"}}', '{"mbox":"mailto:a@b.c","openid":"http://x"}', '[]', '{"__proto__":{"a":1}}', 'http://id.tincanapi.com/verb/viewed'),
      hostileValue.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
      fc.string({ unit: 'binary', maxLength: 40 }),
      anyJson.map((v) => Buffer.from(jsonText(v)).toString('base64url')),
    );
    const part = fc.tuple(names, fc.constantFrom('', '[]', '[0]', '[__proto__]', '[a][b]'), values).map(([n, suffix, v]) => `${encode(n)}${suffix}=${encode(v)}`);
    await fc.assert(
      fc.asyncProperty(fc.array(part, { maxLength: 4 }), fc.option(fc.string({ maxLength: 30 }), { nil: undefined }), VERSIONS, async (parts, language, version) => {
        tick();
        tally.count('GET');
        const before = await rowCounts(x.w.t.db);
        const test = xapi('get', `/xapi/statements?${parts.join('&')}`, version);
        if (language !== undefined && /^[\x20-\x7e]*$/.test(language)) test.set('Accept-Language', language);
        const res = await test;
        assertAnswered(res, 'json', `GET ?${parts.join('&').slice(0, 200)}`);
        assert.deepEqual(changedTables(before, await rowCounts(x.w.t.db)), {});
      }),
      fuzzParameters(100),
    );
    await assertHealthy(x.w.t.app);
  });

  it('credentials and headers: wrong, foreign, revoked, malformed; nothing is read or written', async function () {
    this.timeout(60_000);
    const other = await x.client(x.platformId);
    await supertest(x.w.t.app).delete(`/admin/api/credentials/${other.credential.key}`).set('Authorization', 'Bearer test-admin-token-0123456789').expect(204);
    const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
    const authorization = fc.oneof(
      fc.constantFrom(
        '',
        'Basic',
        'Basic ',
        'Basic !!!',
        'Basic ' + Buffer.from('no-colon').toString('base64'),
        basic('', 'x'),
        basic(x.credential.key, ''),
        basic(x.credential.key, 'wrong'),
        basic(x.credential.key, `${x.credential.secret}x`),
        basic(`${x.credential.key}\u0000`, x.credential.secret),
        basic(other.credential.key, other.credential.secret),
        basic('a'.repeat(10_000), 'b'),
        `Bearer ${x.credential.key}`,
        `Bearer ${x.credential.key}:`,
        'Digest username="x"',
        'LTIK-AUTH-V1 Token=x',
      ),
      fc.string({ unit: 'binary', maxLength: 60 }).map((s) => basic(s, s)),
      fc.uint8Array({ maxLength: 40 }).map((b) => `Basic ${Buffer.from(b).toString('base64')}`),
    );
    await fc.assert(
      fc.asyncProperty(authorization, fc.constantFrom<'post' | 'put' | 'get'>('post', 'put', 'get'), async (header, method) => {
        tick();
        tally.count('credentials');
        const before = await rowCounts(x.w.t.db);
        const path = method === 'put' ? `/xapi/statements?statementId=${crypto.randomUUID()}` : '/xapi/statements';
        const test = supertest(x.w.t.app)[method](path).set('Authorization', header).set('X-Experience-API-Version', '1.0.3');
        const res = method === 'get' ? await test : await withBody(test, jsonText(statement('resource', 1)), 'application/json');
        assertAnswered(res, 'json', `${method} with Authorization ${header.slice(0, 80)}`);
        assert.equal(res.status, 401, `${header.slice(0, 80)}: ${res.status} ${res.text}`);
        assert.deepEqual(changedTables(before, await rowCounts(x.w.t.db)), {});
      }),
      fuzzParameters(40),
    );
    await assertHealthy(x.w.t.app);
  });

  it('counterexamples fuzzing found (each was a 500), kept as fixed cases', async () => {
    const moodle = statement('visit', 99) as Record<string, Record<string, unknown>>;
    const cases: Array<{ what: string; body: string; authorization?: string; status: number; error: string | RegExp }> = [
      {
        what: 'a NUL in a value (context.platform)',
        body: JSON.stringify({ ...moodle, context: { ...moodle.context, platform: '\u0000' } }),
        status: 400,
        error: 'context.platform contains a NUL character (U+0000), which cannot be stored',
      },
      {
        what: 'a NUL in a name, in a batch with a valid statement',
        body: JSON.stringify([statement('resource', 98), { ...moodle, context: { ...moodle.context, extensions: { 'http://x.example/e': [{ '': { '\u0000': 0 } }] } } }]),
        status: 400,
        error: 'a name in [1].context.extensions.http://x.example/e[0]. contains a NUL character (U+0000), which cannot be stored',
      },
      { what: 'a lone surrogate', body: JSON.stringify({ ...moodle, context: { ...moodle.context, platform: '\ud800' } }), status: 400, error: /^context\.platform contains a lone UTF-16 surrogate/ },
      { what: 'a key with a NUL in HTTP Basic (Basic ADoA is "\\0:\\0")', body: JSON.stringify(moodle), authorization: 'Basic ADoA', status: 401, error: 'unknown or revoked credentials' },
    ];
    for (const { what, body, authorization, status, error } of cases) {
      tally.count('fixed');
      const before = await rowCounts(x.w.t.db);
      const test = supertest(x.w.t.app).post('/xapi/statements').set('X-Experience-API-Version', '1.0.3');
      const res = await withBody(authorization ? test.set('Authorization', authorization) : test.auth(...auth), body, 'application/json');
      assert.equal(res.status, status, `${what}: ${res.text}`);
      if (typeof error === 'string') assert.equal((res.body as { error: string }).error, error, what);
      else assert.match((res.body as { error: string }).error, error, what);
      assert.deepEqual(changedTables(before, await rowCounts(x.w.t.db)), {}, what);
    }
  });

  it('fixed cases: oversized, 100,000 deep, bad encodings and charsets', async function () {
    this.timeout(60_000);
    const extension = (value: string) =>
      jsonText(statement('resource', 424242)).replace(/"extensions":\{/, `"extensions":{"http://example.edu/deep":${value},`);
    const cases: Array<{ what: string; body: string | Buffer; type?: string; headers?: Record<string, string>; status: number }> = [
      { what: 'a body over INGEST_MAX_BYTES', body: `[${Array(6000).fill(jsonText(statement('resource', 7))).join(',')}]`, type: 'application/json', status: 413 },
      { what: 'an extension 100,000 arrays deep', body: extension(deepJson(100_000, 'array')), type: 'application/json', status: 400 },
      { what: 'an extension 100,000 objects deep', body: extension(deepJson(100_000, 'object')), type: 'application/json', status: 400 },
      { what: 'an extension 5,000 deep', body: extension(deepJson(5_000, 'object')), type: 'application/json', status: 400 },
      { what: 'a body 200,000 arrays deep', body: deepJson(200_000, 'array'), type: 'application/json', status: 400 },
      { what: 'gzip that is not gzip', body: 'not gzip at all', type: 'application/json', headers: { 'Content-Encoding': 'gzip' }, status: 400 },
      { what: 'an unknown content encoding', body: '[]', type: 'application/json', headers: { 'Content-Encoding': 'compress-9000' }, status: 415 },
      // body-parser reads any UTF charset it is told: an empty batch in UTF-16 is accepted, storing nothing; others are 415.
      { what: 'UTF-16 declared', body: Buffer.from('\ufeff[]', 'utf16le'), type: 'application/json; charset=utf-16', status: 200 },
      { what: 'Latin-1 declared', body: '[]', type: 'application/json; charset=latin1', status: 415 },
      { what: 'invalid UTF-8', body: Buffer.from([0x5b, 0x22, 0xff, 0xfe, 0x22, 0x5d]), type: 'application/json', status: 400 },
      { what: 'a multipart/mixed without parts', body: '--abc--\r\n', type: 'multipart/mixed; boundary=abc', status: 400 },
      { what: 'a multipart/mixed with a garbage part', body: '--abc\r\nContent-Type: application/json\r\n\r\n{{{\r\n--abc--\r\n', type: 'multipart/mixed; boundary=abc', status: 400 },
    ];
    for (const { what, body, type, headers = {}, status } of cases) {
      tally.count('fixed');
      const before = await rowCounts(x.w.t.db);
      const res = await withBody(xapi('post', '/xapi/statements', '1.0.3').set(headers), body, type);
      assertAnswered(res, 'json', what);
      assert.equal(res.status, status, `${what}: ${res.status} ${res.text.slice(0, 200)}`);
      assert.deepEqual(changedTables(before, await rowCounts(x.w.t.db)), {}, what);
    }
    await assertHealthy(x.w.t.app);
  });
});
