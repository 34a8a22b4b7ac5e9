import assert from 'node:assert/strict';
import supertest from 'supertest';
import { cookieBlockedPage } from '../../src/lti/launch-pages.js';
import { BACKEND } from '../support/databases.js';
import type { TestClock } from '../support/clock.js';
import { ltiWorld, type LtiWorld } from '../support/lti-world.js';
import type { TestApp } from '../support/test-app.js';
import type { TestPlatform } from '../support/test-platform.js';

describe(`launching when the browser blocks the login cookie in the LMS frame (${BACKEND})`, () => {
  let w: LtiWorld;
  let t: TestApp;
  let clock: TestClock;
  let platform: TestPlatform;

  beforeEach(async () => {
    w = await ltiWorld();
    ({ t, clock, platform } = w);
  });
  afterEach(async () => {
    await w.close();
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
