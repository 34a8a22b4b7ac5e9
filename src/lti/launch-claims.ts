/**
 * What CoursePulse keeps of a launch, read from what ltijs validated: its token, its context
 * and the raw id_token (ltijs drops claims we need, such as `picture` and the Course Groups
 * Service claim; in ltiaas mode the id_token is in the same request ltijs just validated).
 */
import { z } from 'zod';

export interface LaunchClaims {
  platformId: string;
  deploymentId: string;
  contextId: string;
  /** LTI user id (`sub`). */
  userId: string;
  roles: string[];
  course: { title: string | null; label: string | null };
  person: { name: string | null; givenName: string | null; familyName: string | null; email: string | null; picture: string | null };
  sourcedId: string | null;
  resourceLinkId: string | null;
  membershipsUrl: string | null;
  groupsService: GroupsServiceClaim | null;
  locale: string | null;
  returnUrl: string | null;
  /** The custom claim (the LMS's substitution variables), `{}` when absent. */
  custom: Record<string, string>;
}

const GROUPS_CLAIM = 'https://purl.imsglobal.org/spec/lti-gs/claim/groupsservice';

const groupsServiceClaim = z.object({
  context_groups_url: z.url(),
  context_group_sets_url: z.url().optional(),
  scope: z.array(z.string()).optional(),
  service_versions: z.array(z.string()).optional(),
});
export type GroupsServiceClaim = z.infer<typeof groupsServiceClaim>;

const optionalText = z.string().trim().min(1).nullish().transform((v) => v ?? null);

const launchSchema = z.object({
  token: z.object({
    platformId: z.string().min(1),
    deploymentId: z.string().min(1),
    user: z.string().min(1),
    userInfo: z.object({ name: optionalText, given_name: optionalText, family_name: optionalText, email: optionalText }).partial().nullish(),
  }),
  context: z.object({
    roles: z.array(z.string()).nullish(),
    context: z.object({ id: z.string().min(1), title: optionalText, label: optionalText }).nullish(),
    resource: z.object({ id: optionalText }).nullish(),
    lis: z.object({ person_sourcedid: optionalText }).partial().nullish(),
    namesRoles: z.object({ context_memberships_url: z.url().nullish() }).nullish(),
    launchPresentation: z.object({ locale: optionalText, return_url: optionalText }).partial().nullish(),
    custom: z.record(z.string(), z.unknown()).nullish(),
  }),
  claims: z.object({ picture: optionalText, [GROUPS_CLAIM]: z.unknown() }).partial(),
});

export type LaunchProblem = 'no-course' | 'malformed';

/**
 * The launch's claims, or why there are none: `no-course` when it carries no context (a launch
 * from outside a course), `malformed` when something ltijs let through has the wrong shape.
 */
export function readLaunchClaims(token: unknown, context: unknown, rawClaims: unknown): LaunchClaims | LaunchProblem {
  const parsed = launchSchema.safeParse({ token, context, claims: rawClaims ?? {} });
  if (!parsed.success) return 'malformed';
  const { token: t, context: c, claims } = parsed.data;
  if (!c.context) return 'no-course';
  const groups = groupsServiceClaim.safeParse(claims[GROUPS_CLAIM]);
  return {
    platformId: t.platformId,
    deploymentId: t.deploymentId,
    contextId: c.context.id,
    userId: t.user,
    roles: c.roles ?? [],
    course: { title: c.context.title ?? null, label: c.context.label ?? null },
    person: {
      name: t.userInfo?.name ?? null,
      givenName: t.userInfo?.given_name ?? null,
      familyName: t.userInfo?.family_name ?? null,
      email: t.userInfo?.email ?? null,
      picture: claims.picture ?? null,
    },
    sourcedId: c.lis?.person_sourcedid ?? null,
    resourceLinkId: c.resource?.id ?? null,
    membershipsUrl: c.namesRoles?.context_memberships_url ?? null,
    groupsService: groups.success ? groups.data : null,
    locale: c.launchPresentation?.locale ?? null,
    returnUrl: c.launchPresentation?.return_url ?? null,
    custom: Object.fromEntries(Object.entries(c.custom ?? {}).map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)])),
  };
}

/**
 * The payload of the id_token ltijs has just verified in this same request (ltiaas mode), or
 * `{}` when there is none. It is only decoded here, never trusted on its own.
 */
export function verifiedIdTokenClaims(body: unknown): Record<string, unknown> {
  const idToken = (body as { id_token?: unknown } | undefined)?.id_token;
  if (typeof idToken !== 'string') return {};
  try {
    const payload = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as unknown;
    return payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
