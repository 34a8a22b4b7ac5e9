/**
 * Services a {@link TestPlatform} lacks, added through its `route` extension point: the 1EdTech
 * Course Groups Service (groups, group sets, a student's groups; paged), Canvas's group rosters
 * (`/api/lti/groups/:id/names_and_roles`), and a memberships URL that serves the platform's own
 * NRPS through a proxy which can break a chosen page (an error, a malformed page, a stall, a
 * paging loop) or slow every page down. Every request of these routes has its User-Agent recorded.
 */
import type http from 'node:http';
import { NRPS_MEDIA_TYPE, NRPS_SCOPE, send, type Member, type TestPlatform } from './test-platform.js';

export const GROUPS_SCOPE = 'https://purl.imsglobal.org/spec/lti-gs/scope/contextgroup.readonly';
export const GROUPS_MEDIA_TYPE = 'application/vnd.ims.lti-gs.v1.contextgroupcontainer+json';
export const GROUP_SETS_MEDIA_TYPE = 'application/vnd.ims.lti-gs.v1.contextgroupsetcontainer+json';
export const GROUPS_CLAIM = 'https://purl.imsglobal.org/spec/lti-gs/claim/groupsservice';

/** A member with every field NRPS 2.0 defines (the test platform's Member holds the common ones). */
export type NrpsMember = Member & { picture?: string; middle_name?: string; lis_person_sourcedid?: string };

export interface TestGroup {
  id: string;
  name: string;
  set_id?: string;
  /** The LTI user ids in the group. */
  members: string[];
}

export interface TestGroupSet {
  id: string;
  name: string;
}

/** What the proxied memberships URL does to one page (numbered from 1). */
export type NrpsFault =
  | { kind: 'status'; status: number }
  | { kind: 'malformed'; body: unknown }
  | { kind: 'stall' }
  /** Headers and half a body, then nothing. */
  | { kind: 'stall-body' }
  /** Headers, then a byte every 20 ms for ever: never idle, never done. */
  | { kind: 'trickle' }
  | { kind: 'loop' };

interface Paged {
  limit: number;
  from: number;
}

/** `limit` (at most the platform's own page size) and `from` of a request. */
function paging(url: URL, pageSize: number): Paged | string {
  const from = Number(url.searchParams.get('from') ?? 0);
  const limit = Math.min(Number(url.searchParams.get('limit') ?? pageSize), pageSize);
  if (!Number.isSafeInteger(from) || from < 0 || !Number.isSafeInteger(limit) || limit < 1) return 'limit must be a positive integer and from a non-negative one';
  return { limit, from };
}

/** The page of `items` a request asks for, with a `rel="next"` link that keeps the request's other parameters. */
function page<T>(items: readonly T[], url: URL, { limit, from }: Paged): { slice: T[]; headers: http.OutgoingHttpHeaders } {
  const headers: http.OutgoingHttpHeaders = {};
  if (from + limit < items.length) {
    const next = new URL(url);
    next.searchParams.set('limit', String(limit));
    next.searchParams.set('from', String(from + limit));
    headers.Link = `<${next.href}>; rel="next"`;
  }
  return { slice: items.slice(from, from + limit), headers };
}

export class PlatformGroups {
  readonly #platform: TestPlatform;
  readonly #pageSize: number;
  readonly #courses = new Map<string, { sets: TestGroupSet[]; groups: TestGroup[] }>();
  readonly #canvasGroups = new Map<string, { name: string; members: NrpsMember[] }>();
  /** Faults of the proxied memberships URL, by page number. */
  readonly nrpsFaults = new Map<number, NrpsFault>();
  /** Delay of every proxied memberships page, in ms. */
  nrpsDelayMs = 0;
  /** Faults of the groups endpoint, by the `user_id` asked for ('' for the whole course). */
  readonly groupFaults = new Map<string, NrpsFault>();
  /** The User-Agent of every request these routes answered. */
  readonly userAgents: string[] = [];
  /** Proxied memberships requests in flight now, and the most there ever were, per context. */
  readonly #inFlight = new Map<string, number>();
  readonly maxInFlight = new Map<string, number>();

  /** Adds the routes to `platform`; `pageSize` is the most items any of them answers per page. */
  constructor(platform: TestPlatform, options: { pageSize?: number } = {}) {
    this.#platform = platform;
    this.#pageSize = options.pageSize ?? 100;
    platform.route('GET', /^\/groups\/([^/]+)$/, (req, res, url, match) => this.#groups(req, res, url, decodeURIComponent(match[1]!)));
    platform.route('GET', /^\/groupsets\/([^/]+)$/, (req, res, url, match) => this.#sets(req, res, url, decodeURIComponent(match[1]!)));
    platform.route('GET', /^\/api\/lti\/groups\/([^/]+)\/names_and_roles$/, (req, res, url, match) =>
      this.#canvasGroup(req, res, url, decodeURIComponent(match[1]!)),
    );
    platform.route('GET', /^\/proxied-nrps\/([^/]+)$/, (req, res, url, match) => this.#proxiedNrps(req, res, url, decodeURIComponent(match[1]!)));
  }

  /** Sets the groups and group sets of course `contextId`. */
  setGroups(contextId: string, data: { sets?: TestGroupSet[]; groups: TestGroup[] }): void {
    this.#courses.set(contextId, { sets: data.sets ?? [], groups: data.groups });
  }

  /** The Course Groups Service claim a launch of `contextId` carries. */
  claim(contextId: string, options: { sets?: boolean } = {}): Record<string, unknown> {
    const base = this.#platform.issuer;
    return {
      scope: [GROUPS_SCOPE],
      context_groups_url: `${base}/groups/${encodeURIComponent(contextId)}`,
      ...(options.sets === false ? {} : { context_group_sets_url: `${base}/groupsets/${encodeURIComponent(contextId)}` }),
      service_versions: ['1.0'],
    };
  }

  /** Sets a Canvas group's roster: its name (the container's context title) and members. */
  setCanvasGroup(groupId: string, name: string, members: NrpsMember[]): void {
    this.#canvasGroups.set(groupId, { name, members });
  }

  /** A memberships URL that serves `/nrps/<contextId>` through the fault-injecting proxy. */
  proxiedMembershipsUrl(contextId: string): string {
    return `${this.#platform.issuer}/proxied-nrps/${encodeURIComponent(contextId)}`;
  }

  #refuse(req: http.IncomingMessage, res: http.ServerResponse, scope: string, mediaType: string): boolean {
    this.userAgents.push(String(req.headers['user-agent']));
    if (!this.#platform.authorised(req, scope)) {
      send(res, 401, { error: 'invalid_token' }, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
      return true;
    }
    if (!req.headers.accept?.includes(mediaType)) {
      send(res, 406, { error: `Accept ${mediaType}` });
      return true;
    }
    return false;
  }

  async #fault(fault: NrpsFault | undefined, req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<boolean> {
    if (!fault) return false;
    if (fault.kind === 'status') send(res, fault.status, { error: 'server_error' });
    else if (fault.kind === 'malformed') send(res, 200, fault.body);
    else if (fault.kind === 'loop') send(res, 200, { id: url.href, members: [] }, { Link: `<${url.href}>; rel="next"` });
    else {
      // A stall answers nothing (or half a page, or a page a byte at a time) until the client gives up.
      let trickle: NodeJS.Timeout | undefined;
      if (fault.kind === 'stall-body' || fault.kind === 'trickle') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write(`{"id": "${url.href}", "members": [`);
      }
      if (fault.kind === 'trickle') trickle = setInterval(() => res.write(' '), 20);
      await new Promise((resolve) => req.socket.once('close', resolve));
      clearInterval(trickle);
    }
    return true;
  }

  async #groups(req: http.IncomingMessage, res: http.ServerResponse, url: URL, contextId: string): Promise<void> {
    if (this.#refuse(req, res, GROUPS_SCOPE, GROUPS_MEDIA_TYPE)) return;
    const course = this.#courses.get(contextId);
    if (!course) return send(res, 404, { error: 'unknown context' });
    const userId = url.searchParams.get('user_id');
    if (await this.#fault(this.groupFaults.get(userId ?? ''), req, res, url)) return;
    const paged = paging(url, this.#pageSize);
    if (typeof paged === 'string') return send(res, 400, { error: paged });
    const groups = course.groups
      .filter((g) => userId === null || g.members.includes(userId))
      .map(({ id, name, set_id }) => ({ id, name, ...(set_id ? { set_id } : {}) }));
    const { slice, headers } = page(groups, url, paged);
    send(res, 200, { id: url.href, groups: slice }, { ...headers, 'Content-Type': GROUPS_MEDIA_TYPE });
  }

  #sets(req: http.IncomingMessage, res: http.ServerResponse, url: URL, contextId: string): void {
    if (this.#refuse(req, res, GROUPS_SCOPE, GROUP_SETS_MEDIA_TYPE)) return;
    const course = this.#courses.get(contextId);
    if (!course) return send(res, 404, { error: 'unknown context' });
    const paged = paging(url, this.#pageSize);
    if (typeof paged === 'string') return send(res, 400, { error: paged });
    const { slice, headers } = page(course.sets, url, paged);
    send(res, 200, { id: url.href, sets: slice }, { ...headers, 'Content-Type': GROUP_SETS_MEDIA_TYPE });
  }

  #canvasGroup(req: http.IncomingMessage, res: http.ServerResponse, url: URL, groupId: string): void {
    if (this.#refuse(req, res, NRPS_SCOPE, NRPS_MEDIA_TYPE)) return;
    const group = this.#canvasGroups.get(groupId);
    if (!group) return send(res, 404, { error: 'unknown group' });
    const paged = paging(url, this.#pageSize);
    if (typeof paged === 'string') return send(res, 400, { error: paged });
    const { slice, headers } = page(group.members, url, paged);
    send(res, 200, { id: url.href, context: { id: groupId, title: group.name }, members: slice }, { ...headers, 'Content-Type': NRPS_MEDIA_TYPE });
  }

  /** The platform's own NRPS answer for the same query, its next link pointed back at the proxy. */
  async #proxiedNrps(req: http.IncomingMessage, res: http.ServerResponse, url: URL, contextId: string): Promise<void> {
    this.userAgents.push(String(req.headers['user-agent']));
    const inFlight = (this.#inFlight.get(contextId) ?? 0) + 1;
    this.#inFlight.set(contextId, inFlight);
    this.maxInFlight.set(contextId, Math.max(inFlight, this.maxInFlight.get(contextId) ?? 0));
    try {
      if (this.nrpsDelayMs) await new Promise((resolve) => setTimeout(resolve, this.nrpsDelayMs));
      const limit = Number(url.searchParams.get('limit') ?? 1);
      const pageNumber = Math.floor(Number(url.searchParams.get('from') ?? 0) / Math.max(limit, 1)) + 1;
      if (await this.#fault(this.nrpsFaults.get(pageNumber), req, res, url)) return;
      const target = `${this.#platform.membershipsUrl(contextId)}${url.search}`;
      const answer = await fetch(target, { headers: { authorization: req.headers.authorization ?? '', accept: req.headers.accept ?? '' } });
      const headers: http.OutgoingHttpHeaders = { 'Content-Type': answer.headers.get('content-type') ?? 'application/json' };
      const link = answer.headers.get('link');
      if (link) headers.Link = link.replace(this.#platform.membershipsUrl(contextId), this.proxiedMembershipsUrl(contextId));
      res.writeHead(answer.status, headers);
      res.end(await answer.text());
    } finally {
      this.#inFlight.set(contextId, (this.#inFlight.get(contextId) ?? 1) - 1);
    }
  }
}
