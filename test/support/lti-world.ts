/**
 * The usual setting of a course-page test: the whole app on a fresh database with a frozen
 * clock, a test LMS registered through the admin API, and launches through it.
 */
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { TestClock } from './clock.js';
import { TEST_ADMIN_TOKEN, testApp, type TestApp, type TestAppOptions } from './test-app.js';
import { TestPlatform, type LaunchOptions } from './test-platform.js';

/** The tool's PUBLIC_URL when no test needs the platform to reach the tool back. */
export const TOOL_URL = 'http://127.0.0.1';

export interface LtiWorld {
  t: TestApp;
  clock: TestClock;
  platform: TestPlatform;
  /** The platform's id in CoursePulse. */
  platformId: string;
  /** A launch through the platform, in a browser of its own; the tool's answer. */
  launch(options?: LaunchOptions): Promise<supertest.Response>;
  close(): Promise<void>;
}

/** The ltik a course page hands to htmx (`hx-headers` on its body). */
export function ltikOf(html: string): string {
  const ltik = /hx-headers='\{"Authorization": "Bearer ([^"]+)"\}'/.exec(html)?.[1];
  assert.ok(ltik, 'the page should carry the ltik for htmx');
  return ltik;
}

export async function ltiWorld(options: TestAppOptions = {}): Promise<LtiWorld> {
  // ltijs checks iat against the real time, so the frozen clock starts at the real second.
  const clock = new TestClock(new Date(Math.floor(Date.now() / 1000) * 1000));
  const t = await testApp({ publicUrl: TOOL_URL, now: clock.now, ...options });
  const platform = await TestPlatform.start({ toolUrl: options.publicUrl ?? TOOL_URL });
  const registered = await supertest(t.app)
    .post('/admin/api/platforms')
    .set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`)
    .send(platform.registration())
    .expect(201);
  return {
    t,
    clock,
    platform,
    platformId: (registered.body as { id: string }).id,
    launch: async (launchOptions = {}) => (await platform.launch(supertest.agent(t.app), launchOptions)).response,
    async close() {
      await platform.close();
      await t.close();
    },
  };
}
