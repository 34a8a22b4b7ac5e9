/**
 * GET /reports/students/:userId (the Activity Details page) and the switcher's GET
 * /reports/students over HTTP, on data that arrived for real (a teacher's launch, the roster and
 * groups from the test LMS, statements POSTed to /xapi/statements) in a course in Oslo time: every
 * figure, table and chart row the page shows is read back from its HTML and compared with what
 * /api/students/:userId answers; each htmx region is the partial the page holds; every refusal.
 */
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { localeFormat, type LocaleFormat, type MessageKey } from '../../src/i18n/index.js';
import type { Day } from '../../src/metrics/index.js';
import type { StudentReport } from '../../src/reports/index.js';
import { renderPartial } from '../../src/views/render.js';
import { studentView } from '../../src/views/student-view.js';
import { BACKEND } from '../support/databases.js';
import { ltikOf } from '../support/lti-world.js';
import { overviewWorld, type OverviewWorld } from '../support/overview-world.js';
import { CLAIMS, DEFAULT_CONTEXT, ROLES, type ContextClaim } from '../support/test-platform.js';
import { learner } from '../support/xapi-world.js';

const ZONE = 'Europe/Oslo';
const CUSTOM_CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/custom';

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#x27;': "'", '&#x60;': '`', '&#x3D;': '=' };
/** Text as the browser reads it from Handlebars' escaped output. */
const decode = (html: string): string => html.replace(/&(amp|lt|gt|quot|#x27|#x60|#x3D);/g, (entity) => ENTITIES[entity]!);
/** The text of an element's HTML: tags dropped, entities decoded. */
const textOf = (html: string): string => decode(html.replace(/<[^>]*>/g, ''));

/** A data-value as the JSON would have it: '' is null, a number is a number, anything else text. */
const valueOf = (raw: string): string | number | null => (raw === '' ? null : Number.isNaN(Number(raw)) ? raw : Number(raw));

/** Every figure the page marks with data-figure: its value and its visible text. */
function figuresOf(html: string): Record<string, { value: string | number | null; text: string }> {
  const figures: Record<string, { value: string | number | null; text: string }> = {};
  for (const [, , key, raw, inner] of html.matchAll(/<(\w+)[^>]*? data-figure="([^"]+)" data-value="([^"]*)"[^>]*>([\s\S]*?)<\/\1>/g)) {
    assert.ok(!(key! in figures), `the figure ${key} is shown once`);
    figures[key!] = { value: valueOf(decode(raw!)), text: textOf(inner!) };
  }
  return figures;
}

/** The table of the chart figure `id`: its caption, column heads and rows of cell text. */
function chartTable(html: string, id: string): { caption: string; columns: string[]; rows: string[][] } | null {
  const figure = new RegExp(`<figure class="chart" id="${id}">([\\s\\S]*?)</figure>`).exec(html)?.[1];
  if (figure === undefined) return null;
  const cells = (row: string) => [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => textOf(m[1]!));
  const [, head = '', body = ''] = /<thead>([\s\S]*?)<\/thead>\s*<tbody>([\s\S]*?)<\/tbody>/.exec(figure) ?? [];
  return {
    caption: textOf(/<caption>([\s\S]*?)<\/caption>/.exec(figure)?.[1] ?? ''),
    columns: cells(head),
    rows: [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => cells(m[1]!)),
  };
}

/** The view-state inputs (name → value), in document order. */
const viewStateOf = (html: string): [string, string][] =>
  [...html.matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)"(?: form="student-switcher")? data-view-state>/g)].map((m) => [m[1]!, decode(m[2]!)]);

/** The toggle buttons: id → aria-pressed. */
const togglesOf = (html: string): Record<string, string> =>
  Object.fromEntries([...html.matchAll(/<button id="([\w-]+)" type="submit" name="\w+" value="\w+" aria-pressed="(true|false)"/g)].map((m) => [m[1]!, m[2]!]));

/** What the page should show of `report` (the JSON), formatted as `fmt` formats. */
function expectedFigures(report: StudentReport, fmt: LocaleFormat) {
  const { perActiveDay, weekToWeek, totals, communication } = report;
  return {
    'perActiveDay.durationSeconds': { value: perActiveDay.durationSeconds, text: fmt.duration(perActiveDay.durationSeconds!) },
    'perActiveDay.visits': { value: perActiveDay.visits, text: fmt.number(perActiveDay.visits!, 2) },
    'weekToWeek.changePercent': { value: weekToWeek.changePercent, text: fmt.percent(weekToWeek.changePercent) },
    'weekToWeek.thisWeekSeconds': { value: weekToWeek.thisWeekSeconds, text: fmt.duration(weekToWeek.thisWeekSeconds) },
    'weekToWeek.previousWeekSeconds': { value: weekToWeek.previousWeekSeconds, text: fmt.duration(weekToWeek.previousWeekSeconds) },
    'totals.durationSeconds': { value: totals.durationSeconds, text: fmt.duration(totals.durationSeconds) },
    'totals.visits': { value: totals.visits, text: fmt.number(totals.visits) },
    'totals.activeDays': { value: totals.activeDays, text: fmt.t('details.activeDays', { days: totals.activeDays }) },
    'totals.lastVisit': { value: totals.lastVisit, text: fmt.dateTime(totals.lastVisit!) },
    'communication.threadsStarted': { value: communication.threadsStarted, text: fmt.number(communication.threadsStarted) },
    'communication.discussionPosts': { value: communication.discussionPosts, text: fmt.number(communication.discussionPosts) },
    'communication.bulletinComments': { value: communication.bulletinComments, text: fmt.number(communication.bulletinComments) },
  };
}

const shortMonth = (fmt: LocaleFormat, month: string) => fmt.t(`details.monthShort.${month.slice(5)}` as MessageKey);

describe(`the Activity Details page (${BACKEND})`, function () {
  this.timeout(120_000);

  let o: OverviewWorld;
  let ltik: string;
  let otherLtik: string;
  let today: Day;
  const context: ContextClaim = { ...DEFAULT_CONTEXT, id: 'details-course', title: 'Cell Biology' };
  const other: ContextClaim = { ...DEFAULT_CONTEXT, id: 'details-other', title: 'Other course' };
  const grace = learner('u-grace', { name: 'Grace Hopper', given_name: 'Grace', family_name: 'Hopper' });
  const jose = learner('u-jose', { name: 'José <Ñúñez>', given_name: 'José', family_name: 'Ñúñez' });
  const left = learner('u-left', { name: 'Left Early', status: 'Inactive' });

  const setClock = (at: number) => o.x.w.clock.advance((at - o.x.w.clock.now().getTime()) / 1000);
  /** Launches are checked against the real time (ltijs); the figures run on the frozen clock. */
  async function atRealTime<T>(body: () => Promise<T>): Promise<T> {
    const frozen = o.x.w.clock.now().getTime();
    setClock(Math.floor(Date.now() / 1000) * 1000);
    try {
      return await body();
    } finally {
      setClock(frozen);
    }
  }

  before(async () => {
    o = await overviewWorld();
    ltik = await o.openCourse(context, [grace, jose, left], { timezone: ZONE, groups: [{ id: 'lab-a', name: 'Lab A', members: ['u-grace'] }] });
    otherLtik = await o.openCourse(other, [learner('u-other')]);
    today = o.noonIn(ZONE);
    const at = (offset: number, time: string) => o.at(today, offset, time, ZONE);
    await o.send(context.id, [
      // The worked example, yesterday: 101 min, 6 actions once the late page views are in.
      ['u-grace', 'visit', at(-1, '09:00')],
      ['u-grace', 'resource', at(-1, '09:10')],
      ['u-grace', 'activity', at(-1, '09:25')],
      ['u-grace', 'post', at(-1, '10:30')],
      ['u-grace', 'resource', at(-1, '10:40')],
      ['u-grace', 'resource', at(-1, '10:10')],
      ['u-grace', 'resource', at(-1, '09:50')],
      // A thread and a comment a week before, and a visit this morning.
      ['u-grace', 'thread', at(-8, '14:00')],
      ['u-grace', 'comment', at(-8, '14:05')],
      ['u-grace', 'visit', at(0, '08:00')],
      ['u-grace', 'resource', at(0, '08:20')],
      // Five weeks ago: another month most days of the year.
      ['u-grace', 'activity', at(-35, '20:00')],
    ]);
    await o.send(other.id, [['u-other', 'visit', o.at(today, 0, '08:00', ZONE)]]);
  });
  after(async () => {
    await o?.close();
  });

  const get = (path: string, token: string | null = ltik, headers: Record<string, string> = {}) => {
    const req = supertest(o.x.w.t.app).get(path).set(headers);
    return token === null ? req : req.set('Authorization', `Bearer ${token}`);
  };
  const json = async (path: string, token = ltik): Promise<StudentReport> => (await get(path.replace('/reports/', '/api/'), token).expect(200)).body as StudentReport;
  const htmx = (target: string) => ({ 'HX-Request': 'true', 'HX-Target': target });

  it('shows every figure of the student as the JSON API has it, the charts’ tables included', async () => {
    const page = await get('/reports/students/u-grace').expect(200).expect('Content-Type', /^text\/html/);
    const report = await json('/reports/students/u-grace');
    const fmt = localeFormat('en', ZONE);
    assert.ok(report.totals.visits >= 3 && report.communication.threadsStarted === 1, 'the data under test arrived');
    assert.deepEqual(figuresOf(page.text), expectedFigures(report, fmt));

    const day = (d: string) => fmt.date(d, 'weekday');
    assert.deepEqual(chartTable(page.text, 'month-chart'), {
      caption: `Activity per day, ${fmt.month(report.month.month)}`,
      columns: ['Date', 'Duration'],
      rows: report.month.days.map((d) => [day(d.date), fmt.duration(d.durationSeconds)]),
    });
    assert.deepEqual(chartTable(page.text, 'heat-chart'), {
      caption: 'Activity heat map, last 12 months',
      columns: ['Date', 'Duration', 'Visits'],
      rows: report.days.map((d) => [fmt.date(d.date, 'short'), fmt.duration(d.durationSeconds), fmt.number(d.visits)]),
    });
    assert.deepEqual(chartTable(page.text, 'communication-chart'), {
      caption: 'Trend over time',
      columns: ['Month', 'Threads started', 'Discussion posts', 'Bulletin comments'],
      rows: report.communicationTrend.map((m) => [
        `${shortMonth(fmt, m.month)} ${m.month.slice(0, 4)}`,
        ...[m.threadsStarted, m.discussionPosts, m.bulletinComments].map((n) => fmt.number(n)),
      ]),
    });

    // Who, where from, and the way on: the switcher lists the course's students, this one chosen.
    const shown = {
      title: /<title>([^<]*)<\/title>/.exec(page.text)?.[1],
      lang: /<html lang="(\w+)">/.exec(page.text)?.[1],
      heading: textOf(/<h1 id="student-title">([\s\S]*?)<\/h1>/.exec(page.text)?.[1] ?? ''),
      groups: textOf(/<p class="student-groups">([\s\S]*?)<\/p>/.exec(page.text)?.[1] ?? ''),
      switcher: [...page.text.matchAll(/<option value="([^"]*)"( selected)?>([^<]*)<\/option>/g)].map((m) => [m[1], textOf(m[3]!), Boolean(m[2])]),
      back: decode(/<a class="back-link" href="([^"]*)"/.exec(page.text)?.[1] ?? ''),
      updated: textOf(/<p class="updated">([\s\S]*?)<\/p>/.exec(page.text)?.[1] ?? ''),
      lmsLink: page.text.includes('class="lms-link"'),
      methodNotes: page.text.match(/<p class="method-note">/g)?.length,
    };
    assert.deepEqual(shown, {
      title: 'Activity details of Grace Hopper – Cell Biology · CoursePulse',
      lang: 'en',
      heading: 'Grace Hopper',
      groups: 'Groups: Lab A',
      switcher: [
        ['u-grace', 'Grace Hopper', true],
        ['u-jose', 'José <Ñúñez>', false],
      ],
      back: `/reports/overview?ltik=${ltik}`,
      updated: `Updated ${fmt.time(o.x.w.clock.now())}`,
      lmsLink: false,
      // Under the figures, the month chart and the heat map while they show durations.
      methodNotes: 3,
    });
    assert.ok(
      page.text.includes(
        `<p class="method-note">Time in course is an estimate: a visit ends after 30 minutes without activity, the last action of a visit counts 60 seconds, a visit counts at most 8 hours; days in ${ZONE}. Visit durations are calculated in real time and may change while students are active.</p>`,
      ),
    );
  });

  it('shows the chosen month, measure and heat map as the JSON for that month has them, and keeps them in every control', async () => {
    const report = await json('/reports/students/u-grace');
    const month = report.month.previousMonth!;
    const page = await get(`/reports/students/u-grace?month=${month}&measure=visits&heat=actions`).expect(200);
    const monthReport = await json(`/reports/students/u-grace?month=${month}`);
    const fmt = localeFormat('en', ZONE);
    assert.deepEqual(chartTable(page.text, 'month-chart'), {
      caption: `Activity per day, ${fmt.month(month)}`,
      columns: ['Date', 'Visits'],
      rows: monthReport.month.days.map((d) => [fmt.date(d.date, 'weekday'), fmt.number(d.visits)]),
    });
    assert.deepEqual(chartTable(page.text, 'heat-chart')?.rows, report.days.map((d) => [fmt.date(d.date, 'short'), ...[d.actions, d.resources, d.activities, d.communication].map((n) => fmt.number(n))]));
    assert.deepEqual(figuresOf(page.text), expectedFigures(report, fmt));

    const step = (id: string) => {
      const link = new RegExp(`<a id="${id}" class="month-step"([^>]*)>`).exec(page.text)?.[1] ?? '';
      return { href: decode(/ href="([^"]*)"/.exec(link)?.[1] ?? ''), vals: decode(/ hx-vals="([^"]*)"/.exec(link)?.[1] ?? ''), disabled: link.includes('aria-disabled="true"') };
    };
    const view = (m: string | null) => (m === null ? '' : `/reports/students/u-grace?${new URLSearchParams({ ltik, month: m, measure: 'visits', heat: 'actions' }).toString()}`);
    assert.deepEqual(
      { state: viewStateOf(page.text), toggles: togglesOf(page.text), previous: step('month-previous'), next: step('month-next') },
      {
        state: [
          ['ltik', ltik],
          ['month', month],
          ['measure', 'visits'],
          ['heat', 'actions'],
        ],
        toggles: { 'measure-duration': 'false', 'measure-visits': 'true', 'heat-duration': 'false', 'heat-actions': 'true' },
        previous: { href: view(monthReport.month.previousMonth), vals: JSON.stringify({ month: monthReport.month.previousMonth }), disabled: false },
        next: { href: view(report.month.month), vals: JSON.stringify({ month: report.month.month }), disabled: false },
      },
    );
    // Durations shown nowhere but in the figures: one method note.
    assert.equal(page.text.match(/<p class="method-note">/g)?.length, 1);

    // The current month cannot step forward: the next step is there, disabled, and links nowhere.
    const current = await get('/reports/students/u-grace').expect(200);
    assert.match(current.text, /<a id="month-next" class="month-step" role="link" aria-disabled="true" tabindex="-1">Next month <span aria-hidden="true">›<\/span><\/a>/);
  });

  it('answers each htmx target with exactly the partial the page holds, and a history restore with the page', async () => {
    const path = '/reports/students/u-grace?month=' + (await json('/reports/students/u-grace')).month.month + '&heat=actions';
    const page = await get(path).expect(200);
    assert.equal(page.headers.vary, 'HX-Request, HX-Target, Accept-Encoding');
    const report = await json(path.replace('&heat=actions', ''));
    const data = studentView(report, localeFormat('en', ZONE), { measure: 'duration', heat: 'actions', now: o.x.w.clock.now(), ltik }).data;
    const answers: Record<string, { partial: string; inPage: boolean; equal: boolean; opens: string }> = {};
    for (const [target, partial] of [
      ['main', 'student-body'],
      ['student-live', 'student-live'],
      ['student-month', 'student-month'],
      ['student-heat', 'student-heat'],
      ['something-else', 'student-body'],
    ] as const) {
      const res = await get(path, ltik, htmx(target)).expect(200);
      assert.ok(!res.text.includes('<html'), `${target}: a partial, not a page`);
      answers[target] = { partial, inPage: page.text.includes(res.text), equal: res.text === renderPartial(partial, data), opens: res.text.slice(0, res.text.indexOf('>') + 1) };
    }
    const opening = (partial: string) => renderPartial(partial, data).slice(0, renderPartial(partial, data).indexOf('>') + 1);
    assert.deepEqual(answers, {
      main: { partial: 'student-body', inPage: true, equal: true, opens: opening('student-body') },
      'student-live': { partial: 'student-live', inPage: true, equal: true, opens: opening('student-live') },
      'student-month': { partial: 'student-month', inPage: true, equal: true, opens: '<section id="student-month" class="student-region" aria-labelledby="month-title">' },
      'student-heat': { partial: 'student-heat', inPage: true, equal: true, opens: '<section id="student-heat" class="student-region" aria-labelledby="heat-title">' },
      'something-else': { partial: 'student-body', inPage: true, equal: true, opens: opening('student-body') },
    });
    assert.ok(opening('student-live').startsWith('<div id="student-live" class="student-live" hx-get="/reports/students/u-grace" hx-include="[data-view-state]" hx-trigger="every 60s"'));
    const restore = await get(path, ltik, { ...htmx('main'), 'HX-History-Restore-Request': 'true' }).expect(200);
    assert.equal(restore.text, page.text);
  });

  it('switches student through GET /reports/students, keeping the month and the toggles', async () => {
    const month = (await json('/reports/students/u-grace')).month.previousMonth!;
    const res = await get(`/reports/students?ltik=${ltik}&student=u-jose&month=${month}&measure=visits&heat=actions`, null).expect(303);
    const location = `/reports/students/u-jose?${new URLSearchParams({ ltik, month, measure: 'visits', heat: 'actions' }).toString()}`;
    assert.equal(res.headers.location, location);
    const jose = await get(location, null).expect(200);
    assert.deepEqual(
      { heading: textOf(/<h1 id="student-title">([\s\S]*?)<\/h1>/.exec(jose.text)?.[1] ?? ''), state: viewStateOf(jose.text) },
      {
        heading: 'José <Ñúñez>',
        // No visits yet: no regions, but the view state still travels with the switcher.
        state: [
          ['ltik', ltik],
          ['month', month],
          ['measure', 'visits'],
          ['heat', 'actions'],
        ],
      },
    );
    // htmx's request (the ltik in its header) gets the same redirect, which the browser follows with the headers.
    const viaHtmx = await get(`/reports/students?student=u-jose&month=${month}&measure=visits&heat=actions`, ltik, htmx('main')).expect(303);
    assert.equal(viaHtmx.headers.location, location);
    const defaults = await get('/reports/students?student=u-grace', ltik).expect(303);
    assert.equal(defaults.headers.location, `/reports/students/u-grace?${new URLSearchParams({ ltik, measure: 'duration', heat: 'duration' }).toString()}`);

    for (const query of ['', '?student=', '?student=u-jose&month=2025-13', '?student=u-jose&heat=colour']) {
      const refused = await get(`/reports/students${query}`).expect(400);
      assert.match(refused.text, /<h1 id="problem-title">This view of the report does not exist<\/h1>/);
      assert.match(refused.text, query.startsWith('?student=u-jose') ? /Choose the month as YYYY-MM/ : /Choose a student from the list\./);
    }
  });

  it('shows a student without visits an empty state, with the switcher and the way back', async () => {
    const page = await get('/reports/students/u-jose').expect(200);
    const live = /<div id="student-live"[\s\S]*$/.exec(page.text)?.[0] ?? '';
    assert.deepEqual(
      {
        figures: figuresOf(page.text),
        empty: textOf(/<div class="empty-state">([\s\S]*?)<\/div>/.exec(live)?.[1] ?? '').replace(/\s+/g, ' ').trim(),
        switcher: page.text.includes('<form id="student-switcher"'),
        back: decode(/<a class="back-link" href="([^"]*)"/.exec(page.text)?.[1] ?? ''),
        charts: page.text.includes('class="chart"'),
      },
      {
        figures: {},
        empty: 'No visits yet José <Ñúñez> has not visited the course yet, or their activity has not reached CoursePulse.',
        switcher: true,
        back: `/reports/overview?ltik=${ltik}`,
        charts: false,
      },
    );
  });

  it('answers 400 with a page for a month, measure or heat map it cannot show', async () => {
    for (const query of ['month=2025-13', 'month=2025-3', 'month=March', 'month=0999-01', 'month=2025-01&month=2025-02', 'measure=hours', 'heat=colour', 'measure=']) {
      const res = await get(`/reports/students/u-grace?${query}`).expect(400);
      assert.deepEqual(
        { title: textOf(/<h1 id="problem-title">([\s\S]*?)<\/h1>/.exec(res.text)?.[1] ?? ''), full: res.text.startsWith('<!doctype html>') },
        { title: 'This view of the report does not exist', full: true },
        query,
      );
    }
    // For htmx, the message takes the place of the report.
    const swapped = await get('/reports/students/u-grace?month=2025-13', ltik, htmx('student-month')).expect(400);
    assert.deepEqual([swapped.headers['hx-retarget'], swapped.text.startsWith('<section class="notice"')], ['#main', true]);
    // Parameters the page does not know are left alone (the ltik, a link's extras).
    await get(`/reports/students/u-grace?ltik=${ltik}&from=overview`, null).expect(200);
  });

  it('answers 404 with a page for anyone who is not a student of the course', async () => {
    for (const userId of ['instructor-1', 'u-left', 'u-nobody', 'u-other']) {
      for (const headers of [{}, htmx('main'), htmx('student-month')]) {
        const res = await get(`/reports/students/${userId}`, ltik, headers).expect(404);
        assert.match(res.text, /<h1 id="problem-title">Student not found<\/h1>/, userId);
        assert.ok(!res.text.includes(userId === 'u-other' ? 'Other course' : 'Left Early'), 'nothing of the person shows');
      }
    }
    // The other course's teacher sees their student and not this course's.
    await get('/reports/students/u-other', otherLtik).expect(200);
    await get('/reports/students/u-grace', otherLtik).expect(404);
  });

  it('refuses without a ltik (401), and a learner’s ltik or one naming another course (403), on the page and each region', async () => {
    const learnerLtik = await atRealTime(async () => {
      const { response } = await o.x.platform.launch(supertest.agent(o.x.w.t.app), { context, sub: 'instructor-2' });
      assert.equal(response.status, 200, response.text);
      return ltikOf(response.text);
    });
    // The platform demoted the teacher: the stored launch's roles now say Learner.
    await o.x.w.t.db.query(`update lti_store set doc = jsonb_set(doc, '{roles}', $1::jsonb) where collection = 'contexttoken' and doc->>'user' = $2`, [
      JSON.stringify([ROLES.learner]),
      'instructor-2',
    ]);
    const answers: string[] = [];
    for (const headers of [{}, htmx('main'), htmx('student-live'), htmx('student-month'), htmx('student-heat')]) {
      const target = (headers as Record<string, string>)['HX-Target'] ?? 'page';
      const missing = await get('/reports/students/u-grace', null, headers);
      const demoted = await get('/reports/students/u-grace', learnerLtik, headers);
      const elsewhere = await get(`/reports/students/u-grace?course=${other.id}`, ltik, headers);
      const switched = await get('/reports/students?student=u-grace', learnerLtik, headers);
      answers.push(`${target}: ${missing.status} ${demoted.status} ${elsewhere.status} ${switched.status}`);
      assert.ok(![missing, demoted, elsewhere, switched].some((r) => r.text.includes('Grace Hopper')), 'nothing of the student shows');
      assert.match(demoted.text, /This report is for the course’s teachers/);
      assert.match(elsewhere.text, /This is another course/);
    }
    assert.deepEqual(answers, ['page: 401 403 403 403', 'main: 401 403 403 403', 'student-live: 401 403 403 403', 'student-month: 401 403 403 403', 'student-heat: 401 403 403 403']);
  });

  it('speaks Norwegian to a teacher who launched in Norwegian (launch_presentation.locale nb-NO)', async () => {
    const norwegian = await atRealTime(async () => {
      const launchPresentation = { document_target: 'iframe', return_url: `${o.x.platform.issuer}/return`, locale: 'nb-NO' };
      const { response } = await o.x.platform.launch(supertest.agent(o.x.w.t.app), { context, sub: 'instructor-nb', claims: { [CLAIMS.launchPresentation]: launchPresentation } });
      assert.equal(response.status, 200, response.text);
      return ltikOf(response.text);
    });
    const page = await get('/reports/students/u-grace', norwegian).expect(200);
    const report = await json('/reports/students/u-grace', norwegian);
    const fmt = localeFormat('nb', ZONE);
    assert.deepEqual(figuresOf(page.text), expectedFigures(report, fmt));
    assert.deepEqual(
      {
        lang: /<html lang="(\w+)">/.exec(page.text)?.[1],
        title: /<title>([^<]*)<\/title>/.exec(page.text)?.[1],
        kicker: /<p class="kicker">([^<]*)<\/p>/.exec(page.text)?.[1],
        headings: [...page.text.matchAll(/<h2 id="[\w-]+"[^>]*>([^<]*)<\/h2>/g)].map((m) => m[1]),
        toggles: [...page.text.matchAll(/aria-pressed="(?:true|false)"[^>]*>([^<]*)<\/button>/g)].map((m) => m[1]),
        back: textOf(/<a class="back-link"[^>]*>([\s\S]*?)<\/a>/.exec(page.text)?.[1] ?? ''),
        monthCaption: chartTable(page.text, 'month-chart')?.caption,
        heatColumns: chartTable(page.text, 'heat-chart')?.columns,
      },
      {
        lang: 'nb',
        title: 'Aktivitetsdetaljer for Grace Hopper – Cell Biology · CoursePulse',
        kicker: 'Aktivitetsdetaljer',
        headings: ['Nøkkeltall', 'Aktivitet per dag', 'Varmekart over aktiviteten de siste 12 månedene', 'Kommunikasjon'],
        toggles: ['Besøkstid', 'Besøk', 'Besøkstid', 'Utførte handlinger'],
        back: '← Tilbake til oversikten',
        monthCaption: `Aktivitet per dag, ${fmt.month(report.month.month)}`,
        heatColumns: ['Dato', 'Besøkstid', 'Besøk'],
      },
    );
    const refused = await get('/reports/students/u-nobody', norwegian).expect(404);
    const badMonth = await get('/reports/students/u-grace?month=2025-13', norwegian).expect(400);
    assert.deepEqual(
      [refused, badMonth].map((r) => ({ lang: /<html lang="(\w+)">/.exec(r.text)?.[1], heading: /<h1 id="problem-title">([^<]*)<\/h1>/.exec(r.text)?.[1] })),
      [
        { lang: 'nb', heading: 'Fant ikke studenten' },
        { lang: 'nb', heading: fmt.t('details.badQuery.title') },
      ],
    );
  });

  it('links to the course’s grades in the LMS, in a new tab, when the launch gives the way (Canvas)', async () => {
    const canvas = await atRealTime(async () => {
      const custom = { canvas_course_id: '4711', canvas_api_base_url: 'https://school.instructure.com' };
      const { response } = await o.x.platform.launch(supertest.agent(o.x.w.t.app), { context, sub: 'instructor-canvas', claims: { [CUSTOM_CLAIM]: custom } });
      assert.equal(response.status, 200, response.text);
      return ltikOf(response.text);
    });
    const page = await get('/reports/students/u-grace', canvas).expect(200);
    assert.equal(
      /<a class="lms-link"[^>]*>[\s\S]*?<\/a>/.exec(page.text)?.[0],
      '<a class="lms-link" href="https://school.instructure.com/courses/4711/grades" target="_blank" rel="noopener noreferrer">Course grades in the LMS <span class="new-tab">(opens in a new tab)</span></a>',
    );
  });
});
