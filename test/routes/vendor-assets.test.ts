import assert from 'node:assert/strict';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import zlib from 'node:zlib';
import request from 'supertest';
import { BROTLI_QUALITY } from '../../src/app.js';
import { BACKEND } from '../support/databases.js';
import { testApp, type TestApp } from '../support/test-app.js';

const require = createRequire(import.meta.url);
const buildOf = (name: string, file: string) => path.join(path.dirname(require.resolve(name)), file);

// The browser builds every page loads, from our own origin, and the files they are.
const VENDOR = {
  '/static/vendor/htmx.min.js': require.resolve('htmx.org/dist/htmx.min.js'),
  '/static/vendor/vega.min.js': buildOf('vega', 'vega.min.js'),
  '/static/vendor/vega-lite.min.js': buildOf('vega-lite', 'vega-lite.min.js'),
  '/static/vendor/vega-embed.min.js': buildOf('vega-embed', 'vega-embed.min.js'),
};

describe(`vendor scripts served from our origin (${BACKEND})`, () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await testApp();
  });
  afterEach(async () => {
    await t.close();
  });

  it('serves htmx, vega, vega-lite and vega-embed as JavaScript, byte for byte from their packages', async () => {
    for (const [url, file] of Object.entries(VENDOR)) {
      const res = await request(t.app).get(url).buffer(true).parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
      assert.deepEqual(
        { url, status: res.status, type: /^(application|text)\/javascript/.test(res.headers['content-type'] ?? ''), same: Buffer.compare(res.body as Buffer, fs.readFileSync(file)) === 0 },
        { url, status: 200, type: true, same: true },
      );
    }
  });

  it('compresses what it serves when the browser accepts gzip, and only then', async () => {
    const url = '/static/vendor/vega.min.js';
    const raw = (accept: string) =>
      request(t.app).get(url).set('Accept-Encoding', accept).buffer(true).parse((r, done) => {
        // The bytes as sent: supertest would otherwise inflate them.
        const chunks: Buffer[] = [];
        r.removeAllListeners('data');
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    const gzipped = await raw('gzip');
    const plain = await raw('identity');
    const size = fs.statSync(VENDOR[url]).size;
    assert.deepEqual(
      { gzip: gzipped.headers['content-encoding'], plain: plain.headers['content-encoding'] ?? null, vary: /Accept-Encoding/.test(gzipped.headers.vary ?? ''), smaller: (gzipped.body as Buffer).length < size / 2, plainSize: (plain.body as Buffer).length },
      { gzip: 'gzip', plain: null, vary: true, smaller: true, plainSize: size },
    );
  });

  it('answers a browser that accepts Brotli with Brotli at BROTLI_QUALITY, which decodes to the file', async () => {
    const url = '/static/vendor/htmx.min.js';
    // node:http, since supertest's client would try to decode Brotli itself.
    const server = t.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const [res, sent] = await new Promise<[http.IncomingMessage, Buffer]>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: url, headers: { 'Accept-Encoding': 'gzip, deflate, br' } }, (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => resolve([r, Buffer.concat(chunks)]));
      }).on('error', reject);
    }).finally(() => server.close());
    const file = fs.readFileSync(VENDOR[url]!);
    const quality = (q: number) => zlib.brotliCompressSync(file, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: q } }).length;
    assert.deepEqual(
      { encoding: res.headers['content-encoding'], decodes: Buffer.compare(zlib.brotliDecompressSync(sent), file) === 0, size: sent.length },
      // Streamed in chunks, the bytes may differ from one-shot compression by a few flushes.
      { encoding: 'br', decodes: true, size: Math.abs(sent.length - quality(BROTLI_QUALITY)) < 64 ? sent.length : `${quality(BROTLI_QUALITY)} ± 64` },
    );
    assert.ok(quality(BROTLI_QUALITY) !== quality(4), 'the quality makes a difference on this file');
  });

  it('serves the builds that define the globals vega-embed reads (vega, then vegaLite, then vegaEmbed)', async () => {
    // The three files run as classic scripts, in the layout's order, in a context of their own
    // with the few web globals they touch while loading.
    const context = vm.createContext({ structuredClone, setTimeout, clearTimeout, setInterval, clearInterval, console, URL });
    for (const url of ['/static/vendor/vega.min.js', '/static/vendor/vega-lite.min.js', '/static/vendor/vega-embed.min.js']) {
      vm.runInContext((await request(t.app).get(url).expect(200)).text, context, { filename: url });
    }
    const globals = [
      'typeof vega.parse',
      'typeof vegaLite.compile',
      'typeof vegaEmbed',
      'vegaEmbed.vega.parse === vega.parse && vegaEmbed.vegaLite.compile === vegaLite.compile',
      'typeof vega.expressionInterpreter',
    ].map((expression) => vm.runInContext(expression, context) as unknown);
    // vega.min.js has no vega.expressionInterpreter: vega-embed falls back to the one it bundles (public/charts.js).
    assert.deepEqual(globals, ['function', 'function', 'function', true, 'undefined']);
  });

  it('names, in every page, the scripts it serves, in dependency order and deferred', async () => {
    const page = await request(t.app).get('/admin').expect(200);
    const scripts = [...page.text.matchAll(/<script src="([^"]+)"( defer)?><\/script>/g)].map((m) => [m[1], m[2] === ' defer']);
    assert.deepEqual(scripts, [
      ['/static/vendor/htmx.min.js', true],
      ['/static/app.js', true],
      ['/static/vendor/vega.min.js', true],
      ['/static/vendor/vega-lite.min.js', true],
      ['/static/vendor/vega-embed.min.js', true],
      ['/static/charts.js', true],
    ]);
    for (const [src] of scripts) {
      const res = await request(t.app).get(src as string);
      assert.deepEqual([src, res.status, /javascript/.test(res.headers['content-type'] ?? '')], [src, 200, true]);
    }
  });

  it('serves no separate vega-interpreter: it has no browser build', async () => {
    await request(t.app).get('/static/vendor/vega-interpreter.js').expect(404);
  });
});
