/**
 * The security headers of each kind of response (src/routes/security-headers.ts), over HTTP on
 * real launches from two test LMSs: the CSP and who may frame the page, X-Frame-Options,
 * nosniff, the referrer policy and the cookies. A course session of platform A may be framed by
 * A's issuer and the origins A's launches came from, never by B's; everything without a session,
 * and everything that is not HTML, by nobody.
 */
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { BACKEND } from '../support/databases.js';
import { ltikOf } from '../support/lti-world.js';
import { overviewWorld, type OverviewWorld } from '../support/overview-world.js';
import { TEST_ADMIN_TOKEN, testApp, type TestApp } from '../support/test-app.js';
import { CLAIMS, DEFAULT_CONTEXT, ROLES, type TestPlatform } from '../support/test-platform.js';
import { learner } from '../support/xapi-world.js';

const HTML_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors ";

interface SecurityHeaders {
  csp: string | undefined;
  xfo: string | undefined;
  nosniff: string | undefined;
  referrer: string | undefined;
  cookies: string[] | undefined;
}

/** The headers this test is about, as the response has them. */
function headersOf(res: supertest.Response): SecurityHeaders {
  const h = res.headers as Record<string, string | string[] | undefined>;
  return {
    csp: h['content-security-policy'] as string | undefined,
    xfo: h['x-frame-options'] as string | undefined,
    nosniff: h['x-content-type-options'] as string | undefined,
    referrer: h['referrer-policy'] as string | undefined,
    cookies: h['set-cookie'] as string[] | undefined,
  };
}

const common = { nosniff: 'nosniff', referrer: 'strict-origin-when-cross-origin', cookies: undefined };
/** An HTML page that only these origins may frame. */
const framedBy = (...origins: string[]): SecurityHeaders => ({ ...common, csp: HTML_POLICY + origins.join(' '), xfo: undefined });
/** An HTML page nobody may frame. */
const unframedPage: SecurityHeaders = { ...common, csp: `${HTML_POLICY}'none'`, xfo: 'DENY' };
/** Anything that is not HTML. */
const notHtml: SecurityHeaders = { ...common, csp: "default-src 'none'; frame-ancestors 'none'", xfo: 'DENY' };

describe(`security headers of each kind of response (${BACKEND})`, () => {
  let o: OverviewWorld;
  let app: TestApp['app'];
  let a: TestPlatform;
  let ltik: string;

  /**
   * A launch as the LMS's page makes it: the login, then the id_token POSTed from the LMS's
   * origin (`Origin`) with its return_url, in the same browser (agent) that holds the state cookie.
   */
  async function launchFrom(platform: TestPlatform, origin: string, returnUrl: string, options: { sub?: string; roles?: string[] } = {}) {
    const agent = supertest.agent(app);
    const login = await platform.login(agent, { login_hint: options.sub ?? 'instructor-1' });
    assert.equal(login.status, 302, login.text);
    const auth = new URL(String(login.headers.location)).searchParams;
    const idToken = platform.idToken({
      nonce: auth.get('nonce')!,
      sub: options.sub ?? 'instructor-1',
      roles: options.roles ?? [ROLES.instructor],
      claims: { [CLAIMS.launchPresentation]: { document_target: 'iframe', return_url: returnUrl, locale: 'en' } },
    });
    return agent.post('/lti/launch').set('Origin', origin).type('form').send({ id_token: idToken, state: auth.get('state') }).redirects(0);
  }

  /** The launch answer's headers, less the state cookie ltijs clears there (checked once, below). */
  const launchHeaders = (res: supertest.Response): SecurityHeaders => ({ ...headersOf(res), cookies: undefined });

  beforeEach(async () => {
    o = await overviewWorld();
    app = o.x.w.t.app;
    a = o.x.platform;
    ltik = await o.openCourse(DEFAULT_CONTEXT, [learner('student-1')]);
  });
  afterEach(async () => {
    await o.close();
  });

  it('lets a course session of platform A be framed by A’s issuer and the origins its launches came from, on every course page', async () => {
    // Canvas-like: the LMS's pages live on another host than its issuer.
    const launch = await launchFrom(a, 'https://lms.example.edu', 'https://school.example.edu/courses/1/return');
    assert.equal(launch.status, 200, launch.text);
    const fromA = framedBy(a.issuer, 'https://lms.example.edu', 'https://school.example.edu');
    assert.deepEqual(launchHeaders(launch), fromA, 'the launch answer (the overview)');
    // ltijs's login cookie is cleared by the launch, and no other cookie is set.
    assert.deepEqual(
      headersOf(launch).cookies?.map((cookie) => cookie.replace(/^state\w+=[^;]*/, 'state…=')),
      ['state…=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax'],
    );
    const session = ltikOf(launch.text);

    const pages: Array<[string, supertest.Test]> = [
      ['overview page', supertest(app).get('/reports/overview').query({ ltik: session })],
      ['overview as a boosted htmx link', supertest(app).get('/reports/overview').set('Authorization', `Bearer ${session}`).set('HX-Request', 'true').set('HX-Boosted', 'true')],
      ['htmx partial', supertest(app).get('/reports/overview').set('Authorization', `Bearer ${session}`).set('HX-Request', 'true').set('HX-Target', 'overview-figures')],
      ['student page', supertest(app).get('/reports/students/student-1').query({ ltik: session })],
      ['student htmx region', supertest(app).get('/reports/students/student-1').set('Authorization', `Bearer ${session}`).set('HX-Request', 'true').set('HX-Target', 'student-live')],
      ['groups page', supertest(app).get('/groups').query({ ltik: session })],
      ['404 problem page of the course', supertest(app).get('/reports/students/nobody').query({ ltik: session })],
      ['403 problem page (another course named)', supertest(app).get('/reports/overview').query({ ltik: session, course: 'other' })],
    ];
    for (const [name, request] of pages) {
      const res = await request;
      assert.match(String(res.headers['content-type']), /^text\/html/, name);
      assert.deepEqual(headersOf(res), fromA, name);
    }

    // The launch before (openCourse's) was framed by the issuer only, and the origins stay.
    assert.deepEqual(headersOf(await supertest(app).get('/reports/overview').query({ ltik })), fromA, 'an earlier session of A');
  });

  it('never lets platform B’s origins frame A’s pages, nor A’s frame B’s', async () => {
    await launchFrom(a, 'https://lms-a.example.edu', 'https://lms-a.example.edu/return');
    const b = await o.x.w.addPlatform({ clientId: 'client-b', name: 'LMS B' });
    const launchB = await launchFrom(b.platform, 'https://lms-b.example.org', 'https://lms-b.example.org/return');
    assert.equal(launchB.status, 200, launchB.text);
    assert.deepEqual(launchHeaders(launchB), framedBy(b.platform.issuer, 'https://lms-b.example.org'));
    const pageB = await supertest(app).get('/reports/overview').query({ ltik: ltikOf(launchB.text) });
    assert.deepEqual(headersOf(pageB), framedBy(b.platform.issuer, 'https://lms-b.example.org'));
    const pageA = await supertest(app).get('/reports/overview').query({ ltik });
    assert.deepEqual(headersOf(pageA), framedBy(a.issuer, 'https://lms-a.example.edu'));
  });

  it('lets the platform frame the pages of a refused launch: a student’s 403, the blocked-cookie relaunch page, an ended session', async () => {
    const student = await launchFrom(a, 'https://lms.example.edu', 'https://lms.example.edu/return', { sub: 'student-1', roles: [ROLES.learner] });
    assert.equal(student.status, 403);
    assert.deepEqual(launchHeaders(student), framedBy(a.issuer, 'https://lms.example.edu'));

    // The browser refused the login cookie in the frame: the relaunch offer.
    const login = await a.login(supertest.agent(app), {});
    const auth = new URL(String(login.headers.location)).searchParams;
    const blocked = await supertest(app)
      .post('/lti/launch')
      .type('form')
      .send({ id_token: a.idToken({ nonce: auth.get('nonce')! }), state: auth.get('state') })
      .redirects(0);
    assert.equal(blocked.status, 401);
    assert.match(blocked.text, /Open CoursePulse in a new window/);
    assert.deepEqual(launchHeaders(blocked), framedBy(a.issuer, 'https://lms.example.edu'));

    // The session ended (ltijs's documents expired): the ltik still names its platform.
    await o.x.w.t.db.query(`delete from lti_store where collection = 'contexttoken'`);
    const ended = await supertest(app).get('/reports/overview').query({ ltik });
    assert.equal(ended.status, 401);
    assert.deepEqual(headersOf(ended), framedBy(a.issuer, 'https://lms.example.edu'));
  });

  it('lets nobody frame a page without a session, and nothing that is not HTML', async () => {
    const admin = { Authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
    const credential = o.x.credential;
    const cases: Array<[string, supertest.Test, SecurityHeaders, RegExp]> = [
      ['course page without an ltik', supertest(app).get('/reports/overview'), unframedPage, /^text\/html/],
      ['course page with a forged ltik', supertest(app).get('/reports/overview').query({ ltik: 'not.a.token' }), unframedPage, /^text\/html/],
      ['admin page', supertest(app).get('/admin'), unframedPage, /^text\/html/],
      ['login of an unregistered LMS', supertest(app).get('/lti/login').query({ iss: 'https://unknown.example.edu', client_id: 'x', login_hint: 'u', target_link_uri: 'http://127.0.0.1/lti/launch' }), unframedPage, /^text\/html/],
      ['Dynamic Registration without its parameters', supertest(app).get('/lti/register'), unframedPage, /^text\/html/],
      ['JSON API', supertest(app).get('/api/overview').set('Authorization', `Bearer ${ltik}`), notHtml, /^application\/json/],
      ['JSON API of groups', supertest(app).get('/api/groups').set('Authorization', `Bearer ${ltik}`), notHtml, /^application\/json/],
      ['JSON API refusal', supertest(app).get('/api/overview'), notHtml, /^application\/json/],
      ['overview CSV', supertest(app).get('/reports/overview/students.csv').query({ ltik }), notHtml, /^text\/csv/],
      ['student CSV', supertest(app).get('/reports/students/student-1/days.csv').query({ ltik }), notHtml, /^text\/csv/],
      ['xAPI statements', o.x.get(), notHtml, /^application\/json/],
      ['xAPI about', supertest(app).get('/xapi/about'), notHtml, /^application\/json/],
      ['xAPI refusal', supertest(app).get('/xapi/statements'), notHtml, /^application\/json/],
      ['Caliper', supertest(app).get('/caliper').set('Authorization', `Bearer ${credential.key}:${credential.secret}`), notHtml, /^application\/json/],
      ['admin API', supertest(app).get('/admin/api/platforms').set(admin), notHtml, /^application\/json/],
      ['admin API refusal', supertest(app).get('/admin/api/platforms'), notHtml, /^application\/json/],
      ['tool keys', supertest(app).get('/lti/keys'), notHtml, /^application\/json/],
      ['stylesheet', supertest(app).get('/static/app.css'), notHtml, /^text\/css/],
      ['script', supertest(app).get('/static/app.js'), notHtml, /^application\/javascript/],
      ['htmx', supertest(app).get('/static/vendor/htmx.min.js'), notHtml, /^application\/javascript/],
      ['logo', supertest(app).get('/static/logo.svg'), notHtml, /^image\/svg\+xml/],
      ['404', supertest(app).get('/no/such/page'), notHtml, /^application\/json/],
      ['health', supertest(app).get('/healthz'), notHtml, /^application\/json/],
    ];
    for (const [name, request, expected, type] of cases) {
      const res = await request;
      assert.match(String(res.headers['content-type']), type, `${name}: ${res.status} ${res.headers['content-type']}`);
      assert.deepEqual(headersOf(res), expected, name);
    }
  });

  it('lets the LMS that opens Dynamic Registration frame it, and the platform a login names frame its refusal', async () => {
    const registration = await supertest(app)
      .get('/lti/register')
      .query({ openid_configuration: `${a.issuer}/no-such-configuration`, registration_token: 'token-1' });
    assert.match(String(registration.headers['content-type']), /^text\/html/);
    assert.deepEqual(headersOf(registration), framedBy(a.issuer));

    await supertest(app).post(`/admin/api/platforms/${o.x.platformId}/deactivate`).set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).expect(200);
    const inactive = await a.login(supertest.agent(app), {});
    assert.equal(inactive.status, 401);
    assert.deepEqual(headersOf(inactive), framedBy(a.issuer));
  });
});

describe(`cookies (${BACKEND})`, () => {
  const lms = {
    issuer: 'https://lms.example.edu',
    clientId: 'client-1',
    name: 'LMS',
    authUrl: 'https://lms.example.edu/auth',
    tokenUrl: 'https://lms.example.edu/token',
    jwksUrl: 'https://lms.example.edu/jwks',
  };
  let t: TestApp;
  afterEach(async () => {
    await t.close();
  });

  async function cookiesOf(publicUrl: string): Promise<{ login: string[]; admin: string[] }> {
    t = await testApp({ publicUrl });
    await supertest(t.app).post('/admin/api/platforms').set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).send(lms).expect(201);
    const login = await supertest(t.app)
      .get('/lti/login')
      .query({ iss: lms.issuer, client_id: lms.clientId, login_hint: 'u', target_link_uri: `${publicUrl}/lti/launch` })
      .expect(302);
    const admin = await supertest(t.app).post('/admin/sign-in').type('form').send({ token: TEST_ADMIN_TOKEN }).expect(303);
    const anonymise = (cookies: unknown) =>
      (cookies as string[]).map((cookie) => cookie.replace(/^state\w+=s%3A[^;]+/, 'state…=s:…').replace(/=\d+\.[\w-]+;/, '=…;').replace(/Expires=[^;]+/, 'Expires=…'));
    return { login: anonymise(login.headers['set-cookie']), admin: anonymise(admin.headers['set-cookie']) };
  }

  it('over https: the login-state cookie crosses sites (SameSite=None, Secure), the admin cookie stays on /admin (Strict, Secure); both HttpOnly', async () => {
    assert.deepEqual(await cookiesOf('https://pulse.example.edu'), {
      login: ['state…=s:…; Max-Age=60; Path=/; Expires=…; HttpOnly; Secure; SameSite=None'],
      admin: ['coursepulse_admin=…; Max-Age=28800; Path=/admin; Expires=…; HttpOnly; Secure; SameSite=Strict'],
    });
  });

  it('over http (development): no Secure, which browsers would drop, and no SameSite=None, which needs it', async () => {
    assert.deepEqual(await cookiesOf('http://127.0.0.1:3000'), {
      login: ['state…=s:…; Max-Age=60; Path=/; Expires=…; HttpOnly; SameSite=Lax'],
      admin: ['coursepulse_admin=…; Max-Age=28800; Path=/admin; Expires=…; HttpOnly; SameSite=Strict'],
    });
  });
});
