import assert from 'node:assert/strict';
import request from 'supertest';
import { hashSecret } from '../../src/ingest/credential-secret.js';
import { BACKEND } from '../support/databases.js';
import { TestClock } from '../support/clock.js';
import { TEST_ADMIN_TOKEN, testApp, type TestApp } from '../support/test-app.js';

const PUBLIC_URL = 'https://pulse.example.edu';
const moodle = {
  issuer: 'https://moodle.example.edu',
  clientId: 'client-1',
  name: 'Moodle',
  authUrl: 'https://moodle.example.edu/mod/lti/auth.php',
  tokenUrl: 'https://moodle.example.edu/mod/lti/token.php',
  jwksUrl: 'https://moodle.example.edu/mod/lti/certs.php',
};

describe(`the admin page (${BACKEND})`, () => {
  let t: TestApp;
  let clock: TestClock;
  let platformId: string;

  async function signIn(): Promise<string> {
    const res = await request(t.app).post('/admin/sign-in').type('form').send({ token: TEST_ADMIN_TOKEN }).expect(303);
    assert.equal(res.headers.location, '/admin');
    const cookie = String(res.headers['set-cookie']);
    assert.match(cookie, /^coursepulse_admin=\d+\.[A-Za-z0-9_-]+; Max-Age=28800; Path=\/admin; Expires=[^;]+; HttpOnly; Secure; SameSite=Strict$/);
    return cookie.split(';')[0]!;
  }

  beforeEach(async () => {
    clock = new TestClock('2026-03-02T09:00:00.000Z');
    t = await testApp({ publicUrl: PUBLIC_URL, now: clock.now });
    platformId = (await request(t.app).post('/admin/api/platforms').set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).send(moodle).expect(201)).body.id;
  });
  afterEach(async () => {
    await t.close();
  });

  it('asks for the admin token, and refuses a wrong one', async () => {
    const page = await request(t.app).get('/admin').expect(200);
    assert.match(page.text, /Sign in with the admin token/);
    assert.ok(!page.text.includes('Moodle'));
    const wrong = await request(t.app).post('/admin/sign-in').type('form').send({ token: 'nope' }).expect(401);
    assert.match(wrong.text, /That is not the admin token\./);
    assert.equal(wrong.headers['set-cookie'], undefined);
  });

  it('shows the URLs to give an LMS, the platforms and the xAPI endpoint once signed in', async () => {
    const cookie = await signIn();
    const page = await request(t.app).get('/admin').set('Cookie', cookie).expect(200);
    assert.equal(page.headers['cache-control'], 'no-store');
    for (const text of [
      `<code>${PUBLIC_URL}/lti/register</code>`,
      `<code>${PUBLIC_URL}/lti/login</code>`,
      `<code>${PUBLIC_URL}/lti/launch</code>`,
      `<code>${PUBLIC_URL}/lti/keys</code>`,
      `<code>${PUBLIC_URL}/xapi/</code>`,
      '<h3>Moodle <span class="source">active</span></h3>',
      'None yet: this LMS cannot send activity.',
    ]) {
      assert.ok(page.text.includes(text), text);
    }
  });

  it('makes a credential and shows its secret once, revokes it, and (de)activates the platform', async () => {
    const cookie = await signIn();
    const made = await request(t.app).post(`/admin/platforms/${platformId}/credentials`).set('Cookie', cookie).type('form').send({ label: 'log store' }).expect(201);
    const key = /Key \(username\)<\/dt><dd><code>([^<]+)<\/code>/.exec(made.text)?.[1];
    const secret = /Secret \(password\)<\/dt><dd><code>([^<]+)<\/code>/.exec(made.text)?.[1];
    assert.ok(key && secret);
    assert.deepEqual(await t.db.query('select key, platform_id, label, secret_hash from ingest_credentials'), [
      { key, platform_id: platformId, label: 'log store', secret_hash: hashSecret(secret) },
    ]);
    const later = await request(t.app).get('/admin').set('Cookie', cookie);
    assert.ok(!later.text.includes(secret), 'the secret is shown once');
    assert.ok(later.text.includes(`<code>${key}</code> · log store`));

    await request(t.app).post(`/admin/credentials/${key}/revoke`).set('Cookie', cookie).type('form').send({}).expect(303);
    assert.match((await request(t.app).get('/admin').set('Cookie', cookie)).text, /never used · revoked/);
    await request(t.app).post(`/admin/platforms/${platformId}/deactivate`).set('Cookie', cookie).type('form').send({}).expect(303);
    assert.equal(await (await t.lti.provider.getPlatformById(platformId) || assert.fail()).platformActive(), false);
  });

  it('changes nothing without a session, from another site, or once the session has expired', async () => {
    const anonymous = await request(t.app).post(`/admin/platforms/${platformId}/credentials`).type('form').send({}).expect(401);
    assert.match(anonymous.text, /Sign in to change anything\./);
    const cookie = await signIn();
    await request(t.app)
      .post(`/admin/platforms/${platformId}/credentials`)
      .set({ Cookie: cookie, Origin: 'https://evil.example.com' })
      .type('form')
      .send({})
      .expect(403);
    clock.advance(8 * 3600);
    await request(t.app).post(`/admin/platforms/${platformId}/deactivate`).set('Cookie', cookie).type('form').send({}).expect(401);
    assert.match((await request(t.app).get('/admin').set('Cookie', cookie)).text, /Sign in with the admin token/);
    assert.deepEqual(await t.db.query('select * from ingest_credentials'), []);
    assert.equal(await (await t.lti.provider.getPlatformById(platformId) || assert.fail()).platformActive(), true);
  });
});
