/**
 * What supertest cannot send, over a raw socket to the app on a real port: malformed request
 * lines and headers, absurd and conflicting Content-Lengths, invalid chunked encoding, bodies cut
 * short, a request that never finishes. Each gets an answer below 500 or a closed connection,
 * nothing is written, and the server answers /healthz after each.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { BACKEND } from '../support/databases.js';
import { TEST_ADMIN_TOKEN, testApp, type TestApp } from '../support/test-app.js';
import { toolServer, type ToolServer } from '../support/tool-server.js';
import { assertHealthy, changedTables, rowCounts } from './answer-checks.js';
import { FuzzTally } from './fuzz-runs.js';

const tally = new FuzzTally('raw http');

/** Sends `bytes`, then waits for the server to close, for 200 ms of quiet after an answer (keep-alive), or for `waitMs`; what came back. */
async function exchange(port: number, bytes: string | Buffer, waitMs = 1500): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    let timer = setTimeout(done, waitMs);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      clearTimeout(timer);
      timer = setTimeout(done, 200);
    });
    socket.on('end', done);
    socket.on('close', done);
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? done() : reject(err)));
    socket.write(bytes);
  });
}

/** The status codes of every response in `text`. */
const statuses = (text: string): number[] => [...text.matchAll(/^HTTP\/1\.[01] (\d{3})/gm)].map((m) => Number(m[1]));

describe(`fuzz: raw HTTP (${BACKEND})`, () => {
  let tool: ToolServer;
  let t: TestApp;
  let port: number;

  before(async () => {
    tool = await toolServer();
    t = await testApp({ publicUrl: tool.url });
    tool.serve(t.app);
    port = Number(new URL(tool.url).port);
  });
  after(async () => {
    await t?.close();
    await tool?.close();
    console.log(`    ${tally.line()}`);
  });

  const admin = `Authorization: Bearer ${TEST_ADMIN_TOKEN}\r\n`;
  const xapi = 'Authorization: Basic Y3BrX3g6eQ==\r\nX-Experience-API-Version: 1.0.3\r\n';
  const cases: Array<{ what: string; bytes: string | Buffer; expect?: number[] }> = [
    { what: 'a header with a control character', bytes: 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n', expect: [400] },
    { what: 'a header without a colon', bytes: 'GET /healthz HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n', expect: [400] },
    { what: 'a header name with a space', bytes: 'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n', expect: [400] },
    { what: 'an unknown method', bytes: 'BREW /xapi/statements HTTP/1.1\r\nHost: x\r\n\r\n', expect: [400] },
    { what: 'HTTP/9.9', bytes: 'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n', expect: [400, 505] },
    { what: 'a request line of 100 kB', bytes: `GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, expect: [400, 414, 431] },
    { what: 'headers of 100 kB', bytes: `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(100_000)}\r\n\r\n`, expect: [431] },
    { what: 'a NUL in the path', bytes: 'GET /reports/\u0000overview HTTP/1.1\r\nHost: x\r\n\r\n', expect: [400] },
    { what: 'bare LF line ends', bytes: 'GET /healthz HTTP/1.1\nHost: x\n\n' },
    {
      what: 'an absurd Content-Length on the admin API',
      bytes: `POST /admin/api/platforms HTTP/1.1\r\nHost: x\r\n${admin}Content-Type: application/json\r\nContent-Length: 99999999999999999999\r\n\r\n{}`,
      expect: [400, 413],
    },
    { what: 'an absurd Content-Length on xAPI', bytes: `POST /xapi/statements HTTP/1.1\r\nHost: x\r\n${xapi}Content-Type: application/json\r\nContent-Length: 9007199254740993\r\n\r\n[]`, expect: [400, 401, 413] },
    { what: 'a negative Content-Length', bytes: 'POST /caliper HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -1\r\n\r\n{}', expect: [400] },
    { what: 'two different Content-Lengths', bytes: 'POST /caliper HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}', expect: [400] },
    {
      what: 'Content-Length and chunked together (smuggling)',
      bytes: `POST /admin/api/platforms HTTP/1.1\r\nHost: x\r\n${admin}Content-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /admin/api/platforms HTTP/1.1\r\nHost: x\r\n\r\n`,
      expect: [400],
    },
    {
      what: 'an invalid chunk size',
      bytes: `POST /admin/api/platforms HTTP/1.1\r\nHost: x\r\n${admin}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
      expect: [400],
    },
    {
      what: 'a chunk longer than it says',
      bytes: `POST /admin/api/platforms HTTP/1.1\r\nHost: x\r\n${admin}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{}}}}\r\n0\r\n\r\n`,
      expect: [400],
    },
    {
      what: 'a chunk size of 2^64',
      bytes: `POST /admin/api/platforms HTTP/1.1\r\nHost: x\r\n${admin}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n{}\r\n0\r\n\r\n`,
      expect: [400, 413],
    },
    { what: 'Transfer-Encoding gzip, chunked', bytes: `POST /admin/api/platforms HTTP/1.1\r\nHost: x\r\n${admin}Content-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`, expect: [400, 415, 501] },
    { what: 'a body cut short', bytes: `POST /admin/api/platforms HTTP/1.1\r\nHost: x\r\n${admin}Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{"issuer":` },
    { what: 'headers that never end', bytes: 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: 1\r\n' },
    { what: 'binary garbage', bytes: Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7919) % 256)), expect: [400] },
    { what: 'an absolute-form URL to another host', bytes: 'GET http://169.254.169.254/latest/meta-data HTTP/1.1\r\nHost: 169.254.169.254\r\n\r\n', expect: [404] },
    { what: 'an encoded path escape', bytes: 'GET /static/..%2f..%2fpackage.json HTTP/1.1\r\nHost: x\r\n\r\n', expect: [400, 403, 404] },
    { what: 'a raw dot-dot path', bytes: 'GET /static/../../package.json HTTP/1.1\r\nHost: x\r\n\r\n', expect: [400, 403, 404] },
    { what: 'pipelined requests, the second malformed', bytes: 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost x\r\n\r\n', expect: [200, 400] },
  ];

  for (const { what, bytes, expect } of cases) {
    it(`${what}: no 5xx, nothing written, the server still answers`, async () => {
      tally.count('fixed');
      const before = await rowCounts(t.db);
      const answer = await exchange(port, bytes);
      const codes = statuses(answer);
      assert.ok(codes.every((code) => code < 500 || code === 501 || code === 505), `${what}: ${answer.slice(0, 300)}`);
      if (expect) {
        assert.ok(codes.length > 0, `${what}: an answer, not a silent close`);
        assert.ok(codes.every((code) => expect.includes(code)), `${what}: ${codes.join(', ')} not in ${expect.join(', ')}: ${answer.slice(0, 300)}`);
      }
      assert.deepEqual(changedTables(before, await rowCounts(t.db)), {}, what);
      await assertHealthy(tool.url);
    });
  }
});
