/**
 * LTI 1.3 launches end to end: a real platform (TestPlatform) on a loopback port, our whole app
 * on a fresh real database, real HTTP between them. ltijs fetches the platform's keys, validates
 * the id_token, stores its tokens through our plugin, and asks the platform for an access token
 * and NRPS pages exactly as it would with an LMS.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import supertest from 'supertest';
import { platformProblemPage, refusedLaunchPage } from '../../src/lti/launch-pages.js';
import { TestClock } from '../support/clock.js';
import { BACKEND } from '../support/databases.js';
import { toolServer, type ToolServer } from '../support/tool-server.js';
import { TEST_ADMIN_TOKEN, TEST_LTI_KEY, testApp, type TestApp } from '../support/test-app.js';
import { DEFAULT_CONTEXT, NRPS_SCOPE, ROLES, TestPlatform, signJwt, type ContextClaim, type Member } from '../support/test-platform.js';

const admin = { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

/** Our page for a refused id_token (launch-pages.ts), exactly. */
const refusedLaunch = (reason: string): string => refusedLaunchPage(reason);

/** The page a teacher's launch lands on: the course's Activity Overview. */
function assertOverviewOf(html: string, courseTitle: string): void {
  assert.match(html, /<h1 id="report-title">Activity overview<\/h1>/);
  assert.ok(html.includes(`<p class="course-name">${courseTitle}</p>`), `the page should name ${courseTitle}`);
}

/** How long ltijs's documents live (seconds), as the launch must have stored them. */
const TTL = { idtoken: 24 * 3600, contexttoken: 24 * 3600, nonce: 600, accesstoken: 3600 };

interface StoreRow {
  collection: string;
  doc: Record<string, unknown>;
  created_at: Date;
  expires_at: Date | null;
}

describe(`LTI launch through a test platform (${BACKEND})`, () => {
  let tool: ToolServer;
  let t: TestApp;
  let clock: TestClock;
  let platform: TestPlatform;
  let platformId: string;
  const closers: Array<() => Promise<void>> = [];

  /** Expiry `seconds` after the frozen clock's now. */
  const after = (seconds: number): Date => new Date(clock.now().getTime() + seconds * 1000);

  async function register(p: TestPlatform): Promise<string> {
    const res = await supertest(t.app).post('/admin/api/platforms').set(admin).send(p.registration()).expect(201);
    return (res.body as { id: string }).id;
  }

  async function storeRows(...collections: string[]): Promise<StoreRow[]> {
    return t.db.query<StoreRow>(
      'select collection, doc, created_at, expires_at from lti_store where collection = any($1) order by collection, id',
      [collections],
    );
  }

  /** What ltijs hands its services for a launched user (Provider.js): the idtoken with its platformContext. */
  async function launchedIdToken(p: TestPlatform, user: string): Promise<Record<string, unknown>> {
    const query = { iss: p.issuer, clientId: p.clientId, deploymentId: p.deploymentId, user };
    const [idtoken] = (await t.lti.plugin.Get(false, 'idtoken', query)) || [];
    const [platformContext] = (await t.lti.plugin.Get(false, 'contexttoken', { user })) || [];
    assert.ok(idtoken && platformContext, `no tokens stored for ${user}`);
    return { ...idtoken, platformContext };
  }

  beforeEach(async () => {
    tool = await toolServer();
    // Frozen near the real time: ltijs checks iat and the access token's age against Date.now(),
    // while our plugin stamps created_at/expires_at with this clock.
    clock = new TestClock(new Date(Math.floor(Date.now() / 1000) * 1000));
    t = await testApp({ publicUrl: tool.url, now: clock.now });
    tool.serve(t.app);
    platform = await TestPlatform.start({ toolUrl: tool.url });
    platformId = await register(platform);
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    await platform.close();
    await t.close();
    await tool.close();
  });

  it('launches an instructor into our page, storing the tokens ltijs stores with their expiries', async () => {
    const context: ContextClaim = { ...DEFAULT_CONTEXT, id: 'course-42', label: 'HIS200', title: 'Modern History' };
    const { response, nonce, state } = await platform.launch(supertest.agent(t.app), { context });

    assert.equal(response.status, 200);
    assertOverviewOf(response.text, 'Modern History');
    // The login's state cookie is spent: cleared (ltijs clears it with an empty signed value).
    assert.match(String(response.headers['set-cookie']), new RegExp(`^state${state}=[^;]*; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT;`));

    const rows = await storeRows('contexttoken', 'idtoken', 'nonce', 'state');
    const contextId = String(rows[0]?.doc.contextId);
    // ltijs's context id: platform, deployment, course and resource link, plus a hash of the claims.
    assert.ok(
      contextId.startsWith(encodeURIComponent(`${platform.issuer}${platform.clientId}${platform.deploymentId}course-42_resource-1_`)),
      contextId,
    );
    const now = clock.now();
    assert.deepEqual(rows, [
      {
        collection: 'contexttoken',
        doc: {
          contextId,
          user: 'instructor-1',
          context,
          resource: { id: 'resource-1', title: 'CoursePulse' },
          messageType: 'LtiResourceLinkRequest',
          version: '1.3.0',
          path: '/launch',
          roles: [ROLES.instructor],
          targetLinkUri: `${tool.url}/lti/launch`,
          launchPresentation: { document_target: 'iframe', return_url: `${platform.issuer}/return`, locale: 'en' },
          namesRoles: { context_memberships_url: `${platform.issuer}/nrps/course-42`, service_versions: ['2.0'] },
        },
        created_at: now,
        expires_at: after(TTL.contexttoken),
      },
      {
        collection: 'idtoken',
        doc: {
          iss: platform.issuer,
          user: 'instructor-1',
          userInfo: { given_name: 'Ada', family_name: 'Lovelace', name: 'Ada Lovelace', email: 'ada@example.edu' },
          platformInfo: { guid: 'test-platform', name: 'Test LMS', product_family_code: 'coursepulse-test', version: '1.0' },
          clientId: platform.clientId,
          platformId,
          deploymentId: platform.deploymentId,
        },
        created_at: now,
        expires_at: after(TTL.idtoken),
      },
      // The nonce the tool asked for at login, remembered against replays; no state row, since
      // ltijs stores one only for a target_link_uri with a query string.
      { collection: 'nonce', doc: { nonce }, created_at: now, expires_at: after(TTL.nonce) },
    ]);
  });

  it('sets the login state cookie for 60 s, HttpOnly, SameSite=Lax and not Secure over http', async () => {
    const login = await platform.login(supertest.agent(t.app));
    assert.equal(login.status, 302);
    const state = new URL(String(login.headers.location)).searchParams.get('state');
    const cookies = login.headers['set-cookie'] as unknown as string[];
    assert.equal(cookies.length, 1);
    assert.match(cookies[0]!, new RegExp(`^state${state}=s%3A[^;]+; Max-Age=60; Path=/; Expires=[^;]+; HttpOnly; SameSite=Lax$`));
  });

  it('sets the login state cookie Secure and SameSite=None when PUBLIC_URL is https (LMS iframes)', async () => {
    const secure = await testApp({ publicUrl: 'https://coursepulse.example.edu', now: clock.now });
    closers.push(() => secure.close());
    const other = await TestPlatform.start({ toolUrl: 'https://coursepulse.example.edu' });
    closers.push(() => other.close());
    await supertest(secure.app).post('/admin/api/platforms').set(admin).send(other.registration()).expect(201);
    const login = await other.login(supertest.agent(secure.app)).expect(302);
    assert.match(String(login.headers['set-cookie']), /^state\w+=s%3A[^;]+; Max-Age=60; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=None$/);
  });

  it('refuses a replayed id_token in a new login flow, for at least as long as ltijs would accept it', async () => {
    const first = await platform.launch(supertest.agent(t.app));
    assert.equal(first.response.status, 200);
    // ltijs takes an id_token for tokenMaxAge (60 s) after its iat, so the nonce must be known
    // that long; ltijs's own Mongo schema forgets it after 10 s.
    clock.advance(60);
    const replay = await platform.launch(supertest.agent(t.app), { idToken: first.idToken });
    assert.notEqual(replay.state, first.state);
    assert.equal(replay.response.status, 401);
    assert.equal(replay.response.text, refusedLaunch('NONCE_ALREADY_RECEIVED'));
  });

  it('refuses an id_token signed with another key, and stores nothing for it', async () => {
    const { response } = await platform.launch(supertest.agent(t.app), { signWith: 'stranger' });
    assert.equal(response.status, 401);
    assert.equal(response.text, refusedLaunch('invalid signature'));
    assert.deepEqual(await storeRows('idtoken', 'contexttoken', 'nonce'), []);
  });

  it("has its authorisation endpoint refuse a request for another redirect URI, as an LMS does", async () => {
    const login = await platform.login(supertest.agent(t.app));
    const auth = new URL(String(login.headers.location));
    assert.equal((await fetch(auth)).status, 200);
    auth.searchParams.set('redirect_uri', 'https://evil.example.com/lti/launch');
    const refused = await fetch(auth);
    assert.equal(refused.status, 400);
    assert.deepEqual(await refused.json(), { error: 'invalid_request', error_description: 'redirect_uri is not registered for this tool' });
  });

  it('refuses an expired id_token, and one without a deployment id, each with a page saying why', async () => {
    const expired = await platform.launch(supertest.agent(t.app), { ageSeconds: 20, claims: { exp: Math.floor(Date.now() / 1000) - 5 } });
    assert.equal(expired.response.status, 401);
    assert.equal(expired.response.text, refusedLaunch('jwt expired'));
    assert.match(expired.response.text, /had expired when it arrived/);
    const noDeployment = await platform.launch(supertest.agent(t.app), { claims: { 'https://purl.imsglobal.org/spec/lti/claim/deployment_id': undefined } });
    assert.equal(noDeployment.response.status, 401);
    assert.equal(noDeployment.response.text, refusedLaunch('NO_DEPLOYMENT_ID_CLAIM'));
    assert.deepEqual(await storeRows('idtoken', 'contexttoken'), []);
  });

  it('refuses an id_token for another client id (aud)', async () => {
    const { response } = await platform.launch(supertest.agent(t.app), { aud: ['someone-else'] });
    assert.equal(response.status, 401);
    // ltijs has no aud check of its own: it looks the platform up by (iss, aud) and finds none.
    assert.equal(response.text, refusedLaunch('UNREGISTERED_PLATFORM'));
  });

  it('accepts an aud that is a plain string, as Moodle sends it', async () => {
    const { response } = await platform.launch(supertest.agent(t.app), { aud: platform.clientId });
    assert.equal(response.status, 200);
    assertOverviewOf(response.text, DEFAULT_CONTEXT.title);
  });

  it('accepts an id_token issued 30 s ago (clock drift) but refuses one older than 60 s', async () => {
    const drifted = await platform.launch(supertest.agent(t.app), { ageSeconds: 30 });
    assert.equal(drifted.response.status, 200);
    const old = await platform.launch(supertest.agent(t.app), { ageSeconds: 61 });
    assert.equal(old.response.status, 401);
    assert.equal(old.response.text, refusedLaunch('TOKEN_TOO_OLD'));
  });

  it('answers a login from an unregistered platform with our page (400) and no state cookie', async () => {
    const res = await platform.login(supertest.agent(t.app), { iss: 'https://unknown.example.edu', client_id: 'nobody' });
    assert.equal(res.status, 400);
    assert.equal(
      res.text,
      platformProblemPage(
        'This LMS is not registered with CoursePulse',
        'The platform https://unknown.example.edu with client id nobody is unknown here. An LMS administrator registers it first (see the README).',
      ),
    );
    assert.equal(res.headers['set-cookie'], undefined);
  });

  it('answers a login from a deactivated platform with our page (401)', async () => {
    await supertest(t.app).post(`/admin/api/platforms/${platformId}/deactivate`).set(admin).expect(200);
    const res = await platform.login(supertest.agent(t.app));
    assert.equal(res.status, 401);
    assert.equal(
      res.text,
      platformProblemPage(
        'This LMS is registered but not activated',
        'A CoursePulse administrator activates it with "coursepulse platform activate" or the admin API.',
      ),
    );
    assert.equal(res.headers['set-cookie'], undefined);
  });

  it("publishes the tool's key for the platform at /lti/keys, its kid the platform id", async () => {
    const res = await supertest(t.app).get('/lti/keys').expect(200);
    const registered = await t.lti.provider.getPlatformById(platformId);
    assert.ok(registered);
    const jwk = crypto.createPublicKey(await registered.platformPublicKey()).export({ format: 'jwk' });
    assert.deepEqual(res.body, { keys: [{ ...jwk, kid: platformId, alg: 'RS256', use: 'sig' }] });
  });

  it('gets a platform access token only with a client assertion signed by the key /lti/keys publishes', async () => {
    // The test platform itself under test: NRPS tests mean something only if it really checks.
    const registered = await t.lti.provider.getPlatformById(platformId);
    assert.ok(registered);
    const toolKey = crypto.createPrivateKey(await registered.platformPrivateKey());
    const stranger = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const iat = Math.floor(Date.now() / 1000);
    const assertion = (claims: Record<string, unknown> = {}, key = toolKey, kid = platformId) =>
      signJwt(
        { iss: platform.clientId, sub: platform.clientId, aud: platform.tokenUrl, iat, exp: iat + 60, jti: crypto.randomUUID(), ...claims },
        key,
        kid,
      );
    const ask = async (clientAssertion: string) => {
      const res = await fetch(platform.tokenUrl, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: clientAssertion,
          scope: NRPS_SCOPE,
        }),
      });
      const { access_token: _token, ...body } = (await res.json()) as Record<string, unknown>;
      return { status: res.status, body };
    };
    const refused = (why: string) => ({ status: 401, body: { error: 'invalid_client', error_description: why } });

    assert.deepEqual(await ask(assertion({}, stranger)), refused('bad client_assertion signature'));
    assert.deepEqual(await ask(assertion({}, toolKey, 'no-such-kid')), refused("no key no-such-kid in the tool's JWKS"));
    assert.deepEqual(await ask(assertion({ iss: 'someone-else' })), refused('iss and sub must be the client id'));
    assert.deepEqual(await ask(assertion({ aud: platform.issuer })), refused('aud must be the token endpoint'));
    assert.deepEqual(await ask(assertion({ exp: iat - 1 })), refused('client_assertion expired'));
    const good = assertion();
    assert.deepEqual(await ask(good), { status: 200, body: { token_type: 'Bearer', expires_in: 3600, scope: NRPS_SCOPE } });
    assert.deepEqual(await ask(good), refused('jti missing or reused'));
  });

  describe('Names and Role Provisioning after a launch', () => {
    const context: ContextClaim = { ...DEFAULT_CONTEXT, id: 'course-7', label: 'CHEM1', title: 'Chemistry' };
    const members: Member[] = [
      { user_id: 'instructor-1', roles: [ROLES.instructor], status: 'Active', name: 'Ada Lovelace', email: 'ada@example.edu' },
      { user_id: 'student-1', roles: [ROLES.learner], status: 'Active', name: 'Grace Hopper' },
      { user_id: 'student-2', roles: [ROLES.learner], status: 'Active', name: 'Alan Turing' },
      { user_id: 'student-3', roles: [ROLES.learner], status: 'Inactive', name: 'Edsger Dijkstra' },
      { user_id: 'student-4', roles: [ROLES.learner], status: 'Active', name: 'Barbara Liskov' },
    ];
    const url = `/nrps/${context.id}`;
    const container = () => ({
      id: `${platform.issuer}${url}?limit=2`,
      context: { id: context.id, label: context.label, title: context.title },
      members,
    });

    beforeEach(async () => {
      platform.setMembers(context, members);
      const { response } = await platform.launch(supertest.agent(t.app), { context });
      assert.equal(response.status, 200);
    });

    it('reads every page with an access token from the client-credentials flow, cached encrypted and reused', async () => {
      const idtoken = await launchedIdToken(platform, 'instructor-1');
      const before = platform.requests.length;
      const pages = [`GET ${url}?limit=2`, `GET ${url}?limit=2&from=2`, `GET ${url}?limit=2&from=4`];

      assert.deepEqual(await t.lti.provider.NamesAndRoles.getMembers(idtoken, { pages: false, limit: 2 }), container());
      assert.deepEqual(platform.requests.slice(before), ['POST /token', ...pages]);

      // The access token is stored encrypted: the row holds its lookup fields and ciphertext only.
      const [accessToken, ...others] = platform.issuedTokens.keys();
      assert.ok(accessToken);
      assert.deepEqual(others, []);
      const lookup = { platformUrl: platform.issuer, clientId: platform.clientId, scopes: NRPS_SCOPE };
      const rows = await storeRows('accesstoken');
      assert.equal(rows.length, 1);
      const { doc, created_at, expires_at } = rows[0]!;
      const { iv, tag, data, ...plain } = doc;
      assert.deepEqual(plain, lookup);
      assert.ok([iv, tag, data].every((hex) => typeof hex === 'string' && /^[0-9a-f]+$/.test(hex)), JSON.stringify(doc));
      assert.ok(!JSON.stringify(doc).includes(accessToken), 'the access token is stored in plain text');
      assert.deepEqual({ created_at, expires_at }, { created_at: clock.now(), expires_at: after(TTL.accesstoken) });
      assert.deepEqual(await t.lti.plugin.Get(TEST_LTI_KEY, 'accesstoken', lookup), [
        {
          token: { access_token: accessToken, token_type: 'Bearer', expires_in: 3600, scope: NRPS_SCOPE },
          createdAt: clock.now().getTime(),
        },
      ]);

      // A second read reuses the cached token: no new token request.
      const again = platform.requests.length;
      assert.deepEqual(await t.lti.provider.NamesAndRoles.getMembers(idtoken, { pages: false, limit: 2 }), container());
      assert.deepEqual(platform.requests.slice(again), pages);
      assert.equal(platform.tokenRequests, 1);
    });

    it("reads only the first page unless told pages: false (ltijs's default), and says where the next one is", async () => {
      const result = await t.lti.provider.NamesAndRoles.getMembers(await launchedIdToken(platform, 'instructor-1'), { limit: 2 });
      assert.deepEqual(result, { ...container(), members: members.slice(0, 2), next: `${platform.issuer}${url}?limit=2&from=2` });
    });

    it("gets no access token when the tool's JWKS does not hold the key it signs with (the platform checks)", async () => {
      // A platform that looks for the tool's keys in the wrong place: its own JWKS.
      const strict = await TestPlatform.start({ toolUrl: tool.url, toolJwksUrl: `${platform.issuer}/jwks` });
      closers.push(() => strict.close());
      await register(strict);
      strict.setMembers(context, members);
      assert.equal((await strict.launch(supertest.agent(t.app), { context, sub: 'instructor-2' })).response.status, 200);
      const idtoken = await launchedIdToken(strict, 'instructor-2');
      await assert.rejects(t.lti.provider.NamesAndRoles.getMembers(idtoken, { pages: false }), /401 \(Unauthorized\)/);
      assert.equal(strict.issuedTokens.size, 0);
      assert.deepEqual(await storeRows('accesstoken'), []);
    });
  });
});
