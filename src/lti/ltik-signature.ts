/**
 * Checks an ltik — the token ltijs signs (HS256, with the LTI key) for the launch's later
 * requests — and returns its payload; throws when the signature or its expiry is wrong.
 *
 * The key is given to jsonwebtoken as a KeyObject made once: given the key as a string,
 * jsonwebtoken first tries it as a PEM public key, which throws, and only then makes a secret key
 * of it — on every call. Under load that was 6 % of the server's CPU (a profile of bench:load).
 */
import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

const keys = new Map<string, KeyObject>();

export function verifyLtik(ltik: string, ltiKey: string): unknown {
  let key = keys.get(ltiKey);
  if (!key) {
    key = createSecretKey(Buffer.from(ltiKey));
    keys.set(ltiKey, key);
  }
  return jwt.verify(ltik, key, { algorithms: ['HS256'] });
}
