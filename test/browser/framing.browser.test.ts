/**
 * CoursePulse inside the LMS's frame, in a real browser, under its CSP (src/routes/security-headers.ts):
 * the whole launch runs in an iframe of the LMS's course page and the overview is shown there
 * with no CSP violation (the other browser tests draw the charts under the same CSP); a page of another origin that frames the same report is
 * refused by the browser (frame-ancestors).
 */
import assert from 'node:assert/strict';
import type http from 'node:http';
import { useBrowser } from '../support/browser.js';
import { browserWorld, type BrowserWorld } from '../support/browser-world.js';
import { BACKEND } from '../support/databases.js';
import { instructor, students } from '../support/roster-members.js';

/** An LMS course page that shows `src` in a frame, as Canvas's and Moodle's embedded tools do. */
function courseFramePage(res: http.ServerResponse, src: string): void {
  const attribute = src.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(
    `<!doctype html><html lang="en"><head><title>LMS course</title><link rel="icon" href="data:,"></head>` +
      `<body><h1>LMS course</h1><iframe title="CoursePulse" src="${attribute}" width="1000" height="800"></iframe></body></html>`,
  );
}

describe(`CoursePulse framed by the LMS (${BACKEND})`, () => {
  const browser = useBrowser();
  let w: BrowserWorld;

  before(async () => {
    w = await browserWorld();
    // The LMS's course page; `src` is the frame's address.
    w.platform.route('GET', /^\/course-frame$/, (_req, res, url) => courseFramePage(res, url.searchParams.get('src') ?? ''));
  });
  after(async () => {
    await w?.close();
  });

  browser.it('runs the launch in the LMS’s frame and shows the overview there; another origin may not frame it', async ({ page, screenshot, expectConsoleError }) => {
    const course = w.course({ title: 'Framed Course', members: [instructor, ...students(2)] });
    const answered = page.waitForResponse((r) => r.url() === w.platform.launchUrl && r.request().method() === 'POST');
    await page.goto(`${w.platform.issuer}/course-frame?${new URLSearchParams({ src: w.platform.launchStartUrl({ context: course }) }).toString()}`);
    const launch = await answered;
    assert.equal(launch.status(), 200);
    const frame = page.frameLocator('iframe[title="CoursePulse"]');
    await frame.getByRole('heading', { level: 1, name: 'Activity overview' }).waitFor();
    await screenshot('framed-overview');

    // The same report framed by a page of another origin (localhost is not 127.0.0.1): refused.
    const ltik = /hx-headers='\{"Authorization": "Bearer ([^"]+)"\}'/.exec(await launch.text())?.[1];
    assert.ok(ltik);
    const report = `${w.url}/reports/overview?ltik=${encodeURIComponent(ltik)}`;
    const stranger = w.platform.issuer.replace('127.0.0.1', 'localhost');
    expectConsoleError(/frame-ancestors/);
    const refused = page.waitForEvent('console', (message) => message.type() === 'error' && /frame-ancestors/.test(message.text()));
    await page.goto(`${stranger}/course-frame?${new URLSearchParams({ src: report }).toString()}`);
    await refused;
    assert.equal(await page.frameLocator('iframe[title="CoursePulse"]').getByRole('heading', { name: 'Activity overview' }).count(), 0);
  });
});
