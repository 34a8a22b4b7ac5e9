import assert from 'node:assert/strict';
import request from 'supertest';
import { BACKEND } from '../support/databases.js';
import { testApp, type TestApp } from '../support/test-app.js';

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
