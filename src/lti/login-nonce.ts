/**
 * The OIDC nonce of each login, from crypto.randomBytes. ltijs 5.9.9 makes it with Math.random
 * (`dist/Utils/Request.js`, `Request.ltiAdvantageLogin`: 25 base-36 characters of
 * `Math.random() * 36`), which is not a cryptographic generator: V8's xorshift128+ state can be
 * recovered from a few of its outputs, and the nonces that follow predicted. (Its OIDC state is
 * crypto.randomBytes already.)
 *
 * ltijs's login route calls that static method of one module-level class on every login, so
 * wrapping it once, from our side, changes every Provider's nonce without forking ltijs: the
 * query it builds is kept, and only its nonce replaced. When an ltijs upgrade moves or renames
 * it, start-up fails here rather than silently keeping the weak nonce.
 */
import crypto from 'node:crypto';
import { createRequire } from 'node:module';

type LoginQuery = Record<string, unknown> & { nonce?: unknown };
interface LtijsRequest {
  ltiAdvantageLogin(request: unknown, platform: unknown, state: string): Promise<LoginQuery>;
}

const WRAPPED = Symbol.for('coursepulse.secureLoginNonce');

/** 32 random bytes, base64url: 43 characters, safe in a URL as they are. */
export const loginNonce = (): string => crypto.randomBytes(32).toString('base64url');

/** Makes ltijs's login use {@link loginNonce}. Idempotent: each Provider set-up calls it. */
export function useSecureLoginNonces(): void {
  const Request = createRequire(import.meta.url)('ltijs/dist/Utils/Request') as LtijsRequest & { [WRAPPED]?: true };
  if (Request[WRAPPED]) return;
  const original = Request.ltiAdvantageLogin;
  if (typeof original !== 'function') throw new Error('ltijs has no Request.ltiAdvantageLogin to give a secure nonce to (see src/lti/login-nonce.ts)');
  Request.ltiAdvantageLogin = async function (this: unknown, request, platform, state) {
    const query = await original.call(this, request, platform, state);
    if (!('nonce' in query)) throw new Error('ltijs’s login query has no nonce to replace (see src/lti/login-nonce.ts)');
    return { ...query, nonce: loginNonce() };
  };
  Request[WRAPPED] = true;
}
