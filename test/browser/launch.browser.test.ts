/**
 * The launch in a real browser: Chromium goes through the whole LTI 1.3 flow from the test LMS's
 * page to CoursePulse's answer, with ltijs's cookies, redirects and auto-posted forms as a
 * teacher's browser meets them.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { useBrowser } from '../support/browser.js';
import { browserWorld, type BrowserWorld } from '../support/browser-world.js';
import { BACKEND } from '../support/databases.js';
import { instructor, students } from '../support/roster-members.js';
import { ROLES } from '../support/test-platform.js';

/** What the overview shows of the course, as a reader sees it (whitespace as rendered). */
async function overviewShown(page: Page) {
  return {
    title: await page.title(),
    course: await page.locator('.course-name').innerText(),
    heading: await page.getByRole('heading', { level: 1 }).innerText(),
    rosterLine: await page.locator('.roster-line').innerText(),
  };
}

/** The element that has the keyboard focus, with its text when it is a link. */
async function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    return { tag: el?.tagName ?? null, id: el?.id ?? null, link: el instanceof HTMLAnchorElement ? el.innerText : null };
  });
}

describe(`the launch in a browser (${BACKEND})`, () => {
  const browser = useBrowser();
  let w: BrowserWorld;

  before(async () => {
    w = await browserWorld();
  });
  after(async () => {
    await w?.close();
  });

  browser.it('takes an instructor from the LMS to the Activity overview of the course, roster read', async ({ page, screenshot }) => {
    const course = w.course({ title: 'Cell Biology', members: [instructor, ...students(3)] });
    const launch = await w.launchInBrowser(page, { context: course });
    assert.equal(launch.status(), 200);
    // The roster was read during the launch, at the tool's (frozen) time, shown in the course's zone (UTC here).
    const readAt = w.clock.now().toISOString().slice(11, 16);
    assert.deepEqual(await overviewShown(page), {
      title: 'Activity overview – Cell Biology · CoursePulse',
      course: 'Cell Biology',
      heading: 'Activity overview',
      rosterLine: `3 students on the roster, read from the LMS at ${readAt}.`,
    });
    await screenshot('instructor-overview');
  });

  browser.it('lets the keyboard skip to the content: Tab reaches the skip link first, Enter moves focus to #main', async ({ page, screenshot }) => {
    const course = w.course({ title: 'Keyboard Course', members: [instructor, ...students(1)] });
    assert.equal((await w.launchInBrowser(page, { context: course })).status(), 200);
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    const skipShown = {
      focused: await focused(page),
      href: await skip.getAttribute('href'),
      // Off-screen until focused (app.css), then on screen.
      inView: await skip.evaluate((el) => el.getBoundingClientRect().left >= 0),
    };
    assert.deepEqual(skipShown, { focused: { tag: 'A', id: '', link: 'Skip to content' }, href: '#main', inView: true });
    await screenshot('skip-link-focused');
    await page.keyboard.press('Enter');
    assert.deepEqual({ focused: await focused(page), hash: new URL(page.url()).hash }, { focused: { tag: 'MAIN', id: 'main', link: null }, hash: '#main' });
  });

  browser.it('shows a learner the page that the report is for teachers, and nothing of the course', async ({ page, screenshot, expectConsoleError }) => {
    const course = w.course({ title: 'Secret Course', members: [instructor, ...students(2)] });
    // Chromium logs a page answered with an error status as a failed resource.
    expectConsoleError(/status of 403/);
    const launch = await w.launchInBrowser(page, { context: course, sub: 'student-001', roles: [ROLES.learner] });
    const shown = {
      status: launch.status(),
      heading: await page.getByRole('heading', { level: 1 }).innerText(),
      showsCourse: (await page.content()).includes('Secret Course'),
    };
    assert.deepEqual(shown, { status: 403, heading: 'This report is for the course’s teachers', showsCourse: false });
    await screenshot('learner-refused');
  });

  browser.it('fits the overview to a phone (360 px) and a wide screen (1600 px) without sideways scrolling', async ({ page, screenshot }) => {
    const course = w.course({ title: 'Introduction to Comparative Developmental Biology', members: [instructor, ...students(12)] });
    assert.equal((await w.launchInBrowser(page, { context: course })).status(), 200);
    const widths: Record<number, { scrollWidth: number; course: string }> = {};
    for (const width of [360, 1600]) {
      await page.setViewportSize({ width, height: 800 });
      widths[width] = {
        scrollWidth: await page.evaluate(() => document.documentElement.scrollWidth),
        course: await page.locator('.course-name').innerText(),
      };
      await screenshot(`overview-${width}px`);
    }
    assert.deepEqual(widths, {
      360: { scrollWidth: 360, course: 'Introduction to Comparative Developmental Biology' },
      1600: { scrollWidth: 1600, course: 'Introduction to Comparative Developmental Biology' },
    });
  });
});
