/**
 * LTI Dynamic Registration (LTI DR 1.0), our own instead of ltijs's: the LMS opens
 * `/lti/register?openid_configuration=…&registration_token=…`; we read the platform's openid
 * configuration, check that it speaks for its issuer, POST a registration tailored to the LMS
 * (tool-configuration.ts), and save the platform the LMS answered for — never over one CoursePulse
 * has already. The page that follows tells the LMS we are done (`org.imsglobal.lti.close`).
 *
 * Differences from ltijs's DynamicRegistration (research §1.12): our scopes, claims and Canvas
 * placement; the registration token on the configuration request too (Canvas and Moodle require
 * it); a User-Agent (Canvas requires one); the deployment id recorded; the LMS's refusal shown.
 * Both calls go to public addresses only (registration-url.ts: the URL comes from the request),
 * within a time limit and a size limit.
 */
import http from 'node:http';
import https from 'node:https';
import { createRequire } from 'node:module';
import type { LtiRequestHandler, Platform, Provider } from 'ltijs';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { LtijsDatabase } from './ltijs-database.js';
import { summarisePlatform } from './platforms.js';
import { alreadyRegisteredPage, registeredPage, registrationProblemPage, type LmsAnswer } from './registration-pages.js';
import { PRODUCT_NAMES, TOOL_NAME, productFamily, registrationRequest } from './tool-configuration.js';
import { RefusedAddress, addressRule, checkLiteralHost, guardedLookup, type AddressRule } from './registration-url.js';

declare module 'ltijs' {
  interface Provider {
    /** Replaces ltijs's handler of the dynamic registration route (ltijs 5.9.9 `Provider.onDynamicRegistration`). */
    onDynamicRegistration(handler: LtiRequestHandler): true;
  }
}

/** package.json's version; the file is two folders up from both src/lti and dist/lti. */
const VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

const PLATFORM_CONFIGURATION = 'https://purl.imsglobal.org/spec/lti-platform-configuration';
const TOOL_CONFIGURATION = 'https://purl.imsglobal.org/spec/lti-tool-configuration';

/** ltijs-store collection of what each dynamic registration brought (one document per platform). */
export const REGISTRATION_COLLECTION = 'registration';

/** What CoursePulse keeps of a dynamic registration besides ltijs's platform. */
export interface RegistrationRecord {
  platformId: string;
  issuer: string;
  clientId: string;
  /** From the registration response's tool configuration; Canvas gives none (null). */
  deploymentId: string | null;
  productFamilyCode: string | null;
  openidConfiguration: string;
  registeredAt: string;
}

export interface DynamicRegistrationDeps {
  provider: Provider;
  plugin: LtijsDatabase;
  /** LTI_REGISTRATION_ALLOW_PRIVATE: absent, only public LMS addresses are called (registration-url.ts). */
  config: Pick<Config, 'publicUrl' | 'ltiAutoActivate'> & Partial<Pick<Config, 'ltiRegistrationAllowPrivate'>>;
  logger: Logger;
  now?: () => Date;
  /** How long each call to the LMS may take, redirects and reading the answer included. */
  timeoutMs?: number;
  /** Which addresses may not be called; by default the non-public ones unless the configuration allows them. */
  refuseAddress?: AddressRule;
}

/** The record of the dynamic registration that made platform `platformId`, if it was made so. */
export async function findRegistration(plugin: LtijsDatabase, platformId: string): Promise<RegistrationRecord | undefined> {
  const found = await plugin.Get(false, REGISTRATION_COLLECTION, { platformId });
  if (!found) return undefined;
  const { createdAt: _createdAt, ...record } = found[0]!;
  return record as unknown as RegistrationRecord;
}

/** A registration that stops with a page: the HTTP status, the page's words, what is logged. */
class RegistrationStop extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly explanation: string,
    readonly log: Record<string, unknown> = {},
    readonly answer?: LmsAnswer,
  ) {
    super(title);
  }
}

const isHttpUrl = (value: string): boolean => {
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
};

const httpUrl = z.string().refine(isHttpUrl, 'is not an http(s) URL');
const openidConfigurationSchema = z.object({
  issuer: httpUrl,
  authorization_endpoint: httpUrl,
  token_endpoint: httpUrl,
  jwks_uri: httpUrl,
  registration_endpoint: httpUrl,
  authorization_server: z.string().min(1).optional(),
  scopes_supported: z.array(z.string()).optional(),
  [PLATFORM_CONFIGURATION]: z
    .looseObject({
      product_family_code: z.string().optional(),
      version: z.string().optional(),
      'https://canvas.instructure.com/lti/account_name': z.string().optional(),
    })
    .optional(),
});
type OpenidConfiguration = z.infer<typeof openidConfigurationSchema>;

const idValue = z.union([z.string().min(1), z.number()]).transform(String);
const registrationResponseSchema = z.object({
  client_id: idValue,
  [TOOL_CONFIGURATION]: z.looseObject({ deployment_id: idValue.optional() }).optional(),
});

/** Answers over 1 MB are not a platform configuration nor a registration. */
const MAX_ANSWER_BYTES = 1024 * 1024;
/** Redirects followed when reading the configuration (each one checked like the first URL). */
const MAX_REDIRECTS = 3;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

interface Answer {
  status: number;
  ok: boolean;
  body: string;
}

interface Call {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

/** A redirect CoursePulse does not follow: to another scheme than it may call, or too many. */
class RefusedRedirect extends Error {}

/** One HTTP exchange, connecting only to addresses `rule` allows (registration-url.ts). */
function exchange(url: URL, call: Call, rule: AddressRule, signal: AbortSignal): Promise<http.IncomingMessage> {
  checkLiteralHost(url, rule);
  const client = url.protocol === 'https:' ? https : http;
  const headers = call.body === undefined ? call.headers : { ...call.headers, 'content-length': String(Buffer.byteLength(call.body)) };
  return new Promise((resolve, reject) => {
    const request = client.request(url, { method: call.method, headers, signal, lookup: guardedLookup(rule) }, resolve);
    request.on('error', reject);
    request.end(call.body);
  });
}

async function readAnswer(response: http.IncomingMessage): Promise<string> {
  if (Number(response.headers['content-length']) > MAX_ANSWER_BYTES) {
    response.destroy();
    throw new Error(`the answer is larger than ${MAX_ANSWER_BYTES} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      response.destroy();
      throw new Error(`the answer is larger than ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Calls the LMS: within `timeoutMs` in all, an answer of at most 1 MB, only addresses `rule`
 * allows. A GET follows a few redirects, each checked as the first URL was (`schemes`); a POST
 * follows none (its redirect is an answer like any other that is not 2xx).
 */
async function call(url: URL, request: Call, options: { timeoutMs: number; rule: AddressRule; schemes: readonly string[] }): Promise<Answer> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let target = url;
  let sent = request;
  for (let redirects = 0; ; redirects++) {
    const response = await exchange(target, sent, options.rule, signal);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (request.method === 'GET' && REDIRECTS.has(status) && location) {
      response.resume();
      if (redirects === MAX_REDIRECTS) throw new RefusedRedirect(`more than ${MAX_REDIRECTS} redirects`);
      let next: URL;
      try {
        next = new URL(location, target);
      } catch {
        throw new RefusedRedirect(`a redirect to "${location}", which is not a URL`);
      }
      if (!options.schemes.includes(next.protocol)) throw new RefusedRedirect(`a redirect to ${next.href}, which is not ${options.schemes.join(' or ')}`);
      // The registration token is for the LMS that asked: not sent on to another origin (as fetch does).
      if (next.origin !== target.origin) sent = { ...sent, headers: Object.fromEntries(Object.entries(sent.headers).filter(([name]) => name !== 'authorization')) };
      target = next;
      continue;
    }
    return { status, ok: status >= 200 && status < 300, body: await readAnswer(response) };
  }
}

/** Why a call failed, in a few words (a timeout aborts with its reason as the cause). */
function networkProblem(err: unknown): string {
  const error = err as { name?: string; code?: string; message?: string; cause?: { name?: string; code?: string; message?: string } };
  if (error.name === 'TimeoutError' || error.cause?.name === 'TimeoutError') return 'no answer in time';
  if (err instanceof RefusedAddress || err instanceof RefusedRedirect) return error.message!;
  return error.code ?? error.cause?.code ?? error.message ?? String(err);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function issues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(the document)'} ${issue.message}`).join('; ');
}

function queryString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function dynamicRegistrationHandler(deps: DynamicRegistrationDeps): LtiRequestHandler {
  const { provider, plugin, config } = deps;
  const log = deps.logger.child({ flow: 'dynamic-registration' });
  const now = deps.now ?? (() => new Date());
  const timeoutMs = deps.timeoutMs ?? 15_000;
  // Canvas refuses calls without a User-Agent; this one names us and where we are.
  const userAgent = `${TOOL_NAME}/${VERSION} (+${config.publicUrl})`;
  const productionUrls = config.publicUrl.startsWith('https:');
  const schemes = productionUrls ? ['https:'] : ['https:', 'http:'];
  const rule = deps.refuseAddress ?? addressRule(config.ltiRegistrationAllowPrivate ?? false);
  const calling = { timeoutMs, rule, schemes };
  // One registration per issuer and client id at a time, so two never both pass the check below.
  const inFlight = new Map<string, Promise<unknown>>();

  async function serialised<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = inFlight.get(key) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(task);
    inFlight.set(key, current);
    try {
      return await current;
    } finally {
      if (inFlight.get(key) === current) inFlight.delete(key);
    }
  }

  /** A URL to call: https, or http as well while CoursePulse itself runs on http (development). */
  function checkedUrl(value: string, what: string, status: number, title: string): URL {
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      // Reported below.
    }
    if (!url || !schemes.includes(url.protocol)) {
      const expected = productionUrls ? 'an https:// URL' : 'an http:// or https:// URL';
      throw new RegistrationStop(status, title, `The ${what} "${value}" is not ${expected}.`, { [what]: value });
    }
    return url;
  }

  async function readConfiguration(url: URL, token: string | undefined): Promise<OpenidConfiguration> {
    let answer: Answer;
    try {
      answer = await call(url, { method: 'GET', headers: { accept: 'application/json', 'user-agent': userAgent, ...(token ? { authorization: `Bearer ${token}` } : {}) } }, calling);
    } catch (err) {
      // The request named an address CoursePulse does not call (a redirect to one is the LMS's doing: 502 below).
      if (err instanceof RefusedAddress && err.host === url.hostname.replace(/^\[|\]$/g, '')) {
        throw new RegistrationStop(
          400,
          'The registration link is not valid',
          `The openid_configuration "${url.href}" is not an address of an LMS on the internet (${err.message}). CoursePulse calls only public addresses; LTI_REGISTRATION_ALLOW_PRIVATE=true allows private ones.`,
          { openidConfiguration: url.href, problem: err.message },
        );
      }
      throw new RegistrationStop(
        502,
        'CoursePulse could not read the LMS’s configuration',
        `${url.href} could not be reached (${networkProblem(err)}). Check that CoursePulse can reach the LMS, then start the registration again in the LMS.`,
        { openidConfiguration: url.href, problem: networkProblem(err) },
      );
    }
    if (!answer.ok) {
      // Not shown: the URL came from the request, and its answer is no business of the visitor's.
      throw new RegistrationStop(
        502,
        'CoursePulse could not read the LMS’s configuration',
        `${url.href} answered HTTP ${answer.status}. The registration link may have expired: start the registration again in the LMS.`,
        { openidConfiguration: url.href, lmsStatus: answer.status },
      );
    }
    const parsed = openidConfigurationSchema.safeParse(parseJson(answer.body));
    if (!parsed.success) {
      throw new RegistrationStop(
        502,
        'The LMS’s configuration is not usable',
        `${url.href} did not answer an LTI platform configuration (${issues(parsed.error)}).`,
        { openidConfiguration: url.href, problem: issues(parsed.error) },
      );
    }
    return parsed.data;
  }

  async function postRegistration(configuration: OpenidConfiguration, body: unknown, token: string | undefined): Promise<z.infer<typeof registrationResponseSchema>> {
    const endpoint = checkedUrl(configuration.registration_endpoint, 'registration_endpoint', 502, 'The LMS’s configuration is not usable').href;
    let answer: Answer;
    try {
      answer = await call(
        new URL(endpoint),
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            'user-agent': userAgent,
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: JSON.stringify(body),
        },
        calling,
      );
    } catch (err) {
      throw new RegistrationStop(
        502,
        'CoursePulse could not reach the LMS',
        `The LMS’s registration endpoint ${endpoint} could not be reached (${networkProblem(err)}).`,
        { issuer: configuration.issuer, registrationEndpoint: endpoint, problem: networkProblem(err) },
      );
    }
    if (!answer.ok) {
      throw new RegistrationStop(
        502,
        'The LMS refused the registration',
        `The LMS did not accept CoursePulse’s registration. Its answer follows; an LMS administrator can tell from it what to change (for instance a service or placement the LMS does not allow), then start the registration again.`,
        { issuer: configuration.issuer, registrationEndpoint: endpoint, lmsStatus: answer.status, body: answer.body.slice(0, 4000) },
        { status: answer.status, body: answer.body },
      );
    }
    const parsed = registrationResponseSchema.safeParse(parseJson(answer.body));
    if (!parsed.success) {
      throw new RegistrationStop(
        502,
        'The LMS’s answer is not usable',
        'The LMS accepted the registration but did not answer a client ID. Delete the registration it made, then try again.',
        { issuer: configuration.issuer, registrationEndpoint: endpoint, lmsStatus: answer.status, problem: issues(parsed.error) },
        { status: answer.status, body: answer.body },
      );
    }
    return parsed.data;
  }

  async function register(query: Record<string, unknown>) {
    const openidConfiguration = queryString(query.openid_configuration);
    const token = queryString(query.registration_token);
    const newWindow = ['1', 'true', 'yes', 'on'].includes(String(queryString(query.new_window) ?? '').toLowerCase());
    if (!openidConfiguration) {
      throw new RegistrationStop(
        400,
        'Start the registration from your LMS',
        `This is CoursePulse’s LTI Dynamic Registration URL. Paste it into your LMS’s tool registration (for instance Canvas’s “LTI Registration” or Moodle’s “Tool URL”); the LMS then opens it with the openid_configuration and registration_token it adds.`,
      );
    }
    const configurationUrl = checkedUrl(openidConfiguration, 'openid_configuration', 400, 'The registration link is not valid');
    const configuration = await readConfiguration(configurationUrl, token);

    // LTI DR 1.0 §3.5.1: the configuration speaks for its own host only.
    const issuerHost = new URL(configuration.issuer).host;
    if (issuerHost !== configurationUrl.host) {
      throw new RegistrationStop(
        400,
        'The LMS’s configuration names another issuer',
        `The configuration at ${configurationUrl.href} says its issuer is ${configuration.issuer}, on another host. CoursePulse registers a platform only from a configuration served by the issuer’s own host.`,
        { openidConfiguration: configurationUrl.href, issuer: configuration.issuer },
      );
    }

    const platformConfiguration = configuration[PLATFORM_CONFIGURATION];
    const productFamilyCode = platformConfiguration?.product_family_code;
    const family = productFamily(productFamilyCode);
    const body = registrationRequest(config.publicUrl, { productFamilyCode, scopesSupported: configuration.scopes_supported }, { newWindow });
    const response = await postRegistration(configuration, body, token);
    const clientId = response.client_id;
    const deploymentId = response[TOOL_CONFIGURATION]?.deployment_id ?? null;
    const account = platformConfiguration?.['https://canvas.instructure.com/lti/account_name'];
    const name = `${PRODUCT_NAMES[family]}: ${account ?? issuerHost}`;

    return serialised(`${configuration.issuer}\n${clientId}`, async () => {
      const existing = await provider.getPlatform(configuration.issuer, clientId);
      if (existing) {
        const summary = await summarisePlatform(existing);
        log.warn({ platformId: summary.id, issuer: summary.issuer, clientId }, 'dynamic registration of a platform CoursePulse has already: nothing changed');
        return { status: 409, html: alreadyRegisteredPage(summary) };
      }
      let platform: Platform | undefined;
      let platformId: string;
      try {
        platform = await provider.registerPlatform({
          url: configuration.issuer,
          clientId,
          name,
          authenticationEndpoint: configuration.authorization_endpoint,
          accesstokenEndpoint: configuration.token_endpoint,
          // LTI DR: the client assertion's audience when the platform names one, else the token endpoint.
          authorizationServer: configuration.authorization_server ?? configuration.token_endpoint,
          authConfig: { method: 'JWK_SET', key: configuration.jwks_uri },
        });
        // Written either way: with no status document ltijs counts a platform as active.
        await platform.platformActive(config.ltiAutoActivate);
        platformId = await platform.platformId();
        const record: RegistrationRecord = {
          platformId,
          issuer: configuration.issuer,
          clientId,
          deploymentId,
          productFamilyCode: productFamilyCode ?? null,
          openidConfiguration: configurationUrl.href,
          registeredAt: now().toISOString(),
        };
        await plugin.Insert(false, REGISTRATION_COLLECTION, record);
      } catch (err) {
        // Half a registration is none: ltijs's own failures clean up after themselves, ours here.
        await platform?.delete().catch((cleanup: unknown) => log.error({ err: cleanup }, 'could not remove a half-saved platform'));
        throw new RegistrationStop(
          500,
          'CoursePulse could not save the registration',
          `The LMS registered CoursePulse (client ID ${clientId}), but CoursePulse could not save it. Delete that registration in the LMS and try again; if it happens again, the CoursePulse log says why.`,
          { issuer: configuration.issuer, clientId, err },
        );
      }
      log.info(
        { platformId, issuer: configuration.issuer, clientId, deploymentId, productFamilyCode, active: config.ltiAutoActivate },
        'platform registered by dynamic registration',
      );
      return {
        status: 200,
        html: registeredPage({ id: platformId, name, issuer: configuration.issuer, clientId, deploymentId, active: config.ltiAutoActivate, family }),
      };
    });
  }

  return async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    try {
      const { status, html } = await register(req.query as Record<string, unknown>);
      res.status(status).type('html').send(html);
    } catch (err) {
      if (err instanceof RegistrationStop) {
        (err.status === 500 ? log.error.bind(log) : log.warn.bind(log))({ status: err.status, ...err.log }, `dynamic registration failed: ${err.title}`);
        res.status(err.status).type('html').send(registrationProblemPage(err.title, err.explanation, err.answer));
        return;
      }
      log.error({ err }, 'dynamic registration failed');
      res.status(500).type('html').send(registrationProblemPage('CoursePulse could not complete the registration', 'Something went wrong in CoursePulse; its log says what.'));
    }
  };
}
