import assert from 'node:assert/strict';
import express from 'express';
import request from 'supertest';
import { hashSecret } from '../../src/ingest/credential-secret.js';
import { errorHandler } from '../../src/routes/http-error.js';
import { ingestIdentityOf, requireIngestCredential } from '../../src/routes/require-ingest-credential.js';
import { BACKEND } from '../support/databases.js';
import { TestClock } from '../support/clock.js';
import { TEST_ADMIN_TOKEN, testApp, type TestApp } from '../support/test-app.js';

const auth = { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const registration = (n: number) => ({
  issuer: `https://lms${n}.example.edu`,
  clientId: `client-${n}`,
  name: `LMS ${n}`,
  authUrl: `https://lms${n}.example.edu/auth`,
  tokenUrl: `https://lms${n}.example.edu/token`,
  jwksUrl: `https://lms${n}.example.edu/jwks`,
});

describe(`ingest credentials (${BACKEND})`, () => {
  let t: TestApp;
  let clock: TestClock;
  let platformId: string;

  /** A tiny app behind the credential check, answering who it authenticated. */
  const guarded = () =>
    express()
      .get('/who', requireIngestCredential(t.db, clock.now), (_req, res) => res.json(ingestIdentityOf(res)))
      .use(errorHandler);
  const basic = (key: string, secret: string) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

  beforeEach(async () => {
    clock = new TestClock('2026-03-02T09:00:00.000Z');
    t = await testApp({ publicUrl: 'https://pulse.example.edu', now: clock.now });
    platformId = (await request(t.app).post('/admin/api/platforms').set(auth).send(registration(1)).expect(201)).body.id;
  });
  afterEach(async () => {
    await t.close();
  });

  it('makes a credential whose secret is shown once and stored only as a hash', async () => {
    const made = await request(t.app).post(`/admin/api/platforms/${platformId}/credentials`).set(auth).send({ label: 'Moodle log store' }).expect(201);
    const { key, secret } = made.body as { key: string; secret: string };
    assert.match(key, /^cpk_[A-Za-z0-9_-]{16}$/);
    assert.match(secret, /^[A-Za-z0-9_-]{43}$/);
    assert.deepEqual(made.body, {
      key,
      platformId,
      label: 'Moodle log store',
      createdAt: '2026-03-02T09:00:00.000Z',
      revokedAt: null,
      lastUsedAt: null,
      secret,
      endpoint: 'https://pulse.example.edu/xapi/',
      caliperEndpoint: 'https://pulse.example.edu/caliper',
    });
    assert.deepEqual(await t.db.query('select key, secret_hash from ingest_credentials'), [{ key, secret_hash: hashSecret(secret) }]);
    const listed = await request(t.app).get(`/admin/api/platforms/${platformId}/credentials`).set(auth).expect(200);
    assert.deepEqual(listed.body, [{ key, platformId, label: 'Moodle log store', createdAt: '2026-03-02T09:00:00.000Z', revokedAt: null, lastUsedAt: null }]);
  });

  it('authenticates with Basic (xAPI) or Bearer key:secret (Caliper), as the platform of the credential, until revoked', async () => {
    const { key, secret } = (await request(t.app).post(`/admin/api/platforms/${platformId}/credentials`).set(auth).send({}).expect(201)).body;
    const who = await request(guarded()).get('/who').set('Authorization', basic(key, secret)).expect(200);
    assert.deepEqual(who.body, { platformId, credentialKey: key });
    await request(guarded()).get('/who').set('Authorization', `Bearer ${key}:${secret}`).expect(200);
    const listed = await request(t.app).get(`/admin/api/platforms/${platformId}/credentials`).set(auth);
    assert.equal(listed.body[0].lastUsedAt, '2026-03-02T09:00:00.000Z');

    const wrong = await request(guarded()).get('/who').set('Authorization', basic(key, `${secret}x`)).expect(401);
    assert.deepEqual(wrong.body.error, 'unknown or revoked credentials');
    assert.equal(wrong.headers['www-authenticate'], 'Basic realm="coursepulse-xapi"');
    const missing = await request(guarded()).get('/who').expect(401);
    assert.equal(missing.body.error, 'missing credentials: send HTTP Basic auth with an ingest key and secret');

    clock.advance(60);
    await request(t.app).delete(`/admin/api/credentials/${key}`).set(auth).expect(204);
    await request(guarded()).get('/who').set('Authorization', basic(key, secret)).expect(401);
    const after = await request(t.app).get(`/admin/api/platforms/${platformId}/credentials`).set(auth);
    assert.equal(after.body[0].revokedAt, '2026-03-02T09:01:00.000Z');
  });

  it("keeps platforms apart: a credential authenticates as its own platform only", async () => {
    const other = (await request(t.app).post('/admin/api/platforms').set(auth).send(registration(2)).expect(201)).body.id;
    const a = (await request(t.app).post(`/admin/api/platforms/${platformId}/credentials`).set(auth).send({}).expect(201)).body;
    const b = (await request(t.app).post(`/admin/api/platforms/${other}/credentials`).set(auth).send({}).expect(201)).body;
    assert.equal((await request(guarded()).get('/who').set('Authorization', basic(a.key, a.secret))).body.platformId, platformId);
    assert.equal((await request(guarded()).get('/who').set('Authorization', basic(b.key, b.secret))).body.platformId, other);
    // A's key with B's secret is nobody.
    await request(guarded()).get('/who').set('Authorization', basic(a.key, b.secret)).expect(401);
    assert.deepEqual((await request(t.app).get(`/admin/api/platforms/${other}/credentials`).set(auth)).body.map((c: { key: string }) => c.key), [b.key]);
  });

  it('refuses without the admin token, for an unknown platform or key, and with a bad body', async () => {
    await request(t.app).post(`/admin/api/platforms/${platformId}/credentials`).send({}).expect(401);
    const unknown = await request(t.app).post('/admin/api/platforms/0123456789abcdef0123456789abcdef/credentials').set(auth).send({}).expect(404);
    assert.equal(unknown.body.error, 'no platform with id 0123456789abcdef0123456789abcdef');
    const bad = await request(t.app).post(`/admin/api/platforms/${platformId}/credentials`).set(auth).send({ label: '', secret: 'mine' }).expect(400);
    assert.match(bad.body.error, /^invalid credential: /);
    await request(t.app).delete('/admin/api/credentials/cpk_nope').set(auth).expect(404);
    assert.deepEqual(await t.db.query('select * from ingest_credentials'), []);
  });
});
