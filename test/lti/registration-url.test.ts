/**
 * Dynamic Registration calls only what it may (registration-url.ts): public addresses, unless
 * LTI_REGISTRATION_ALLOW_PRIVATE; IP literals in every spelling the URL parser accepts; every
 * address a host name resolves to; every redirect; within a time and a size limit. One test per
 * rule, through the real /lti/register where the network is involved.
 */
import assert from 'node:assert/strict';
import type dns from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import supertest from 'supertest';
import { dynamicRegistrationHandler } from '../../src/lti/dynamic-registration.js';
import { RefusedAddress, addressRule, checkLiteralHost, guardedLookup, nonPublicAddressKind } from '../../src/lti/registration-url.js';
import { BACKEND } from '../support/databases.js';
import { addRegistration } from '../support/test-platform-registration.js';
import { TEST_ADMIN_TOKEN, testApp, type TestApp } from '../support/test-app.js';
import { TestPlatform, send } from '../support/test-platform.js';
import { toolServer, type ToolServer } from '../support/tool-server.js';

const heading = (html: string): string | undefined => /<h1>([^<]*)<\/h1>/.exec(html)?.[1];

describe('registration URLs: which addresses may be called', () => {
  it('names every kind of address that is not public, IPv4, IPv6 and IPv4 inside IPv6', () => {
    const kinds: Array<[string, string | undefined]> = [
      ['127.0.0.1', 'loopback'],
      ['127.255.0.9', 'loopback'],
      ['10.1.2.3', 'private'],
      ['172.16.0.1', 'private'],
      ['172.31.255.255', 'private'],
      ['192.168.0.10', 'private'],
      ['169.254.169.254', 'link-local'],
      ['0.0.0.0', 'unspecified ("this network")'],
      ['100.64.0.1', 'shared (carrier-grade NAT)'],
      ['198.18.0.1', 'benchmarking'],
      ['224.0.0.251', 'multicast'],
      ['255.255.255.255', 'reserved'],
      ['::1', 'loopback'],
      ['::', 'unspecified'],
      ['[::1]', 'loopback'],
      ['fe80::1', 'link-local'],
      ['fe80::1%eth0', 'link-local'],
      ['fd12:3456::1', 'unique local (private)'],
      ['ff02::1', 'multicast'],
      ['::ffff:127.0.0.1', 'loopback'],
      ['::ffff:7f00:1', 'loopback'],
      ['0:0:0:0:0:ffff:a00:1', 'private'],
      ['::ffff:169.254.169.254', 'link-local'],
      ['64:ff9b::7f00:1', 'loopback'],
      ['2002:c0a8:1::', 'private'],
      ['::127.0.0.1', 'loopback'],
      ['2001:db8::1', 'documentation'],
      // Public: an LMS on the internet.
      ['8.8.8.8', undefined],
      ['93.184.216.34', undefined],
      ['172.32.0.1', undefined],
      ['2606:4700:4700::1111', undefined],
      ['::ffff:8.8.8.8', undefined],
      ['64:ff9b::808:808', undefined],
      ['not an address', undefined],
    ];
    assert.deepEqual(
      kinds.map(([address]) => [address, nonPublicAddressKind(address)]),
      kinds,
    );
  });

  it('refuses IP literals in the spellings the URL parser turns into loopback: 2130706433, 0x7f.1, 017700000001, [::ffff:127.0.0.1]', () => {
    const spellings = ['http://2130706433/', 'http://0x7f.1/', 'http://017700000001/', 'http://127.1/', 'https://[::ffff:127.0.0.1]:8443/', 'http://[0:0:0:0:0:ffff:7f00:1]/'];
    const refused = spellings.map((spelling) => {
      try {
        checkLiteralHost(new URL(spelling), addressRule(false));
        return [spelling, 'allowed'];
      } catch (err) {
        assert.ok(err instanceof RefusedAddress);
        return [spelling, `${err.address}: ${err.kind}`];
      }
    });
    assert.deepEqual(refused, [
      ['http://2130706433/', '127.0.0.1: loopback'],
      ['http://0x7f.1/', '127.0.0.1: loopback'],
      ['http://017700000001/', '127.0.0.1: loopback'],
      ['http://127.1/', '127.0.0.1: loopback'],
      ['https://[::ffff:127.0.0.1]:8443/', '::ffff:7f00:1: loopback'],
      ['http://[0:0:0:0:0:ffff:7f00:1]/', '::ffff:7f00:1: loopback'],
    ]);
    // Allowed by the configuration; a host name is left to the lookup.
    assert.doesNotThrow(() => checkLiteralHost(new URL('http://127.0.0.1/'), addressRule(true)));
    assert.doesNotThrow(() => checkLiteralHost(new URL('http://lms.example.edu/'), addressRule(false)));
  });

  it('checks every address a host name resolves to, and answers what the connection asked for', async () => {
    const resolving =
      (addresses: string[]) =>
      (_host: string, _options: dns.LookupAllOptions, callback: (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void) =>
        callback(null, addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
    const lookup = (addresses: string[], all: boolean, allowPrivate = false) =>
      new Promise<unknown>((resolve) =>
        guardedLookup(addressRule(allowPrivate), resolving(addresses))('lms.example.edu', { all }, (err, address, family) => resolve(err ?? { address, family })),
      );
    const mixed = await lookup(['93.184.216.34', '10.0.0.7'], false);
    assert.ok(mixed instanceof RefusedAddress);
    assert.equal(mixed.message, 'lms.example.edu resolves to 10.0.0.7, a private address');
    const mappedSecond = await lookup(['2606:4700:4700::1111', '::ffff:127.0.0.1'], true);
    assert.ok(mappedSecond instanceof RefusedAddress);
    assert.deepEqual(await lookup(['93.184.216.34', '2606:4700:4700::1111'], false), { address: '93.184.216.34', family: 4 });
    assert.deepEqual(await lookup(['93.184.216.34'], true), { address: [{ address: '93.184.216.34', family: 4 }], family: undefined });
    assert.deepEqual(await lookup(['10.0.0.7'], false, true), { address: '10.0.0.7', family: 4 });
  });
});

describe(`registration URLs through /lti/register (${BACKEND})`, () => {
  let tool: ToolServer;
  let t: TestApp | undefined;
  let platform: TestPlatform;
  let elsewhere: http.Server;
  let elsewhereRequests: string[];
  let elsewhereUrl: string;

  beforeEach(async () => {
    tool = await toolServer();
    platform = await TestPlatform.start({ toolUrl: tool.url });
    // Another server, on another loopback address: what a redirect or a configuration must not reach.
    elsewhereRequests = [];
    elsewhere = http.createServer((req, res) => {
      elsewhereRequests.push(`${req.method} ${req.url}`);
      send(res, 200, { issuer: 'http://127.0.0.2' });
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.2', resolve));
    elsewhereUrl = `http://127.0.0.2:${(elsewhere.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await platform.close();
    await t?.close();
    t = undefined;
    await tool.close();
    elsewhere.closeAllConnections();
    await new Promise<void>((resolve) => elsewhere.close(() => resolve()));
  });

  const platforms = async (app: TestApp) => (await supertest(app.app).get('/admin/api/platforms').set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).expect(200)).body as unknown[];

  it('without LTI_REGISTRATION_ALLOW_PRIVATE, refuses a loopback LMS in every spelling, and a name resolving to one, without calling it', async () => {
    t = await testApp({ publicUrl: tool.url, ltiRegistrationAllowPrivate: false });
    tool.serve(t.app);
    const reg = addRegistration(platform, { productFamilyCode: 'moodle' });
    const port = new URL(platform.issuer).port;
    const urls = [reg.openidConfigurationUrl, ...['2130706433', '0x7f.1', '[::ffff:127.0.0.1]', 'localhost'].map((host) => `http://${host}:${port}/.well-known/openid-configuration`)];
    const answers = [];
    for (const url of urls) {
      const res = await supertest(t.app).get(`/lti/register?${new URLSearchParams({ openid_configuration: url, registration_token: reg.registrationToken }).toString()}`);
      answers.push([res.status, heading(res.text)]);
    }
    assert.deepEqual(answers, urls.map(() => [400, 'The registration link is not valid']));
    const last = await supertest(t.app).get(`/lti/register?${new URLSearchParams({ openid_configuration: urls.at(-1)! }).toString()}`);
    assert.ok(
      last.text.includes(`is not an address of an LMS on the internet (localhost resolves to 127.0.0.1, a loopback address). CoursePulse calls only public addresses; LTI_REGISTRATION_ALLOW_PRIVATE=true allows private ones.`),
      last.text,
    );
    assert.equal(reg.configurationRequests.length, 0, 'nothing was called');
    assert.deepEqual(await platforms(t), []);
  });

  /** The handler on its own, with 127.0.0.2 (the other server) as the one address refused, and a short timeout. */
  function handlerApp(app: TestApp, timeoutMs = 5000) {
    const small = express();
    small.get(
      '/lti/register',
      dynamicRegistrationHandler({
        provider: app.lti.provider,
        plugin: app.lti.plugin,
        config: { publicUrl: tool.url, ltiAutoActivate: true },
        logger: pino({ level: 'silent' }),
        timeoutMs,
        refuseAddress: (address) => (address === '127.0.0.2' ? 'test-refused' : undefined),
      }),
    );
    return small;
  }
  const open = (app: express.Express, url: string, token?: string) =>
    supertest(app).get(`/lti/register?${new URLSearchParams({ openid_configuration: url, ...(token ? { registration_token: token } : {}) }).toString()}`);

  it('follows a redirect only to an address it may call, re-checked at each hop, and keeps the token within the origin', async () => {
    t = await testApp({ publicUrl: tool.url });
    const reg = addRegistration(platform, { productFamilyCode: 'moodle' });
    platform.route('GET', /^\/to-elsewhere$/, (_req, res) => void res.writeHead(302, { Location: `${elsewhereUrl}/config` }).end());
    platform.route('GET', /^\/to-file$/, (_req, res) => void res.writeHead(302, { Location: 'file:///etc/passwd' }).end());
    platform.route('GET', /^\/to-itself$/, (_req, res) => void res.writeHead(307, { Location: '/.well-known/openid-configuration' }).end());
    platform.route('GET', /^\/loop$/, (_req, res) => void res.writeHead(302, { Location: '/loop' }).end());
    const small = handlerApp(t);

    const refused = await open(small, `${platform.issuer}/to-elsewhere`, reg.registrationToken);
    assert.equal(refused.status, 502);
    assert.equal(heading(refused.text), 'CoursePulse could not read the LMS’s configuration');
    assert.ok(refused.text.includes('(127.0.0.2 is a test-refused address)'), refused.text);
    assert.deepEqual(elsewhereRequests, [], 'the redirect was not followed');

    const file = await open(small, `${platform.issuer}/to-file`, reg.registrationToken);
    assert.equal(file.status, 502);
    assert.ok(file.text.includes('a redirect to file:///etc/passwd, which is not https: or http:'), file.text);

    const loop = await open(small, `${platform.issuer}/loop`, reg.registrationToken);
    assert.equal(loop.status, 502);
    assert.ok(loop.text.includes('more than 3 redirects'), loop.text);

    const followed = await open(small, `${platform.issuer}/to-itself`, reg.registrationToken);
    assert.equal(followed.status, 200, followed.text);
    assert.equal(reg.configurationRequests.at(-1)!.authorization, `Bearer ${reg.registrationToken}`);
    assert.equal((await platforms(t)).length, 1);
  });

  it('refuses a registration endpoint the configuration puts on an address it may not call', async () => {
    t = await testApp({ publicUrl: tool.url });
    const reg = addRegistration(platform, { productFamilyCode: 'moodle' });
    platform.route('GET', /^\/sending-elsewhere$/, (_req, res) =>
      send(res, 200, {
        issuer: platform.issuer,
        authorization_endpoint: platform.authUrl,
        token_endpoint: platform.tokenUrl,
        jwks_uri: platform.jwksUrl,
        registration_endpoint: `${elsewhereUrl}/registrations`,
      }),
    );
    const res = await open(handlerApp(t), `${platform.issuer}/sending-elsewhere`, reg.registrationToken);
    assert.equal(res.status, 502);
    assert.equal(heading(res.text), 'CoursePulse could not reach the LMS');
    assert.ok(res.text.includes('(127.0.0.2 is a test-refused address)'), res.text);
    assert.deepEqual(elsewhereRequests, []);
    assert.deepEqual(await platforms(t), []);
  });

  it('gives up on an LMS that does not answer in time, or answers more than 1 MB', async () => {
    t = await testApp({ publicUrl: tool.url });
    platform.route('GET', /^\/silent$/, () => undefined);
    platform.route('GET', /^\/huge$/, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(`{"issuer":"${'x'.repeat(2 * 1024 * 1024)}"}`);
    });
    platform.route('GET', /^\/huge-chunked$/, (_req, res) => {
      // No Content-Length: the limit must hold while reading.
      res.writeHead(200, { 'Content-Type': 'application/json' });
      for (let i = 0; i < 40; i++) res.write('y'.repeat(64 * 1024));
      res.end();
    });
    const small = handlerApp(t, 400);
    const started = Date.now();
    const silent = await open(small, `${platform.issuer}/silent`);
    assert.equal(silent.status, 502);
    assert.ok(silent.text.includes('could not be reached (no answer in time)'), silent.text);
    assert.ok(Date.now() - started < 3000, `gave up after ${Date.now() - started} ms`);
    for (const path of ['/huge', '/huge-chunked']) {
      const huge = await open(handlerApp(t), `${platform.issuer}${path}`);
      assert.equal(huge.status, 502, path);
      assert.ok(huge.text.includes('the answer is larger than 1048576 bytes'), `${path}: ${huge.text}`);
    }
  });
});
