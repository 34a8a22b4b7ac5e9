/**
 * Hostile input to POST /caliper: real Canvas and Blackboard envelopes (test/fixtures/caliper)
 * with one node mutated, random bodies, wrong content types and credentials. Every answer is
 * below 500 with `{"error"}` when refused; a refused envelope writes nothing, an accepted one
 * stores exactly the events its summary counts as stored; /healthz answers after each property.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import supertest from 'supertest';
import { BACKEND } from '../support/databases.js';
import { learner, xapiWorld, type XapiWorld } from '../support/xapi-world.js';
import { assertAnswered, assertHealthy, changedTables, rowCounts } from './answer-checks.js';
import { FuzzTally, fuzzParameters } from './fuzz-runs.js';
import { bodyOf, contentTypeArb, deepJson, jsonText, mutate, mutationArb, randomBody, type Json } from './json-mutations.js';
import { withBody } from './request-body.js';

const tally = new FuzzTally('caliper');
const FIXTURES = [
  'canvas-asset-accessed-wiki-page',
  'canvas-discussion-entry-created',
  'canvas-logged-in',
  'blackboard-view-content-file',
  'blackboard-group-assignment-started',
  'caliper-mixed-batch',
  'caliper-tool-launch-federated-session',
];
const fixture = (name: string): Json => JSON.parse(readFileSync(new URL(`../fixtures/caliper/${name}.json`, import.meta.url), 'utf8')) as Json;

/** The envelope with fresh event ids, so that an accepted mutation is a new event rather than a 409 re-send. */
function withFreshIds(envelope: Json): Json {
  const copy = JSON.parse(JSON.stringify(envelope)) as { data?: Array<Record<string, unknown>> };
  for (const event of copy.data ?? []) if (event && typeof event === 'object' && 'id' in event) event.id = `urn:uuid:${crypto.randomUUID()}`;
  return copy as Json;
}

describe(`fuzz: /caliper (${BACKEND})`, () => {
  let x: XapiWorld;
  const envelopes = new Map(FIXTURES.map((name) => [name, fixture(name)]));

  before(async () => {
    x = await xapiWorld();
    await x.openCourse([learner('s1')]);
  });
  after(async () => {
    await x?.close();
    console.log(`    ${tally.line()}`);
  });

  const tick = () => x.w.clock.advance(1);
  const post = () => supertest(x.w.t.app).post('/caliper').set('Authorization', `Bearer ${x.credential.key}:${x.credential.secret}`);
  const caliperRows = async () => Number((await x.rows(`select count(*)::int as n from source_events where source = 'caliper'`))[0]!.n);

  async function check(res: supertest.Response, before: Awaited<ReturnType<typeof rowCounts>>, storedBefore: number, what: string): Promise<void> {
    assertAnswered(res, 'json', what);
    if (res.status >= 300) {
      assert.deepEqual(changedTables(before, await rowCounts(x.w.t.db)), {}, `a refused envelope writes nothing: ${what}\n→ ${res.status} ${res.text.slice(0, 200)}`);
      return;
    }
    const summary = res.body as { received: number; stored: number };
    assert.equal((await caliperRows()) - storedBefore, summary.stored, `the events counted as stored are stored: ${what}`);
  }

  it('a real envelope with one node mutated, under any content type', async function () {
    this.timeout(120_000);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...FIXTURES), mutationArb, contentTypeArb, async (name, mutation, contentType) => {
        tick();
        tally.count('POST');
        const { text, what } = mutate(withFreshIds(envelopes.get(name)!), mutation);
        const [before, storedBefore] = [await rowCounts(x.w.t.db), await caliperRows()];
        const res = await withBody(post(), text, contentType);
        await check(res, before, storedBefore, `${name}: ${what} (${contentType})`);
      }),
      fuzzParameters(120),
    );
    await assertHealthy(x.w.t.app);
  });

  it('random bodies', async function () {
    this.timeout(60_000);
    await fc.assert(
      fc.asyncProperty(randomBody, contentTypeArb, async (body, contentType) => {
        tick();
        tally.count('POST');
        const [before, storedBefore] = [await rowCounts(x.w.t.db), await caliperRows()];
        const res = await withBody(post(), bodyOf(body), contentType);
        await check(res, before, storedBefore, `random ${body.kind} ${JSON.stringify(bodyOf(body)).slice(0, 120)} (${contentType})`);
      }),
      fuzzParameters(50),
    );
    await assertHealthy(x.w.t.app);
  });

  it('credentials: malformed, wrong, xAPI-style Basic; nothing written', async function () {
    this.timeout(60_000);
    const header = fc.oneof(
      fc.constantFrom('', 'Bearer', 'Bearer ', `Bearer ${x.credential.key}`, `Bearer ${x.credential.key}:wrong`, `Bearer :${x.credential.secret}`, `Bearer ${x.credential.key}:${x.credential.secret} extra`, 'Bearer a:b:c', `bearer\t${'k'.repeat(5000)}:s`),
      fc.string({ unit: 'binary', maxLength: 60 }).map((s) => `Bearer ${s}`).filter((s) => /^[\x20-\x7e]*$/.test(s)),
    );
    await fc.assert(
      fc.asyncProperty(header, async (authorization) => {
        tick();
        tally.count('credentials');
        const before = await rowCounts(x.w.t.db);
        const res = await withBody(supertest(x.w.t.app).post('/caliper').set('Authorization', authorization), jsonText(withFreshIds(envelopes.get(FIXTURES[0]!)!)), 'application/json');
        assertAnswered(res, 'json', `Authorization ${authorization.slice(0, 80)}`);
        assert.equal(res.status, 401, `${authorization.slice(0, 80)}: ${res.status}`);
        assert.deepEqual(changedTables(before, await rowCounts(x.w.t.db)), {});
      }),
      fuzzParameters(30),
    );
    await assertHealthy(x.w.t.app);
  });

  it('fixed cases: oversized, deeply nested events and envelopes', async function () {
    this.timeout(60_000);
    const base = jsonText(withFreshIds(envelopes.get('canvas-asset-accessed-wiki-page')!));
    const deepEvent = (depth: number) => base.replace('"extensions":{', `"extensions":{"deep":${deepJson(depth, 'object')},`);
    const cases: Array<{ what: string; body: string; status: number }> = [
      { what: 'an envelope over INGEST_MAX_BYTES', body: base.replace('"data":[', `"data":[${'{"x":1},'.repeat(700_000)}`), status: 413 },
      { what: 'an event extension 100,000 deep', body: deepEvent(100_000), status: 400 },
      { what: 'an event extension 5,000 deep', body: deepEvent(5_000), status: 400 },
      { what: 'data 100,000 arrays deep', body: base.replace(/"data":\[/, `"data":[${deepJson(100_000, 'array')},`), status: 400 },
    ];
    for (const { what, body, status } of cases) {
      tally.count('fixed');
      const before = await rowCounts(x.w.t.db);
      const res = await withBody(post(), body, 'application/json');
      assertAnswered(res, 'json', what);
      assert.equal(res.status, status, `${what}: ${res.status} ${res.text.slice(0, 200)}`);
      assert.deepEqual(changedTables(before, await rowCounts(x.w.t.db)), {}, what);
    }
    await assertHealthy(x.w.t.app);
  });
});
