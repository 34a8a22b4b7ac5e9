/**
 * Signed statements (xAPI-Data.md §2.6): a statement may carry a JWS of itself as an attachment
 * of usageType …/attachments/signature. Now that attachment data arrives (multipart/mixed), the
 * LRS must refuse a malformed signature with 400, and to tell, it must: decode the JWS (compact
 * serialization), check that its `alg` is RS256, RS384 or RS512, check that its payload is the
 * statement as it was before the signature was added ("logically equivalent": sameStatement,
 * which ignores attachments, id, stored, authority and version), and, when its header carries an
 * X.509 certificate (`x5c`), verify the signature with that certificate's key. Without an `x5c`
 * there is no key to verify with, and the spec asks for none. Pure.
 */
import crypto from 'node:crypto';
import { sameStatement } from './statement-id.js';
import { SIGNATURE_USAGE_TYPE, validateStatement, type Statement, type XapiVersion } from './statement-validation.js';

const HASH_OF_ALG: Record<string, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' };
const COMPACT_JWS = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeJson(segment: string): unknown {
  try {
    return JSON.parse(utf8.decode(Buffer.from(segment, 'base64url')));
  } catch {
    return undefined;
  }
}

/** What is wrong with one signature of `statement`, or null when it is well formed. */
export function signatureProblem(jws: Uint8Array, statement: Statement, version: XapiVersion): string | null {
  let text: string;
  try {
    text = utf8.decode(jws).trim();
  } catch {
    return 'the signature is not a JWS (compact serialization: header.payload.signature in base64url)';
  }
  const parts = COMPACT_JWS.exec(text);
  if (!parts) return 'the signature is not a JWS (compact serialization: header.payload.signature in base64url)';
  const [, headerText, payloadText, signatureText] = parts as unknown as [string, string, string, string];
  const header = decodeJson(headerText);
  if (typeof header !== 'object' || header === null || Array.isArray(header)) return 'the JWS header is not a JSON object';
  const { alg, x5c } = header as { alg?: unknown; x5c?: unknown };
  const hash = typeof alg === 'string' ? HASH_OF_ALG[alg] : undefined;
  if (hash === undefined) return `the JWS alg must be RS256, RS384 or RS512, not ${JSON.stringify(alg) ?? 'absent'}`;

  const payload = decodeJson(payloadText);
  if (payload === undefined) return 'the JWS payload is not a JSON serialization of the statement';
  const signed = validateStatement(payload, version, { multipart: true, path: 'payload' });
  if (!signed.ok) return `the JWS payload is not a valid statement (${signed.error})`;
  // sameStatement compares statements that share an id; a signed one must also have the id it was signed with.
  const signedId = signed.statement.id?.toLowerCase();
  if (signedId !== undefined && statement.id !== undefined && signedId !== statement.id.toLowerCase()) {
    return `the JWS payload is the statement ${signedId}, not this one (${statement.id.toLowerCase()})`;
  }
  if (!sameStatement(signed.statement, statement)) return 'the JWS payload is not this statement (it differs from the statement sent)';

  if (x5c !== undefined) {
    if (!Array.isArray(x5c) || typeof x5c[0] !== 'string') return 'the JWS header x5c must be an array of base64 certificates';
    let key: crypto.KeyObject;
    try {
      key = new crypto.X509Certificate(Buffer.from(x5c[0], 'base64')).publicKey;
    } catch {
      return 'the first certificate of the JWS header x5c is not an X.509 certificate';
    }
    let verified = false;
    try {
      verified = crypto.verify(hash, Buffer.from(`${headerText}.${payloadText}`), key, Buffer.from(signatureText, 'base64url'));
    } catch {
      verified = false;
    }
    if (!verified) return `the JWS signature does not verify with the key of its x5c certificate (${alg as string})`;
  }
  return null;
}

/**
 * Checks every signature attachment of the statements whose data came with the request (one
 * known only by its fileUrl cannot be checked); the first problem names its attachment.
 */
export function checkSignatures(
  statements: ReadonlyArray<{ path: string; original: Statement }>,
  data: ReadonlyArray<{ sha2: string; content: Uint8Array }>,
  version: XapiVersion,
): { ok: true } | { ok: false; error: string } {
  const bySha2 = new Map(data.map((d) => [d.sha2, d.content]));
  for (const { path, original } of statements) {
    for (const [j, attachment] of (original.attachments ?? []).entries()) {
      if (attachment.usageType !== SIGNATURE_USAGE_TYPE) continue;
      const jws = bySha2.get(attachment.sha2.toLowerCase());
      if (jws === undefined) continue;
      const problem = signatureProblem(jws, original, version);
      if (problem !== null) return { ok: false, error: `${path}.attachments[${j}]: ${problem}` };
    }
  }
  return { ok: true };
}
