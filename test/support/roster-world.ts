/**
 * Everything a roster or groups test drives for real: the tool on a real port over a fresh test
 * database, a test platform registered through the admin API (so ltijs knows it and gets access
 * tokens from it), the platform's groups services, and a frozen clock. Courses come into being
 * the way they do in production: through a launch.
 */
import assert from 'node:assert/strict';
import supertest from 'supertest';
import type { Logger } from 'pino';
import type { RosterDeps } from '../../src/lti/roster.js';
import { findCourseServices, type CourseServices } from '../../src/models/course-services.js';
import { TestClock } from './clock.js';
import { TEST_ADMIN_TOKEN, testApp, type TestApp } from './test-app.js';
import { PlatformGroups } from './test-platform-groups.js';
import { TestPlatform, type LaunchOptions } from './test-platform.js';
import { toolServer, type ToolServer } from './tool-server.js';

export interface RosterWorld {
  tool: ToolServer;
  t: TestApp;
  clock: TestClock;
  platform: TestPlatform;
  groups: PlatformGroups;
  platformId: string;
  /** What syncRoster and the refresher need, over this world's app and clock. */
  deps(overrides?: Partial<RosterDeps>): RosterDeps;
  /** Launches as an instructor (by default) and expects the launch page. */
  launch(options?: LaunchOptions): Promise<void>;
  /** The course row as syncRoster takes it. */
  course(contextId: string, platformId?: string): Promise<CourseServices>;
  rows(sql: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  /** Registers another platform with this tool (closed with the world). */
  addPlatform(options?: { clientId?: string; name?: string }): Promise<{ platform: TestPlatform; platformId: string; groups: PlatformGroups }>;
  close(): Promise<void>;
}

export async function rosterWorld(options: { pageSize?: number; logger?: Logger } = {}): Promise<RosterWorld> {
  const tool = await toolServer();
  // ltijs checks iat and the access token's age against Date.now(); our plugin and the rows use
  // this clock, frozen at the real second.
  const clock = new TestClock(new Date(Math.floor(Date.now() / 1000) * 1000));
  const t = await testApp({ publicUrl: tool.url, now: clock.now });
  tool.serve(t.app);
  const closers: Array<() => Promise<void>> = [];

  async function addPlatform(opts: { clientId?: string; name?: string } = {}) {
    const platform = await TestPlatform.start({ toolUrl: tool.url, ...opts });
    closers.push(() => platform.close());
    const groups = new PlatformGroups(platform, { pageSize: options.pageSize });
    const res = await supertest(t.app).post('/admin/api/platforms').set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).send(platform.registration()).expect(201);
    return { platform, platformId: (res.body as { id: string }).id, groups };
  }

  const first = await addPlatform();
  return {
    tool,
    t,
    clock,
    ...first,
    deps: (overrides = {}) => ({
      db: t.db,
      lti: t.lti,
      logger: options.logger ?? t.logger,
      config: { canvasGroupRosters: false },
      now: clock.now,
      ...overrides,
    }),
    async launch(launchOptions = {}) {
      const { response } = await first.platform.launch(supertest.agent(t.app), launchOptions);
      assert.equal(response.status, 200, response.text);
    },
    async course(contextId, platformId = first.platformId) {
      const course = await findCourseServices(t.db, { platformId, contextId });
      assert.ok(course, `no course ${contextId}`);
      return course;
    },
    rows: (sql, params) => t.db.query<Record<string, unknown>>(sql, params),
    addPlatform,
    async close() {
      for (const close of closers.splice(0).reverse()) await close();
      await t.close();
      await tool.close();
    },
  };
}
