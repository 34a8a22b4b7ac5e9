/**
 * An authenticated client for the platform's LTI Advantage services (Names and Role
 * Provisioning, Course Groups, Canvas group rosters). ltijs signs the client assertion and caches
 * the access token (encrypted, through our plugin); everything else — the request, its headers,
 * timeouts, paging and errors — is ours, with the global fetch of Node 20.
 *
 * Why not ltijs's `NamesAndRoles.getMembers` for NRPS: it reads one page unless told
 * `pages: false` (a silent truncation, ltijs research §4.4); its `limit` option replaces the
 * query string the platform put in the memberships URL (§1.11); its HTTP client (got) has no
 * timeout, no bound on pages or loops, and retries a failing GET twice with back-off on its own;
 * its errors ("Response code 500 (Internal Server Error)") do not say which URL failed; and it
 * wants a launch's id_token, which a background refresh does not have. The same client also
 * serves the Course Groups Service and Canvas, which ltijs does not implement at all.
 */
import { readFileSync } from 'node:fs';
import type { Platform } from 'ltijs';
import type { Lti } from './provider.js';

/** `CoursePulse/<version>`: Canvas refuses LTI service calls without a User-Agent. */
export const USER_AGENT = `CoursePulse/${(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version}`;

/** How long one request (the token, or one page) may take before the read is given up. */
export const SERVICE_TIMEOUT_MS = 30_000;
/** More pages than this is a platform that never stops paging, not a course. */
export const MAX_PAGES = 1000;

export interface PlatformServiceOptions {
  timeoutMs?: number;
  maxPages?: number;
}

/** One kind of service read: which token, which media type, and how a page is checked. */
export interface ServiceRead<Page> {
  /** Short name for messages: 'NRPS', 'Course Groups Service', … */
  service: string;
  /** The OAuth 2 scope the access token must carry. */
  scope: string;
  /** The media type asked for in Accept; each LTI service has its own. */
  accept: string;
  /** Checks one page's JSON; throws when the page is malformed (zod). */
  parse(body: unknown): Page;
}

/** A service read that failed; the message says what failed and where (never a token). */
export class PlatformServiceError extends Error {
  constructor(
    message: string,
    /** The HTTP status that failed the read, when there was one. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'PlatformServiceError';
  }
}

/**
 * A URL as it may be logged or stored: query parameters whose name suggests a credential are
 * hidden (the access token itself only ever travels in the Authorization header).
 */
export function shownUrl(url: string | URL): string {
  const shown = new URL(url);
  for (const name of [...shown.searchParams.keys()]) {
    if (/token|secret|key|sig|password|auth/i.test(name)) shown.searchParams.set(name, '[hidden]');
  }
  return shown.href;
}

/** The URL of the `rel="next"` link of a Link header (RFC 8288), resolved against the page's URL. */
export function nextLink(header: string | null, base: string): string | undefined {
  if (!header) return undefined;
  // Each link is `<uri>` followed by `;`-separated parameters; the URI may itself hold commas.
  for (const [, uri, params] of header.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]*)*)/g)) {
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(params ?? '');
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (rels.includes('next')) return new URL(uri ?? '', base).href;
  }
  return undefined;
}

interface AccessToken {
  access_token: string;
  token_type: string;
}

/** A service's answer to one GET, read whole. */
interface ServiceAnswer {
  status: number;
  ok: boolean;
  link: string | null;
  text: string;
}

/** ltijs 5.9.9's Platform has this method; ltijs.d.ts does not declare it (yet). */
type TokenPlatform = Platform & { platformAccessToken(scopes: string): Promise<AccessToken> };

/**
 * Runs `work` with a signal that aborts after `ms`, and gives up on it then whatever it does.
 * The race is the deadline, not the signal: Node's fetch can leave a body read pending for
 * ever when its signal aborts during the read (nodejs/node#56917, nodejs/undici#4089); a read
 * of a page that stopped half-way once hung there in CI. The abort still frees the socket.
 */
async function withDeadline<T>(ms: number, what: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new PlatformServiceError(`${what} timed out after ${ms} ms`);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** What went wrong in ltijs's token request (got's HTTPError carries the platform's answer). */
function tokenProblem(err: unknown): { status?: number; detail: string } {
  const response = (err as { response?: { statusCode?: number; body?: unknown } }).response;
  if (response?.statusCode) {
    let detail = `HTTP ${response.statusCode}`;
    try {
      const body = JSON.parse(String(response.body)) as { error?: unknown; error_description?: unknown };
      if (typeof body.error === 'string') detail += ` ${body.error}`;
      if (typeof body.error_description === 'string') detail += ` (${body.error_description.slice(0, 200)})`;
    } catch {
      // Not an OAuth error body; the status says enough.
    }
    return { status: response.statusCode, detail };
  }
  return { detail: err instanceof Error ? err.message : String(err) };
}

/** The services of one registered platform, authenticated with its client credentials. */
export class PlatformServices {
  readonly #lti: Pick<Lti, 'provider' | 'plugin'>;
  readonly #platformId: string;
  readonly #timeoutMs: number;
  readonly #maxPages: number;
  readonly #tokens = new Map<string, Promise<AccessToken>>();

  constructor(lti: Pick<Lti, 'provider' | 'plugin'>, platformId: string, options: PlatformServiceOptions = {}) {
    this.#lti = lti;
    this.#platformId = platformId;
    this.#timeoutMs = options.timeoutMs ?? SERVICE_TIMEOUT_MS;
    this.#maxPages = options.maxPages ?? MAX_PAGES;
  }

  /**
   * Every page from `url` on, following `Link: <…>; rel="next"`, each checked by `read.parse`.
   * Throws {@link PlatformServiceError} on the first failure: a read is whole or nothing.
   */
  async readAllPages<Page>(url: string, read: ServiceRead<Page>): Promise<Page[]> {
    const first = new URL(url);
    const pages: Page[] = [];
    const seen = new Set<string>();
    let next: string | undefined = first.href;
    while (next) {
      if (seen.has(next)) throw new PlatformServiceError(`${read.service}: page ${pages.length + 1} links back to ${shownUrl(next)} (a paging loop)`);
      if (pages.length >= this.#maxPages) throw new PlatformServiceError(`${read.service}: more than ${this.#maxPages} pages from ${shownUrl(first)}`);
      // The access token goes only to the origin of the service URL the platform gave us.
      if (new URL(next).origin !== first.origin) {
        throw new PlatformServiceError(`${read.service}: the next page ${shownUrl(next)} is on another host than ${first.origin}`);
      }
      seen.add(next);
      const { body, link } = await this.#get(next, read, pages.length + 1);
      pages.push(body);
      next = nextLink(link, next);
    }
    return pages;
  }

  async #get<Page>(url: string, read: ServiceRead<Page>, pageNumber: number): Promise<{ body: Page; link: string | null }> {
    const where = `${read.service}: page ${pageNumber} (GET ${shownUrl(url)})`;
    let answer = await this.#exchange(url, read, where, await this.#token(read.scope, false));
    if (answer.status === 401) {
      // The cached token may have been revoked or cut short by the platform: forget it and try
      // once more with a new one.
      await this.#forgetToken(read.scope);
      answer = await this.#exchange(url, read, where, await this.#token(read.scope, true));
    }
    if (!answer.ok) {
      throw new PlatformServiceError(`${where} answered HTTP ${answer.status}${answer.text ? `: ${answer.text.slice(0, 200)}` : ''}`, answer.status);
    }
    let json: unknown;
    try {
      json = JSON.parse(answer.text);
    } catch (err) {
      throw new PlatformServiceError(`${where} is not JSON: ${(err as Error).message}`);
    }
    try {
      return { body: read.parse(json), link: answer.link };
    } catch (err) {
      throw new PlatformServiceError(`${where} is malformed: ${summariseParseError(err)}`);
    }
  }

  /** One GET and its whole answer, within the timeout: a page that stalls half-way times out like one that never starts. */
  #exchange(url: string, read: ServiceRead<unknown>, where: string, token: AccessToken): Promise<ServiceAnswer> {
    return withDeadline(this.#timeoutMs, where, async (signal) => {
      try {
        const response = await fetch(url, {
          headers: { Authorization: `${token.token_type} ${token.access_token}`, Accept: read.accept, 'User-Agent': USER_AGENT },
          // A service URL that redirects is refused rather than followed: the token is for this URL.
          redirect: 'error',
          signal,
        });
        // An error page that breaks off still reports its status.
        const text = response.ok ? await response.text() : await response.text().catch(() => '');
        return { status: response.status, ok: response.ok, link: response.headers.get('link'), text };
      } catch (err) {
        if (signal.aborted) throw signal.reason;
        const cause = err as Error & { cause?: Error };
        throw new PlatformServiceError(`${where} failed: ${cause.cause?.message ?? cause.message}`);
      }
    });
  }

  #token(scope: string, fresh: boolean): Promise<AccessToken> {
    // One token request per scope per read, however many pages it has (ltijs caches across reads).
    const cached = this.#tokens.get(scope);
    if (cached && !fresh) return cached;
    const token = withDeadline(this.#timeoutMs, `access token for ${scope}`, () => this.#requestToken(scope));
    this.#tokens.set(scope, token);
    token.catch(() => this.#tokens.delete(scope));
    return token;
  }

  async #requestToken(scope: string): Promise<AccessToken> {
    const platform = await this.#platform();
    try {
      return await (platform as TokenPlatform).platformAccessToken(scope);
    } catch (err) {
      const { status, detail } = tokenProblem(err);
      throw new PlatformServiceError(`access token for ${scope} refused by ${await platform.platformAccessTokenEndpoint()}: ${detail}`, status);
    }
  }

  async #forgetToken(scope: string): Promise<void> {
    this.#tokens.delete(scope);
    const platform = await this.#platform();
    const [platformUrl, clientId] = await Promise.all([platform.platformUrl(), platform.platformClientId()]);
    await this.#lti.plugin.Delete('accesstoken', { platformUrl, clientId, scopes: scope });
  }

  async #platform() {
    const platform = await this.#lti.provider.getPlatformById(this.#platformId);
    if (!platform) throw new PlatformServiceError(`platform ${this.#platformId} is not registered any more`);
    if (!(await platform.platformActive())) throw new PlatformServiceError(`platform ${this.#platformId} is deactivated`);
    return platform;
  }
}

/** The first few problems of a zod error (or any error's message), on one line. */
function summariseParseError(err: unknown): string {
  const issues = (err as { issues?: Array<{ path: PropertyKey[]; message: string }> }).issues;
  if (!issues) return err instanceof Error ? err.message : String(err);
  return issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || '(page)'}: ${issue.message}`)
    .join('; ');
}
