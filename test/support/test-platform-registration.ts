/**
 * The platform side of LTI Dynamic Registration, added to a {@link TestPlatform}: its openid
 * configuration and a registration endpoint that checks the Bearer registration token and
 * validates the tool's registration the way Canvas's and Moodle's would (their schemas as
 * published: canvas-lms `Lti::IMS::Registration` and `LtiToolConfiguration`, Moodle
 * `registration_helper::registration_to_config`), then answers a client id and a deployment id.
 */
import crypto from 'node:crypto';
import type http from 'node:http';
import { NRPS_SCOPE, readBody, send, type TestPlatform } from './test-platform.js';

export const GROUPS_SCOPE = 'https://purl.imsglobal.org/spec/lti-gs/scope/contextgroup.readonly';
export const PLATFORM_CONFIGURATION = 'https://purl.imsglobal.org/spec/lti-platform-configuration';
export const TOOL_CONFIGURATION = 'https://purl.imsglobal.org/spec/lti-tool-configuration';
const CANVAS = 'https://canvas.instructure.com/lti/';

const AGS_SCOPES = [
  'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
  'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly',
  'https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly',
  'https://purl.imsglobal.org/spec/lti-ags/scope/score',
];

/** `scopes_supported` as each LMS publishes it (abridged): Canvas and Moodle have no Course Groups service. */
export const SCOPES_SUPPORTED: Record<string, string[]> = {
  canvas: [...AGS_SCOPES, NRPS_SCOPE, 'https://canvas.instructure.com/lti/public_jwk/scope/update'],
  moodle: [...AGS_SCOPES, NRPS_SCOPE, 'https://purl.imsglobal.org/spec/lti-ts/scope/toolsetting'],
  desire2learn: [...AGS_SCOPES, NRPS_SCOPE, GROUPS_SCOPE],
};

/** Canvas's course placements that its schema accepts (a few of them). */
const CANVAS_PLACEMENTS = ['course_navigation', 'account_navigation', 'link_selection', 'assignment_selection', 'editor_button', 'ContentArea'];
const CANVAS_DISPLAY_TYPES = ['default', 'full_width', 'full_width_in_context', 'in_nav_context', 'borderless', 'new_window'];
/** Canvas's pattern for `domain`: a host name or address, a port allowed, no scheme. */
const CANVAS_DOMAIN = /^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])(:[0-9]{1,5})?$/;

export interface RegistrationOptions {
  /** `product_family_code`: canvas, moodle, desire2learn, BlackboardLearn… */
  productFamilyCode?: string;
  /** `scopes_supported`; by family from {@link SCOPES_SUPPORTED}, else NRPS and groups. */
  scopesSupported?: string[];
  /** The issuer the configuration claims (to make it lie); the platform's own by default. */
  issuer?: string;
  /** The deployment id the registration answers; null answers none, as Canvas does. */
  deploymentId?: string | null;
  /** Extra fields of the platform configuration (Canvas's account name, say). */
  platformConfiguration?: Record<string, unknown>;
}

export interface ReceivedRegistration {
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface PlatformRegistration {
  readonly openidConfigurationUrl: string;
  readonly registrationEndpoint: string;
  readonly registrationToken: string;
  /** The headers of each request for the openid configuration. */
  readonly configurationRequests: http.IncomingHttpHeaders[];
  /** Each registration POSTed, accepted or not. */
  readonly registrations: ReceivedRegistration[];
  /** What `/lti/register` is opened with: the tool path plus the LMS's two parameters. */
  initiationPath(extra?: Record<string, string>): string;
  /** Answer every later registration with this status and body instead. */
  refuse(status: number, body: unknown): void;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');
const isHttpUrl = (value: unknown): boolean => {
  if (typeof value !== 'string') return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

/** What Canvas or Moodle would refuse in the registration `body`, as a list of reasons. */
export function registrationProblems(body: unknown, family: string, scopesSupported: string[]): string[] {
  const problems: string[] = [];
  if (!isObject(body)) return ['the registration is not a JSON object'];
  const need = (ok: boolean, problem: string) => ok || problems.push(problem);
  need(body.application_type === 'web', "application_type must be 'web'");
  need(isStringArray(body.response_types) && body.response_types.includes('id_token'), 'response_types must include id_token');
  need(
    isStringArray(body.grant_types) && body.grant_types.includes('implicit') && body.grant_types.includes('client_credentials'),
    'grant_types must include implicit and client_credentials',
  );
  need(isHttpUrl(body.initiate_login_uri), 'initiate_login_uri must be a URL');
  need(isStringArray(body.redirect_uris) && body.redirect_uris.length > 0 && body.redirect_uris.every(isHttpUrl), 'redirect_uris must be a list of URLs');
  need(typeof body.client_name === 'string' && body.client_name !== '', 'client_name is required');
  need(isHttpUrl(body.jwks_uri), 'jwks_uri must be a URL');
  need(body.logo_uri === undefined || isHttpUrl(body.logo_uri), 'logo_uri must be a URL');
  need(body.token_endpoint_auth_method === 'private_key_jwt', "token_endpoint_auth_method must be 'private_key_jwt'");
  need(typeof body.scope === 'string', 'scope must be a space-separated string');
  if (family === 'canvas' && typeof body.scope === 'string') {
    const invalid = body.scope.split(' ').filter((scope) => scope && !scopesSupported.includes(scope));
    need(invalid.length === 0, `Invalid scopes: ${invalid.join(', ')}`);
  }
  const tool = body[TOOL_CONFIGURATION];
  if (!isObject(tool)) return [...problems, `${TOOL_CONFIGURATION} is required`];
  need(typeof tool.domain === 'string' && CANVAS_DOMAIN.test(tool.domain), 'domain must be a host name, with its port if any, without a scheme');
  need(isHttpUrl(tool.target_link_uri), 'target_link_uri must be a URL');
  // Moodle finds the tool of a launch URL by its domain, port included (lti_get_domain_from_url).
  if (typeof tool.domain === 'string' && isHttpUrl(tool.target_link_uri)) {
    const host = new URL(String(tool.target_link_uri)).host;
    need(tool.domain === host, `domain ${tool.domain} does not match the target_link_uri's host ${host}`);
  }
  need(isStringArray(tool.claims), 'claims must be a list of claim names');
  need(tool.custom_parameters === undefined || (isObject(tool.custom_parameters) && Object.values(tool.custom_parameters).every((v) => typeof v === 'string')), 'custom_parameters values must be strings');
  if (!Array.isArray(tool.messages)) return [...problems, 'messages must be a list'];
  for (const [i, message] of (tool.messages as unknown[]).entries()) {
    if (!isObject(message)) {
      problems.push(`messages[${i}] must be an object`);
      continue;
    }
    need(['LtiResourceLinkRequest', 'LtiDeepLinkingRequest'].includes(String(message.type)), `messages[${i}].type is not a message type`);
    need(message.target_link_uri === undefined || isHttpUrl(message.target_link_uri), `messages[${i}].target_link_uri must be a URL`);
    need(message.roles === undefined || isStringArray(message.roles), `messages[${i}].roles must be a list`);
    if (family !== 'canvas') continue;
    need(
      message.placements === undefined || (isStringArray(message.placements) && message.placements.every((p) => CANVAS_PLACEMENTS.includes(p))),
      `messages[${i}].placements has a placement Canvas does not know`,
    );
    const visibility = message[`${CANVAS}visibility`];
    need(visibility === undefined || ['admins', 'members', 'public'].includes(String(visibility)), `messages[${i}] visibility must be admins, members or public`);
    const enabled = message[`${CANVAS}course_navigation/default_enabled`];
    need(enabled === undefined || typeof enabled === 'boolean', `messages[${i}] course_navigation/default_enabled must be a boolean`);
    const display = message[`${CANVAS}display_type`];
    need(display === undefined || CANVAS_DISPLAY_TYPES.includes(String(display)), `messages[${i}] display_type is not one Canvas knows`);
  }
  return problems;
}

/** Adds `GET /.well-known/openid-configuration` and `POST /registrations` to `platform`. */
export function addRegistration(platform: TestPlatform, options: RegistrationOptions = {}): PlatformRegistration {
  const family = options.productFamilyCode ?? 'coursepulse-test';
  const scopesSupported = options.scopesSupported ?? SCOPES_SUPPORTED[family] ?? [NRPS_SCOPE, GROUPS_SCOPE];
  const registrationToken = crypto.randomBytes(24).toString('base64url');
  const openidConfigurationUrl = `${platform.issuer}/.well-known/openid-configuration`;
  const registrationEndpoint = `${platform.issuer}/registrations`;
  const configurationRequests: http.IncomingHttpHeaders[] = [];
  const registrations: ReceivedRegistration[] = [];
  let refusal: { status: number; body: unknown } | undefined;

  const bearerOk = (req: http.IncomingMessage) => req.headers.authorization === `Bearer ${registrationToken}`;

  // Canvas and Moodle both want the registration token on this request too.
  platform.route('GET', /^\/\.well-known\/openid-configuration$/, (req, res) => {
    configurationRequests.push(req.headers);
    if (!bearerOk(req)) return send(res, 401, { error: 'invalid_token' });
    send(res, 200, {
      issuer: options.issuer ?? platform.issuer,
      authorization_endpoint: platform.authUrl,
      token_endpoint: platform.tokenUrl,
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256'],
      jwks_uri: platform.jwksUrl,
      registration_endpoint: registrationEndpoint,
      scopes_supported: scopesSupported,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public', 'pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      claims_supported: ['iss', 'sub', 'aud', 'name', 'given_name', 'family_name', 'email', 'picture', 'locale'],
      [PLATFORM_CONFIGURATION]: {
        product_family_code: family,
        version: '1.0',
        messages_supported: [{ type: 'LtiResourceLinkRequest', placements: family === 'canvas' ? ['course_navigation', 'account_navigation'] : [] }],
        variables: ['Context.id', 'Person.email.primary', ...(family === 'canvas' ? ['com.instructure.Course.groupIds', 'Canvas.course.id'] : [])],
        ...options.platformConfiguration,
      },
    });
  });

  platform.route('POST', /^\/registrations$/, async (req, res) => {
    const text = await readBody(req);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    registrations.push({ headers: req.headers, body: body as Record<string, unknown> });
    if (!bearerOk(req)) return send(res, 401, { error: 'invalid_token', error_description: 'the registration token is missing or wrong' });
    if (!String(req.headers['content-type']).startsWith('application/json')) return send(res, 415, { error: 'JSON expected' });
    if (refusal) return send(res, refusal.status, refusal.body);
    const problems = registrationProblems(body, family, scopesSupported);
    // Canvas answers 422 with its errors, Moodle 400 with a message.
    if (problems.length > 0) return family === 'canvas' ? send(res, 422, { errors: problems }) : send(res, 400, { error: problems.join('; ') });
    const registration = body as Json;
    const tool = registration[TOOL_CONFIGURATION] as Json;
    const deploymentId = options.deploymentId === undefined ? platform.deploymentId : options.deploymentId;
    send(res, 200, {
      ...registration,
      client_id: platform.clientId,
      [TOOL_CONFIGURATION]: { ...tool, ...(deploymentId === null ? {} : { deployment_id: deploymentId }) },
    });
  });

  return {
    openidConfigurationUrl,
    registrationEndpoint,
    registrationToken,
    configurationRequests,
    registrations,
    initiationPath(extra = {}) {
      const query = new URLSearchParams({ openid_configuration: openidConfigurationUrl, registration_token: registrationToken, ...extra });
      return `/lti/register?${query.toString()}`;
    },
    refuse(status, body) {
      refusal = { status, body };
    },
  };
}
