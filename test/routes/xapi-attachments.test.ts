/**
 * xAPI attachments over HTTP (xAPI-Communication.md §1.5.2, §2.1.3): POST and PUT as
 * multipart/mixed keep the attachment data with the statements (whole or not at all, per
 * platform, one copy per sha2), GET with `attachments=true` gives it back as parts, and every way
 * a request can get the parts wrong answers 400 naming it. The parser itself:
 * test/ingest/multipart-mixed.test.ts.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import express from 'express';
import supertest from 'supertest';
import { routes } from '../../src/routes/index.js';
import { errorHandler, notFound } from '../../src/routes/http-error.js';
import { DEFAULT_INGEST_SETTINGS } from '../../src/routes/xapi-statements.js';
import { TEST_ADMIN_TOKEN } from '../support/test-app.js';
import { xapiWorld, type Credential, type XapiWorld } from '../support/xapi-world.js';

const VIEWED = 'http://id.tincanapi.com/verb/viewed';
const USAGE = 'http://example.com/attachment-usage/test';

const sha256 = (data: Buffer): string => crypto.createHash('sha256').update(data).digest('hex');
const newId = (): string => crypto.randomUUID();

/** Attachment data with every awkward octet: CR, LF, "--", NUL, 0xFF. */
const PDF = Buffer.from([0x25, 0x50, 0x44, 0x46, 0x0d, 0x0a, 0x2d, 0x2d, 0x00, 0xff, 0x0a, 0x0d]);
const TEXT = Buffer.from('here is a simple attachment');

function attachment(data: Buffer, patch: Record<string, unknown> = {}): Record<string, unknown> {
  return { usageType: USAGE, display: { 'en-US': 'A test attachment' }, contentType: 'application/pdf', length: data.length, sha2: sha256(data), ...patch };
}

function statement(id: string, attachments: Array<Record<string, unknown>>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    actor: { objectType: 'Agent', account: { homePage: 'https://lms.example.edu', name: 'student-1' } },
    verb: { id: VIEWED, display: { en: 'viewed' } },
    object: { id: 'https://lms.example.edu/assign/1', definition: { type: 'http://adlnet.gov/expapi/activities/assessment' } },
    timestamp: '2026-03-02T09:00:00.000Z',
    attachments,
    ...overrides,
  };
}

interface Part {
  headers: Record<string, string>;
  data: Buffer;
}

const BOUNDARY = '-------314159265358979323846';

/** A multipart/mixed request body as the spec's example builds it. */
function multipart(statements: unknown, parts: Part[], boundary = BOUNDARY): Buffer {
  const chunks: Buffer[] = [Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(statements)}`)];
  for (const part of parts) {
    const headers = Object.entries(part.headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
    chunks.push(Buffer.from(`\r\n--${boundary}\r\n${headers}\r\n`), part.data);
  }
  chunks.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

/** The part of `data` as a conformant client sends it. */
const dataPart = (data: Buffer, contentType = 'application/pdf', hash = sha256(data)): Part => ({
  headers: { 'Content-Type': contentType, 'Content-Transfer-Encoding': 'binary', 'X-Experience-API-Hash': hash },
  data,
});

/** superagent would read a multipart answer as a form: take it as octets. */
function asOctets(res: supertest.Response, done: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
}

describe('xAPI attachments (multipart/mixed)', () => {
  let x: XapiWorld;
  beforeEach(async () => {
    x = await xapiWorld();
  });
  afterEach(async () => {
    await x.close();
  });

  const send = (method: 'post' | 'put', body: Buffer, options: { credential?: Credential; statementId?: string; app?: express.Express; contentType?: string } = {}) => {
    const credential = options.credential ?? x.credential;
    const test = supertest(options.app ?? x.w.t.app)[method]('/xapi/statements');
    if (options.statementId !== undefined) test.query({ statementId: options.statementId });
    return test
      .auth(credential.key, credential.secret)
      .set('X-Experience-API-Version', '1.0.3')
      .set('Content-Type', options.contentType ?? `multipart/mixed; boundary=${BOUNDARY}`)
      .send(body);
  };
  const getWithAttachments = (query: Record<string, string>, credential: Credential = x.credential) =>
    supertest(x.w.t.app)
      .get('/xapi/statements')
      .query({ ...query, attachments: 'true' })
      .auth(credential.key, credential.secret)
      .set('X-Experience-API-Version', '1.0.3')
      .buffer(true)
      .parse(asOctets);

  /** The answer's boundary, from its Content-Type. */
  const boundaryOf = (res: supertest.Response): string => {
    const m = /^multipart\/mixed; boundary=(\S+)$/.exec(String(res.headers['content-type']));
    assert.ok(m, String(res.headers['content-type']));
    return m[1]!;
  };
  /** What a GET with attachments=true must answer: the JSON, then these parts. */
  const expectedAnswer = (boundary: string, json: unknown, parts: Array<{ contentType: string; data: Buffer }>): Buffer =>
    Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(json)}`),
      ...parts.flatMap((p) => [
        Buffer.from(`\r\n--${boundary}\r\nContent-Type: ${p.contentType}\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ${sha256(p.data)}\r\n\r\n`),
        p.data,
      ]),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);

  const storedAttachments = () =>
    x.rows(`select platform_id, sha2, content_type, length, encode(content, 'hex') as content, stored_at from statement_attachments order by platform_id, sha2`);
  const statementCount = async (): Promise<number> => Number((await x.rows('select count(*) as n from source_events'))[0]!.n);

  /** What the LRS adds to a statement sent at the frozen clock's now. */
  const assigned = () => ({
    stored: x.w.clock.now().toISOString(),
    authority: { objectType: 'Agent', account: { homePage: x.w.tool.url, name: x.credential.key } },
    version: '1.0.0',
  });

  it('POST keeps the data with its statement, once per sha2; GET attachments=true answers the JSON and one part per distinct sha2 held', async () => {
    // One request stores its statements in id order (insert-source-events.ts): name them so.
    const [first, second] = [newId(), newId()].sort() as [string, string];
    const textAttachment = attachment(TEXT, { contentType: 'text/plain' });
    const urlOnly = attachment(Buffer.from('elsewhere'), { fileUrl: 'https://files.example.edu/elsewhere.txt' });
    // Both statements name the PDF; the client sends its data once (§1.5.2.s2.b2.b5).
    const sent = [statement(first, [attachment(PDF), textAttachment]), statement(second, [attachment(PDF), urlOnly], { timestamp: '2026-03-02T09:01:00.000Z' })];
    const res = await send('post', multipart(sent, [dataPart(PDF), dataPart(TEXT, 'text/plain; charset=ascii')])).expect(200);
    assert.deepStrictEqual(res.body, [first, second]);
    const now = x.w.clock.now();
    assert.deepStrictEqual(await storedAttachments(), [
      { platform_id: x.platformId, sha2: sha256(PDF), content_type: 'application/pdf', length: PDF.length, content: PDF.toString('hex'), stored_at: now },
      { platform_id: x.platformId, sha2: sha256(TEXT), content_type: 'text/plain; charset=ascii', length: TEXT.length, content: TEXT.toString('hex'), stored_at: now },
    ].sort((a, b) => a.sha2.localeCompare(b.sha2)));

    // attachments=false (the default) is plain JSON, no data. Its JSON is the first part below
    // (taken as the server wrote it: the multipart answer is compared octet for octet).
    const plain = await x.get({ statementId: first, attachments: 'false' }).expect(200);
    assert.match(String(plain.headers['content-type']), /^application\/json/);
    assert.deepStrictEqual(plain.body, { ...sent[0], ...assigned() });
    const list = await x.get({ ascending: 'true' }).expect(200);
    assert.deepStrictEqual(list.body, { statements: [{ ...sent[0], ...assigned() }, { ...sent[1], ...assigned() }], more: '' });

    // One statement: its JSON, then its two parts in the order its attachments name them.
    const one = await getWithAttachments({ statementId: first }).expect(200);
    assert.deepStrictEqual(one.body, expectedAnswer(boundaryOf(one), plain.body, [{ contentType: 'application/pdf', data: PDF }, { contentType: 'text/plain; charset=ascii', data: TEXT }]));
    // A page: the PDF once although both statements name it; the fileUrl-only attachment has no part.
    const page = await getWithAttachments({ ascending: 'true' }).expect(200);
    assert.deepStrictEqual(page.body, expectedAnswer(boundaryOf(page), list.body, [{ contentType: 'application/pdf', data: PDF }, { contentType: 'text/plain; charset=ascii', data: TEXT }]));
  });

  it('PUT takes multipart/mixed too; a re-send of the same data changes nothing; a fileUrl attachment may bring its data as well', async () => {
    const id = newId();
    const withUrl = attachment(TEXT, { contentType: 'text/plain', fileUrl: 'http://over.there.com/file.txt' });
    await send('put', multipart(statement(id, [withUrl]), [dataPart(TEXT, 'text/plain')]), { statementId: id }).expect(204);
    const before = await storedAttachments();
    assert.deepStrictEqual(before, [{ platform_id: x.platformId, sha2: sha256(TEXT), content_type: 'text/plain', length: TEXT.length, content: TEXT.toString('hex'), stored_at: x.w.clock.now() }]);
    x.w.clock.advance(60);
    // Another statement with the same data, announced under another type: the first copy stays.
    const other = newId();
    await send('post', multipart([statement(other, [attachment(TEXT)])], [dataPart(TEXT, 'application/octet-stream')])).expect(200);
    await send('put', multipart(statement(id, [withUrl]), [dataPart(TEXT, 'text/plain')]), { statementId: id }).expect(204);
    assert.deepStrictEqual(await storedAttachments(), before);
    // multipart/mixed without attachment data is fine too (§1.5.2.s3.b8).
    const plain = newId();
    assert.deepStrictEqual((await send('post', multipart({ ...statement(plain, []), attachments: undefined }, [])).expect(200)).body, [plain]);
  });

  it('400: a part whose data does not hash to its X-Experience-API-Hash; nothing stored', async () => {
    const id = newId();
    const res = await send('post', multipart([statement(id, [attachment(PDF)])], [dataPart(PDF, 'application/pdf', sha256(TEXT))])).expect(400);
    assert.equal(res.body.error, `multipart/mixed part 2: X-Experience-API-Hash ${sha256(TEXT)} is not the SHA256 of the part's ${PDF.length} octets (${sha256(PDF)})`);
    assert.equal(await statementCount(), 0);
    assert.deepStrictEqual(await storedAttachments(), []);
  });

  it('400: an attachment without fileUrl whose part is missing, naming the statement and attachment', async () => {
    const res = await send('post', multipart([statement(newId(), []), statement(newId(), [attachment(TEXT, { fileUrl: 'https://f.example.edu/t' }), attachment(PDF)])], [])).expect(400);
    assert.equal(res.body.error, `statement[1].attachments[1]: has no fileUrl and no part of the request has its data (X-Experience-API-Hash ${sha256(PDF)})`);
    assert.equal(await statementCount(), 0);
  });

  it('400: an extra part that is no attachment of the statements; nothing stored', async () => {
    const res = await send('post', multipart([statement(newId(), [attachment(PDF)])], [dataPart(PDF), dataPart(TEXT, 'text/plain')])).expect(400);
    assert.equal(res.body.error, `multipart/mixed part 3: X-Experience-API-Hash ${sha256(TEXT)} is the sha2 of no attachment of the statements`);
    assert.equal(await statementCount(), 0);
    assert.deepStrictEqual(await storedAttachments(), []);
  });

  it('400: a part without Content-Transfer-Encoding binary, or without X-Experience-API-Hash', async () => {
    const sent = [statement(newId(), [attachment(PDF)])];
    const noEncoding = await send('post', multipart(sent, [{ headers: { 'Content-Type': 'application/pdf', 'X-Experience-API-Hash': sha256(PDF) }, data: PDF }])).expect(400);
    assert.equal(noEncoding.body.error, 'multipart/mixed part 2: Content-Transfer-Encoding must be binary, not absent');
    const noHash = await send('post', multipart(sent, [{ headers: { 'Content-Type': 'application/pdf', 'Content-Transfer-Encoding': 'binary' }, data: PDF }])).expect(400);
    assert.equal(noHash.body.error, 'multipart/mixed part 2: X-Experience-API-Hash is required (the sha2 of the attachment it holds)');
    assert.equal(await statementCount(), 0);
  });

  it('400: the first part not application/json, no boundary parameter, another multipart type; application/json with an attachment lacking fileUrl', async () => {
    const sent = [statement(newId(), [attachment(PDF)])];
    const body = multipart(sent, [dataPart(PDF)]).toString('latin1').replace('Content-Type: application/json', 'Content-Type: text/plain');
    assert.equal((await send('post', Buffer.from(body, 'latin1')).expect(400)).body.error, 'multipart/mixed part 1: Content-Type must be application/json (the statements), not text/plain');
    assert.equal((await send('post', multipart(sent, [dataPart(PDF)]), { contentType: 'multipart/mixed' }).expect(400)).body.error, 'Content-Type: multipart/mixed needs a boundary parameter');
    assert.equal(
      (await send('post', multipart(sent, [dataPart(PDF)]), { contentType: `multipart/form-data; boundary=${BOUNDARY}` }).expect(400)).body.error,
      'Content-Type: multipart/form-data is not accepted; send application/json, or multipart/mixed with attachment data',
    );
    const json = await x.post(sent).expect(400);
    assert.equal(json.body.error, 'statement[0].attachments[0].fileUrl: is required in an application/json request (attachment data can only come in a multipart/mixed request)');
    assert.equal(await statementCount(), 0);
  });

  it('409 on one statement of the request keeps none of its attachment data', async () => {
    const id = newId();
    await x.post(statement(id, [])).expect(200);
    const res = await send('post', multipart([statement(newId(), [attachment(PDF)]), statement(id, [], { verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' } })], [dataPart(PDF)])).expect(409);
    assert.match(res.body.error, /^statement\[1\]\.id: /);
    assert.equal(await statementCount(), 1);
    assert.deepStrictEqual(await storedAttachments(), []);
  });

  it('a signed statement: a well-formed JWS of it is kept as its signature; a malformed one is 400 and nothing is stored', async () => {
    const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const sign = (header: Record<string, unknown>, payload: unknown): Buffer => {
      const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
      return Buffer.from(`${input}.${crypto.sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`);
    };
    const signedPost = (id: string, jws: Buffer) => {
      const signature = attachment(jws, { usageType: 'http://adlnet.gov/expapi/attachments/signature', contentType: 'application/octet-stream' });
      return send('post', multipart(statement(id, [signature]), [dataPart(jws, 'application/octet-stream')]));
    };
    const id = newId();
    const { attachments: _none, ...unsigned } = statement(id, []);
    const jws = sign({ alg: 'RS256' }, unsigned);
    await signedPost(id, jws).expect(200);
    assert.deepStrictEqual((await storedAttachments()).map((r) => [r.sha2, r.content]), [[sha256(jws), jws.toString('hex')]]);

    const other = newId();
    const bad = await signedPost(other, sign({ alg: 'HS256' }, { ...unsigned, id: other })).expect(400);
    assert.equal(bad.body.error, 'statement.attachments[0]: the JWS alg must be RS256, RS384 or RS512, not "HS256"');
    const notThis = await signedPost(other, sign({ alg: 'RS256' }, unsigned)).expect(400);
    assert.equal(notThis.body.error, `statement.attachments[0]: the JWS payload is the statement ${id}, not this one (${other})`);
    assert.equal(await statementCount(), 1);
    assert.equal((await storedAttachments()).length, 1);
  });

  it('413: attachment data counts against INGEST_MAX_BYTES', async () => {
    const app = express();
    app.use(routes({ db: x.w.t.db, lti: x.w.t.lti, adminToken: TEST_ADMIN_TOKEN, publicUrl: x.w.tool.url, now: x.w.clock.now, ingest: { ...DEFAULT_INGEST_SETTINGS, ingestMaxBytes: 4096 } }));
    app.use(notFound, errorHandler);
    const big = crypto.randomBytes(4096);
    const sent = [statement(newId(), [attachment(big)])];
    assert.ok(JSON.stringify(sent).length < 4096);
    const res = await send('post', multipart(sent, [dataPart(big)]), { app }).expect(413);
    assert.equal(res.body.error, 'the request body is larger than the limit of 4096 bytes');
    assert.equal(await statementCount(), 0);
    assert.deepStrictEqual(await storedAttachments(), []);
    // The same statement with a smaller attachment fits.
    await send('post', multipart([statement(newId(), [attachment(TEXT)])], [dataPart(TEXT)]), { app }).expect(200);
  });

  it("tenant isolation: platform B naming A's sha2 with a fileUrl only gets no data; B's own copy is B's", async () => {
    const b = await x.w.addPlatform({ name: 'LMS B' });
    const clientB = await x.client(b.platformId);
    const credentialB = clientB.credential;
    const idA = newId();
    await send('post', multipart([statement(idA, [attachment(PDF)])], [dataPart(PDF)])).expect(200);

    // B names the same sha2, with a fileUrl and no data.
    const idB = newId();
    const sentB = statement(idB, [attachment(PDF, { fileUrl: 'https://lms-b.example.edu/f.pdf' })]);
    await clientB.post(sentB).expect(200);
    const assignedB = { ...assigned(), authority: { objectType: 'Agent', account: { homePage: x.w.tool.url, name: credentialB.key } } };
    const plainB = await clientB.get({ statementId: idB }).expect(200);
    assert.deepStrictEqual(plainB.body, { ...sentB, ...assignedB });
    const byId = await getWithAttachments({ statementId: idB }, credentialB).expect(200);
    assert.deepStrictEqual(byId.body, expectedAnswer(boundaryOf(byId), plainB.body, []));
    const list = await getWithAttachments({}, credentialB).expect(200);
    assert.deepStrictEqual(list.body, expectedAnswer(boundaryOf(list), { statements: [plainB.body], more: '' }, []));
    await getWithAttachments({ statementId: idA }, credentialB).expect(404);

    // B cannot skip sending the data by naming a sha2 A holds: without fileUrl, the part is required.
    const res = await send('post', multipart([statement(newId(), [attachment(PDF)])], []), { credential: credentialB }).expect(400);
    assert.match(res.body.error, /^statement\[0\]\.attachments\[0\]: has no fileUrl and no part/);
    // B sending the data itself keeps B's own copy; A's is untouched.
    x.w.clock.advance(60);
    await send('post', multipart([statement(newId(), [attachment(PDF, { contentType: 'application/octet-stream' })])], [dataPart(PDF, 'application/octet-stream')]), { credential: credentialB }).expect(200);
    const rows = await storedAttachments();
    assert.deepStrictEqual(
      rows.map((r) => [r.platform_id, r.sha2, r.content_type]),
      [[x.platformId, sha256(PDF), 'application/pdf'], [b.platformId, sha256(PDF), 'application/octet-stream']].sort((p, q) => String(p[0]).localeCompare(String(q[0]))),
    );
  });
});
