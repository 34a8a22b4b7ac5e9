/**
 * The Activity Details page in a real browser: a teacher launches from the test LMS, opens a
 * student's page, toggles the heat map, steps a month back and forward, switches student and goes
 * back to the overview — with the mouse, then with the keyboard alone — while htmx swaps only the
 * region that changed and Vega draws the charts. Activity reaches the tool as xAPI statements over
 * HTTP, at times relative to the world's frozen clock; what the page shows is compared with what
 * /api/students/:userId answers for the same view.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import supertest from 'supertest';
import { issueIngestCredential } from '../../src/ingest/credential-secret.js';
import { localeFormat } from '../../src/i18n/index.js';
import type { StudentReport } from '../../src/reports/index.js';
import { useBrowser } from '../support/browser.js';
import { browserWorld, type BrowserWorld } from '../support/browser-world.js';
import { BACKEND } from '../support/databases.js';
import { moodleStatement, type StatementKind } from '../support/moodle-statements.js';
import { instructor, students } from '../support/roster-members.js';
import type { ContextClaim } from '../support/test-platform.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const fmt = localeFormat('en', 'UTC');

/** The ltik the page's htmx sends (body hx-headers). */
async function ltikOfPage(page: Page): Promise<string> {
  const headers = await page.locator('body').getAttribute('hx-headers');
  const ltik = /"Bearer ([^"]+)"/.exec(headers ?? '')?.[1];
  assert.ok(ltik, 'the page carries the ltik');
  return ltik;
}

/** Waits until every chart of the page is drawn (an SVG in each canvas) and htmx has settled. */
async function chartsDrawn(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const canvases = [...document.querySelectorAll('figure.chart .chart-canvas')];
    return canvases.length > 0 && canvases.every((c) => c.querySelector('svg')) && !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping');
  });
}

/** What the page shows of the view: the student, the month, which toggles are pressed, the URL's view. */
async function viewShown(page: Page) {
  const url = new URL(page.url());
  return {
    heading: await page.locator('#student-title').innerText(),
    month: await page.locator('.month-name').innerText(),
    pressed: await page.locator('button[aria-pressed="true"]').evaluateAll((buttons) => buttons.map((b) => b.id)),
    path: url.pathname,
    query: { month: url.searchParams.get('month'), measure: url.searchParams.get('measure'), heat: url.searchParams.get('heat') },
  };
}

/** The focused element: its id, or its text for an element without one; and whether its focus ring shows. */
async function focused(page: Page) {
  return page.evaluate(() => {
    // The body has the focus before the first Tab and while it passes the browser's own controls.
    const el = document.activeElement === document.body ? null : (document.activeElement as HTMLElement | null);
    const style = el ? getComputedStyle(el) : null;
    return {
      id: el?.id || null,
      text: el?.innerText?.trim().slice(0, 60) ?? null,
      ring: style !== null && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    };
  });
}

/** Presses Tab until the focus is on `id` (wrapping round the page if need be); every stop on the way shows its focus ring. */
async function tabTo(page: Page, id: string): Promise<void> {
  const stops: string[] = [];
  for (let i = 0; i < 120; i += 1) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (now.id === null && now.text === null) continue; // between the page and the browser's own controls
    if (now.id !== 'main') assert.ok(now.ring, `the focus ring shows on ${now.id ?? now.text}`);
    stops.push(now.id ?? now.text ?? '?');
    if (now.id === id) return;
  }
  assert.fail(`Tab never reached #${id}; it went through ${stops.join(', ')}`);
}

describe(`the Activity Details page in a browser (${BACKEND})`, () => {
  const browser = useBrowser();
  let w: BrowserWorld;
  let credential: { key: string; secret: string };

  before(async () => {
    w = await browserWorld();
    const issued = await issueIngestCredential(w.t.db, w.platformId, 'browser test', w.clock.now());
    credential = { key: issued.credential.key, secret: issued.secret };
  });
  after(async () => {
    await w?.close();
  });

  let objects = 0;
  /** POSTs Moodle statements to the tool's /xapi/statements, as the LMS would. */
  async function send(course: ContextClaim, events: [userId: string, kind: StatementKind, at: number][]): Promise<void> {
    const statements = events.map(([userId, kind, at]) => moodleStatement({ issuer: w.platform.issuer, contextId: course.id, userId, kind, at, objectKey: (objects += 1) }));
    await supertest(w.url)
      .post('/xapi/statements')
      .auth(credential.key, credential.secret)
      .set('X-Experience-API-Version', '1.0.3')
      .send(statements)
      .expect(200);
  }

  /** A course with three students, launched in `page`; student-001 active today, a week ago and 40 days ago; student-002 yesterday. */
  async function openCourse(page: Page, title: string): Promise<{ course: ContextClaim; ltik: string }> {
    const course = w.course({ title, members: [instructor, ...students(3)] });
    assert.equal((await w.launchInBrowser(page, { context: course })).status(), 200);
    const now = w.clock.now().getTime();
    await send(course, [
      ['student-001', 'visit', now - 2 * HOUR],
      ['student-001', 'resource', now - 2 * HOUR + 10 * 60_000],
      ['student-001', 'activity', now - 2 * HOUR + 25 * 60_000],
      ['student-001', 'thread', now - 7 * DAY],
      ['student-001', 'comment', now - 7 * DAY + 5 * 60_000],
      ['student-001', 'resource', now - 40 * DAY],
      ['student-001', 'post', now - 40 * DAY + 20 * 60_000],
      ['student-002', 'visit', now - DAY],
      ['student-002', 'resource', now - DAY + 30 * 60_000],
    ]);
    return { course, ltik: await ltikOfPage(page) };
  }

  const report = async (ltik: string, userId: string, month?: string): Promise<StudentReport> =>
    (await supertest(w.url).get(`/api/students/${userId}${month ? `?month=${month}` : ''}`).set('Authorization', `Bearer ${ltik}`).expect(200)).body as StudentReport;

  /** Opens student-001's page from the overview: its link in the student list when the list has one, else by address. */
  async function openStudent(page: Page, ltik: string, keyboard: boolean): Promise<void> {
    const link = page.locator('#main a[href^="/reports/students/student-001"]').first();
    if ((await link.count()) > 0) {
      if (keyboard) {
        const id = await link.evaluate((a) => a.id || (a.id = 'student-link-under-test'));
        await tabTo(page, id);
        await page.keyboard.press('Enter');
      } else {
        await link.click();
      }
    } else {
      await page.goto(`${w.url}/reports/students/student-001?ltik=${ltik}`);
    }
    await page.getByRole('heading', { level: 1, name: 'Student 001' }).waitFor();
    await chartsDrawn(page);
  }

  browser.it('opens a student, toggles the heat map, steps a month back and forth, switches student and goes back (mouse)', async ({ page, screenshot }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    const { ltik } = await openCourse(page, 'Marine Ecology');
    const first = await report(ltik, 'student-001');
    await openStudent(page, ltik, false);
    // The address names no view yet (a link from the overview, or the plain page): the current month, durations.
    const { query: _opened, ...opened } = await viewShown(page);
    assert.deepEqual(opened, { heading: 'Student 001', month: fmt.month(first.month.month), pressed: ['measure-duration', 'heat-duration'], path: '/reports/students/student-001' });
    await screenshot('student-1280px');

    // The tooltip of the month's first bar: the day and its duration.
    const firstDay = first.month.days.find((d) => d.visits > 0)!;
    await page.locator('#month-chart svg .mark-rect path').first().hover();
    const tooltip = page.locator('#vg-tooltip-element.visible');
    await tooltip.waitFor();
    const rows = await tooltip.locator('tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    assert.deepEqual(rows, [
      ['Date', fmt.date(firstDay.date, 'weekday')],
      ['Duration', fmt.duration(firstDay.durationSeconds)],
    ]);
    await screenshot('month-tooltip-1280px');
    await page.mouse.move(0, 0);

    // The heat-map toggle swaps the heat map alone: the month region is the same element after it.
    const monthRegion = await page.locator('#student-month').elementHandle();
    const heatRegion = await page.locator('#student-heat').elementHandle();
    await page.locator('#heat-actions').click();
    await page.locator('#heat-actions[aria-pressed="true"]').waitFor();
    await chartsDrawn(page);
    const swapped = { month: await monthRegion!.evaluate((el) => el.isConnected), heat: await heatRegion!.evaluate((el) => el.isConnected) };
    assert.deepEqual(swapped, { month: true, heat: false });
    const heatRows = await page.locator('#heat-chart tbody tr').count();
    assert.deepEqual(
      { view: await viewShown(page), heatRows, legend: await page.locator('#heat-chart svg .role-legend-title').textContent() },
      {
        view: { heading: 'Student 001', month: fmt.month(first.month.month), pressed: ['measure-duration', 'heat-actions'], path: '/reports/students/student-001', query: { month: first.month.month, measure: 'duration', heat: 'actions' } },
        heatRows: first.days.length,
        legend: 'Actions taken',
      },
    );
    await screenshot('heat-actions-1280px');

    // A month back, then forward again: the heat map keeps showing actions.
    const previous = first.month.previousMonth!;
    await page.locator('#month-previous').click();
    await page.locator('.month-name', { hasText: fmt.month(previous) }).waitFor();
    await chartsDrawn(page);
    assert.deepEqual(await viewShown(page), {
      heading: 'Student 001',
      month: fmt.month(previous),
      pressed: ['measure-duration', 'heat-actions'],
      path: '/reports/students/student-001',
      query: { month: previous, measure: 'duration', heat: 'actions' },
    });
    const earlier = await report(ltik, 'student-001', previous);
    assert.deepEqual(
      await page.locator('#month-chart tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent))),
      earlier.month.days.map((d) => [fmt.date(d.date, 'weekday'), fmt.duration(d.durationSeconds)]),
    );
    await screenshot('month-previous-1280px');
    await page.locator('#month-next').click();
    await page.locator('.month-name', { hasText: fmt.month(first.month.month) }).waitFor();
    await chartsDrawn(page);
    assert.equal(await page.locator('#month-next').getAttribute('aria-disabled'), 'true');

    // Another student, same view.
    await page.locator('#student-switcher-select').selectOption({ label: 'Student 002' });
    await page.locator('#student-switcher-submit').click();
    await page.getByRole('heading', { level: 1, name: 'Student 002' }).waitFor();
    await chartsDrawn(page);
    assert.deepEqual(await viewShown(page), {
      heading: 'Student 002',
      month: fmt.month(first.month.month),
      pressed: ['measure-duration', 'heat-actions'],
      path: '/reports/students/student-002',
      query: { month: first.month.month, measure: 'duration', heat: 'actions' },
    });
    await screenshot('switched-1280px');

    // Back and forward in the browser's history land on the same views.
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Student 001' }).waitFor();
    await chartsDrawn(page);
    await page.goForward();
    await page.getByRole('heading', { level: 1, name: 'Student 002' }).waitFor();
    await chartsDrawn(page);

    await page.locator('a.back-link').click();
    await page.getByRole('heading', { level: 1, name: 'Activity overview' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/reports/overview');
  });

  browser.it('takes the same path with the keyboard alone, the focus always visible', async ({ page, screenshot }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    const { ltik } = await openCourse(page, 'Keyboard Ecology');
    const first = await report(ltik, 'student-001');
    await openStudent(page, ltik, true);

    await tabTo(page, 'heat-actions');
    await page.keyboard.press('Space');
    await page.locator('#heat-actions[aria-pressed="true"]').waitFor();
    await chartsDrawn(page);
    // htmx puts the focus back on the button of the same id in the new region.
    assert.deepEqual(await focused(page), { id: 'heat-actions', text: 'Actions taken', ring: true });
    await screenshot('keyboard-heat-actions');

    await tabTo(page, 'month-previous');
    await page.keyboard.press('Enter');
    await page.locator('.month-name', { hasText: fmt.month(first.month.previousMonth!) }).waitFor();
    await chartsDrawn(page);
    assert.equal((await focused(page)).id, 'month-previous');
    await tabTo(page, 'month-next');
    await page.keyboard.press('Enter');
    await page.locator('.month-name', { hasText: fmt.month(first.month.month) }).waitFor();
    await chartsDrawn(page);

    // A select's own key chooses the option; Enter on the button shows that student.
    await tabTo(page, 'student-switcher-select');
    await page.keyboard.press('ArrowDown');
    await tabTo(page, 'student-switcher-submit');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Student 002' }).waitFor();
    await chartsDrawn(page);
    assert.deepEqual((await viewShown(page)).query, { month: first.month.month, measure: 'duration', heat: 'actions' });
    await screenshot('keyboard-switched');

    const back = await page.locator('a.back-link').evaluate((a) => a.id || (a.id = 'back-link-under-test'));
    await tabTo(page, back);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Activity overview' }).waitFor();
  });

  browser.it('refreshes the figures every 60 seconds, keeping the chosen view, an open table and its scroll', async ({ page, screenshot }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    // The page's timers run on a clock the test moves (htmx's polling among them).
    await page.clock.install();
    const { course, ltik } = await openCourse(page, 'Live Ecology');
    await openStudent(page, ltik, false);
    await page.locator('#heat-actions').click();
    await page.locator('#heat-actions[aria-pressed="true"]').waitFor();
    await chartsDrawn(page);
    await page.locator('#heat-chart details.chart-table > summary').click();
    await page.locator('#heat-chart .chart-table-scroll').evaluate((el) => (el.scrollTop = 200));
    const before = await report(ltik, 'student-001');

    // A new visit arrives; a minute later the page shows it, in the same view, the table still open where it was.
    await send(course, [['student-001', 'activity', w.clock.now().getTime() - 10 * 60_000]]);
    w.clock.advance(60);
    const after = await report(ltik, 'student-001');
    assert.equal(after.totals.visits, before.totals.visits + 1);
    const refreshed = page.waitForResponse((r) => new URL(r.url()).pathname === '/reports/students/student-001' && r.request().headers()['hx-target'] === 'student-live');
    await page.clock.runFor(61_000);
    assert.equal((await refreshed).status(), 200);
    await page.locator('#student-live [data-figure="totals.visits"]', { hasText: fmt.number(after.totals.visits) }).waitFor();
    await chartsDrawn(page);
    assert.deepEqual(
      {
        updated: await page.locator('.updated').innerText(),
        pressed: await page.locator('button[aria-pressed="true"]').evaluateAll((buttons) => buttons.map((b) => b.id)),
        tableOpen: await page.locator('#heat-chart details.chart-table').evaluate((d) => (d as HTMLDetailsElement).open),
        tableScroll: await page.locator('#heat-chart .chart-table-scroll').evaluate((el) => el.scrollTop),
        url: new URL(page.url()).searchParams.get('heat'),
      },
      { updated: `Updated ${fmt.time(w.clock.now())}`, pressed: ['measure-duration', 'heat-actions'], tableOpen: true, tableScroll: 200, url: 'actions' },
    );
    await screenshot('refreshed-1280px');
  });

  browser.it('shows a student without visits that there is nothing yet, with the switcher and the way back', async ({ page, screenshot }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    const { ltik } = await openCourse(page, 'Quiet Ecology');
    await page.goto(`${w.url}/reports/students/student-003?ltik=${ltik}`);
    await page.getByRole('heading', { level: 1, name: 'Student 003' }).waitFor();
    assert.deepEqual(
      {
        empty: await page.locator('.empty-state h2').innerText(),
        switcher: await page.getByLabel('Switch student').inputValue(),
        back: await page.locator('a.back-link').innerText(),
        charts: await page.locator('figure.chart').count(),
      },
      { empty: 'No visits yet', switcher: 'student-003', back: '← Back to overview', charts: 0 },
    );
    await screenshot('no-visits-1280px');
  });

  browser.it('fits a phone (360 px): the page scrolls only down, the heat map sideways within its figure', async ({ page, screenshot }) => {
    const { ltik } = await openCourse(page, 'Introduction to Comparative Developmental Biology');
    await page.setViewportSize({ width: 360, height: 800 });
    await openStudent(page, ltik, false);
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      heatScrolls: (() => {
        const scroll = document.querySelector('#heat-chart .chart-scroll') as HTMLElement;
        return scroll.scrollWidth > scroll.clientWidth;
      })(),
    }));
    assert.deepEqual(widths, { page: 360, heatScrolls: true });
    await screenshot('student-360px');
  });
});
