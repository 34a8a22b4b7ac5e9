/**
 * The setting of a browser test: CoursePulse on a real loopback port over a fresh test database,
 * with a frozen clock and the roster read on every teacher's launch (as in production), and a
 * test LMS registered through the admin API, both reachable by Chromium over real HTTP. A launch
 * is the whole LTI 1.3 flow in the browser: the LMS's page posts the login to the tool's
 * /lti/login, ltijs sets its state cookie and redirects to the LMS's authorisation endpoint, whose
 * form posts the id_token to /lti/launch, which answers the course's overview.
 *
 * Cookies: the tool runs as README's local http development does (PUBLIC_URL `http://…`), where
 * ltijs's state cookie is `SameSite=Lax` without `Secure`; production over https keeps
 * `SameSite=None; Secure`. Nothing is set for the tests. The LMS and the tool are both on
 * 127.0.0.1 (other ports), one site for the browser, so the Lax cookie goes with the form POST.
 *
 * One world serves a whole test file (it costs a database and two RSA keys); each test brings its
 * own data through {@link BrowserWorld.course}.
 */
import type { Page, Response } from 'playwright-core';
import supertest from 'supertest';
import { TestClock } from './clock.js';
import { TEST_ADMIN_TOKEN, testApp, type TestApp } from './test-app.js';
import { DEFAULT_CONTEXT, TestPlatform, type ContextClaim, type Member, type StartLaunchOptions } from './test-platform.js';
import { toolServer } from './tool-server.js';

export interface BrowserWorld {
  /** The tool's address (its PUBLIC_URL), as the browser and the LMS reach it. */
  url: string;
  t: TestApp;
  /** The tool's clock, frozen at the real second the world was made (ltijs compares iat with the real time). */
  clock: TestClock;
  platform: TestPlatform;
  /** The platform's id in CoursePulse. */
  platformId: string;
  /** A course of its own for one test, with its roster at the LMS. */
  course(options: { title: string; members: Member[] }): ContextClaim;
  /**
   * Opens the LMS's launch page in `page` and follows the launch to the tool's answer; when the
   * tool answers 200, also waits until the Activity overview is shown. Resolves to the tool's
   * answer to the id_token POST.
   */
  launchInBrowser(page: Page, options?: StartLaunchOptions): Promise<Response>;
  close(): Promise<void>;
}

export async function browserWorld(): Promise<BrowserWorld> {
  const tool = await toolServer();
  const clock = new TestClock(new Date(Math.floor(Date.now() / 1000) * 1000));
  const t = await testApp({ publicUrl: tool.url, now: clock.now, rosterOnLaunch: true });
  tool.serve(t.app);
  const platform = await TestPlatform.start({ toolUrl: tool.url });
  const registered = await supertest(t.app)
    .post('/admin/api/platforms')
    .set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`)
    .send(platform.registration())
    .expect(201);
  let courses = 0;

  return {
    url: tool.url,
    t,
    clock,
    platform,
    platformId: (registered.body as { id: string }).id,
    course({ title, members }) {
      courses += 1;
      const context = { ...DEFAULT_CONTEXT, id: `course-${courses}`, label: `C${courses}`, title };
      platform.setMembers(context, members);
      return context;
    },
    async launchInBrowser(page, options = {}) {
      const answered = page.waitForResponse((r) => r.url() === platform.launchUrl && r.request().method() === 'POST');
      await page.goto(platform.launchStartUrl(options));
      const response = await answered;
      await page.waitForURL(platform.launchUrl, { waitUntil: 'load' });
      if (response.status() === 200) {
        await page.getByRole('heading', { level: 1, name: 'Activity overview' }).waitFor();
      }
      return response;
    },
    async close() {
      await platform.close();
      await t.close();
      await tool.close();
    },
  };
}
