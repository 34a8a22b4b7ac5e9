/**
 * xAPI multipart/mixed (xAPI-Communication.md §1.5.2, RFC 2046 §5.1): splitting a request into
 * parts by the CRLF rules, the checks on the statements part and the attachment parts, pairing
 * parts with attachment objects by sha2, and the GET answer. Over HTTP: test/routes/xapi-attachments.test.ts.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  attachmentHashes,
  boundaryOf,
  matchAttachments,
  multipartMixedBody,
  readMultipartStatements,
  splitMultipart,
  type AttachmentPart,
} from '../../src/ingest/multipart-mixed.js';
import type { Attachment, Statement } from '../../src/ingest/statement-validation.js';

const sha256 = (data: string | Buffer): string => crypto.createHash('sha256').update(data).digest('hex');
const b = (text: string): Buffer => Buffer.from(text, 'latin1');
const parts = (body: Buffer, boundary: string) => {
  const split = splitMultipart(body, boundary);
  if (!split.ok) return split;
  return { ok: true, parts: split.parts.map((p) => ({ headers: Object.fromEntries(p.headers), body: p.body.toString('latin1') })) };
};

function attachment(sha2: string, patch: Partial<Attachment> = {}): Attachment {
  return { usageType: 'http://example.com/attachment-usage/test', display: { 'en-US': 'A test attachment' }, contentType: 'text/plain', length: 27, sha2, ...patch };
}

describe('xAPI multipart/mixed', () => {
  describe('boundaryOf', () => {
    it('reads a plain or quoted boundary (the spec example), and names a missing or invalid one', () => {
      assert.deepStrictEqual(boundaryOf('multipart/mixed; boundary=-------314159265358979323846'), { ok: true, boundary: '-------314159265358979323846' });
      assert.deepStrictEqual(boundaryOf('multipart/mixed; charset=utf-8; Boundary="abcABC0123\'()+_,-./:=?"'), { ok: true, boundary: "abcABC0123'()+_,-./:=?" });
      assert.deepStrictEqual(boundaryOf('multipart/mixed'), { ok: false, error: 'Content-Type: multipart/mixed needs a boundary parameter' });
      assert.deepStrictEqual(boundaryOf('multipart/mixed; boundary="a<b"'), {
        ok: false,
        error: "Content-Type: the boundary must be 1 to 70 characters of RFC 2046 (letters, digits, '()+_,-./:=? and inner spaces)",
      });
      assert.equal(boundaryOf(`multipart/mixed; boundary=${'x'.repeat(71)}`).ok, false);
    });
  });

  describe('splitMultipart', () => {
    it('takes the CRLF before a delimiter as the delimiter\'s: part data is exactly what lies between', () => {
      const body = b('--XX\r\nContent-Type: application/json\r\n\r\n{}\r\n--XX\r\nA: 1\r\nB:2\r\n\r\n\r\nline\r\n\r\n--XX--\r\n');
      assert.deepStrictEqual(parts(body, 'XX'), {
        ok: true,
        parts: [
          { headers: { 'content-type': 'application/json' }, body: '{}' },
          { headers: { a: '1', b: '2' }, body: '\r\nline\r\n' },
        ],
      });
    });

    it('skips a preamble and an epilogue, allows padding after a boundary, unfolds headers, and reads a part without headers', () => {
      const body = b('preamble\r\n--XX  \r\nContent-Type:\r\n application/json\r\n\r\n[]\r\n--XX\r\n\r\nno headers\r\n--XX--\r\nepilogue --XX\r\n');
      assert.deepStrictEqual(parts(body, 'XX'), {
        ok: true,
        parts: [
          { headers: { 'content-type': 'application/json' }, body: '[]' },
          { headers: {}, body: 'no headers' },
        ],
      });
      // The ADL suite's signed statements: an empty preamble (the body opens with CRLF), no epilogue.
      assert.deepStrictEqual(parts(b('\r\n--XX\r\nContent-Type:application/json\r\n\r\n{}\r\n--XX--'), 'XX'), {
        ok: true,
        parts: [{ headers: { 'content-type': 'application/json' }, body: '{}' }],
      });
    });

    it('does not take the boundary text inside a line of data for a delimiter', () => {
      const body = b('--XX\r\nH: v\r\n\r\nsee --XX here\r\n--XXY is no delimiter either\r\n--XX--');
      assert.deepStrictEqual(parts(body, 'XX'), { ok: true, parts: [{ headers: { h: 'v' }, body: 'see --XX here\r\n--XXY is no delimiter either' }] });
    });

    it('keeps binary data octet for octet (bare CR, LF and NUL included)', () => {
      const data = Buffer.from([0, 13, 10, 13, 255, 10, 45, 45, 0]);
      const body = Buffer.concat([b('--XX\r\nH: v\r\n\r\n'), data, b('\r\n--XX--\r\n')]);
      const split = splitMultipart(body, 'XX');
      assert.ok(split.ok);
      assert.deepStrictEqual(split.parts.map((p) => p.body), [data]);
    });

    it('names what is wrong: no boundary, a boundary line without CRLF, no close delimiter, headers without an empty line, a bad header line', () => {
      assert.deepStrictEqual(splitMultipart(b('{"a":1}'), 'XX'), { ok: false, error: 'multipart/mixed: the body has no boundary line --XX' });
      assert.deepStrictEqual(splitMultipart(b('--XX garbage\r\n\r\n{}\r\n--XX--'), 'XX'), { ok: false, error: 'multipart/mixed: a boundary line --XX does not end with CRLF' });
      assert.deepStrictEqual(splitMultipart(b('--XX\r\nContent-Type: application/json\r\n\r\n{}\r\n'), 'XX'), {
        ok: false,
        error: 'multipart/mixed: the body does not end with the close delimiter --XX--',
      });
      assert.deepStrictEqual(splitMultipart(b('--XX\r\nContent-Type: application/json\r\n{}\r\n--XX--'), 'XX'), {
        ok: false,
        error: 'multipart/mixed part 1: its header fields do not end with an empty line (CRLF CRLF)',
      });
      assert.deepStrictEqual(splitMultipart(b('--XX\r\nno colon here\r\n\r\n{}\r\n--XX--'), 'XX'), {
        ok: false,
        error: 'multipart/mixed part 1: the header line "no colon here" is not "Name: value"',
      });
      assert.deepStrictEqual(splitMultipart(b('--XX--\r\n'), 'XX'), {
        ok: false,
        error: 'multipart/mixed: the body has no parts (the first must be the statements as application/json)',
      });
    });
  });

  describe('readMultipartStatements', () => {
    const TYPE = 'multipart/mixed; boundary=XX';
    const json = '{"actor":{"mbox":"mailto:a@example.edu"}}';
    const data = 'here is a simple attachment';
    const first = `--XX\r\nContent-Type: application/json; charset=utf-8\r\n\r\n${json}\r\n`;
    const part = (headers: string, body = data) => `--XX\r\n${headers}\r\n\r\n${body}\r\n`;
    const good = `Content-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ${sha256(data)}`;

    it('answers the parsed statements and each attachment part with its checked sha2 (lower case), type and octets', () => {
      const upper = sha256(data).toUpperCase();
      const sha512 = crypto.createHash('sha512').update('second').digest('hex');
      const body = b(first + part(good) + part(`X-Experience-API-Hash: ${upper}\r\nContent-Transfer-Encoding: BINARY`) + part(`Content-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ${sha512}`, 'second') + '--XX--\r\n');
      assert.deepStrictEqual(readMultipartStatements(body, TYPE), {
        ok: true,
        statements: { actor: { mbox: 'mailto:a@example.edu' } },
        attachments: [
          { part: 2, sha2: sha256(data), contentType: 'text/plain', content: Buffer.from(data) },
          { part: 3, sha2: sha256(data), contentType: null, content: Buffer.from(data) },
          { part: 4, sha2: sha512, contentType: null, content: Buffer.from('second') },
        ],
      });
    });

    it('refuses a first part that is not application/json, or not JSON', () => {
      assert.deepStrictEqual(readMultipartStatements(b(part('Content-Type: text/plain', json) + '--XX--'), TYPE), {
        ok: false,
        error: 'multipart/mixed part 1: Content-Type must be application/json (the statements), not text/plain',
      });
      assert.deepStrictEqual(readMultipartStatements(b(part('X-A: b', json) + '--XX--'), TYPE), {
        ok: false,
        error: 'multipart/mixed part 1: Content-Type must be application/json (the statements), not absent',
      });
      assert.deepStrictEqual(readMultipartStatements(b(part('Content-Type: application/json', '{"a":') + '--XX--'), TYPE), {
        ok: false,
        error: 'multipart/mixed part 1: the statements are not valid JSON in UTF-8',
      });
    });

    it('refuses an attachment part without X-Experience-API-Hash, without Content-Transfer-Encoding binary, or whose data has another hash', () => {
      const read = (headers: string, body?: string) => readMultipartStatements(b(first + part(headers, body) + '--XX--'), TYPE);
      assert.deepStrictEqual(read('Content-Type: text/plain\r\nContent-Transfer-Encoding: binary'), {
        ok: false,
        error: 'multipart/mixed part 2: X-Experience-API-Hash is required (the sha2 of the attachment it holds)',
      });
      assert.deepStrictEqual(read(`X-Experience-API-Hash: ${sha256(data)}`), { ok: false, error: 'multipart/mixed part 2: Content-Transfer-Encoding must be binary, not absent' });
      assert.deepStrictEqual(read(`X-Experience-API-Hash: ${sha256(data)}\r\nContent-Transfer-Encoding: base64`), {
        ok: false,
        error: 'multipart/mixed part 2: Content-Transfer-Encoding must be binary, not base64',
      });
      assert.deepStrictEqual(read(`X-Experience-API-Hash: ${sha256('other')}\r\nContent-Transfer-Encoding: binary`), {
        ok: false,
        error: `multipart/mixed part 2: X-Experience-API-Hash ${sha256('other')} is not the SHA256 of the part's 27 octets (${sha256(data)})`,
      });
      assert.deepStrictEqual(read('X-Experience-API-Hash: abc\r\nContent-Transfer-Encoding: binary'), {
        ok: false,
        error: 'multipart/mixed part 2: X-Experience-API-Hash must be the hex digits of a SHA-2 hash (224, 256, 384 or 512 bits)',
      });
    });

    it('passes on what is wrong with the boundary or the body', () => {
      assert.deepStrictEqual(readMultipartStatements(b(first + '--XX--'), 'multipart/mixed'), { ok: false, error: 'Content-Type: multipart/mixed needs a boundary parameter' });
      assert.deepStrictEqual(readMultipartStatements(b(first + '--XX--'), 'multipart/mixed; boundary=YY'), { ok: false, error: 'multipart/mixed: the body has no boundary line --YY' });
    });
  });

  describe('matchAttachments', () => {
    const statement = (attachments: Attachment[], sub: Attachment[] = []): Pick<Statement, 'attachments' | 'object'> => ({
      attachments,
      object: sub.length > 0
        ? { objectType: 'SubStatement', actor: { mbox: 'mailto:a@example.edu' }, verb: { id: 'http://example.com/v' }, object: { id: 'http://example.com/a' }, attachments: sub }
        : { id: 'http://example.com/a' },
    });
    const partOf = (n: number, data: string, contentType: string | null = null): AttachmentPart => ({ part: n, sha2: sha256(data), contentType, content: Buffer.from(data) });

    it('keeps one datum per sha2, typed by its part or else by its attachment, for statements and SubStatements', () => {
      const matched = matchAttachments(
        [
          { path: 'statement[0]', original: statement([attachment(sha256('one').toUpperCase()), attachment(sha256('url'), { fileUrl: 'http://example.com/f' })]) },
          { path: 'statement[1]', original: statement([attachment(sha256('one'))], [attachment(sha256('two'), { contentType: 'image/png' })]) },
        ],
        [partOf(2, 'one', 'text/plain; charset=ascii'), partOf(3, 'two'), partOf(4, 'one')],
      );
      assert.deepStrictEqual(matched, {
        ok: true,
        data: [
          { sha2: sha256('one'), contentType: 'text/plain; charset=ascii', content: Buffer.from('one') },
          { sha2: sha256('two'), contentType: 'image/png', content: Buffer.from('two') },
        ],
      });
    });

    it('types data whose content type is no printable ASCII (a line break in it) application/octet-stream', () => {
      const matched = matchAttachments(
        [{ path: 'statement', original: statement([attachment(sha256('one'), { contentType: 'text/plain\r\n; x=y' }), attachment(sha256('two'))]) }],
        [partOf(2, 'one'), partOf(3, 'two', 'text/plain; name=\u00e9')],
      );
      assert.deepStrictEqual(matched, {
        ok: true,
        data: [
          { sha2: sha256('one'), contentType: 'application/octet-stream', content: Buffer.from('one') },
          { sha2: sha256('two'), contentType: 'application/octet-stream', content: Buffer.from('two') },
        ],
      });
    });

    it('refuses a part no attachment names, and an attachment without fileUrl whose part is missing (naming its path)', () => {
      assert.deepStrictEqual(matchAttachments([{ path: 'statement', original: statement([attachment(sha256('one'))]) }], [partOf(2, 'one'), partOf(3, 'extra')]), {
        ok: false,
        error: `multipart/mixed part 3: X-Experience-API-Hash ${sha256('extra')} is the sha2 of no attachment of the statements`,
      });
      assert.deepStrictEqual(matchAttachments([{ path: 'statement[0]', original: statement([], [attachment(sha256('sub'))]) }], []), {
        ok: false,
        error: `statement[0].object.attachments[0]: has no fileUrl and no part of the request has its data (X-Experience-API-Hash ${sha256('sub')})`,
      });
      assert.deepStrictEqual(matchAttachments([], [partOf(2, 'one')]), {
        ok: false,
        error: `multipart/mixed part 2: X-Experience-API-Hash ${sha256('one')} is the sha2 of no attachment of the statements`,
      });
    });
  });

  describe('the GET answer', () => {
    it('lists the sha2s a stored statement names (its SubStatement\'s too), in lower case', () => {
      const stored = { attachments: [attachment('AB'.repeat(32))], object: { objectType: 'SubStatement', attachments: [attachment('cd'.repeat(32))] } };
      assert.deepStrictEqual(attachmentHashes(stored), ['ab'.repeat(32), 'cd'.repeat(32)]);
      assert.deepStrictEqual(attachmentHashes({ object: { id: 'http://example.com/a' } }), []);
    });

    it('writes the JSON part, then one part per attachment, and draws another boundary while one occurs in the data', () => {
      const boundaries = ['in-data', 'fresh'];
      const data = Buffer.from([0x2d, 0x2d, 0x69, 0x6e, 0x2d, 0x64, 0x61, 0x74, 0x61, 0x00, 0xff]); // "--in-data" NUL 0xFF
      const { boundary, body } = multipartMixedBody('{"id":"x"}', [{ sha2: 'ab', contentType: 'application/octet-stream', content: data }], () => boundaries.shift()!);
      assert.equal(boundary, 'fresh');
      assert.deepStrictEqual(
        body,
        Buffer.concat([
          b('--fresh\r\nContent-Type: application/json\r\n\r\n{"id":"x"}\r\n--fresh\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ab\r\n\r\n'),
          data,
          b('\r\n--fresh--\r\n'),
        ]),
      );
      // What it writes, it reads back.
      const split = splitMultipart(body, boundary);
      assert.ok(split.ok);
      assert.deepStrictEqual(split.parts.map((p) => p.body), [Buffer.from('{"id":"x"}'), data]);
    });
  });
});
