/**
 * What CoursePulse tells an LMS about itself, as pure functions of `PUBLIC_URL`: the body of an
 * LTI Dynamic Registration request, tailored to the LMS that asks, and the JSON of a Canvas
 * developer key ("Paste JSON" of an LTI key; the committed `lti-config.json` and the
 * `coursepulse lti-config` command both print {@link canvasDeveloperKey}).
 *
 * No I/O and no ltijs here, so the command line can use it without starting anything.
 */

export const TOOL_NAME = 'CoursePulse';
export const TOOL_DESCRIPTION = 'Activity reports of your course: visits, time in course and actions of every student.';
/** The stand-in for PUBLIC_URL in the committed `lti-config.json`. */
export const PLACEHOLDER_PUBLIC_URL = 'https://coursepulse.example.edu';

/** The LTI services CoursePulse uses. */
export const SCOPES = {
  namesRoles: 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly',
  courseGroups: 'https://purl.imsglobal.org/spec/lti-gs/scope/contextgroup.readonly',
} as const;

/**
 * Canvas substitution variables sent as custom parameters. Canvas has no Course Groups service;
 * the ids of the course's groups come in the launch instead, and its group rosters are read
 * through Canvas's own group NRPS endpoint under the course's API base URL.
 */
export const CANVAS_CUSTOM_FIELDS: Readonly<Record<string, string>> = Object.freeze({
  course_group_ids: '$com.instructure.Course.groupIds',
  canvas_course_id: '$Canvas.course.id',
  canvas_api_base_url: '$Canvas.api.baseUrl',
});

/** The claims of the id_token CoursePulse needs: who the user is, by name and e-mail (xapi-mapping.md matches e-mails). */
export const CLAIMS = ['iss', 'sub', 'name', 'given_name', 'family_name', 'email'] as const;

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership';
/** Who the launch is meant for (DR message `roles`); CoursePulse refuses everyone else anyway. */
export const STAFF_ROLES = [`${LIS}#Instructor`, `${LIS}/Instructor#TeachingAssistant`, `${LIS}#ContentDeveloper`] as const;

const TOOL_CONFIGURATION = 'https://purl.imsglobal.org/spec/lti-tool-configuration';
const CANVAS = 'https://canvas.instructure.com/lti/';

/** CoursePulse's LTI endpoints (provider.ts mounts ltijs's routes at `/lti`; api.md). */
export interface ToolUrls {
  login: string;
  launch: string;
  keys: string;
  register: string;
  logo: string;
  /** host[:port] — the port only when it is not the scheme's default. */
  domain: string;
}

/** Why `value` cannot be PUBLIC_URL, or undefined when it can (the rule of config.ts). */
export function publicUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must start with http:// or https://';
  if (url.search || url.hash) return 'must not have a query or a fragment';
  if (url.username || url.password) return 'must not carry a user name or password';
  return undefined;
}

export function toolUrls(publicUrl: string): ToolUrls {
  const problem = publicUrlProblem(publicUrl);
  if (problem) throw new Error(`PUBLIC_URL ${JSON.stringify(publicUrl)} ${problem}`);
  const base = publicUrl.replace(/\/+$/, '');
  return {
    login: `${base}/lti/login`,
    launch: `${base}/lti/launch`,
    keys: `${base}/lti/keys`,
    register: `${base}/lti/register`,
    logo: `${base}/static/logo.svg`,
    domain: new URL(base).host,
  };
}

export type ProductFamily = 'canvas' | 'moodle' | 'brightspace' | 'blackboard' | 'itslearning' | 'other';

/** The LMS behind an openid configuration's `product_family_code`. */
export function productFamily(code: string | undefined): ProductFamily {
  const c = (code ?? '').trim().toLowerCase();
  if (c === 'canvas') return 'canvas';
  if (c === 'moodle') return 'moodle';
  if (c === 'desire2learn' || c === 'brightspace' || c === 'd2l') return 'brightspace';
  if (c.startsWith('blackboard')) return 'blackboard';
  if (c === 'itslearning') return 'itslearning';
  return 'other';
}

export const PRODUCT_NAMES: Readonly<Record<ProductFamily, string>> = Object.freeze({
  canvas: 'Canvas',
  moodle: 'Moodle',
  brightspace: 'Brightspace',
  blackboard: 'Blackboard Learn',
  itslearning: 'itslearning',
  other: 'LMS',
});

/** What the registration body depends on, from the platform's openid configuration. */
export interface PlatformFacts {
  /** `https://purl.imsglobal.org/spec/lti-platform-configuration`.product_family_code */
  productFamilyCode?: string;
  /** The configuration's `scopes_supported`, when it gives one. */
  scopesSupported?: readonly string[];
}

export interface RegistrationOptions {
  /** Canvas: open the course-navigation link in a new tab instead of the LMS's iframe. */
  newWindow?: boolean;
}

export interface LtiMessage {
  type: 'LtiResourceLinkRequest';
  target_link_uri: string;
  label: string;
  icon_uri: string;
  roles: string[];
  placements?: string[];
  [canvasExtension: `https://canvas.instructure.com/lti/${string}`]: unknown;
}

/** The client registration an LTI Dynamic Registration POSTs (LTI DR 1.0 §3.5). */
export interface ToolRegistration {
  application_type: 'web';
  response_types: ['id_token'];
  grant_types: ['implicit', 'client_credentials'];
  initiate_login_uri: string;
  redirect_uris: string[];
  client_name: string;
  jwks_uri: string;
  logo_uri: string;
  token_endpoint_auth_method: 'private_key_jwt';
  scope: string;
  'https://purl.imsglobal.org/spec/lti-tool-configuration': {
    domain: string;
    description: string;
    target_link_uri: string;
    claims: string[];
    messages: LtiMessage[];
    custom_parameters?: Record<string, string>;
    [canvasExtension: `https://canvas.instructure.com/lti/${string}`]: unknown;
  };
}

/**
 * The scopes to ask for: ours that the platform offers. Canvas refuses a registration with a
 * scope it does not know (422), and has no Course Groups service; a platform that lists no
 * scopes is asked for both.
 */
export function requestedScopes(scopesSupported: readonly string[] | undefined): string[] {
  const wanted = [SCOPES.namesRoles, SCOPES.courseGroups];
  return scopesSupported ? wanted.filter((scope) => scopesSupported.includes(scope)) : wanted;
}

/**
 * The registration CoursePulse asks an LMS for: one resource-link message for staff, name and
 * e-mail, the roster (and groups where offered). Canvas gets its extensions on top: a
 * course-navigation link that only teachers and admins see, its privacy level, and the custom
 * fields that carry the course's groups.
 */
export function registrationRequest(publicUrl: string, platform: PlatformFacts = {}, options: RegistrationOptions = {}): ToolRegistration {
  const urls = toolUrls(publicUrl);
  const family = productFamily(platform.productFamilyCode);
  const message: LtiMessage = {
    type: 'LtiResourceLinkRequest',
    target_link_uri: urls.launch,
    label: TOOL_NAME,
    icon_uri: urls.logo,
    roles: [...STAFF_ROLES],
  };
  const toolConfiguration: ToolRegistration[typeof TOOL_CONFIGURATION] = {
    // With a non-default port: Moodle matches launch URLs against the domain, port included.
    domain: urls.domain,
    description: TOOL_DESCRIPTION,
    target_link_uri: urls.launch,
    claims: [...CLAIMS],
    messages: [message],
  };
  if (family === 'canvas') {
    message.placements = ['course_navigation'];
    message[`${CANVAS}visibility`] = 'admins';
    message[`${CANVAS}course_navigation/default_enabled`] = true;
    if (options.newWindow) message[`${CANVAS}display_type`] = 'new_window';
    toolConfiguration.custom_parameters = { ...CANVAS_CUSTOM_FIELDS };
    toolConfiguration[`${CANVAS}privacy_level`] = 'public';
  }
  return {
    application_type: 'web',
    response_types: ['id_token'],
    grant_types: ['implicit', 'client_credentials'],
    initiate_login_uri: urls.login,
    redirect_uris: [urls.launch],
    client_name: TOOL_NAME,
    jwks_uri: urls.keys,
    logo_uri: urls.logo,
    token_endpoint_auth_method: 'private_key_jwt',
    scope: requestedScopes(platform.scopesSupported).join(' '),
    [TOOL_CONFIGURATION]: toolConfiguration,
  };
}

export interface CanvasPlacement {
  placement: 'course_navigation';
  message_type: 'LtiResourceLinkRequest';
  target_link_uri: string;
  text: string;
  icon_url: string;
  enabled: true;
  visibility: 'admins';
  default: 'enabled';
  windowTarget?: '_blank';
}

/** A Canvas LTI 1.3 developer key configuration (Canvas's `lti_dev_key_config` JSON). */
export interface CanvasDeveloperKey {
  title: string;
  description: string;
  oidc_initiation_url: string;
  target_link_uri: string;
  public_jwk_url: string;
  scopes: string[];
  extensions: Array<{
    platform: 'canvas.instructure.com';
    domain: string;
    tool_id: string;
    privacy_level: 'public';
    settings: { text: string; icon_url: string; placements: CanvasPlacement[] };
  }>;
  custom_fields: Record<string, string>;
}

/**
 * The developer key JSON for Canvas: a course-navigation link visible to teachers, TAs,
 * designers and admins only (`visibility: admins`), on by default; names and e-mails
 * (`public`); the roster service. Only the NRPS scope: Canvas refuses a key with a scope it does
 * not know, and it has no Course Groups service — the groups come as `course_group_ids`.
 * `newWindow` opens the link in a new tab, for browsers that block the login cookie in frames.
 */
export function canvasDeveloperKey(publicUrl: string, options: RegistrationOptions = {}): CanvasDeveloperKey {
  const urls = toolUrls(publicUrl);
  const placement: CanvasPlacement = {
    placement: 'course_navigation',
    message_type: 'LtiResourceLinkRequest',
    target_link_uri: urls.launch,
    text: TOOL_NAME,
    icon_url: urls.logo,
    enabled: true,
    visibility: 'admins',
    default: 'enabled',
  };
  if (options.newWindow) placement.windowTarget = '_blank';
  return {
    title: TOOL_NAME,
    description: TOOL_DESCRIPTION,
    oidc_initiation_url: urls.login,
    target_link_uri: urls.launch,
    public_jwk_url: urls.keys,
    scopes: [SCOPES.namesRoles],
    extensions: [
      {
        platform: 'canvas.instructure.com',
        domain: urls.domain,
        tool_id: 'coursepulse',
        privacy_level: 'public',
        settings: { text: TOOL_NAME, icon_url: urls.logo, placements: [placement] },
      },
    ],
    custom_fields: { ...CANVAS_CUSTOM_FIELDS },
  };
}

/** The text of `lti-config.json` (and of `coursepulse lti-config`): indented JSON and a newline. */
export function canvasDeveloperKeyJson(publicUrl: string, options: RegistrationOptions = {}): string {
  return `${JSON.stringify(canvasDeveloperKey(publicUrl, options), null, 2)}\n`;
}
