/**
 * Checks an ltik — the token ltijs signs (HS256, with the LTI key) for the launch's later
 * requests — and returns its payload; throws when the signature or its expiry is wrong.
 *
 * The key is given to jsonwebtoken as a KeyObject made once: given the key as a string,
 * jsonwebtoken first tries it as a PEM public key, which throws, and only then makes a secret key
 * of it — on every call. Under load that was 6 % of the server's CPU (a profile of bench:load).
 *
 * A token that passed is remembered (per key) until its `exp`, if it has one: a teacher's page
 * sends the same ltik with every request, and each report request checks it twice (its framing
 * and its session), where a check is a base64 decoding, two JSON parses and an HMAC. A token that
 * failed is never remembered, so it fails every time.
 */
import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

interface Verifier {
  key: KeyObject;
  /** Payloads of tokens that passed, by token, with the instant (ms) they stop being valid. */
  passed: Map<string, { payload: unknown; until: number }>;
}

/** Tokens remembered per key: a few MB at most; beyond, the memory starts again. */
const REMEMBERED_TOKENS = 10_000;

const verifiers = new Map<string, Verifier>();

function verifierOf(ltiKey: string): Verifier {
  let verifier = verifiers.get(ltiKey);
  if (!verifier) {
    verifier = { key: createSecretKey(Buffer.from(ltiKey)), passed: new Map() };
    verifiers.set(ltiKey, verifier);
  }
  return verifier;
}

/** The payload of `ltik` if `ltiKey` signed it and it has not expired at `nowMs`; throws otherwise. */
export function verifyLtik(ltik: string, ltiKey: string, nowMs: number = Date.now()): unknown {
  const { key, passed } = verifierOf(ltiKey);
  const known = passed.get(ltik);
  if (known && nowMs < known.until) return known.payload;
  // Expired (or new): jsonwebtoken says why.
  passed.delete(ltik);
  const payload = jwt.verify(ltik, key, { algorithms: ['HS256'], clockTimestamp: Math.floor(nowMs / 1000) });
  const exp = typeof payload === 'object' && payload !== null ? (payload as { exp?: unknown }).exp : undefined;
  if (passed.size >= REMEMBERED_TOKENS) passed.clear();
  passed.set(ltik, { payload: Object.freeze(payload), until: typeof exp === 'number' ? exp * 1000 : Infinity });
  return payload;
}
