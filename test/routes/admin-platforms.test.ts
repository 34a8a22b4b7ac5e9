import assert from 'node:assert/strict';
import request from 'supertest';
import { BACKEND } from '../support/databases.js';
import { TEST_ADMIN_TOKEN, testApp, type TestApp } from '../support/test-app.js';

const auth = { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const moodle = {
  issuer: 'https://moodle.example.edu',
  clientId: 'tool-client-1',
  name: 'Moodle at Example University',
  authUrl: 'https://moodle.example.edu/mod/lti/auth.php',
  tokenUrl: 'https://moodle.example.edu/mod/lti/token.php',
  jwksUrl: 'https://moodle.example.edu/mod/lti/certs.php',
};

describe(`admin API: platforms (${BACKEND})`, () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp();
  });
  afterEach(async () => {
    await t.close();
  });

  describe('refuses without the admin token', () => {
    const calls = [
      ['get', '/admin/api/platforms'],
      ['post', '/admin/api/platforms'],
      ['post', '/admin/api/platforms/abc/activate'],
      ['post', '/admin/api/platforms/abc/deactivate'],
    ] as const;
    for (const [method, path] of calls) {
      it(`${method.toUpperCase()} ${path}: 401 when the token is missing or wrong`, async () => {
        const missing = await request(t.app)[method](path).send(method === 'post' ? moodle : undefined);
        assert.equal(missing.status, 401);
        assert.equal(missing.body.error, 'missing admin token: send "Authorization: Bearer <admin token>"');
        assert.equal(missing.headers['www-authenticate'], 'Bearer realm="coursepulse-admin"');
        const wrong = await request(t.app)[method](path).set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}x`);
        assert.equal(wrong.status, 401);
        assert.equal(wrong.body.error, 'wrong admin token');
        const basic = await request(t.app)[method](path).set('Authorization', `Basic ${Buffer.from(`admin:${TEST_ADMIN_TOKEN}`).toString('base64')}`);
        assert.equal(basic.status, 401);
      });
    }
    it('writes nothing when refused', async () => {
      await request(t.app).post('/admin/api/platforms').set('Authorization', 'Bearer nope').send(moodle).expect(401);
      assert.deepEqual(await t.lti.provider.getAllPlatforms(), []);
    });
  });

  it('lists no platforms on a new installation', async () => {
    const res = await request(t.app).get('/admin/api/platforms').set(auth).expect(200);
    assert.deepEqual(res.body, []);
  });

  it('registers a platform by hand, lists it, deactivates and activates it', async () => {
    const created = await request(t.app).post('/admin/api/platforms').set(auth).send(moodle).expect(201);
    const { id } = created.body as { id: string };
    assert.match(id, /^[0-9a-f]{32}$/);
    const platform = { id, issuer: moodle.issuer, clientId: moodle.clientId, name: moodle.name, active: true };
    assert.deepEqual(created.body, platform);
    assert.deepEqual((await request(t.app).get('/admin/api/platforms').set(auth).expect(200)).body, [platform]);

    const off = await request(t.app).post(`/admin/api/platforms/${id}/deactivate`).set(auth).expect(200);
    assert.deepEqual(off.body, { ...platform, active: false });
    assert.deepEqual((await request(t.app).get('/admin/api/platforms').set(auth)).body, [{ ...platform, active: false }]);
    const on = await request(t.app).post(`/admin/api/platforms/${id}/activate`).set(auth).expect(200);
    assert.deepEqual(on.body, platform);

    // ltijs itself sees the registration: its endpoints and key set are the ones given.
    const stored = await t.lti.provider.getPlatformById(id);
    assert.ok(stored);
    assert.equal(await stored.platformAuthEndpoint(), moodle.authUrl);
    assert.equal(await stored.platformAccessTokenEndpoint(), moodle.tokenUrl);
    assert.deepEqual(await stored.platformAuthConfig(), { method: 'JWK_SET', key: moodle.jwksUrl });
  });

  it("keeps the LMS's OAuth2 audience when one is given (Brightspace), else uses the token URL", async () => {
    const plain = await request(t.app).post('/admin/api/platforms').set(auth).send(moodle).expect(201);
    const brightspace = await request(t.app)
      .post('/admin/api/platforms')
      .set(auth)
      .send({ ...moodle, issuer: 'https://school.brightspace.com', authServer: 'https://api.brightspace.com/auth/token' })
      .expect(201);
    assert.equal(await (await t.lti.provider.getPlatformById(plain.body.id) || assert.fail()).platformAuthorizationServer(), moodle.tokenUrl);
    assert.equal(
      await (await t.lti.provider.getPlatformById(brightspace.body.id) || assert.fail()).platformAuthorizationServer(),
      'https://api.brightspace.com/auth/token',
    );
  });

  it('refuses to register the same issuer and client id twice, and keeps the first', async () => {
    const first = await request(t.app).post('/admin/api/platforms').set(auth).send(moodle).expect(201);
    const again = await request(t.app)
      .post('/admin/api/platforms')
      .set(auth)
      .send({ ...moodle, name: 'Impostor', authUrl: 'https://evil.example.com/auth' })
      .expect(409);
    assert.equal(
      again.body.error,
      `a platform with issuer ${moodle.issuer} and client id ${moodle.clientId} is already registered (id ${first.body.id})`,
    );
    const stored = await t.lti.provider.getPlatformById(first.body.id);
    assert.ok(stored);
    assert.equal(await stored.platformName(), moodle.name);
    assert.equal(await stored.platformAuthEndpoint(), moodle.authUrl);
  });

  it('tells what is wrong with an invalid registration, and stores nothing', async () => {
    const res = await request(t.app)
      .post('/admin/api/platforms')
      .set(auth)
      .send({ ...moodle, issuer: 'moodle.example.edu', jwksUrl: 'ftp://x', name: '  ', extra: 1 })
      .expect(400);
    assert.equal(
      res.body.error,
      'invalid platform: issuer: must be an http:// or https:// URL; name: must not be empty; jwksUrl: must be an http:// or https:// URL; Unrecognized key: "extra"',
    );
    const missing = await request(t.app).post('/admin/api/platforms').set(auth).send({ issuer: moodle.issuer }).expect(400);
    assert.equal(
      missing.body.error,
      'invalid platform: clientId: is required; name: is required; authUrl: must be an http:// or https:// URL; tokenUrl: must be an http:// or https:// URL; jwksUrl: must be an http:// or https:// URL',
    );
    assert.deepEqual(await t.lti.provider.getAllPlatforms(), []);
  });

  it('answers 400 to a body that is not JSON, and 415 to one that is not declared JSON', async () => {
    const broken = await request(t.app)
      .post('/admin/api/platforms')
      .set(auth)
      .set('Content-Type', 'application/json')
      .send('{"issuer": ')
      .expect(400);
    assert.equal(broken.body.error, 'the request body is not valid JSON');
    const form = await request(t.app).post('/admin/api/platforms').set(auth).type('form').send({ issuer: 'x' }).expect(415);
    assert.equal(form.body.error, 'send the request body as JSON (Content-Type: application/json)');
  });

  it('answers 404 for a platform id that does not exist', async () => {
    for (const id of ['0123456789abcdef0123456789abcdef', '..%2F..%2Fetc', 'x'.repeat(300)]) {
      const res = await request(t.app).post(`/admin/api/platforms/${id}/activate`).set(auth).expect(404);
      assert.match(res.body.error, /^no platform with id /);
    }
  });
});
