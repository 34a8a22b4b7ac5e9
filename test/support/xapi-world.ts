/**
 * The setting of an xAPI ingestion test: a roster world (the tool on a real port, a test LMS
 * registered, a frozen clock) plus an ingest credential of that platform, and helpers that send
 * statements the way an LMS does and bring a course into being the way production does (a
 * teacher's launch, a roster read) — then resolvePending, as the launch and the roster sync will.
 */
import supertest from 'supertest';
import { issueIngestCredential } from '../../src/ingest/credential-secret.js';
import { resolvePending, type ResolvePendingResult } from '../../src/ingest/recompute.js';
import { syncRoster } from '../../src/lti/roster.js';
import { DEFAULT_INGEST_SETTINGS } from '../../src/routes/xapi-statements.js';
import { instructor } from './roster-members.js';
import { rosterWorld, type RosterWorld } from './roster-world.js';
import { DEFAULT_CONTEXT, ROLES, type ContextClaim, type Member, type TestPlatform } from './test-platform.js';

export const SETTINGS = DEFAULT_INGEST_SETTINGS;

export interface Credential {
  key: string;
  secret: string;
}

export interface XapiClient {
  credential: Credential;
  post(body: unknown, options?: { version?: string | null }): supertest.Test;
  put(statementId: string, body: unknown, options?: { version?: string | null }): supertest.Test;
  get(query?: Record<string, string> | string, options?: { version?: string | null }): supertest.Test;
}

export interface XapiWorld extends XapiClient {
  w: RosterWorld;
  platform: TestPlatform;
  platformId: string;
  /** A client with another platform's credential, or another credential of this one. */
  client(platformId: string): Promise<XapiClient>;
  /** Enrols `members` (plus the launching instructor) in `context`, launches it, reads its roster and resolves its pending events. */
  openCourse(members: Member[], context?: ContextClaim, platform?: { platform: TestPlatform; platformId: string }): Promise<ResolvePendingResult>;
  rows(sql: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

export function learner(userId: string, extra: Partial<Member> = {}): Member {
  return { user_id: userId, roles: [ROLES.learner], status: 'Active', name: `Student ${userId}`, ...extra };
}

export async function xapiWorld(): Promise<XapiWorld> {
  const w = await rosterWorld();

  async function client(platformId: string): Promise<XapiClient> {
    const { credential, secret } = await issueIngestCredential(w.t.db, platformId, 'test', w.clock.now());
    const auth = { user: credential.key, secret };
    const version = (v: string | null | undefined) => (v === undefined ? '1.0.3' : v);
    const withVersion = (test: supertest.Test, v: string | null | undefined) => {
      const chosen = version(v);
      return chosen === null ? test : test.set('X-Experience-API-Version', chosen);
    };
    return {
      credential: { key: credential.key, secret },
      post: (body, options = {}) => withVersion(supertest(w.t.app).post('/xapi/statements').auth(auth.user, auth.secret), options.version).send(body as object),
      put: (statementId, body, options = {}) =>
        withVersion(supertest(w.t.app).put('/xapi/statements').query({ statementId }).auth(auth.user, auth.secret), options.version).send(body as object),
      get: (query = {}, options = {}) => withVersion(supertest(w.t.app).get('/xapi/statements').query(query).auth(auth.user, auth.secret), options.version),
    };
  }

  const own = await client(w.platformId);
  return {
    ...own,
    w,
    platform: w.platform,
    platformId: w.platformId,
    client,
    async openCourse(members, context = DEFAULT_CONTEXT, on = { platform: w.platform, platformId: w.platformId }) {
      on.platform.setMembers(context, [instructor, ...members]);
      const { response } = await on.platform.launch(supertest.agent(w.t.app), { context });
      if (response.status !== 200) throw new Error(`launch failed: ${response.status} ${response.text}`);
      const roster = await syncRoster(w.deps(), await w.course(context.id, on.platformId));
      if (!roster.ok) throw new Error(`roster read failed: ${roster.reason}`);
      return resolvePending(w.t.db, { platformId: on.platformId, contextId: context.id }, SETTINGS);
    },
    rows: (sql, params) => w.rows(sql, params),
    close: () => w.close(),
  };
}
