/**
 * Signed statements (xAPI-Data.md §2.6): which signatures the LRS refuses as malformed. The
 * signer's key and self-signed certificate are made for each run (openssl: Node cannot issue an
 * X.509 certificate), so no key is kept in the repository. Over HTTP:
 * test/routes/xapi-attachments.test.ts.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkSignatures, signatureProblem } from '../../src/ingest/statement-signature.js';
import { SIGNATURE_USAGE_TYPE, type Statement } from '../../src/ingest/statement-validation.js';

/** A fresh RSA key and a one-day self-signed certificate for it. */
function signer(): { key: string; cert: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coursepulse-jws-'));
  try {
    const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=CoursePulse test signer', '-days', '1'], { stdio: 'ignore' });
    return { key: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
const SIGNER = signer();
const PRIVATE_KEY = crypto.createPrivateKey(SIGNER.key);
const CERT_DER = new crypto.X509Certificate(SIGNER.cert).raw.toString('base64');

const b64url = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A compact JWS of `payload` with `header`, signed (RSA PKCS#1 v1.5) with the fixture key. */
function jws(header: Record<string, unknown>, payload: unknown, hash = 'sha256'): Buffer {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return Buffer.from(`${input}.${crypto.sign(hash, Buffer.from(input), PRIVATE_KEY).toString('base64url')}`);
}

const sent: Statement = {
  id: '2a41c918-b88b-4220-a0ae-3b1ef0f9a4e2',
  actor: { mbox: 'mailto:signer@example.edu' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/attended' },
  object: { id: 'http://www.example.com/meetings/occurances/34534' },
  version: '1.0.0',
};
/** The statement as the LRS received it: the signature attachment added after signing. */
const received = (sig: Buffer): Statement => ({
  ...sent,
  attachments: [{ usageType: SIGNATURE_USAGE_TYPE, display: { 'en-US': 'Signature' }, contentType: 'application/octet-stream', length: sig.length, sha2: crypto.createHash('sha256').update(sig).digest('hex') }],
});
const { version: _v, ...payload } = sent;

describe('signed statements (JWS)', () => {
  it('accepts RS256, RS384 and RS512 over the statement as it was before the signature, with or without x5c', () => {
    for (const [alg, hash] of [['RS256', 'sha256'], ['RS384', 'sha384'], ['RS512', 'sha512']] as const) {
      const plain = jws({ alg }, payload, hash);
      assert.equal(signatureProblem(plain, received(plain), '1.0.3'), null);
      const withCert = jws({ alg, x5c: [CERT_DER] }, payload, hash);
      assert.equal(signatureProblem(withCert, received(withCert), '1.0.3'), null);
    }
    // Logically equivalent is enough: timestamp and id case as the statement comparison allows.
    const upper = jws({ alg: 'RS256' }, { ...payload, id: sent.id!.toUpperCase() });
    assert.equal(signatureProblem(upper, received(upper), '2.0.0'), null);
  });

  it('names what is malformed: not a JWS, its alg, its payload, a payload of another statement, a signature its certificate does not verify', () => {
    const problem = (sig: Buffer): string | null => signatureProblem(sig, received(sig), '1.0.3');
    assert.equal(problem(Buffer.from('not a jws')), 'the signature is not a JWS (compact serialization: header.payload.signature in base64url)');
    assert.equal(problem(Buffer.from([0xff, 0xfe])), 'the signature is not a JWS (compact serialization: header.payload.signature in base64url)');
    assert.equal(problem(Buffer.from(`${b64url('[')}.${b64url(payload)}.c2ln`)), 'the JWS header is not a JSON object');
    assert.equal(problem(jws({ alg: 'HS256' }, payload)), 'the JWS alg must be RS256, RS384 or RS512, not "HS256"');
    assert.equal(problem(jws({ typ: 'JWT' }, payload)), 'the JWS alg must be RS256, RS384 or RS512, not absent');
    // The ADL suite's "invalid JSON serialization": one quote replaced.
    assert.equal(problem(jws({ alg: 'RS256' }, JSON.stringify(payload).replace('"', "'"))), 'the JWS payload is not a JSON serialization of the statement');
    assert.equal(problem(jws({ alg: 'RS256' }, { ...payload, verb: {} })), 'the JWS payload is not a valid statement (payload.verb.id: is required)');
    assert.equal(problem(jws({ alg: 'RS256' }, { ...payload, verb: { id: 'http://adlnet.gov/expapi/verbs/failed' } })), 'the JWS payload is not this statement (it differs from the statement sent)');
    assert.equal(problem(jws({ alg: 'RS256' }, { ...payload, id: '6d9ef5a0-2c4b-4d3e-9f0a-1b2c3d4e5f60' })), `the JWS payload is the statement 6d9ef5a0-2c4b-4d3e-9f0a-1b2c3d4e5f60, not this one (${sent.id})`);
    assert.equal(problem(jws({ alg: 'RS256', x5c: 'abc' }, payload)), 'the JWS header x5c must be an array of base64 certificates');
    assert.equal(problem(jws({ alg: 'RS256', x5c: ['AAAA'] }, payload)), 'the first certificate of the JWS header x5c is not an X.509 certificate');
    // Signed with SHA-256 but announced as RS512: the certificate's key does not verify it.
    assert.equal(problem(jws({ alg: 'RS512', x5c: [CERT_DER] }, payload, 'sha256')), 'the JWS signature does not verify with the key of its x5c certificate (RS512)');
    const good = jws({ alg: 'RS256', x5c: [CERT_DER] }, payload).toString();
    const tampered = Buffer.from(`${good.slice(0, good.lastIndexOf('.') + 1)}${Buffer.alloc(256, 1).toString('base64url')}`);
    assert.equal(problem(tampered), 'the JWS signature does not verify with the key of its x5c certificate (RS256)');
  });

  it('checks the signature attachments whose data came, naming the attachment; one known only by fileUrl is not checked', () => {
    const bad = jws({ alg: 'none' }, payload);
    const statement = received(bad);
    const sha2 = statement.attachments![0]!.sha2;
    const other = { usageType: 'http://example.com/attachment-usage/test', display: { en: 'x' }, contentType: 'text/plain', length: 1, sha2: 'ab'.repeat(32) };
    const withOther = { ...statement, attachments: [other, statement.attachments![0]!] };
    assert.deepStrictEqual(checkSignatures([{ path: 'statement[2]', original: withOther }], [{ sha2, content: bad }], '1.0.3'), {
      ok: false,
      error: 'statement[2].attachments[1]: the JWS alg must be RS256, RS384 or RS512, not "none"',
    });
    assert.deepStrictEqual(checkSignatures([{ path: 'statement', original: statement }], [], '1.0.3'), { ok: true });
    const good = jws({ alg: 'RS256' }, payload);
    assert.deepStrictEqual(checkSignatures([{ path: 'statement', original: received(good) }], [{ sha2: received(good).attachments![0]!.sha2, content: good }], '1.0.3'), { ok: true });
  });
});
