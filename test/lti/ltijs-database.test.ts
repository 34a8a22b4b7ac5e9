import assert from 'node:assert/strict';
import { LTI_TTL_SECONDS, LtijsDatabase } from '../../src/lti/ltijs-database.js';
import { BACKEND, testDatabase } from '../support/databases.js';
import { TestClock } from '../support/clock.js';
import { TEST_LTI_KEY, testApp, type TestApp } from '../support/test-app.js';

const START = '2026-03-02T09:00:00.000Z';

const moodle = {
  url: 'https://moodle.example.edu',
  clientId: 'client-1',
  name: 'Moodle',
  authenticationEndpoint: 'https://moodle.example.edu/mod/lti/auth.php',
  accesstokenEndpoint: 'https://moodle.example.edu/mod/lti/token.php',
  authConfig: { method: 'JWK_SET' as const, key: 'https://moodle.example.edu/mod/lti/certs.php' },
};

describe(`the ltijs database plugin (${BACKEND})`, function () {
  let t: TestApp;
  let clock: TestClock;
  const rows = (collection: string) =>
    t.db.query<{ doc: Record<string, unknown>; expires_at: Date | null }>(
      'select doc, expires_at from lti_store where collection = $1 order by id',
      [collection],
    );

  beforeEach(async () => {
    clock = new TestClock(START);
    t = await testApp({ now: clock.now });
  });
  afterEach(async () => {
    await t.close();
  });

  it('registers a platform, reads it back, changes it and deletes it, through ltijs', async () => {
    const lti = t.lti.provider;
    const registered = await lti.registerPlatform(moodle);
    const id = await registered.platformId();

    const found = await lti.getPlatform(moodle.url, moodle.clientId);
    assert.ok(found);
    assert.equal(await found.platformId(), id);
    assert.equal(await found.platformName(), 'Moodle');
    assert.deepEqual(await found.platformAuthConfig(), moodle.authConfig);
    assert.match(await found.platformPublicKey(), /^-----BEGIN PUBLIC KEY-----/);
    assert.match(await found.platformPrivateKey(), /^-----BEGIN RSA PRIVATE KEY-----/);
    assert.equal((await lti.getAllPlatforms()).length, 1);
    assert.ok(await lti.getPlatformById(id));

    // The key pair is stored encrypted: nothing of the PEM is readable in the table.
    for (const collection of ['publickey', 'privatekey']) {
      const [row, ...more] = await rows(collection);
      assert.equal(more.length, 0);
      assert.deepEqual(Object.keys(row!.doc).sort(), ['clientId', 'data', 'iv', 'kid', 'platformUrl', 'tag']);
      assert.ok(!JSON.stringify(row!.doc).includes('BEGIN'));
      assert.equal(row!.expires_at, null);
    }

    await found.platformName('Moodle (renamed)');
    assert.equal(await (await lti.getPlatformById(id) || assert.fail()).platformName(), 'Moodle (renamed)');
    assert.equal(await found.platformActive(), true);
    await found.platformActive(false);
    assert.equal(await found.platformActive(), false);

    await lti.deletePlatformById(id);
    assert.equal(await lti.getPlatform(moodle.url, moodle.clientId), false);
    assert.deepEqual(await lti.getAllPlatforms(), []);
    for (const collection of ['platform', 'publickey', 'privatekey', 'platformStatus']) {
      assert.deepEqual(await rows(collection), [], collection);
    }
  });

  it('answers false, never [], when nothing matches (ltijs loops on a truthy answer)', async () => {
    assert.equal(await t.lti.plugin.Get(false, 'state', { state: 'nope' }), false);
    assert.equal(await t.lti.plugin.Get(TEST_LTI_KEY, 'accesstoken', { platformUrl: 'x', clientId: 'y', scopes: 'z' }), false);
  });

  for (const [collection, field] of [
    ['nonce', 'nonce'],
    ['state', 'state'],
  ] as const) {
    it(`forgets a ${collection} once it expires (${LTI_TTL_SECONDS[collection]} s) and deletes it on clean-up`, async () => {
      const plugin = t.lti.plugin;
      await plugin.Insert(false, collection, { [field]: 'abc123' });
      assert.deepEqual(await plugin.Get(false, collection, { [field]: 'abc123' }), [
        { [field]: 'abc123', createdAt: new Date(START) },
      ]);
      const [row] = await rows(collection);
      assert.deepEqual(row!.expires_at, new Date(Date.parse(START) + LTI_TTL_SECONDS[collection]! * 1000));

      clock.advance(LTI_TTL_SECONDS[collection]! - 1);
      assert.ok(await plugin.Get(false, collection, { [field]: 'abc123' }), 'still there a second before expiry');
      clock.advance(1);
      assert.equal(await plugin.Get(false, collection, { [field]: 'abc123' }), false);
      assert.equal((await rows(collection)).length, 1, 'invisible, not yet deleted');
      assert.equal(await plugin.cleanup(), 1);
      assert.deepEqual(await rows(collection), []);
    });
  }

  it('keeps tokens for as long as ltijs expects', () => {
    assert.deepEqual(LTI_TTL_SECONDS, { idtoken: 86400, contexttoken: 86400, accesstoken: 3600, nonce: 600, state: 600, loginparams: 600 });
  });

  it('says NONCE_ALREADY_RECEIVED when a nonce is inserted twice (two launches racing with one id_token)', async () => {
    const plugin = t.lti.plugin;
    await plugin.Insert(false, 'nonce', { nonce: 'n-1' });
    await assert.rejects(plugin.Insert(false, 'nonce', { nonce: 'n-1' }), /^Error: NONCE_ALREADY_RECEIVED$/);
    // Expired but not yet cleaned up: still a replay.
    clock.advance(LTI_TTL_SECONDS.nonce!);
    await assert.rejects(plugin.Insert(false, 'nonce', { nonce: 'n-1' }), /^Error: NONCE_ALREADY_RECEIVED$/);
  });

  it('returns an encrypted document decrypted, with createdAt in epoch milliseconds, until it expires', async () => {
    const plugin = t.lti.plugin;
    const index = { platformUrl: moodle.url, clientId: moodle.clientId, scopes: 'nrps' };
    const token = { token: { access_token: 'secret-access-token', token_type: 'Bearer', expires_in: 3600, scope: 'nrps' } };
    await plugin.Replace(TEST_LTI_KEY, 'accesstoken', index, token, index);
    assert.deepEqual(await plugin.Get(TEST_LTI_KEY, 'accesstoken', index), [{ ...token, createdAt: Date.parse(START) }]);
    const [row] = await rows('accesstoken');
    assert.ok(!JSON.stringify(row!.doc).includes('secret-access-token'));
    clock.advance(3600);
    assert.equal(await plugin.Get(TEST_LTI_KEY, 'accesstoken', index), false);
  });

  it('refuses to decrypt a row that was tampered with', async () => {
    const plugin = t.lti.plugin;
    const index = { kid: 'k1' };
    await plugin.Insert(TEST_LTI_KEY, 'publickey', { key: 'PEM', kid: 'k1' }, index);
    await t.db.query(`update lti_store set doc = jsonb_set(doc, '{data}', to_jsonb('00' || (doc->>'data'))) where collection = 'publickey'`);
    await assert.rejects(plugin.Get(TEST_LTI_KEY, 'publickey', index));
  });

  it('replaces (upserts) the matching document, and refreshes its expiry', async () => {
    const plugin = t.lti.plugin;
    const query = { contextId: 'c1', user: 'u1' };
    await plugin.Replace(false, 'contexttoken', query, { ...query, roles: ['Learner'] });
    clock.advance(3600);
    await plugin.Replace(false, 'contexttoken', query, { ...query, roles: ['Instructor'] });
    await plugin.Replace(false, 'contexttoken', { contextId: 'c1', user: 'u2' }, { contextId: 'c1', user: 'u2', roles: [] });
    assert.deepEqual(await plugin.Get(false, 'contexttoken', query), [
      { ...query, roles: ['Instructor'], createdAt: new Date(Date.parse(START) + 3600_000) },
    ]);
    assert.equal((await rows('contexttoken')).length, 2);
  });

  it('modifies the given fields of the matching documents only', async () => {
    const plugin = t.lti.plugin;
    await plugin.Insert(false, 'platformStatus', { id: 'a', active: true });
    await plugin.Insert(false, 'platformStatus', { id: 'b', active: true });
    await plugin.Modify(false, 'platformStatus', { id: 'a' }, { active: false, ignored: undefined });
    assert.deepEqual(
      (await rows('platformStatus')).map((r) => r.doc),
      [
        { id: 'a', active: false },
        { id: 'b', active: true },
      ],
    );
  });

  it('refuses a write whose query has an undefined field instead of widening it to every row', async () => {
    const plugin = t.lti.plugin;
    await plugin.Insert(false, 'platformStatus', { id: 'a', active: true });
    await assert.rejects(plugin.Delete('platformStatus', { id: undefined }), /MISSING_PARAMS/);
    await assert.rejects(plugin.Replace(false, 'platformStatus', { id: undefined }, { id: 'x' }), /MISSING_PARAMS/);
    assert.equal((await rows('platformStatus')).length, 1);
  });

  it('refuses every call before ltijs deploys it', async () => {
    const db = await testDatabase();
    try {
      const plugin = new LtijsDatabase(db);
      await assert.rejects(plugin.Get(false, 'platform'), /PROVIDER_NOT_DEPLOYED/);
      await assert.rejects(plugin.Insert(false, 'nonce', { nonce: 'n' }), /PROVIDER_NOT_DEPLOYED/);
    } finally {
      await db.close();
    }
  });
});
