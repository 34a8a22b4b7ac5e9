/**
 * A real LTI 1.3 platform (an "LMS") for tests: its own RSA key, JWKS, OAuth 2 token endpoint
 * and Names and Role Provisioning service on a loopback port, so ltijs is driven through every
 * network step it takes with a real LMS — fetching the platform's keys, asking for an access
 * token with a signed client assertion, following NRPS pages — instead of being stubbed.
 *
 * Its OIDC authorisation endpoint (`/auth`) checks the tool's authentication request and answers
 * the auto-submitting form with the signed id_token; {@link TestPlatform.launch} plays the browser
 * between the two, keeping the tool's cookies in one supertest agent's jar. For a real browser,
 * `/launch-start` ({@link TestPlatform.launchStartUrl}) is the LMS page a launch starts from.
 */
import assert from 'node:assert/strict';
import crypto, { type JsonWebKey, type KeyObject } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type supertest from 'supertest';

/** A supertest agent: it keeps cookies between requests, as the user's browser does. */
export type Agent = ReturnType<typeof supertest.agent>;

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
export const CLAIMS = {
  messageType: `${LTI}message_type`,
  version: `${LTI}version`,
  deploymentId: `${LTI}deployment_id`,
  targetLinkUri: `${LTI}target_link_uri`,
  resourceLink: `${LTI}resource_link`,
  roles: `${LTI}roles`,
  context: `${LTI}context`,
  toolPlatform: `${LTI}tool_platform`,
  launchPresentation: `${LTI}launch_presentation`,
  namesRoles: 'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice',
} as const;

export const ROLES = {
  instructor: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
  learner: 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner',
} as const;

export const NRPS_SCOPE = 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly';
export const NRPS_MEDIA_TYPE = 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json';

export interface ContextClaim {
  id: string;
  label: string;
  title: string;
  type: string[];
}

/** One member of an NRPS membership container (NRPS 2.0 §2.3). */
export interface Member {
  user_id: string;
  roles: string[];
  status?: 'Active' | 'Inactive' | 'Deleted';
  name?: string;
  given_name?: string;
  family_name?: string;
  email?: string;
}

export const DEFAULT_CONTEXT: ContextClaim = Object.freeze({
  id: 'course-1',
  label: 'BIO101',
  title: 'Introduction to Biology',
  type: ['http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering'],
});

export interface TestPlatformOptions {
  /** The tool's PUBLIC_URL, as the LMS admin typed it: login and launch URLs derive from it. */
  toolUrl: string;
  /** Where the tool's public keys are; defaults to `${toolUrl}/lti/keys`. */
  toolJwksUrl?: string;
  clientId?: string;
  deploymentId?: string;
  name?: string;
  /** The scopes the platform grants a tool's client credentials; NRPS by default. */
  scopes?: string[];
}

/** A route another test-support module adds to the platform (Course Groups, Dynamic Registration…). */
export type PlatformRoute = (req: http.IncomingMessage, res: http.ServerResponse, url: URL, match: RegExpExecArray) => unknown;

export interface IdTokenOptions {
  /** The nonce of the login request; a launch passes the one the tool asked for. */
  nonce?: string;
  sub?: string;
  roles?: string[];
  context?: ContextClaim;
  resourceLink?: { id: string; title?: string };
  /** Canvas sends `[clientId]` (the default), Moodle a plain string. */
  aud?: string | string[];
  /** How long ago the platform issued the token (`iat`); ltijs refuses beyond `tokenMaxAge`. */
  ageSeconds?: number;
  /** 'stranger' signs with a key that is not the platform's, under the platform's kid. */
  signWith?: 'platform' | 'stranger';
  /** Claims set last, over the defaults; a claim given as `undefined` is left out. */
  claims?: Record<string, unknown>;
}

/** The login request's parameters (LTI 1.3 §4.1); a type alias so URLSearchParams takes it. */
export type LoginParams = {
  iss: string;
  login_hint: string;
  target_link_uri: string;
  client_id: string;
  lti_deployment_id: string;
  lti_message_hint: string;
};

/** The claims of a launch's id_token and the user the login names. */
export interface StartLaunchOptions extends IdTokenOptions {
  loginHint?: string;
}

export interface LaunchOptions extends StartLaunchOptions {
  /** POST this id_token instead of minting one for the login's nonce (replays). */
  idToken?: string;
}

export interface LaunchResult {
  /** The tool's answer to the id_token POST. */
  response: supertest.Response;
  idToken: string;
  state: string;
  nonce: string;
}

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const newId = (): string => crypto.randomBytes(16).toString('hex');
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/** A compact RS256 JWT with a `kid` header, signed with node:crypto alone. */
const escapeAttribute = (value: string): string => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
const hiddenField = (name: string, value: string): string => `<input type="hidden" name="${name}" value="${escapeAttribute(value)}">`;

/** The action and fields of the platform's auto-submitting launch form. */
function authForm(html: string): { action: string; id_token: string; state: string } {
  const unescape = (value: string) => value.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&amp;/g, '&');
  const action = /<form method="post" action="([^"]*)"/.exec(html)?.[1];
  const fields = Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1], unescape(m[2]!)]));
  assert.ok(action && fields.id_token && fields.state, `not a launch form: ${html}`);
  return { action: unescape(action), id_token: fields.id_token, state: fields.state };
}

export function signJwt(payload: object, key: KeyObject, kid: string): string {
  const input = `${b64url({ alg: 'RS256', typ: 'JWT', kid })}.${b64url(payload)}`;
  // RS256 is RSASSA-PKCS1-v1_5 with SHA-256, node's default padding for RSA keys.
  return `${input}.${crypto.sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

export function send(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

interface IssuedToken {
  scope: string[];
  expiresAt: number;
}

export class TestPlatform {
  readonly clientId: string;
  readonly deploymentId: string;
  readonly name: string;
  /** `http://127.0.0.1:<port>`: the platform's iss, and the base of its endpoints. */
  readonly issuer: string;
  readonly authUrl: string;
  readonly tokenUrl: string;
  readonly jwksUrl: string;
  readonly toolUrl: string;
  readonly toolJwksUrl: string;
  /** The tool's redirect URI, as registered in the LMS. */
  readonly launchUrl: string;
  /** Every request the platform answered, as `METHOD /path?query`, in order. */
  readonly requests: string[] = [];
  /** Access tokens issued by `/token`, so tests can look for them where they must not be. */
  readonly issuedTokens = new Map<string, IssuedToken>();
  readonly #server: http.Server;
  readonly #kid = newId();
  readonly #keys = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  // A second key for forged tokens: the tool must refuse them although the kid is right.
  readonly #strangerKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  readonly #contexts = new Map<string, { context: ContextClaim; members: Member[] }>();
  readonly #seenJtis = new Set<string>();
  /** id_token options of the launches under way, by their lti_message_hint. */
  readonly #pendingLaunches = new Map<string, IdTokenOptions>();
  readonly #routes: Array<{ method: string; pattern: RegExp; handler: PlatformRoute }> = [];
  /** Scopes `/token` grants; tests may add to it (a platform admin enabling a service). */
  readonly grantableScopes: Set<string>;

  private constructor(server: http.Server, options: TestPlatformOptions) {
    this.#server = server;
    this.issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.authUrl = `${this.issuer}/auth`;
    this.tokenUrl = `${this.issuer}/token`;
    this.jwksUrl = `${this.issuer}/jwks`;
    this.toolUrl = options.toolUrl.replace(/\/$/, '');
    this.launchUrl = `${this.toolUrl}/lti/launch`;
    this.toolJwksUrl = options.toolJwksUrl ?? `${this.toolUrl}/lti/keys`;
    this.clientId = options.clientId ?? `client-${newId().slice(0, 8)}`;
    this.deploymentId = options.deploymentId ?? '1';
    this.name = options.name ?? 'Test LMS';
    this.grantableScopes = new Set(options.scopes ?? [NRPS_SCOPE]);
  }

  /** Adds an endpoint, matched against the path before the built-in ones. */
  route(method: string, pattern: RegExp, handler: PlatformRoute): void {
    this.#routes.push({ method, pattern, handler });
  }

  /** True when the request carries a live access token this platform issued with `scope`. */
  authorised(req: http.IncomingMessage, scope: string): boolean {
    const bearer = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ? this.issuedTokens.get(bearer) : undefined;
    return !!token && token.expiresAt > Date.now() && token.scope.includes(scope);
  }

  static async start(options: TestPlatformOptions): Promise<TestPlatform> {
    // The handler needs the instance and the instance needs the bound port: bind first.
    let platform: TestPlatform | undefined;
    const server = http.createServer((req, res) => {
      platform!.#handle(req, res).catch((err: unknown) => send(res, 500, { error: 'server_error', error_description: String(err) }));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    platform = new TestPlatform(server, options);
    return platform;
  }

  async close(): Promise<void> {
    // ltijs's HTTP client may keep a connection open; closing must not wait for it.
    this.#server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.#server.close((err) => (err ? reject(err) : resolve())));
  }

  /** How many access tokens the tool asked for. */
  get tokenRequests(): number {
    return this.requests.filter((r) => r.startsWith('POST /token')).length;
  }

  /** The body of our admin API's `POST /admin/api/platforms` that registers this platform. */
  registration(): { issuer: string; clientId: string; name: string; authUrl: string; tokenUrl: string; jwksUrl: string } {
    return { issuer: this.issuer, clientId: this.clientId, name: this.name, authUrl: this.authUrl, tokenUrl: this.tokenUrl, jwksUrl: this.jwksUrl };
  }

  /** The platform's public keys, as `/jwks` serves them. */
  jwks(): { keys: JsonWebKey[] } {
    return { keys: [{ ...this.#keys.publicKey.export({ format: 'jwk' }), kid: this.#kid, alg: 'RS256', use: 'sig' }] };
  }

  /** Sets the course `context.id` and who is enrolled in it, for NRPS. */
  setMembers(context: ContextClaim, members: Member[]): void {
    this.#contexts.set(context.id, { context, members });
  }

  membershipsUrl(contextId: string): string {
    return `${this.issuer}/nrps/${encodeURIComponent(contextId)}`;
  }

  /** A signed LtiResourceLinkRequest id_token with every claim LTI 1.3 core requires. */
  idToken(options: IdTokenOptions = {}): string {
    const iat = nowSeconds() - (options.ageSeconds ?? 0);
    const context = options.context ?? DEFAULT_CONTEXT;
    const payload: Record<string, unknown> = {
      iss: this.issuer,
      aud: options.aud ?? [this.clientId],
      azp: this.clientId,
      sub: options.sub ?? 'instructor-1',
      iat,
      exp: iat + 300,
      nonce: options.nonce ?? newId(),
      name: 'Ada Lovelace',
      given_name: 'Ada',
      family_name: 'Lovelace',
      email: 'ada@example.edu',
      [CLAIMS.messageType]: 'LtiResourceLinkRequest',
      [CLAIMS.version]: '1.3.0',
      [CLAIMS.deploymentId]: this.deploymentId,
      [CLAIMS.targetLinkUri]: this.launchUrl,
      [CLAIMS.resourceLink]: options.resourceLink ?? { id: 'resource-1', title: 'CoursePulse' },
      [CLAIMS.roles]: options.roles ?? [ROLES.instructor],
      [CLAIMS.context]: context,
      [CLAIMS.toolPlatform]: { guid: 'test-platform', name: this.name, product_family_code: 'coursepulse-test', version: '1.0' },
      [CLAIMS.launchPresentation]: { document_target: 'iframe', return_url: `${this.issuer}/return`, locale: 'en' },
      [CLAIMS.namesRoles]: { context_memberships_url: this.membershipsUrl(context.id), service_versions: ['2.0'] },
      ...options.claims,
    };
    const key = options.signWith === 'stranger' ? this.#strangerKey : this.#keys.privateKey;
    // JSON drops the claims set to undefined, which is how a test leaves one out.
    return signJwt(JSON.parse(JSON.stringify(payload)) as object, key, this.#kid);
  }

  /** Step 1 of a launch as the browser makes it: the third-party-initiated login at the tool. */
  login(agent: Agent, params: Partial<LoginParams> = {}): supertest.Test {
    return agent.get(`/lti/login?${new URLSearchParams(this.#loginParams(params)).toString()}`).redirects(0);
  }

  /**
   * A whole launch: login at the tool, the platform's checks of the authentication request the
   * tool redirects to (as its `/auth` would do), then the form POST of the id_token and state to
   * the tool's redirect URI, with the state cookie the agent kept from the login.
   */
  async launch(agent: Agent, options: LaunchOptions = {}): Promise<LaunchResult> {
    const { idToken, ...start } = options;
    const params = this.#expectLaunch(start);
    const login = await this.login(agent, params);
    assert.equal(login.status, 302, `the tool should redirect the login to the platform, got ${login.status}: ${login.text}`);
    const location = new URL(String(login.headers.location));
    assert.equal(`${location.origin}${location.pathname}`, this.authUrl);
    // The state cookie must be one the agent sends back to the redirect URI. Over http it must
    // not be Secure: browsers, and the agent's jar, drop Secure cookies on plain http.
    const state = location.searchParams.get('state') ?? '';
    const { hostname } = new URL(login.request.url);
    const kept = agent.jar.getCookies({ domain: hostname, path: '/lti/launch', secure: false, script: false });
    assert.ok(
      kept.some((cookie) => cookie.name === `state${state}`),
      `the agent should hold the state cookie; the tool set: ${String(login.headers['set-cookie'])}`,
    );

    // The browser follows the redirect to the platform, which checks the request and answers a
    // form that posts the id_token and state back to the tool.
    const auth = await fetch(location);
    const page = await auth.text();
    assert.equal(auth.status, 200, `the platform refused the authentication request: ${page}`);
    const form = authForm(page);
    assert.equal(form.action, this.launchUrl);
    const token = idToken ?? form.id_token;
    const response = await agent.post('/lti/launch').type('form').send({ id_token: token, state: form.state }).redirects(0);
    return { response, idToken: token, state: form.state, nonce: location.searchParams.get('nonce') ?? '' };
  }

  /**
   * The address of the page an LMS serves when its user opens the tool's link, for a real browser
   * (browser-world.ts): the page starts the third-party-initiated login (LTI 1.3 §4.1) by posting
   * the login parameters to the tool's login URL with an auto-submitting form, as Moodle and
   * Canvas do; the launch then ends with an id_token carrying `options`.
   */
  launchStartUrl(options: StartLaunchOptions = {}): string {
    return `${this.issuer}/launch-start?${new URLSearchParams(this.#expectLaunch(options)).toString()}`;
  }

  /** The login parameters of a launch whose id_token `/auth` will make with `options`. */
  #expectLaunch(options: StartLaunchOptions): LoginParams {
    const { loginHint = options.sub ?? 'instructor-1', ...claims } = options;
    // The message hint tells this platform's /auth which launch it is answering, as an LMS's
    // hint names the resource link (and here the claims the test wants in the id_token).
    const messageHint = `launch-${newId()}`;
    this.#pendingLaunches.set(messageHint, claims);
    return this.#loginParams({ login_hint: loginHint, lti_message_hint: messageHint });
  }

  #loginParams(params: Partial<LoginParams>): LoginParams {
    return {
      iss: this.issuer,
      login_hint: 'instructor-1',
      target_link_uri: this.launchUrl,
      client_id: this.clientId,
      lti_deployment_id: this.deploymentId,
      lti_message_hint: 'resource-1',
      ...params,
    };
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.issuer);
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
    for (const route of this.#routes) {
      const match = route.method === req.method ? route.pattern.exec(url.pathname) : null;
      if (match) return void (await route.handler(req, res, url, match));
    }
    const nrps = /^\/nrps\/([^/]+)$/.exec(url.pathname);
    if (req.method === 'GET' && url.pathname === '/jwks') return send(res, 200, this.jwks());
    if ((req.method === 'GET' || req.method === 'POST') && url.pathname === '/auth') return this.#authorise(req, res, url);
    if (req.method === 'GET' && url.pathname === '/launch-start') return this.#launchStart(res, url);
    if (req.method === 'POST' && url.pathname === '/token') return this.#token(req, res);
    if (req.method === 'GET' && nrps) return this.#memberships(req, res, url, decodeURIComponent(nrps[1]!));
    send(res, 404, { error: 'not_found' });
  }

  /**
   * The OIDC authorisation endpoint (LTI 1.3 §5.1.1): checks the tool's authentication request as
   * an LMS does, then answers the auto-submitting form that carries the id_token for the login's
   * user and nonce to the registered redirect URI.
   */
  async #authorise(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const params = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : url.searchParams;
    const get = (name: string) => params.get(name) ?? undefined;
    const problems = [
      get('response_type') !== 'id_token' && 'response_type must be id_token',
      get('response_mode') !== 'form_post' && 'response_mode must be form_post',
      get('scope') !== 'openid' && 'scope must be openid',
      get('prompt') !== 'none' && 'prompt must be none',
      get('client_id') !== this.clientId && 'unknown client_id',
      get('redirect_uri') !== this.launchUrl && 'redirect_uri is not registered for this tool',
      !get('login_hint') && 'login_hint is missing',
      !get('nonce') && 'nonce is missing',
      !get('state') && 'state is missing',
    ].filter(Boolean);
    if (problems.length) return send(res, 400, { error: 'invalid_request', error_description: problems.join('; ') });
    const hint = get('lti_message_hint') ?? '';
    const options = this.#pendingLaunches.get(hint) ?? {};
    this.#pendingLaunches.delete(hint);
    const idToken = this.idToken({ sub: get('login_hint'), ...options, nonce: get('nonce') });
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><html><head><link rel="icon" href="data:,"></head><body onload="document.forms[0].submit()"><form method="post" action="${escapeAttribute(this.launchUrl)}">` +
        `${hiddenField('id_token', idToken)}${hiddenField('state', get('state')!)}</form></body></html>`,
    );
  }

  /**
   * The LMS's page that opens the tool (see {@link launchStartUrl}): the login parameters of its
   * query, posted to the tool's login URL by a form that submits itself.
   */
  #launchStart(res: http.ServerResponse, url: URL): void {
    const fields = [...url.searchParams].map(([name, value]) => hiddenField(name, value)).join('');
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(
      // An icon of its own, so that the browser does not ask for /favicon.ico (a 404 and a console error).
      `<!doctype html><html lang="en"><head><title>${escapeAttribute(this.name)}</title><link rel="icon" href="data:,"></head><body onload="document.forms[0].submit()">` +
        `<form method="post" action="${escapeAttribute(`${this.toolUrl}/lti/login`)}">${fields}</form></body></html>`,
    );
  }

  /** OAuth 2 client credentials with a JWT client assertion (LTI Security Framework §4.1). */
  async #token(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(req));
    if (form.get('grant_type') !== 'client_credentials') return send(res, 400, { error: 'unsupported_grant_type' });
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
      return send(res, 400, { error: 'invalid_request', error_description: 'client_assertion_type' });
    }
    const problem = await this.#checkClientAssertion(form.get('client_assertion') ?? '');
    if (problem) return send(res, 401, { error: 'invalid_client', error_description: problem });
    const scopes = (form.get('scope') ?? '').split(' ').filter(Boolean);
    if (scopes.length === 0 || scopes.some((s) => !this.grantableScopes.has(s))) return send(res, 400, { error: 'invalid_scope' });
    const accessToken = crypto.randomBytes(24).toString('base64url');
    this.issuedTokens.set(accessToken, { scope: scopes, expiresAt: Date.now() + 3600_000 });
    send(res, 200, { access_token: accessToken, token_type: 'Bearer', expires_in: 3600, scope: scopes.join(' ') });
  }

  /** Why the tool's client assertion is refused, or undefined when it is good. */
  async #checkClientAssertion(assertion: string): Promise<string | undefined> {
    const [header, payload, signature, ...rest] = assertion.split('.');
    if (!header || !payload || !signature || rest.length > 0) return 'client_assertion is not a JWT';
    const decode = (part: string): Record<string, unknown> | undefined => {
      try {
        return JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    };
    const { alg, kid } = decode(header) ?? {};
    if (alg !== 'RS256' || typeof kid !== 'string') return 'client_assertion needs alg RS256 and a kid';
    // The tool's keys are fetched from the tool itself on each request, as an LMS does with the
    // JWKS URL of the registration: the test proves the tool publishes the key it signs with.
    const jwks = (await (await fetch(this.toolJwksUrl)).json()) as { keys?: Array<JsonWebKey & { kid?: string }> };
    const jwk = jwks.keys?.find((k) => k.kid === kid);
    if (!jwk) return `no key ${kid} in the tool's JWKS`;
    const key = crypto.createPublicKey({ key: jwk, format: 'jwk' });
    if (!crypto.verify('sha256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'))) {
      return 'bad client_assertion signature';
    }
    const claims = decode(payload) ?? {};
    if (claims.iss !== this.clientId || claims.sub !== this.clientId) return 'iss and sub must be the client id';
    const aud = Array.isArray(claims.aud) ? (claims.aud as unknown[]) : [claims.aud];
    if (!aud.includes(this.tokenUrl)) return 'aud must be the token endpoint';
    if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds()) return 'client_assertion expired';
    if (typeof claims.jti !== 'string' || this.#seenJtis.has(claims.jti)) return 'jti missing or reused';
    this.#seenJtis.add(claims.jti);
    return undefined;
  }

  /** NRPS 2.0 membership container, paged by `limit` and `from` with a `rel="next"` link, as Moodle does. */
  #memberships(req: http.IncomingMessage, res: http.ServerResponse, url: URL, contextId: string): void {
    if (!this.authorised(req, NRPS_SCOPE)) {
      return send(res, 401, { error: 'invalid_token' }, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    }
    if (!req.headers.accept?.includes(NRPS_MEDIA_TYPE)) return send(res, 406, { error: `Accept ${NRPS_MEDIA_TYPE}` });
    const course = this.#contexts.get(contextId);
    if (!course) return send(res, 404, { error: 'unknown context' });
    const from = Number(url.searchParams.get('from') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? Math.max(course.members.length, 1));
    if (!Number.isSafeInteger(from) || from < 0 || !Number.isSafeInteger(limit) || limit < 1) {
      return send(res, 400, { error: 'limit must be a positive integer and from a non-negative one' });
    }
    const headers: http.OutgoingHttpHeaders = { 'Content-Type': NRPS_MEDIA_TYPE };
    if (from + limit < course.members.length) {
      headers.Link = `<${this.membershipsUrl(contextId)}?limit=${limit}&from=${from + limit}>; rel="next"`;
    }
    const { id, label, title } = course.context;
    send(res, 200, { id: url.href, context: { id, label, title }, members: course.members.slice(from, from + limit) }, headers);
  }
}
