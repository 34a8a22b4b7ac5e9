/**
 * Hostile input to the admin page's forms (/admin/*): sign-in bodies of any shape and type,
 * forged, expired and tampered session cookies, foreign origins, path tricks in platform ids and
 * credential keys, labels of any kind. Every answer is below 500 and says something; a refusal
 * writes nothing; /healthz answers after each property.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fc from 'fast-check';
import supertest from 'supertest';
import { TestClock } from '../support/clock.js';
import { BACKEND } from '../support/databases.js';
import { TEST_ADMIN_TOKEN, testApp, type TestApp } from '../support/test-app.js';
import { assertAnswered, assertHealthy, changedTables, rowCounts } from './answer-checks.js';
import { FuzzTally, fuzzParameters } from './fuzz-runs.js';
import { bodyOf, contentTypeArb, randomBody } from './json-mutations.js';
import { encode, queryValueArb, segmentArb } from './path-tricks.js';
import { withBody } from './request-body.js';

const tally = new FuzzTally('admin page');
const PUBLIC_URL = 'https://pulse.example.edu';

describe(`fuzz: the admin page (${BACKEND})`, () => {
  let t: TestApp;
  let clock: TestClock;
  let platformId: string;
  let cookie: string;
  let credentialKey: string;

  before(async () => {
    clock = new TestClock('2026-03-02T09:00:00.000Z');
    t = await testApp({ publicUrl: PUBLIC_URL, now: clock.now });
    const registration = {
      issuer: 'https://moodle.example.edu',
      clientId: 'client-1',
      name: 'Moodle',
      authUrl: 'https://moodle.example.edu/mod/lti/auth.php',
      tokenUrl: 'https://moodle.example.edu/mod/lti/token.php',
      jwksUrl: 'https://moodle.example.edu/mod/lti/certs.php',
    };
    const admin = { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
    platformId = (await supertest(t.app).post('/admin/api/platforms').set(admin).send(registration).expect(201)).body.id;
    credentialKey = (await supertest(t.app).post(`/admin/api/platforms/${platformId}/credentials`).set(admin).send({}).expect(201)).body.key;
    const signedIn = await supertest(t.app).post('/admin/sign-in').type('form').send({ token: TEST_ADMIN_TOKEN }).expect(303);
    cookie = String(signedIn.headers['set-cookie']).split(';')[0]!;
  });
  after(async () => {
    await t?.close();
    console.log(`    ${tally.line()}`);
  });

  const sessionCookie = () =>
    fc.oneof(
      fc.constant(cookie),
      fc.constant(cookie),
      fc.constantFrom(
        '',
        'coursepulse_admin=',
        'coursepulse_admin=.',
        `coursepulse_admin=${Date.now() + 3600_000}.${'A'.repeat(43)}`,
        `coursepulse_admin=1.${cookie.split('.')[1] ?? ''}`,
        `coursepulse_admin=9007199254740993.${cookie.split('.')[1] ?? ''}`,
        `coursepulse_admin=${cookie.split('=')[1]}x`,
        `coursepulse_admin=${cookie.split('=')[1]}; coursepulse_admin=x`,
        `coursepulse_admin=${'9'.repeat(400)}.x`,
        `coursepulse_admin=-1.${crypto.createHmac('sha256', 'wrong-token-0123456789').update('admin-session:-1').digest('base64url')}`,
      ),
      fc.string({ maxLength: 40 }).map((s) => `coursepulse_admin=${encode(s)}`),
    );
  const origin = fc.constantFrom<string | undefined>(undefined, undefined, PUBLIC_URL, 'https://evil.example', 'null', `${PUBLIC_URL}.evil.example`, 'http://pulse.example.edu');

  it('sign-in: any body, any type', async function () {
    this.timeout(120_000);
    const body = fc.oneof(
      fc.constantFrom(`token=${TEST_ADMIN_TOKEN}`, `token=${TEST_ADMIN_TOKEN}&token=x`, `token[]=${TEST_ADMIN_TOKEN}`, `token[__proto__]=${TEST_ADMIN_TOKEN}`, 'token=', `token=${'x'.repeat(20_000)}`, `token=${TEST_ADMIN_TOKEN}%00`),
      queryValueArb.map((v) => `token=${v}`),
      randomBody.map(bodyOf),
    );
    await fc.assert(
      fc.asyncProperty(body, contentTypeArb.map((c) => (c === 'application/json' ? 'application/x-www-form-urlencoded' : c)), origin, async (text, contentType, from) => {
        tally.count('sign-in');
        const test = supertest(t.app).post('/admin/sign-in').redirects(0);
        if (from !== undefined) test.set('Origin', from);
        const res = await withBody(test, text, contentType);
        assertAnswered(res, 'any', `sign-in ${String(text).slice(0, 80)} (${contentType}, origin ${from})`);
        if (res.status === 303) assert.ok(text === `token=${TEST_ADMIN_TOKEN}` || String(text).startsWith(`token=${TEST_ADMIN_TOKEN}&`), `only the admin token signs in: ${text}`);
      }),
      fuzzParameters(50),
    );
    await assertHealthy(t.app);
  });

  it('forms: path tricks, labels of any kind, forged cookies, foreign origins', async function () {
    this.timeout(120_000);
    const form = fc.constantFrom(
      '/admin/platforms/:id/credentials',
      '/admin/platforms/:id/activate',
      '/admin/platforms/:id/deactivate',
      '/admin/credentials/:key/revoke',
      '/admin/sign-out',
    );
    const segment = fc.oneof(segmentArb, fc.constant('PLATFORM'), fc.constant('CREDENTIAL'));
    const label = fc.oneof(queryValueArb.map((v) => `label=${v}`), fc.constantFrom('', 'label[]=x', 'label[__proto__]=x', 'label=a&label=b', `label=${'l'.repeat(300)}`));
    await fc.assert(
      fc.asyncProperty(form, segment, label, sessionCookie(), origin, async (template, rawSegment, body, session, from) => {
        tally.count('forms');
        const id = rawSegment === 'PLATFORM' ? platformId : rawSegment === 'CREDENTIAL' ? credentialKey : rawSegment;
        const path = template.replace(':id', id).replace(':key', id);
        const before = await rowCounts(t.db);
        const test = supertest(t.app).post(path).redirects(0);
        if (session) test.set('Cookie', session);
        if (from !== undefined) test.set('Origin', from);
        const res = await withBody(test, body, 'application/x-www-form-urlencoded');
        const what = `POST ${path.slice(0, 120)} ${body.slice(0, 60)} cookie ${session.slice(0, 60)} origin ${from}`;
        assertAnswered(res, 'any', what);
        if (res.status >= 400) assert.deepEqual(changedTables(before, await rowCounts(t.db)), {}, what);
        const signedIn = session === cookie || session.startsWith(`${cookie};`);
        if (res.status < 400 && !signedIn) assert.ok(path === '/admin/sign-out', `only a signed-in admin changes anything: ${what} → ${res.status}`);
      }),
      fuzzParameters(80),
    );
    await assertHealthy(t.app);
  });
});
