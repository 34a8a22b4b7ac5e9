/**
 * The OIDC nonce of a login comes from crypto.randomBytes, not from ltijs's Math.random
 * (login-nonce.ts): 32 random bytes, different on every login even when Math.random is made
 * constant, and the launch that carries it back still succeeds.
 */
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { BACKEND } from '../support/databases.js';
import { ltiWorld, type LtiWorld } from '../support/lti-world.js';

describe(`the login's OIDC nonce (${BACKEND})`, () => {
  let w: LtiWorld;
  beforeEach(async () => {
    w = await ltiWorld();
  });
  afterEach(async () => {
    await w.close();
  });

  const nonceOfLogin = async (): Promise<string> => {
    const login = await w.platform.login(supertest.agent(w.t.app));
    assert.equal(login.status, 302, login.text);
    return new URL(String(login.headers.location)).searchParams.get('nonce') ?? '';
  };

  it('is 32 random bytes (base64url), whatever Math.random answers', async () => {
    const random = Math.random;
    // ltijs's own nonce would be 25 times the same character now.
    Math.random = () => 0.5;
    let nonces: string[];
    try {
      nonces = [await nonceOfLogin(), await nonceOfLogin(), await nonceOfLogin()];
    } finally {
      Math.random = random;
    }
    for (const nonce of nonces) assert.match(nonce, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(new Set(nonces).size, 3);
  });

  it('comes back in the id_token of a launch that succeeds', async () => {
    const { response, nonce } = await w.platform.launch(supertest.agent(w.t.app));
    assert.equal(response.status, 200, response.text);
    assert.match(nonce, /^[A-Za-z0-9_-]{43}$/);
  });
});
