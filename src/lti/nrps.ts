/**
 * Names and Role Provisioning Service 2.0: the membership container a platform answers, checked
 * with zod, and its members as we store them. Used for a course's roster and for Canvas's group
 * rosters (the same container at another URL).
 */
import { z } from 'zod';
import type { RosterMember } from '../models/upsert-roster.js';
import type { ServiceRead } from './platform-services.js';

export const NRPS_SCOPE = 'https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly';
export const NRPS_MEDIA_TYPE = 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json';
/** Members asked for per page: Canvas and Moodle page far smaller by default. */
export const NRPS_PAGE_SIZE = 100;

const LIS_MEMBERSHIP = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

/**
 * A role as stored: NRPS allows the short name of a context role (Moodle sends `Learner` and
 * `Instructor` there, while its id_token carries the full IRI), so short names become the
 * membership IRI they stand for; a course's roles are then spelt one way whatever sent them.
 */
export function fullRole(role: string): string {
  const trimmed = role.trim();
  return /^[A-Za-z]+$/.test(trimmed) ? `${LIS_MEMBERSHIP}${trimmed}` : trimmed;
}

const optionalText = z
  .string()
  .nullish()
  .transform((v) => v?.trim() || null);

// Platforms with numeric ids now and then send them as numbers; the id is what matters.
const id = z.union([z.string(), z.number()]).transform((v) => String(v).trim()).pipe(z.string().min(1));

const member = z.object({
  user_id: id,
  roles: z.array(z.string()).nullish(),
  // NRPS §2.3: Active when not given (Canvas and Moodle never give it: they list active members only).
  status: z.enum(['Active', 'Inactive', 'Deleted']).nullish(),
  name: optionalText,
  given_name: optionalText,
  family_name: optionalText,
  email: optionalText,
  picture: optionalText,
  lis_person_sourcedid: optionalText,
});

const container = z.object({
  id: z.string().nullish(),
  context: z.object({ id: z.union([z.string(), z.number()]).nullish(), title: optionalText, label: optionalText }).nullish(),
  members: z.array(member),
});

/** One page of a membership container, members as we store them. */
export interface MembershipPage {
  context: { title: string | null };
  members: RosterMember[];
}

export function parseMembershipPage(body: unknown): MembershipPage {
  const page = container.parse(body);
  return {
    context: { title: page.context?.title ?? null },
    members: page.members.map((m) => ({
      userId: m.user_id,
      name: m.name,
      givenName: m.given_name,
      familyName: m.family_name,
      email: m.email,
      picture: m.picture,
      roles: [...new Set((m.roles ?? []).map(fullRole).filter(Boolean))],
      status: m.status ?? 'Active',
      sourcedId: m.lis_person_sourcedid,
    })),
  };
}

export const NRPS_READ: ServiceRead<MembershipPage> = {
  service: 'NRPS',
  scope: NRPS_SCOPE,
  accept: NRPS_MEDIA_TYPE,
  parse: parseMembershipPage,
};

/**
 * The first page's URL: the memberships URL with `limit` added to the query the platform put
 * there (ltijs's getMembers replaces that query instead); a `limit` already in it is kept.
 */
export function firstMembershipsPage(membershipsUrl: string): string {
  const url = new URL(membershipsUrl);
  if (!url.searchParams.has('limit')) url.searchParams.set('limit', String(NRPS_PAGE_SIZE));
  return url.href;
}

/**
 * The members of every page, each user once: pages of a roster that changes while it is read may
 * overlap, and the later page is the newer word on that member.
 */
export function mergePages(pages: readonly MembershipPage[]): RosterMember[] {
  const byUser = new Map<string, RosterMember>();
  for (const page of pages) for (const m of page.members) byUser.set(m.userId, m);
  return [...byUser.values()];
}
