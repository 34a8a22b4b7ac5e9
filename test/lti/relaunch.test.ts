import assert from 'node:assert/strict';
import supertest from 'supertest';
import { cookieBlockedPage } from '../../src/lti/launch-pages.js';
import { BACKEND } from '../support/databases.js';
import { TestClock } from '../support/clock.js';
import { TEST_ADMIN_TOKEN, testApp, type TestApp } from '../support/test-app.js';
import { TestPlatform } from '../support/test-platform.js';

const TOOL_URL = 'http://127.0.0.1';

describe(`launching when the browser blocks the login cookie in the LMS frame (${BACKEND})`, () => {
  let t: TestApp;
  let clock: TestClock;
  let platform: TestPlatform;

  beforeEach(async () => {
    clock = new TestClock(new Date(Math.floor(Date.now() / 1000) * 1000));
    t = await testApp({ publicUrl: TOOL_URL, now: clock.now });
    platform = await TestPlatform.start({ toolUrl: TOOL_URL });
    await supertest(t.app).post('/admin/api/platforms').set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).send(platform.registration()).expect(201);
  });
  afterEach(async () => {
    await platform.close();
    await t.close();
  });

  /** The login in the frame, whose state cookie the browser then refuses to send back. */
  async function framedLaunchWithoutCookie(): Promise<supertest.Response> {
    const login = await platform.login(supertest.agent(t.app), { login_hint: 'teacher-1', lti_message_hint: 'link-42' });
    assert.equal(login.status, 302);
    const auth = new URL(String(login.headers.location)).searchParams;
    const cookieless = supertest.agent(t.app);
    return cookieless
      .post('/lti/launch')
      .type('form')
      .send({ id_token: platform.idToken({ nonce: auth.get('nonce')!, sub: 'teacher-1' }), state: auth.get('state') })
      .redirects(0);
  }

  it('offers to open CoursePulse in a new window, which then launches', async () => {
    const refused = await framedLaunchWithoutCookie();
    assert.equal(refused.status, 401);
    const relaunch = `/lti/login?${new URLSearchParams({
      iss: platform.issuer,
      login_hint: 'teacher-1',
      target_link_uri: platform.launchUrl,
      client_id: platform.clientId,
      lti_deployment_id: platform.deploymentId,
      lti_message_hint: 'link-42',
    }).toString()}`;
    assert.equal(refused.text, cookieBlockedPage(relaunch));

    // The new window is top-level: its cookies are first-party, and the same login goes through.
    const window = supertest.agent(t.app);
    const login = await window.get(relaunch).redirects(0);
    assert.equal(login.status, 302);
    const auth = new URL(String(login.headers.location)).searchParams;
    assert.equal(auth.get('lti_message_hint'), 'link-42');
    const launched = await window
      .post('/lti/launch')
      .type('form')
      .send({ id_token: platform.idToken({ nonce: auth.get('nonce')!, sub: 'teacher-1' }), state: auth.get('state') })
      .redirects(0);
    assert.equal(launched.status, 200, launched.text);
    assert.match(launched.text, /<h1 id="report-title">Activity overview<\/h1>/);
  });

  it('asks to open CoursePulse again when the login is too old to repeat', async () => {
    clock.advance(-601); // the login is remembered under a clock 601 s behind the refusal
    const login = await platform.login(supertest.agent(t.app), {});
    clock.advance(601);
    const auth = new URL(String(login.headers.location)).searchParams;
    const refused = await supertest(t.app)
      .post('/lti/launch')
      .type('form')
      .send({ id_token: platform.idToken({ nonce: auth.get('nonce')! }), state: auth.get('state') });
    assert.equal(refused.status, 401);
    assert.equal(refused.text, cookieBlockedPage(undefined));
  });
});
