/**
 * Reading a course's groups from the platform (ltijs research §6): the 1EdTech Course Groups
 * Service where the launch carries its claim (Blackboard Learn, Brightspace), and Canvas's group
 * rosters through its group NRPS endpoint (not a standard service; behind CANVAS_GROUP_ROSTERS).
 * Each read is whole or throws; storing is the caller's (replace-platform-groups.ts).
 */
import { z } from 'zod';
import type { PlatformGroup } from '../models/replace-platform-groups.js';
import { NRPS_READ, firstMembershipsPage, mergePages } from './nrps.js';
import { PlatformServiceError, type PlatformServices, type ServiceRead } from './platform-services.js';

export const GROUPS_SCOPE = 'https://purl.imsglobal.org/spec/lti-gs/scope/contextgroup.readonly';
export const GROUPS_MEDIA_TYPE = 'application/vnd.ims.lti-gs.v1.contextgroupcontainer+json';
export const GROUP_SETS_MEDIA_TYPE = 'application/vnd.ims.lti-gs.v1.contextgroupsetcontainer+json';
/** Groups asked for per page. */
export const GROUPS_PAGE_SIZE = 100;
/** Per-student group reads in flight at once: the service has no "members of a group" call. */
export const GROUP_READS_IN_FLIGHT = 4;

// Ids are strings in the spec; implementations send numbers too.
const id = z.union([z.string(), z.number()]).transform((v) => String(v).trim()).pipe(z.string().min(1));
const name = z.string().trim().min(1);

/** The groups service claim as stored on the course (launch-claims.ts keeps it whole). */
const groupsServiceClaim = z.object({ context_groups_url: z.url(), context_group_sets_url: z.url().nullish() });

const groupsPage = z.object({
  groups: z.array(
    z.object({
      id,
      name,
      // The spec's examples have `set_id`; its author's library reads `set_ids` (a group may be in
      // several sets). We keep one set per group: the first.
      set_id: id.nullish(),
      set_ids: z.array(id).nullish(),
    }),
  ),
});
const setsPage = z.object({ sets: z.array(z.object({ id, name })) });

type GroupsPage = Array<{ id: string; name: string; setId: string | null }>;

const GROUPS_READ: ServiceRead<GroupsPage> = {
  service: 'Course Groups Service',
  scope: GROUPS_SCOPE,
  accept: GROUPS_MEDIA_TYPE,
  parse: (body) => groupsPage.parse(body).groups.map((g) => ({ id: g.id, name: g.name, setId: g.set_id ?? g.set_ids?.[0] ?? null })),
};
const SETS_READ: ServiceRead<Array<{ id: string; name: string }>> = {
  service: 'Course Groups Service (sets)',
  scope: GROUPS_SCOPE,
  accept: GROUP_SETS_MEDIA_TYPE,
  parse: (body) => setsPage.parse(body).sets,
};

/** `url` with `params` set, keeping the query the platform put in it. */
function withQuery(url: string, params: Record<string, string>): string {
  const result = new URL(url);
  for (const [key, value] of Object.entries(params)) result.searchParams.set(key, value);
  return result.href;
}

/** The groups service claim of a course, or undefined when it has none (or a broken one). */
export function courseGroupsService(stored: unknown): z.infer<typeof groupsServiceClaim> | undefined {
  const parsed = groupsServiceClaim.safeParse(stored);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Every group of the course with its sets, and each student's groups: one paged read of the
 * groups, one of the sets, and one paged `?user_id=` read per student.
 */
export async function readCourseGroupsService(
  services: PlatformServices,
  claim: z.infer<typeof groupsServiceClaim>,
  studentIds: readonly string[],
): Promise<PlatformGroup[]> {
  const sets = new Map<string, string>();
  if (claim.context_group_sets_url) {
    for (const page of await services.readAllPages(withQuery(claim.context_group_sets_url, { limit: String(GROUPS_PAGE_SIZE) }), SETS_READ)) {
      for (const set of page) sets.set(set.id, set.name);
    }
  }
  const groups = new Map<string, PlatformGroup>();
  const addGroup = (g: { id: string; name: string; setId: string | null }): PlatformGroup => {
    let group = groups.get(g.id);
    if (!group) {
      group = { externalId: g.id, name: g.name, setId: g.setId, setName: g.setId ? (sets.get(g.setId) ?? null) : null, userIds: [] };
      groups.set(g.id, group);
    }
    return group;
  };
  for (const page of await services.readAllPages(withQuery(claim.context_groups_url, { limit: String(GROUPS_PAGE_SIZE) }), GROUPS_READ)) {
    page.forEach(addGroup);
  }
  const perStudent = await inBatches(studentIds, GROUP_READS_IN_FLIGHT, (userId) =>
    services.readAllPages(withQuery(claim.context_groups_url, { user_id: userId, limit: String(GROUPS_PAGE_SIZE) }), GROUPS_READ),
  );
  perStudent.forEach((pages, i) => {
    // A group listed for a student but not in the course's list (hidden from the tool, or added
    // while reading) is still that student's group.
    for (const g of pages.flat()) addGroup(g).userIds.push(studentIds[i]!);
  });
  return [...groups.values()];
}

/**
 * The ids of the course's Canvas groups from the launch's custom parameter `course_group_ids`
 * (`$com.instructure.Course.groupIds`, comma-separated): undefined when the course has no such
 * parameter, or Canvas did not expand it (it then sends the variable itself).
 */
export function canvasGroupIds(custom: Record<string, unknown> | null): string[] | undefined {
  const value = custom?.course_group_ids;
  if (typeof value !== 'string' || value.trim().startsWith('$')) return undefined;
  return [
    ...new Set(
      value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    ),
  ];
}

/**
 * Each Canvas group's roster from `https://<canvas host>/api/lti/groups/<id>/names_and_roles`
 * (the host of the course's memberships URL): the container's context title is the group's name.
 * Canvas has group sets ("group categories") but does not say them here.
 */
export async function readCanvasGroups(services: PlatformServices, membershipsUrl: string, groupIds: readonly string[]): Promise<PlatformGroup[]> {
  const origin = new URL(membershipsUrl).origin;
  // The id goes into a URL path: anything but a plain id is refused rather than escaped.
  const bad = groupIds.find((v) => !/^[\w~.-]+$/.test(v));
  if (bad !== undefined) throw new PlatformServiceError(`Canvas groups: the course_group_ids parameter holds ${JSON.stringify(bad)}, not a group id`);
  return inBatches(groupIds, GROUP_READS_IN_FLIGHT, async (groupId) => {
    const url = `${origin}/api/lti/groups/${encodeURIComponent(groupId)}/names_and_roles`;
    const pages = await services.readAllPages(firstMembershipsPage(url), { ...NRPS_READ, service: `Canvas group ${groupId} roster` });
    return {
      externalId: groupId,
      name: pages[0]?.context.title ?? `Group ${groupId}`,
      setId: null,
      setName: null,
      userIds: mergePages(pages)
        .filter((m) => m.status === 'Active')
        .map((m) => m.userId),
    };
  });
}

/** `work` over `items`, at most `inFlight` at once, results in order; the first failure stops starting new ones and rejects. */
async function inBatches<T, R>(items: readonly T[], inFlight: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await work(items[i]!);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, items.length) }, worker));
  return results;
}
