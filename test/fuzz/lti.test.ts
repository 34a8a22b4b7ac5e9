/**
 * Hostile input to the LTI routes: the OIDC login (`/lti/login`, query and form, parameters
 * repeated, bracketed, missing, NUL, very long), the launch (`/lti/launch`: real id_tokens signed
 * by the test platform with one claim mutated, so ltijs's checks pass and ours are reached; forged
 * and garbage tokens and states), and Dynamic Registration (`/lti/register` with
 * openid_configuration URLs on every kind of address CoursePulse must not call, and garbage).
 * Every answer is below 500 and a refusal is a page saying what is wrong; a refused request
 * leaves CoursePulse's own tables as they were (ltijs's session documents in lti_store excepted
 * where noted); /healthz answers after each property.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import supertest from 'supertest';
import { BACKEND } from '../support/databases.js';
import { ltiWorld, type LtiWorld } from '../support/lti-world.js';
import { testApp, type TestApp } from '../support/test-app.js';
import { CLAIMS, ROLES } from '../support/test-platform.js';
import { assertAnswered, assertHealthy, changedTables, rowCounts, type RowCounts, type Table } from './answer-checks.js';
import { FuzzTally, fuzzParameters } from './fuzz-runs.js';
import { anyJson, hostileValue, mutate, mutationArb, type Json } from './json-mutations.js';
import { encode } from './path-tricks.js';

const tally = new FuzzTally('lti');

/** A query value: usual, hostile, or random (percent-encoded as a browser would). */
const paramValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  hostileValue.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
  fc.string({ unit: 'binary', maxLength: 30 }),
);

/** `name=value` parts from `base`, each kept, dropped, replaced, repeated, bracketed or NUL-laden, plus extra random ones. */
const queryTricks = (base: Record<string, string>) =>
  fc
    .tuple(
      fc.array(fc.tuple(fc.constantFrom('keep', 'keep', 'keep', 'drop', 'replace', 'repeat', 'bracket', 'nul', 'proto'), paramValue), {
        minLength: Object.keys(base).length,
        maxLength: Object.keys(base).length,
      }),
      fc.array(fc.tuple(fc.constantFrom('__proto__', 'constructor', 'state', 'id_token', 'ltik', 'x'), paramValue), { maxLength: 2 }),
    )
    .map(([ops, extra]) => {
      const parts: string[] = [];
      const enc = encode;
      Object.entries(base).forEach(([name, value], i) => {
        const [op, other] = ops[i]!;
        if (op === 'drop') return;
        if (op === 'replace') parts.push(`${enc(name)}=${enc(other)}`);
        else if (op === 'repeat') parts.push(`${enc(name)}=${enc(value)}`, `${enc(name)}=${enc(other)}`);
        else if (op === 'bracket') parts.push(`${enc(name)}[]=${enc(value)}`);
        else if (op === 'nul') parts.push(`${enc(name)}=${enc(value)}%00`);
        else if (op === 'proto') parts.push(`${enc(name)}[__proto__]=${enc(value)}`, `${enc(name)}[x]=${enc(other)}`);
        else parts.push(`${enc(name)}=${enc(value)}`);
      });
      for (const [name, value] of extra) parts.push(`${enc(name)}=${enc(value)}`);
      return parts.join('&');
    });

describe(`fuzz: /lti (${BACKEND})`, () => {
  let w: LtiWorld;
  let loginParams: Record<string, string>;

  before(async () => {
    w = await ltiWorld();
    loginParams = {
      iss: w.platform.issuer,
      login_hint: 'instructor-1',
      target_link_uri: w.platform.launchUrl,
      client_id: w.platform.clientId,
      lti_deployment_id: w.platform.deploymentId,
      lti_message_hint: 'resource-1',
    };
  });
  after(async () => {
    await w?.close();
    console.log(`    ${tally.line()}`);
  });

  it('login: parameters repeated, bracketed, missing, replaced, NUL-laden, in the query or the form', async function () {
    this.timeout(120_000);
    await fc.assert(
      fc.asyncProperty(queryTricks(loginParams), fc.boolean(), async (query, asForm) => {
        tally.count('login');
        const before = await rowCounts(w.t.db);
        const res = asForm
          ? await supertest(w.t.app).post('/lti/login').type('form').send(query).redirects(0).timeout(10_000)
          : await supertest(w.t.app).get(`/lti/login?${query}`).redirects(0).timeout(10_000);
        // An address with %00 is refused by the app as a whole, and a form over ltijs's 100 kB by its parser, in JSON; the rest with a page.
        assertAnswered(res, 'json-or-page', `${asForm ? 'POST' : 'GET'} /lti/login ${query.slice(0, 300)}`);
        if (res.status === 302) {
          assert.ok(String(res.headers.location).startsWith(`${w.platform.authUrl}?`), `a login goes to the platform only: ${res.headers.location}`);
        } else {
          assert.deepEqual(changedTables(before, await rowCounts(w.t.db)), {}, query);
        }
      }),
      fuzzParameters(80),
    );
    await assertHealthy(w.t.app);
  });

  /** The claims of a valid id_token, to mutate. */
  function baseClaims(): Record<string, Json> {
    const token = w.platform.idToken();
    return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, Json>;
  }

  /** What a launch answered may have written: by its status, the tables it may change. */
  const MAY_CHANGE: Record<number, readonly Table[]> = {
    // ltijs's nonce and session documents, written before our handler refuses; where a validated launch came from (launch-framing.ts).
    400: ['lti_store', 'platform_origins'],
    401: ['lti_store'],
    // A student's refused launch is recorded as their activity (launch-event.ts).
    403: ['lti_store', 'platform_origins', 'members', 'source_events', 'student_visits', 'student_days', 'student_totals', 'course_days'],
  };

  async function checkLaunch(res: supertest.Response, before: RowCounts, claims: Record<string, Json>, what: string): Promise<void> {
    assertAnswered(res, 'page', what);
    if (res.status === 200) {
      const context = claims[CLAIMS.context] as { id?: unknown } | undefined;
      const rows = await w.t.db.query('select 1 from courses where platform_id = $1 and context_id = $2', [w.platformId, context?.id]);
      assert.equal(rows.length, 1, `an accepted launch records its course: ${what}`);
      return;
    }
    const allowed = MAY_CHANGE[res.status];
    assert.ok(allowed, `a launch answers 200, 400, 401 or 403: ${what} → ${res.status}`);
    assert.deepEqual(changedTables(before, await rowCounts(w.t.db), allowed), {}, `${what} → ${res.status}`);
  }

  it('launch: a real signed id_token with one claim mutated', async function () {
    this.timeout(180_000);
    const base = baseClaims();
    await fc.assert(
      fc.asyncProperty(mutationArb, fc.nat(), async (mutation, n) => {
        tally.count('launch');
        const { text, what } = mutate(base, mutation);
        let mutated: unknown;
        try {
          mutated = JSON.parse(text);
        } catch {
          mutated = undefined;
        }
        // Claims are set over the platform's defaults: a claim dropped by the mutation is left out as undefined.
        const claims: Record<string, Json | undefined> = Object.fromEntries(Object.keys(base).map((k) => [k, undefined]));
        if (mutated && typeof mutated === 'object' && !Array.isArray(mutated)) {
          // Own properties, `__proto__` included (Object.assign would set the prototype instead).
          for (const [key, value] of Object.entries(mutated)) Object.defineProperty(claims, key, { value, enumerable: true, writable: true, configurable: true });
        }
        // A course of its own per input, so that an accepted launch is a new course to find.
        const context = claims[CLAIMS.context];
        if (context && typeof context === 'object' && !Array.isArray(context) && context.id === (base[CLAIMS.context] as { id: string }).id) {
          claims[CLAIMS.context] = { ...context, id: `course-fuzz-${n}` };
        }
        const before = await rowCounts(w.t.db);
        const { response } = await w.platform.launch(supertest.agent(w.t.app), { claims });
        await checkLaunch(response, before, claims as Record<string, Json>, `launch with ${what}`);
      }),
      fuzzParameters(40),
    );
    await assertHealthy(w.t.app);
  });

  it('launch: forged, garbage and replayed tokens, states and ltiks', async function () {
    this.timeout(120_000);
    const replayed = await w.platform.launch(supertest.agent(w.t.app));
    assert.equal(replayed.response.status, 200);
    const [header, payload] = replayed.idToken.split('.') as [string, string, string];
    const token = fc.oneof(
      fc.constantFrom(
        replayed.idToken,
        `${header}.${payload}.`,
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`,
        `${Buffer.from('{"alg":"HS256","kid":"x"}').toString('base64url')}.${payload}.c2ln`,
        // Unverified claims name the platform that may frame the refusal page: a NUL there must not reach the database.
        `${header}.${Buffer.from(JSON.stringify({ iss: 'http://lms\u0000', aud: 'a\u0000' })).toString('base64url')}.c2ln`,
        `${header}.${Buffer.from(JSON.stringify({ iss: { $ne: 1 }, aud: [['x']] })).toString('base64url')}.c2ln`,
        w.platform.idToken({ signWith: 'stranger' }),
        w.platform.idToken({ ageSeconds: 3600 }),
        w.platform.idToken({ roles: [ROLES.learner], claims: { [CLAIMS.context]: null } }),
        '',
        'a.b.c',
        '...',
        'x'.repeat(100_000),
      ),
      anyJson.map((v) => `${Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'x' })).toString('base64url')}.${Buffer.from(JSON.stringify(v) ?? '').toString('base64url')}.c2ln`),
      fc.string({ unit: 'binary', maxLength: 50 }),
    );
    const field = fc.constantFrom('id_token', 'id_token[]', 'id_token[__proto__]', 'state', 'ltik');
    await fc.assert(
      fc.asyncProperty(token, field, paramValue, fc.boolean(), async (idToken, name, state, withLtik) => {
        tally.count('launch');
        const agent = supertest.agent(w.t.app);
        // A fresh login gives the agent a real state cookie, so ltijs gets as far as the token.
        const login = await w.platform.login(agent);
        const realState = new URL(String(login.headers.location)).searchParams.get('state') ?? '';
        const before = await rowCounts(w.t.db);
        const form: Record<string, string> = { [name]: idToken, state: name === 'state' ? idToken : withLtik ? realState : state };
        // A hang is a failure too: it shows up as a timeout error with its input.
        const res = await agent.post(withLtik ? `/lti/launch?ltik=${encode(state)}` : '/lti/launch').type('form').send(form).redirects(0).timeout(10_000);
        // An ltik with %00 in the address is refused by the app as a whole, in JSON (storable-input.ts).
        assertAnswered(res, withLtik ? 'json-or-page' : 'page', `POST /lti/launch ${name}=${idToken.slice(0, 80)}`);
        assert.ok(res.status !== 200, `a forged or replayed token opens nothing: ${idToken.slice(0, 80)}`);
        assert.deepEqual(changedTables(before, await rowCounts(w.t.db), ['lti_store']), {});
      }),
      fuzzParameters(40),
    );
    await assertHealthy(w.t.app);
  });

  it('counterexamples fuzzing found, kept as fixed cases', async function () {
    this.timeout(60_000);
    const garbage = `${Buffer.from('{"alg":"RS256","kid":"x"}').toString('base64url')}.e30.c2ln`;
    const unverified = (claims: object) => `${garbage.split('.')[0]}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;
    const cases: Array<{ what: string; path: string; form: string; status: number; heading: string }> = [
      // ltijs looked the state up from inside its catch block: an unhandled rejection (a hung request; Node ends the process).
      { what: 'a NUL in the state of a refused launch', path: '/lti/launch', form: `id_token=${garbage}&state=%00`, status: 400, heading: 'The request is not valid' },
      // ltijs cleared the cookie `state<state>` there: a space or a comma made it throw, as unhandled.
      { what: 'a space in the state of a refused launch', path: '/lti/launch', form: `id_token=${garbage}&state=a%20b`, status: 400, heading: 'The request is not valid' },
      { what: 'a repeated state', path: '/lti/launch', form: `id_token=${garbage}&state=a&state=b`, status: 400, heading: 'The request is not valid' },
      { what: 'a lone surrogate in the state', path: '/lti/whatever', form: `id_token=${garbage}&state=%ED%A0%80`, status: 400, heading: 'The request is not valid' },
      // The refusal page looked up who may frame it by the token's unverified iss: a 500.
      { what: 'a NUL in the unverified iss of a refused launch', path: '/lti/launch', form: `id_token=${unverified({ iss: 'http://lms\u0000', aud: 'a' })}&state=abc`, status: 401, heading: 'Your browser blocked CoursePulse inside the LMS' },
      // ltijs's login called .includes/.split on what it took for strings: a 500.
      { what: 'a bracketed target_link_uri (in the query, read as an object)', path: `/lti/login?iss=${encode(w.platform.issuer)}&login_hint=x&target_link_uri[x]=1`, form: '', status: 400, heading: 'The login request is not valid' },
      { what: 'a repeated target_link_uri with a ?', path: '/lti/login', form: `iss=${encode(w.platform.issuer)}&login_hint=x&target_link_uri=a&target_link_uri=%3F`, status: 400, heading: 'The login request is not valid' },
      { what: 'a login without its parameters (ltijs answered JSON)', path: '/lti/login', form: 'iss=x', status: 400, heading: 'The login request is incomplete' },
    ];
    for (const { what, path, form, status, heading } of cases) {
      tally.count('fixed');
      const before = await rowCounts(w.t.db);
      const res = form ? await supertest(w.t.app).post(path).type('form').send(form).redirects(0).timeout(10_000) : await supertest(w.t.app).get(path).redirects(0).timeout(10_000);
      assertAnswered(res, 'page', what);
      assert.deepEqual([res.status, /<h1>([^<]*)<\/h1>/.exec(res.text)?.[1]], [status, heading], `${what}: ${res.text.slice(0, 300)}`);
      assert.deepEqual(changedTables(before, await rowCounts(w.t.db)), {}, what);
    }
    await assertHealthy(w.t.app);
  });

  describe('register, calling only public addresses', () => {
    let t: TestApp;
    before(async () => {
      // As in production: LTI_REGISTRATION_ALLOW_PRIVATE unset.
      t = await testApp({ ltiRegistrationAllowPrivate: false });
    });
    after(async () => {
      await t?.close();
    });

    const hosts = fc.constantFrom(
      '127.0.0.1', 'localhost', 'LocalHost', '2130706433', '0x7f.1', '0x7f000001', '017700000001', '0177.0.0.1', '127.1', '127.0.0.2',
      '[::1]', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[0:0:0:0:0:ffff:7f00:1]', '[::127.0.0.1]', '[64:ff9b::7f00:1]', '[2002:7f00:1::]',
      '10.0.0.5', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '[fe80::1]', '[fd00::1]', '0.0.0.0', '0', '100.64.0.1',
      '224.0.0.1', '255.255.255.255', '198.18.0.1', '[::]', '[::ffff:10.0.0.1]', '[::ffff:169.254.169.254]',
    );
    const url = fc
      .tuple(fc.constantFrom('http', 'https', 'HTTP', 'https', 'ftp', 'file', 'gopher', 'data', 'javascript', 'ws'), hosts, fc.constantFrom('', ':1', ':80', ':443', ':8080', ':65535'), fc.string({ maxLength: 20 }))
      .map(([scheme, host, port, path]) => `${scheme}://${host}${port}/${encode(path)}`);
    const configuration = fc.oneof(
      { weight: 4, arbitrary: url.map((u) => `openid_configuration=${encode(u)}`) },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          '',
          'openid_configuration=',
          'openid_configuration=%20',
          'openid_configuration=not%20a%20url',
          'openid_configuration[]=http://127.0.0.1/',
          'openid_configuration[__proto__]=http://127.0.0.1/',
          'openid_configuration=http://127.0.0.1/&openid_configuration=http://10.0.0.1/',
          'openid_configuration=http%3A%2F%2F127.0.0.1%00.example.edu%2F',
          'openid_configuration=http://user:pass@127.0.0.1/',
          'openid_configuration=http://[::1/',
          'openid_configuration=//127.0.0.1/x',
          'openid_configuration=file:///etc/passwd',
          'openid_configuration=data:application/json,{}',
        ),
      },
      { weight: 1, arbitrary: paramValue.map((v) => `openid_configuration=${encode(v)}`) },
    );
    const extra = fc.constantFrom('', '&registration_token=x', '&registration_token[]=x', '&new_window=true', '&new_window[]=1', `&registration_token=${'t'.repeat(5000)}`);

    it('refuses every URL on a non-public address, or no URL at all, with a page and without calling it', async function () {
      this.timeout(120_000);
      await fc.assert(
        fc.asyncProperty(configuration, extra, async (query, more) => {
          tally.count('register');
          const before = await rowCounts(t.db);
          const res = await supertest(t.app).get(`/lti/register?${query}${more}`);
          assertAnswered(res, 'json-or-page', `GET /lti/register?${query}${more}`);
          // 431: an address over 16 kB, refused by Node's HTTP parser before any route.
          assert.ok([400, 431].includes(res.status), `refused before any call: ${query.slice(0, 200)} → ${res.status} ${/<h1>([^<]*)/.exec(res.text)?.[1]}`);
          assert.deepEqual(changedTables(before, await rowCounts(t.db)), {});
        }),
        fuzzParameters(80),
      );
      await assertHealthy(t.app);
    });
  });
});
