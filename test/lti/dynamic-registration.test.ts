/**
 * LTI Dynamic Registration end to end: the LMS (TestPlatform + test-platform-registration.ts)
 * on a loopback port opens our /lti/register; we read its openid configuration, POST the
 * registration, save the platform; then a real launch and a real client-credentials token
 * request prove the registered client id and keys work.
 */
import assert from 'node:assert/strict';
import express from 'express';
import type { Platform } from 'ltijs';
import { pino } from 'pino';
import supertest from 'supertest';
import { dynamicRegistrationHandler, findRegistration } from '../../src/lti/dynamic-registration.js';
import { alreadyRegisteredPage, CLOSE_SCRIPT, registeredPage } from '../../src/lti/registration-pages.js';
import { BACKEND } from '../support/databases.js';
import { TEST_ADMIN_TOKEN, testApp, type TestApp, type TestAppOptions } from '../support/test-app.js';
import { NRPS_SCOPE, TestPlatform } from '../support/test-platform.js';
import { toolServer, type ToolServer } from '../support/tool-server.js';
import { GROUPS_SCOPE, TOOL_CONFIGURATION, addRegistration, type PlatformRegistration } from '../support/test-platform-registration.js';

const admin = { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership';
const DESCRIPTION = 'Activity reports of your course: visits, time in course and actions of every student.';

/** The `<h1>` of a page. */
const heading = (html: string): string | undefined => /<h1>([^<]*)<\/h1>/.exec(html)?.[1];

describe(`LTI Dynamic Registration (${BACKEND})`, () => {
  let tool: ToolServer;
  let t: TestApp | undefined;
  let platform: TestPlatform;

  async function start(options: TestAppOptions = {}): Promise<TestApp> {
    t = await testApp({ publicUrl: tool.url, ...options });
    tool.serve(t.app);
    return t;
  }
  const register = (app: TestApp, reg: PlatformRegistration, extra?: Record<string, string>) => supertest(app.app).get(reg.initiationPath(extra));
  const platforms = async (app: TestApp) => (await supertest(app.app).get('/admin/api/platforms').set(admin).expect(200)).body as Array<Record<string, unknown>>;

  beforeEach(async () => {
    tool = await toolServer();
    platform = await TestPlatform.start({ toolUrl: tool.url });
  });
  afterEach(async () => {
    await platform.close();
    await t?.close();
    t = undefined;
    await tool.close();
  });

  it('registers a platform, which launches an instructor at once and gets access tokens with its keys', async () => {
    const app = await start();
    const reg = addRegistration(platform, { productFamilyCode: 'moodle', deploymentId: '7' });
    const host = new URL(platform.issuer).host;

    const res = await register(app, reg);
    assert.equal(res.status, 200, res.text);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.equal(res.headers['cache-control'], 'no-store');
    const [registered] = await platforms(app);
    assert.deepEqual(registered, { id: registered!.id, issuer: platform.issuer, clientId: platform.clientId, name: `Moodle: ${host}`, active: true });
    const id = String(registered!.id);
    assert.equal(
      res.text,
      registeredPage({ id, name: `Moodle: ${host}`, issuer: platform.issuer, clientId: platform.clientId, deploymentId: '7', active: true, family: 'moodle' }),
    );
    assert.ok(res.text.includes(CLOSE_SCRIPT), 'the page tells the LMS it is done');
    assert.match(res.text, /Registration is done/);
    assert.match(res.text, /Instructors can open CoursePulse from their courses now/);

    // Both calls to the LMS carry the registration token and a User-Agent naming us.
    const userAgent = new RegExp(`^CoursePulse/\\d+\\.\\d+\\.\\d+ \\(\\+${tool.url.replace(/\./g, '\\.')}\\)$`);
    for (const headers of [reg.configurationRequests[0]!, reg.registrations[0]!.headers]) {
      assert.equal(headers.authorization, `Bearer ${reg.registrationToken}`);
      assert.match(String(headers['user-agent']), userAgent);
    }
    assert.deepEqual(await findRegistration(app.lti.plugin, id), {
      platformId: id,
      issuer: platform.issuer,
      clientId: platform.clientId,
      deploymentId: '7',
      productFamilyCode: 'moodle',
      openidConfiguration: reg.openidConfigurationUrl,
      registeredAt: (await findRegistration(app.lti.plugin, id))!.registeredAt,
    });
    assert.ok(!Number.isNaN(Date.parse((await findRegistration(app.lti.plugin, id))!.registeredAt)));

    const { response } = await platform.launch(supertest.agent(app.app));
    assert.equal(response.status, 200, response.text);
    assert.ok(response.text.includes('Introduction to Biology'), 'the launch lands on the course');

    // The platform's /token checks our client assertion against our JWKS: the keys ltijs made for
    // this registration are the ones we publish, under the client id the LMS gave.
    const saved = (await app.lti.provider.getPlatform(platform.issuer, platform.clientId)) as Platform & {
      platformAccessToken(scope: string): Promise<{ access_token: string }>;
    };
    const token = await saved.platformAccessToken(NRPS_SCOPE);
    assert.ok(platform.issuedTokens.has(token.access_token));
  });

  it('sends Moodle the registration whole: its domain with the port, name and e-mail, the roster scope it offers', async () => {
    const app = await start();
    const reg = addRegistration(platform, { productFamilyCode: 'moodle' });
    assert.equal((await register(app, reg)).status, 200);
    const port = new URL(tool.url).port;
    assert.deepEqual(reg.registrations[0]!.body, {
      application_type: 'web',
      response_types: ['id_token'],
      grant_types: ['implicit', 'client_credentials'],
      initiate_login_uri: `${tool.url}/lti/login`,
      redirect_uris: [`${tool.url}/lti/launch`],
      client_name: 'CoursePulse',
      jwks_uri: `${tool.url}/lti/keys`,
      logo_uri: `${tool.url}/static/logo.svg`,
      token_endpoint_auth_method: 'private_key_jwt',
      // Moodle has no Course Groups service: not asked for.
      scope: NRPS_SCOPE,
      [TOOL_CONFIGURATION]: {
        domain: `127.0.0.1:${port}`,
        description: DESCRIPTION,
        target_link_uri: `${tool.url}/lti/launch`,
        claims: ['iss', 'sub', 'name', 'given_name', 'family_name', 'email'],
        messages: [
          {
            type: 'LtiResourceLinkRequest',
            target_link_uri: `${tool.url}/lti/launch`,
            label: 'CoursePulse',
            icon_uri: `${tool.url}/static/logo.svg`,
            roles: [`${LIS}#Instructor`, `${LIS}/Instructor#TeachingAssistant`, `${LIS}#ContentDeveloper`],
          },
        ],
      },
    });
  });

  it('sends Canvas a course-navigation link for teachers only, its privacy level and the groups custom field; no deployment id back', async () => {
    const app = await start();
    const reg = addRegistration(platform, {
      productFamilyCode: 'canvas',
      deploymentId: null,
      platformConfiguration: { 'https://canvas.instructure.com/lti/account_name': 'Test University' },
    });
    const res = await register(app, reg);
    assert.equal(res.status, 200, res.text);
    const port = new URL(tool.url).port;
    assert.deepEqual(reg.registrations[0]!.body, {
      application_type: 'web',
      response_types: ['id_token'],
      grant_types: ['implicit', 'client_credentials'],
      initiate_login_uri: `${tool.url}/lti/login`,
      redirect_uris: [`${tool.url}/lti/launch`],
      client_name: 'CoursePulse',
      jwks_uri: `${tool.url}/lti/keys`,
      logo_uri: `${tool.url}/static/logo.svg`,
      token_endpoint_auth_method: 'private_key_jwt',
      // Canvas refuses scopes it does not know; it has no Course Groups service.
      scope: NRPS_SCOPE,
      [TOOL_CONFIGURATION]: {
        domain: `127.0.0.1:${port}`,
        description: DESCRIPTION,
        target_link_uri: `${tool.url}/lti/launch`,
        claims: ['iss', 'sub', 'name', 'given_name', 'family_name', 'email'],
        messages: [
          {
            type: 'LtiResourceLinkRequest',
            target_link_uri: `${tool.url}/lti/launch`,
            label: 'CoursePulse',
            icon_uri: `${tool.url}/static/logo.svg`,
            roles: [`${LIS}#Instructor`, `${LIS}/Instructor#TeachingAssistant`, `${LIS}#ContentDeveloper`],
            placements: ['course_navigation'],
            'https://canvas.instructure.com/lti/visibility': 'admins',
            'https://canvas.instructure.com/lti/course_navigation/default_enabled': true,
          },
        ],
        custom_parameters: {
          course_group_ids: '$com.instructure.Course.groupIds',
          canvas_course_id: '$Canvas.course.id',
          canvas_api_base_url: '$Canvas.api.baseUrl',
        },
        'https://canvas.instructure.com/lti/privacy_level': 'public',
      },
    });
    const [registered] = await platforms(app);
    assert.equal(registered!.name, 'Canvas: Test University');
    assert.equal((await findRegistration(app.lti.plugin, String(registered!.id)))!.deploymentId, null);
    assert.match(res.text, /Deployment ID<\/dt><dd>not given by the LMS/);
    assert.match(res.text, /Canvas now shows what CoursePulse asked for/);
  });

  it('asks Canvas for a new-window launch when the registration URL says new_window=true', async () => {
    const app = await start();
    const reg = addRegistration(platform, { productFamilyCode: 'canvas' });
    assert.equal((await register(app, reg, { new_window: 'true' })).status, 200);
    const message = (reg.registrations[0]!.body[TOOL_CONFIGURATION] as { messages: Array<Record<string, unknown>> }).messages[0]!;
    assert.equal(message['https://canvas.instructure.com/lti/display_type'], 'new_window');
  });

  it('asks for the Course Groups scope where the platform offers it (Brightspace)', async () => {
    const app = await start();
    const reg = addRegistration(platform, { productFamilyCode: 'desire2learn' });
    const res = await register(app, reg);
    assert.equal(res.status, 200, res.text);
    assert.equal(reg.registrations[0]!.body.scope, `${NRPS_SCOPE} ${GROUPS_SCOPE}`);
    assert.equal((await platforms(app))[0]!.name, `Brightspace: ${new URL(platform.issuer).host}`);
    assert.match(res.text, /Brightspace leaves a new registration disabled/);
  });

  it('with LTI_AUTO_ACTIVATE=false leaves the platform inactive until an admin activates it', async () => {
    const app = await start({ ltiAutoActivate: false });
    const reg = addRegistration(platform, { productFamilyCode: 'moodle' });
    const res = await register(app, reg);
    assert.equal(res.status, 200, res.text);
    assert.match(res.text, /Registration is done/);
    assert.match(res.text, /A CoursePulse administrator must activate this platform before anyone can launch it/);
    assert.ok(res.text.includes(CLOSE_SCRIPT));
    const [registered] = await platforms(app);
    assert.equal(registered!.active, false);

    const login = await platform.login(supertest.agent(app.app));
    assert.equal(login.status, 401);
    assert.equal(heading(login.text), 'This LMS is registered but not activated');

    await supertest(app.app).post(`/admin/api/platforms/${String(registered!.id)}/activate`).set(admin).expect(200);
    const { response } = await platform.launch(supertest.agent(app.app));
    assert.equal(response.status, 200, response.text);
  });

  it('never replaces a platform it has: the same issuer and client id again answers 409 and changes nothing', async () => {
    const app = await start();
    const reg = addRegistration(platform, { productFamilyCode: 'moodle' });
    assert.equal((await register(app, reg)).status, 200);
    const before = await platforms(app);
    const keysBefore = await app.db.query('select doc from lti_store where collection in ($1, $2) order by id', ['publickey', 'privatekey']);
    await supertest(app.app).post(`/admin/api/platforms/${String(before[0]!.id)}/deactivate`).set(admin).expect(200);

    // The LMS answers the same client id (a registration replayed, or an LMS that reuses ids).
    const again = await register(app, reg);
    assert.equal(again.status, 409);
    const summary = { ...before[0]!, active: false } as { id: string; name: string; issuer: string; clientId: string; active: boolean };
    assert.equal(again.text, alreadyRegisteredPage(summary));
    assert.ok(!again.text.includes(CLOSE_SCRIPT), 'the LMS is not told all went well');
    assert.deepEqual(await platforms(app), [summary]);
    assert.deepEqual(await app.db.query('select doc from lti_store where collection in ($1, $2) order by id', ['publickey', 'privatekey']), keysBefore);
    assert.equal((await app.db.query('select 1 from lti_store where collection = $1', ['registration'])).length, 1);
  });

  it('does not join a platform registered by hand, and lets only one of two racing registrations through', async () => {
    const app = await start();
    await supertest(app.app).post('/admin/api/platforms').set(admin).send(platform.registration()).expect(201);
    const [manual] = await platforms(app);
    const reg = addRegistration(platform, { productFamilyCode: 'moodle' });
    const res = await register(app, reg);
    assert.equal(res.status, 409);
    assert.match(res.text, /Nothing was changed: a registration never replaces a platform CoursePulse has, nor its data/);
    assert.deepEqual(await platforms(app), [manual]);
    assert.equal(await findRegistration(app.lti.plugin, String(manual!.id)), undefined);

    // A second LMS answering one client id to two registrations at once: one platform results.
    const other = await TestPlatform.start({ toolUrl: tool.url });
    try {
      const racing = addRegistration(other, { productFamilyCode: 'moodle' });
      const statuses = (await Promise.all([register(app, racing), register(app, racing)])).map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 409]);
      assert.equal((await platforms(app)).filter((p) => p.issuer === other.issuer).length, 1);
    } finally {
      await other.close();
    }
  });

  it('shows the LMS’s refusal as it came, and registers nothing', async () => {
    const app = await start();
    const reg = addRegistration(platform, { productFamilyCode: 'canvas' });
    reg.refuse(422, { errors: { scopes: ['Invalid scopes: <https://example/scope>'] } });
    const res = await register(app, reg);
    assert.equal(res.status, 502);
    assert.equal(heading(res.text), 'The LMS refused the registration');
    assert.ok(res.text.includes('The LMS answered HTTP 422:'));
    assert.ok(
      res.text.includes(
        '<pre>{\n  &quot;errors&quot;: {\n    &quot;scopes&quot;: [\n      &quot;Invalid scopes: &lt;https://example/scope&gt;&quot;\n    ]\n  }\n}</pre>',
      ),
      res.text,
    );
    assert.ok(!res.text.includes(CLOSE_SCRIPT));
    assert.deepEqual(await platforms(app), []);

    reg.refuse(400, 'Tool registration is disabled on this site');
    const text = await register(app, reg);
    assert.equal(text.status, 502);
    assert.ok(text.text.includes('<pre>&quot;Tool registration is disabled on this site&quot;</pre>'), text.text);
  });

  it('answers a bad or missing openid configuration, or one for another issuer, with a page and the right status', async () => {
    const app = await start();
    const reg = addRegistration(platform, { productFamilyCode: 'moodle' });
    const get = (query: string) => supertest(app.app).get(`/lti/register${query}`);
    const q = (params: Record<string, string>) => `?${new URLSearchParams(params).toString()}`;
    const cases: Array<[string, number, string]> = [
      ['', 400, 'Start the registration from your LMS'],
      [q({ openid_configuration: 'not a url' }), 400, 'The registration link is not valid'],
      [q({ openid_configuration: 'ftp://lms.example.edu/config' }), 400, 'The registration link is not valid'],
      [q({ openid_configuration: reg.openidConfigurationUrl, registration_token: 'wrong' }), 502, 'CoursePulse could not read the LMS’s configuration'],
      [q({ openid_configuration: `${platform.issuer}/nowhere`, registration_token: reg.registrationToken }), 502, 'CoursePulse could not read the LMS’s configuration'],
      [q({ openid_configuration: 'http://127.0.0.1:1/config' }), 502, 'CoursePulse could not read the LMS’s configuration'],
      [q({ openid_configuration: `${platform.issuer}/jwks`, registration_token: reg.registrationToken }), 502, 'The LMS’s configuration is not usable'],
    ];
    for (const [query, status, title] of cases) {
      const res = await get(query);
      assert.equal(res.status, status, `${query}: ${res.text}`);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.equal(heading(res.text), title, query);
    }
    assert.equal(reg.registrations.length, 0);

    const liar = await TestPlatform.start({ toolUrl: tool.url });
    try {
      const lying = addRegistration(liar, { productFamilyCode: 'moodle', issuer: 'https://lms.example.edu' });
      const res = await register(app, lying);
      assert.equal(res.status, 400);
      assert.equal(heading(res.text), 'The LMS’s configuration names another issuer');
      assert.equal(lying.registrations.length, 0, 'nothing is sent to a configuration that speaks for another issuer');
    } finally {
      await liar.close();
    }

    reg.refuse(201, { hello: 'world' });
    const noClient = await register(app, reg);
    assert.equal(noClient.status, 502);
    assert.equal(heading(noClient.text), 'The LMS’s answer is not usable');
    assert.deepEqual(await platforms(app), []);
  });

  it('calls only https LMS addresses when CoursePulse itself runs on https', async () => {
    const app = await start({ publicUrl: 'https://pulse.example.edu' });
    const reg = addRegistration(platform, { productFamilyCode: 'moodle' });
    const res = await register(app, reg);
    assert.equal(res.status, 400);
    assert.equal(heading(res.text), 'The registration link is not valid');
    assert.ok(res.text.includes(`The openid_configuration &quot;${reg.openidConfigurationUrl}&quot; is not an https:// URL.`), res.text);
    assert.equal(reg.configurationRequests.length, 0);
  });

  it('logs each outcome without the registration token', async () => {
    const app = await start();
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    const handler = dynamicRegistrationHandler({
      provider: app.lti.provider,
      plugin: app.lti.plugin,
      config: { publicUrl: tool.url, ltiAutoActivate: true, ltiRegistrationAllowPrivate: true },
      logger,
    });
    const small = express();
    small.get('/lti/register', handler);
    const reg = addRegistration(platform, { productFamilyCode: 'moodle' });

    await supertest(small).get('/lti/register').expect(400);
    reg.refuse(422, { error: 'no' });
    await supertest(small).get(reg.initiationPath()).expect(502);
    reg.refuse(200, { client_id: platform.clientId, [TOOL_CONFIGURATION]: { deployment_id: 3 } });
    await supertest(small).get(reg.initiationPath()).expect(200);

    const seen = lines.map(({ level, msg, status, lmsStatus }) => ({ level, msg, status, lmsStatus }));
    assert.deepEqual(seen, [
      { level: 40, msg: 'dynamic registration failed: Start the registration from your LMS', status: 400, lmsStatus: undefined },
      { level: 40, msg: 'dynamic registration failed: The LMS refused the registration', status: 502, lmsStatus: 422 },
      { level: 30, msg: 'platform registered by dynamic registration', status: undefined, lmsStatus: undefined },
    ]);
    assert.deepEqual(
      { registrationEndpoint: lines[1]!.registrationEndpoint, body: lines[1]!.body, flow: lines[1]!.flow },
      { registrationEndpoint: reg.registrationEndpoint, body: '{"error":"no"}', flow: 'dynamic-registration' },
    );
    assert.equal(lines[2]!.deploymentId, '3');
    assert.ok(!JSON.stringify(lines).includes(reg.registrationToken), 'the registration token is not logged');
  });

  it('leaves no half-saved platform when saving fails after the LMS said yes', async () => {
    const app = await start();
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    // The plugin as the handler sees it: writing the registration record fails.
    const plugin = new Proxy(app.lti.plugin, {
      get(target, prop) {
        if (prop === 'Insert') return async () => Promise.reject(new Error('disk full'));
        const value = Reflect.get(target, prop) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const small = express();
    small.get('/lti/register', dynamicRegistrationHandler({ provider: app.lti.provider, plugin, config: { publicUrl: tool.url, ltiAutoActivate: true, ltiRegistrationAllowPrivate: true }, logger }));
    const reg = addRegistration(platform, { productFamilyCode: 'moodle' });

    const res = await supertest(small).get(reg.initiationPath());
    assert.equal(res.status, 500);
    assert.equal(heading(res.text), 'CoursePulse could not save the registration');
    assert.ok(res.text.includes(`client ID ${platform.clientId}`));
    assert.deepEqual(await platforms(app), []);
    assert.deepEqual(await app.db.query('select collection from lti_store where collection in ($1, $2, $3)', ['publickey', 'privatekey', 'platformStatus']), []);
    assert.deepEqual(
      lines.map(({ level, msg }) => ({ level, msg })),
      [{ level: 50, msg: 'dynamic registration failed: CoursePulse could not save the registration' }],
    );
    assert.equal((lines[0]!.err as { message?: string }).message, 'disk full');
  });
});
