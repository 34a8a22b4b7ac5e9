/**
 * The Activity Overview in a real browser: a teacher launches from the test LMS and meets the
 * course's 7 days, the chart's tooltip, the search as they type, the group filter, a student's row
 * card, the way to a student's details and back — with the mouse, then with the keyboard alone,
 * wide and on a phone — and the first 100 rows of a long list, with "Show more" for the rest. Activity reaches the tool as xAPI statements over HTTP, at times relative
 * to the world's frozen clock, before the launch; the expected figures come from /api/overview.
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import supertest from 'supertest';
import { localeFormat } from '../../src/i18n/index.js';
import { issueIngestCredential } from '../../src/ingest/credential-secret.js';
import { addDays, localDay, localDayStart } from '../../src/metrics/index.js';
import { addCoursePulseGroupMembers, createCoursePulseGroup } from '../../src/models/coursepulse-groups.js';
import type { OverviewReport } from '../../src/reports/index.js';
import { twoLines } from '../../src/views/charts/chart-frame.js';
import { useBrowser } from '../support/browser.js';
import { browserWorld, type BrowserWorld } from '../support/browser-world.js';
import { BACKEND } from '../support/databases.js';
import { moodleStatement, type StatementKind } from '../support/moodle-statements.js';
import { instructor, students } from '../support/roster-members.js';
import type { ContextClaim } from '../support/test-platform.js';

const MINUTE = 60_000;
const fmt = localeFormat('en', 'UTC');

/** The ltik the page's htmx sends (body hx-headers). */
async function ltikOfPage(page: Page): Promise<string> {
  const headers = await page.locator('body').getAttribute('hx-headers');
  const ltik = /"Bearer ([^"]+)"/.exec(headers ?? '')?.[1];
  assert.ok(ltik, 'the page carries the ltik');
  return ltik;
}

/** Waits until the course chart is drawn and htmx has settled. */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const canvas = document.querySelector('#course-activity .chart-canvas');
    return (!canvas || canvas.querySelector('svg')) && !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping');
  });
}

/** What the overview shows: the active students' line, the names listed, the chosen group, the search, the address's query. */
async function overviewShown(page: Page) {
  const url = new URL(page.url());
  return {
    heading: await page.getByRole('heading', { level: 1 }).innerText(),
    active: await page.locator('.figure-active .figure-note').innerText(),
    names: await page.locator('#student-list tr.student-row th a').allInnerTexts(),
    group: await page.locator('#overview-group option:checked').innerText(),
    search: await page.locator('#student-search').inputValue(),
    query: { group: url.searchParams.get('group'), q: url.searchParams.get('q') },
  };
}

/** The focused element: its id, or its text for an element without one; and whether its focus ring shows. */
async function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement === document.body ? null : (document.activeElement as HTMLElement | null);
    const style = el ? getComputedStyle(el) : null;
    return {
      id: el?.id || null,
      text: el?.innerText?.trim().slice(0, 60) ?? null,
      ring: style !== null && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    };
  });
}

/** Presses Tab (at most `limit` times) until `is` says the focus is where it should be; every stop on the way shows its focus ring. */
async function tabUntil(page: Page, what: string, is: (f: { id: string | null; text: string | null }) => boolean, limit = 80): Promise<void> {
  const stops: string[] = [];
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    const now = await focused(page);
    if (now.id === null && now.text === null) continue;
    if (now.id !== 'main') assert.ok(now.ring, `the focus ring shows on ${now.id ?? now.text}`);
    stops.push(now.id ?? now.text ?? '?');
    if (is(now)) return;
  }
  assert.fail(`Tab never reached ${what}; it went through ${stops.join(', ')}`);
}

describe(`the Activity Overview in a browser (${BACKEND})`, () => {
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
    await supertest(w.url).post('/xapi/statements').auth(credential.key, credential.secret).set('X-Experience-API-Version', '1.0.3').send(statements).expect(200);
  }

  /**
   * A course of four students, known to the tool (a first launch read its roster), with a group
   * "Lab A" (students 001 and 003) and activity: student-001 yesterday (two events, one visit) and
   * three days ago, student-002 yesterday. Then the teacher's launch in `page`.
   */
  async function openCourse(page: Page, title: string): Promise<{ course: ContextClaim; ltik: string }> {
    const course = w.course({ title, members: [instructor, ...students(4)] });
    const first = await w.platform.launch(supertest.agent(w.t.app), { context: course });
    assert.equal(first.response.status, 200);
    const key = { platformId: w.platformId, contextId: course.id };
    const group = await createCoursePulseGroup(w.t.db, key, 'Lab A', w.clock.now());
    assert.ok(group);
    assert.ok((await addCoursePulseGroupMembers(w.t.db, key, group.groupId, ['student-001', 'student-003'], w.clock.now())).ok);
    const today = localDay(w.clock.now().getTime(), 'UTC');
    const at = (offset: number, minutes: number) => localDayStart(addDays(today, offset), 'UTC') + minutes * MINUTE;
    await send(course, [
      ['student-001', 'visit', at(-1, 9 * 60)],
      ['student-001', 'resource', at(-1, 9 * 60 + 10)],
      ['student-001', 'visit', at(-3, 14 * 60)],
      ['student-002', 'visit', at(-1, 12 * 60)],
    ]);
    assert.equal((await w.launchInBrowser(page, { context: course })).status(), 200);
    await settled(page);
    return { course, ltik: await ltikOfPage(page) };
  }

  const report = async (ltik: string, query = ''): Promise<OverviewReport> =>
    (await supertest(w.url).get(`/api/overview${query}`).set('Authorization', `Bearer ${ltik}`).expect(200)).body as OverviewReport;

  /** The chart's x-axis labels as drawn (a two-line label reads as its lines joined). */
  const dayLabels = (r: OverviewReport) => r.last7Days.map((d) => [twoLines(fmt.date(d.date, 'weekday'))].flat().join(''));

  browser.it('shows the 7 days and their tooltips, narrows the list as the teacher types, filters by group, opens a student and comes back (mouse)', async ({ page, screenshot }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    const { course, ltik } = await openCourse(page, 'Marine Ecology');
    const whole = await report(ltik);

    // Seven day slots on the axis, seven rows in the table; a tooltip on each bar: date, visits, visitors, average.
    const axisLabels = await page.locator('#course-activity svg .role-axis-label text').allTextContents();
    assert.deepEqual(axisLabels.filter((label) => dayLabels(whole).includes(label)), dayLabels(whole));
    assert.equal(await page.locator('#course-activity .chart-table tbody tr').count(), 7);
    const tooltips: string[][][] = [];
    const bars = page.locator('#course-activity svg .mark-rect path');
    for (let i = 0; i < (await bars.count()); i += 1) {
      await bars.nth(i).hover();
      const tooltip = page.locator('#vg-tooltip-element.visible');
      await tooltip.waitFor();
      tooltips.push(await tooltip.locator('tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''))));
      if (i === 0) await screenshot('chart-tooltip-1280px');
      await page.mouse.move(0, 0);
      await tooltip.waitFor({ state: 'hidden' });
    }
    assert.deepEqual(
      tooltips,
      whole.last7Days
        .filter((d) => d.visits > 0)
        .map((d) => [
          ['Date', fmt.date(d.date, 'weekday')],
          ['Visits', fmt.number(d.visits)],
          ['Visitors', fmt.number(d.visitors)],
          ['Average visit duration', fmt.duration(d.averageVisitSeconds!)],
        ]),
    );

    // Hovering a row shows its card; its day with visits carries its tooltip.
    const row = page.locator('tr.student-row[data-user-id="student-001"]');
    await row.hover();
    const first = whole.list[0]!;
    assert.deepEqual(
      {
        visible: await row.locator('.student-card').isVisible(),
        card: await row.locator('.student-card dd').allInnerTexts(),
        bars: await row.locator('.week-bars title').allTextContents(),
      },
      {
        visible: true,
        card: [fmt.number(first.totalVisits), fmt.duration(first.totalDurationSeconds), fmt.dateTime(first.lastVisit!), 'Lab A'],
        bars: first.last7Days
          .filter((d) => d.visits > 0)
          .map((d) => fmt.t('students.dayBar', { date: fmt.date(d.date, 'weekday'), visits: d.visits, duration: fmt.duration(d.durationSeconds) })),
      },
    );
    await screenshot('overview-1280px');
    await page.mouse.move(0, 0);

    // Typing narrows the list (the figures stay the course's) and puts the search in the address.
    await page.locator('#student-search').pressSequentially('002', { delay: 40 });
    await page.waitForURL(/[?&]q=002/);
    await settled(page);
    assert.deepEqual(await overviewShown(page), {
      heading: 'Activity overview',
      active: fmt.t('overview.activeStudents', { active: 2, total: 4 }),
      names: ['Student 002'],
      group: 'All students',
      search: '002',
      query: { group: '', q: '002' },
    });
    await page.locator('#student-search').fill('');
    await page.waitForURL((url) => url.searchParams.get('q') === '');
    await settled(page);

    // The group filter: the group's figures and students.
    await page.locator('#overview-group').selectOption({ label: 'Lab A' });
    await page.waitForURL((url) => url.searchParams.get('group') !== null && url.searchParams.get('group') !== '');
    await settled(page);
    const groupShown = await overviewShown(page);
    const groupId = groupShown.query.group!;
    const lab = await report(ltik, `?group=${encodeURIComponent(groupId)}`);
    assert.deepEqual(groupShown, {
      heading: 'Activity overview',
      active: fmt.t('overview.activeStudents', { active: lab.students.active7d, total: lab.students.total }),
      names: lab.list.map((s) => s.name),
      group: 'Lab A',
      search: '',
      query: { group: groupId, q: '' },
    });
    assert.deepEqual(lab.list.map((s) => s.userId), ['student-001', 'student-003']);
    await screenshot('group-1280px');

    // A student's row leads to their details; back returns to the same overview, chart drawn again.
    const overviewUrl = page.url();
    await page.locator('tr.student-row[data-user-id="student-001"] th a').click();
    await page.waitForURL(/\/reports\/students\/student-001/);
    await page.getByRole('heading', { level: 1, name: 'Student 001' }).waitFor();
    await page.goBack();
    await page.waitForURL(overviewUrl);
    await page.getByRole('heading', { level: 1, name: 'Activity overview' }).waitFor();
    await settled(page);
    assert.deepEqual(await overviewShown(page), groupShown);

    // Every 60 s the figures come again, without the page around them: the reader's focus and scroll stay.
    // (The browser's clock is ours from here; the group filter swaps in a region whose timer runs on it.)
    await page.clock.install();
    await page.locator('#overview-group').selectOption({ label: 'All students' });
    await page.waitForURL((url) => url.searchParams.get('group') === '');
    await settled(page);
    const before = { active: await page.locator('.figure-active .figure-note').innerText(), table: await page.locator('#course-activity tbody').textContent() };
    const today = localDay(w.clock.now().getTime(), 'UTC');
    await send(course, [['student-004', 'visit', localDayStart(addDays(today, -2), 'UTC') + 8 * 60 * MINUTE]]);
    await page.locator('#student-search').focus();
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    const scrolled = await page.evaluate(() => window.scrollY);
    const refreshed = page.waitForResponse((r) => r.request().headers()['hx-target'] === 'overview-figures');
    await page.clock.runFor(61_000);
    await refreshed;
    await page.locator('.figure-active .figure-note', { hasText: fmt.t('overview.activeStudents', { active: 3, total: 4 }) }).waitFor();
    await settled(page);
    const after = await report(ltik);
    assert.deepEqual(
      {
        active: await page.locator('.figure-active .figure-note').innerText(),
        chartChanged: (await page.locator('#course-activity tbody').textContent()) !== before.table,
        focus: (await focused(page)).id,
        scrollY: await page.evaluate(() => window.scrollY),
      },
      { active: fmt.t('overview.activeStudents', { active: after.students.active7d, total: after.students.total }), chartChanged: true, focus: 'student-search', scrollY: scrolled },
    );
    assert.notEqual(before.active, fmt.t('overview.activeStudents', { active: after.students.active7d, total: after.students.total }));

    // On a phone: the same page in one column, nothing sideways.
    await page.setViewportSize({ width: 360, height: 800 });
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 360);
    await screenshot('group-360px');
  });

  browser.it('takes a keyboard user through the same path: search, group, a student and back, each stop with its focus ring', async ({ page, screenshot }) => {
    await page.setViewportSize({ width: 360, height: 800 });
    const { ltik } = await openCourse(page, 'Keyboard Ecology');
    await screenshot('overview-360px');
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 360);

    // The chart's table opens from the keyboard: the 7 days as text.
    await tabUntil(page, 'the chart table', (f) => f.text === 'Show as table');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#course-activity .chart-table tbody tr').count(), 7);

    await tabUntil(page, 'the search box', (f) => f.id === 'student-search');
    await page.keyboard.type('00', { delay: 40 });
    await page.keyboard.type('2', { delay: 40 });
    await page.waitForURL(/[?&]q=002/);
    await settled(page);
    assert.deepEqual((await overviewShown(page)).names, ['Student 002']);
    assert.equal((await focused(page)).id, 'student-search', 'typing keeps the focus in the search box');
    for (let i = 0; i < 3; i += 1) await page.keyboard.press('Backspace');
    await page.waitForURL((url) => url.searchParams.get('q') === '');
    await settled(page);

    // The group filter from the keyboard (Tab round the page to it): an arrow key chooses the next group.
    await tabUntil(page, 'the group filter', (f) => f.id === 'overview-group');
    await page.keyboard.press('ArrowDown');
    await page.waitForURL((url) => Boolean(url.searchParams.get('group')));
    await settled(page);
    const shown = await overviewShown(page);
    assert.deepEqual({ group: shown.group, names: shown.names, focus: (await focused(page)).id }, { group: 'Lab A', names: ['Student 001', 'Student 003'], focus: 'overview-group' });
    const lab = await report(ltik, `?group=${encodeURIComponent(shown.query.group!)}`);
    assert.equal(shown.active, fmt.t('overview.activeStudents', { active: lab.students.active7d, total: lab.students.total }));

    // Focus on a student's link shows the row's card; Enter opens the student; the page's own link comes back.
    await tabUntil(page, "Student 001's link", (f) => f.text === 'Student 001');
    assert.equal(await page.locator('tr.student-row[data-user-id="student-001"] .student-card').isVisible(), true);
    await screenshot('row-focused-360px');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/reports\/students\/student-001/);
    await page.getByRole('heading', { level: 1, name: 'Student 001' }).waitFor();
    await tabUntil(page, 'the way back', (f) => (f.text ?? '').includes('Back to overview'));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Activity overview' }).waitFor();
    await settled(page);
    assert.equal(new URL(page.url()).pathname, '/reports/overview');
  });

  /** A course of 130 students without activity yet, opened by its teacher in `page` (the launch reads the roster). */
  async function openLongCourse(page: Page, title: string): Promise<string> {
    const course = w.course({ title, members: [instructor, ...students(130)] });
    assert.equal((await w.launchInBrowser(page, { context: course })).status(), 200);
    await settled(page);
    return ltikOfPage(page);
  }

  /** What the long list shows: its names' numbers, "Show more", the live region's words, the focus and the address's `shown`. */
  async function longListShown(page: Page) {
    const names = await page.locator('#student-list tr.student-row th a').allInnerTexts();
    const more = page.locator('#student-more');
    return {
      rows: names.length,
      first: names[0],
      last: names.at(-1),
      inOrder: names.every((name, i) => name === `Student ${String(i + 1).padStart(3, '0')}`),
      more: (await more.count()) ? (await more.innerText()).replace(/\s+/g, ' ').trim() : null,
      announced: await page.locator('#student-list-announce').textContent(),
      focus: (await focused(page)).text,
      shown: new URL(page.url()).searchParams.get('shown'),
    };
  }

  browser.it('shows the first 100 of 130 students; "Show 30 more" adds the rest in place, focuses the first new row, and the address keeps it', async ({ page, screenshot }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    // The page's timers run on a clock the test moves (for the 60-second refresh below).
    await page.clock.install();
    const ltik = await openLongCourse(page, 'Big Lecture');
    assert.deepEqual(await longListShown(page), {
      rows: 100,
      first: 'Student 001',
      last: 'Student 100',
      inOrder: true,
      more: 'Showing 100 of 130 students Show 30 more',
      announced: '',
      focus: null,
      shown: null,
    });
    await page.locator('#student-more').scrollIntoViewIfNeeded();
    await screenshot('long-list-more-1280px');

    await page.getByRole('link', { name: 'Show 30 more' }).click();
    await page.waitForURL((url) => url.searchParams.get('shown') === '200');
    await page.locator('#student-row-130').waitFor();
    await settled(page);
    await page.waitForFunction(() => document.activeElement?.textContent === 'Student 101');
    const opened = { rows: 130, first: 'Student 001', last: 'Student 130', inOrder: true, more: null, announced: 'Showing 130 of 130 students', focus: 'Student 101', shown: '200' };
    assert.deepEqual(await longListShown(page), opened);
    // The pushed address is the link's own, with the ltik: a reload shows the same rows.
    assert.equal(new URL(page.url()).searchParams.get('ltik'), ltik);
    assert.equal(await page.locator('tr.student-row[data-user-id="student-101"] .student-card').isVisible(), true, 'the focused row shows its card');
    await screenshot('long-list-opened-1280px');

    // The 60-second refresh of the figures leaves the rows the reader opened.
    const refreshed = page.waitForResponse((r) => r.request().headers()['hx-target'] === 'overview-figures');
    await page.clock.runFor(61_000);
    await refreshed;
    await settled(page);
    assert.equal(await page.locator('#student-list tr.student-row').count(), 130);

    await page.reload();
    await settled(page);
    assert.deepEqual(await longListShown(page), { ...opened, announced: '', focus: null });
    // Sorting starts again at the first 100, in the new order, and leaves `shown` out of the address.
    await page.locator('#sort-name').click();
    await page.waitForURL((url) => url.searchParams.get('dir') === 'desc');
    await settled(page);
    const sorted = await longListShown(page);
    assert.deepEqual(
      { rows: sorted.rows, first: sorted.first, last: sorted.last, more: sorted.more, shown: sorted.shown },
      { rows: 100, first: 'Student 130', last: 'Student 031', more: 'Showing 100 of 130 students Show 30 more', shown: null },
    );
  });

  browser.it('takes a keyboard user to "Show 30 more" with Tab, and Enter puts the focus on the first new row', async ({ page, screenshot }) => {
    await page.setViewportSize({ width: 360, height: 800 });
    await openLongCourse(page, 'Keyboard Lecture');
    await tabUntil(page, '"Show 30 more"', (f) => f.text === 'Show 30 more', 160);
    await screenshot('long-list-more-focused-360px');
    await page.keyboard.press('Enter');
    await page.waitForURL((url) => url.searchParams.get('shown') === '200');
    await page.waitForFunction(() => document.activeElement?.textContent === 'Student 101');
    await settled(page);
    const shown = await longListShown(page);
    assert.deepEqual(
      { rows: shown.rows, inOrder: shown.inOrder, more: shown.more, announced: shown.announced, focus: shown.focus, ring: (await focused(page)).ring },
      { rows: 130, inOrder: true, more: null, announced: 'Showing 130 of 130 students', focus: 'Student 101', ring: true },
    );
    // Tab goes on from there to the next student.
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).text, 'Student 102');
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 360);
    await screenshot('long-list-opened-360px');
  });
});
