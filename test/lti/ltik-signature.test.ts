/**
 * The ltik check (src/lti/ltik-signature.ts): a token the key signed passes, remembered until its
 * expiry and for its own key only; a token that failed fails again.
 */
import assert from 'node:assert/strict';
import jwt from 'jsonwebtoken';
import { verifyLtik } from '../../src/lti/ltik-signature.js';

describe('the ltik check', () => {
  const key = `key-${Math.random()}`;
  const other = `other-${Math.random()}`;
  const at = Date.parse('2026-03-09T12:00:00Z');
  const claims = { platformUrl: 'https://lms.example.edu', clientId: 'c', deploymentId: 'd', contextId: 'course-1', user: 'teacher-1' };
  const sign = (payload: object, secret = key) => jwt.sign(payload, secret, { algorithm: 'HS256', noTimestamp: true });

  it('passes a token the key signed, again and again, with the same payload', () => {
    const ltik = sign(claims);
    assert.deepEqual(verifyLtik(ltik, key, at), claims);
    assert.deepEqual(verifyLtik(ltik, key, at + 3_600_000), claims);
  });

  it('refuses a token that passed with one key when it is checked with another, and a token another key signed', () => {
    const ltik = sign(claims);
    verifyLtik(ltik, key, at);
    assert.throws(() => verifyLtik(ltik, other, at), { name: 'JsonWebTokenError', message: 'invalid signature' });
    assert.throws(() => verifyLtik(sign(claims, other), key, at), { name: 'JsonWebTokenError', message: 'invalid signature' });
  });

  it('refuses a changed token every time, and HS256 only', () => {
    const [header, , signature] = sign(claims).split('.');
    const changed = `${header}.${Buffer.from(JSON.stringify({ ...claims, contextId: 'course-2' })).toString('base64url')}.${signature}`;
    assert.throws(() => verifyLtik(changed, key, at), { message: 'invalid signature' });
    assert.throws(() => verifyLtik(changed, key, at), { message: 'invalid signature' });
    assert.throws(() => verifyLtik(jwt.sign(claims, key, { algorithm: 'HS512' }), key, at), { message: 'invalid algorithm' });
  });

  it('passes a token with an expiry until then, remembered or not, and refuses it from then on', () => {
    const exp = at / 1000 + 60;
    const ltik = sign({ ...claims, exp });
    assert.deepEqual(verifyLtik(ltik, key, at), { ...claims, exp });
    assert.deepEqual(verifyLtik(ltik, key, exp * 1000 - 1), { ...claims, exp });
    assert.throws(() => verifyLtik(ltik, key, exp * 1000), { name: 'TokenExpiredError' });
    assert.throws(() => verifyLtik(ltik, key, exp * 1000 + 3_600_000), { name: 'TokenExpiredError' });
  });
});
