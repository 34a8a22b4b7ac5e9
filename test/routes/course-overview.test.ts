/**
 * GET /reports/overview over HTTP, on data that arrived for real (a teacher's launch, the roster
 * and groups from the test LMS, statements POSTed to /xapi/statements) in a course in Oslo time:
 * the full page and each region htmx asks for, the figures against /api/overview's, the group
 * filter, the search, the orders, the links that keep working without JavaScript, the empty
 * course, the Norwegian page, every refusal, the paging of a long list ("Show 100 more"), and
 * how many queries the page's data costs.
 */
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { localeFormat } from '../../src/i18n/index.js';
import type { Day } from '../../src/metrics/index.js';
import type { OverviewReport } from '../../src/reports/index.js';
import { REPORT_READS_TTL_MS, ReportReads } from '../../src/reports/report-reads.js';
import { overviewView, type OverviewQuery } from '../../src/routes/course-overview.js';
import { countingDatabase } from '../support/counting-database.js';
import { BACKEND } from '../support/databases.js';
import { ltikOf } from '../support/lti-world.js';
import { overviewWorld, type OverviewWorld } from '../support/overview-world.js';
import { students } from '../support/roster-members.js';
import { CLAIMS, DEFAULT_CONTEXT, ROLES, type ContextClaim } from '../support/test-platform.js';
import { learner, SETTINGS } from '../support/xapi-world.js';

const ZONE = 'Europe/Oslo';
const en = localeFormat('en', ZONE);
const ADMINISTRATOR = 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#x27': "'", '#x60': '`', '#x3D': '=' };
/** Text as Handlebars escaped it, read back. */
const decode = (text: string): string => text.replace(/&(amp|lt|gt|quot|#x27|#x60|#x3D);/g, (_, name: string) => ENTITIES[name]!);

/** The attributes of a start tag's text (`a="1" b="2"`), decoded. */
function attributes(tag: string): Record<string, string> {
  return Object.fromEntries([...tag.matchAll(/([\w-]+)="([^"]*)"/g)].map((m) => [m[1]!, decode(m[2]!)]));
}

function only(html: string, pattern: RegExp): RegExpExecArray {
  const matches = [...html.matchAll(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`))];
  assert.equal(matches.length, 1, `exactly one ${pattern} in the page`);
  return matches[0] as RegExpExecArray;
}

/** What the page shows of the figures and the list, read from its data- attributes and the chart's table. */
function shownFigures(html: string) {
  const active = attributes(only(html, /<p class="figure-value" (data-active[^>]*)>/)[1]!);
  const average = attributes(only(html, /<p class="figure-value" (data-seconds[^>]*)>/)[1]!);
  const chartBody = only(html, /<figure class="chart" id="course-activity">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/)[1]!;
  const chart = [...chartBody.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<t[hd][^>]*>([^<]*)<\/t[hd]>/g)].map((cell) => decode(cell[1]!)));
  return { active: active['data-active'], total: active['data-total'], average: average['data-seconds'], chart, list: shownList(html) };
}

/** The rows of the student list: the figures of each row's data- attributes, its name and its 7 days. */
function shownList(html: string) {
  return [...html.matchAll(/<tr class="student-row" ([^>]*)>([\s\S]*?)<\/tr>/g)].map((row) => {
    const a = attributes(row[1]!);
    return {
      userId: a['data-user-id'],
      name: decode(/aria-describedby="[^"]*">([^<]*)<\/a>/.exec(row[2]!)![1]!),
      totalVisits: a['data-total-visits'],
      totalDurationSeconds: a['data-total-seconds'],
      averageVisitSeconds: a['data-average-seconds'],
      lastVisit: a['data-last-visit'],
      last7Days: attributes(/<svg class="week-bars" ([^>]*)>/.exec(row[2]!)![1]!)['data-week'],
    };
  });
}

/** The same, from the JSON of /api/overview, as text. */
function expectedFigures(report: OverviewReport) {
  return {
    active: String(report.students.active7d),
    total: String(report.students.total),
    average: report.averageVisitSeconds === null ? '' : String(report.averageVisitSeconds),
    chart: report.last7Days.map((d) => [
      en.date(d.date, 'weekday'),
      en.number(d.visits),
      en.number(d.visitors),
      d.averageVisitSeconds === null ? en.t('overview.courseActivity.noVisits') : en.duration(d.averageVisitSeconds),
    ]),
    list: expectedList(report),
  };
}

function expectedList(report: OverviewReport) {
  return report.list.map((s) => ({
    userId: s.userId,
    name: s.name,
    totalVisits: String(s.totalVisits),
    totalDurationSeconds: String(s.totalDurationSeconds),
    averageVisitSeconds: s.averageVisitSeconds === null ? '' : String(s.averageVisitSeconds),
    lastVisit: s.lastVisit ?? '',
    last7Days: s.last7Days.map((d) => `${d.visits}/${d.durationSeconds}`).join(' '),
  }));
}

const userIds = (html: string): string[] => shownList(html).map((row) => row.userId ?? '');

describe(`the Activity Overview page (${BACKEND})`, function () {
  this.timeout(120_000);

  let o: OverviewWorld;
  let ltik: string;
  let otherLtik: string;
  let today: Day;
  let rosterReadAt: Date;
  const context: ContextClaim = { ...DEFAULT_CONTEXT, id: 'page-course', title: 'Cell Biology' };
  const other: ContextClaim = { ...DEFAULT_CONTEXT, id: 'page-other', title: 'Other course' };
  const empty: ContextClaim = { ...DEFAULT_CONTEXT, id: 'page-empty', title: 'Quiet course' };

  const ana = learner('s-ana', { name: 'Ana Álvarez', given_name: 'Ana', family_name: 'Álvarez' });
  const bob = learner('s-bob', { name: 'Bob Berg', given_name: 'Bob', family_name: 'Berg' });
  const eve = learner('s-eve', { name: 'Eve <Zed> & "Co"', given_name: 'Eve', family_name: 'Zed' });
  const tom = learner('s-tom', { name: 'Tom Smith', given_name: 'Tom', family_name: 'Smith' });
  const labA = 'lti-gs:lab-a';

  before(async () => {
    o = await overviewWorld();
    ltik = await o.openCourse(context, [ana, bob, eve, tom], { timezone: ZONE, groups: [{ id: 'lab-a', name: 'Lab A', members: ['s-ana', 's-tom'] }] });
    // The clock stands still until noonIn: the roster read just now is stamped with this instant.
    rosterReadAt = o.x.w.clock.now();
    otherLtik = await o.openCourse(other, [ana], { groups: [{ id: 'other-lab', name: 'Other lab', members: ['s-ana'] }] });
    today = o.noonIn(ZONE);
    const at = (offset: number, time: string) => o.at(today, offset, time, ZONE);
    await o.send(context.id, [
      // The worked example, today: 1560 s + 660 s.
      ['s-ana', 'visit', at(0, '09:00')],
      ['s-ana', 'resource', at(0, '09:10')],
      ['s-ana', 'activity', at(0, '09:25')],
      ['s-ana', 'post', at(0, '10:30')],
      ['s-ana', 'resource', at(0, '10:40')],
      // Ten days ago (before the chart, in the totals) and three days ago.
      ['s-bob', 'visit', at(-10, '14:00')],
      ['s-bob', 'resource', at(-10, '14:20')],
      ['s-bob', 'visit', at(-3, '08:00')],
      ['s-eve', 'visit', at(-2, '22:30')],
      ['s-eve', 'resource', at(-2, '22:31')],
    ]);
    await o.send(other.id, [['s-ana', 'visit', at(0, '08:00')]]);
  });
  after(async () => {
    await o.close();
  });

  const get = (path: string, token: string | null = ltik, headers: Record<string, string> = {}) => {
    const req = supertest(o.x.w.t.app).get(path).set(headers);
    return token === null ? req : req.set('Authorization', `Bearer ${token}`);
  };
  const htmx = (target: string) => ({ 'HX-Request': 'true', 'HX-Target': target });
  const api = async (query = ''): Promise<OverviewReport> => (await get(`/api/overview${query}`).expect(200)).body as OverviewReport;

  it('answers the full page, and to htmx exactly the region the page holds for each target; a history restore gets the page', async () => {
    const page = await get('/reports/overview').expect(200);
    assert.match(page.text, /^<!doctype html>/);
    assert.equal(page.headers.vary, 'HX-Request, HX-Target, Accept-Encoding');
    const body = await get('/reports/overview', ltik, { 'HX-Request': 'true' }).expect(200);
    const main = await get('/reports/overview', ltik, htmx('main')).expect(200);
    const figures = await get('/reports/overview', ltik, htmx('overview-figures')).expect(200);
    const list = await get('/reports/overview', ltik, htmx('student-list')).expect(200);
    const restore = await get('/reports/overview', ltik, { ...htmx('student-list'), 'HX-History-Restore-Request': 'true' }).expect(200);
    const regions = { body: body.text, main: main.text, figures: figures.text, list: list.text };
    for (const [name, text] of Object.entries(regions)) assert.ok(!text.includes('<html'), `${name} is a partial`);
    assert.equal(main.text, body.text, 'any other target gets the whole body');
    assert.ok(page.text.includes(`<main id="main" tabindex="-1">\n${body.text}`), 'the page holds the body');
    assert.ok(body.text.includes(`hx-trigger="every 60s" hx-swap="innerHTML">\n${figures.text}  </div>`), 'the body holds the figures region');
    assert.ok(body.text.includes(`<div id="student-list">\n${list.text}    </div>`), 'the body holds the list region');
    assert.ok(!figures.text.includes('student-row') && figures.text.includes('course-activity'), 'the figures region holds the figures only');
    assert.ok(!list.text.includes('course-activity') && !list.text.includes('id="student-search"') && list.text.includes('student-row'), 'the list region holds the list only');
    assert.equal(restore.text, page.text);
  });

  it('shows the figures of /api/overview: active students, the 7 days, the average and every row', async () => {
    const page = await get('/reports/overview').expect(200);
    const report = await api();
    assert.deepEqual(shownFigures(page.text), expectedFigures(report));
    // The method in force and the time of the figures, in the course's zone.
    assert.ok(page.text.includes(en.t('report.method', { timeout: 30, credit: 60, cap: 8, timezone: ZONE })));
    assert.ok(page.text.includes(`<time datetime="${o.x.w.clock.now().toISOString()}">Updated ${en.time(o.x.w.clock.now())}</time>`));
    // The 7-day chart's tooltip fields: date, visits, visitors, average visit duration (no bar on empty days).
    const spec = JSON.parse(only(page.text, /<script type="application\/json" class="chart-spec">([\s\S]*?)<\/script>/)[1]!) as {
      data: { values: Array<Record<string, unknown>> };
      encoding: { tooltip: Array<{ title: string }> };
    };
    assert.deepEqual(spec.encoding.tooltip.map((field) => field.title), ['Date', 'Visits', 'Visitors', 'Average visit duration']);
    assert.deepEqual(spec.data.values.map((v) => v.date), report.last7Days.filter((d) => d.visits > 0).map((d) => d.date));
  });

  it("reads the page's data in five queries, the report's, which carry the roster line and the groups' members too, and shares them until the course changes", async () => {
    // A wrapper over the test's real database that counts what goes out; each query is a round trip
    // (CPU on both ends, a pooled connection held). The page used to make 8: the report's 5, the
    // course row and the active members' roles again for the roster line, and the groups again.
    const { db: counted, queries } = countingDatabase(o.x.w.t.db);
    // The session require-course.ts makes of the teacher's ltik (its own queries are not the page's).
    const session = { platformId: o.x.platformId, contextId: context.id, userId: 'instructor-1', roles: [ROLES.instructor], courseTitle: context.title ?? null, locale: null, ltik };
    const reports = new ReportReads(() => o.x.w.clock.now());
    const deps = { db: counted, now: () => o.x.w.clock.now(), settings: SETTINGS, publicUrl: o.x.w.tool.url, reports };
    const countFor = async (query: OverviewQuery) => {
      const before = queries();
      const view = await overviewView(deps, session, query);
      return { queries: queries() - before, roster: view.data.roster.text };
    };
    const rosterLine = async (path: string) => decode(only((await get(path).expect(200)).text, /<p class="roster-line"[^>]*>([^<]*)<\/p>/)[1]!);
    // The roster line is the whole course's (4 students), whatever the group, as the pages show it.
    const line = en.t('overview.rosterRead', { count: 4, time: en.time(rosterReadAt) });
    const course = { platformId: o.x.platformId, contextId: context.id };
    assert.deepEqual(
      {
        whole: await countFor({}),
        // The same course's reads, shared (report-reads.ts): another group, search and order need none.
        group: await countFor({ group: labA, q: 'a', sort: 'total', dir: 'desc', shown: 1 }),
        // A change to the course forgets them; so does the time running out (another instance's change).
        changed: (reports.forget(course), await countFor({})),
        later: (o.x.w.clock.advance(REPORT_READS_TTL_MS / 1000), await countFor({})),
        pages: [await rosterLine('/reports/overview'), await rosterLine(`/reports/overview?group=${encodeURIComponent(labA)}`)],
      },
      {
        whole: { queries: 5, roster: line },
        group: { queries: 0, roster: line },
        changed: { queries: 5, roster: line },
        later: { queries: 5, roster: line },
        pages: [line, line],
      },
    );
  });

  it('follows the group in the figures and the list, and keeps it in the figures region and the links', async () => {
    const query = `?group=${encodeURIComponent(labA)}`;
    const page = await get(`/reports/overview${query}`).expect(200);
    const report = await api(query);
    assert.equal(report.students.total, 2);
    assert.deepEqual(shownFigures(page.text), expectedFigures(report));
    assert.match(page.text, new RegExp(`<option value="${labA}" selected>Lab A</option>`));
    assert.deepEqual(
      {
        refresh: decode(only(page.text, /<div id="overview-figures" class="overview-figures" hx-get="([^"]*)"/)[1]!),
        csv: decode(only(page.text, /<a class="csv-link" href="([^"]*)" download>/)[1]!),
      },
      { refresh: `/reports/overview${query}`, csv: `/reports/overview/students.csv?ltik=${encodeURIComponent(ltik)}&group=${encodeURIComponent(labA)}` },
    );
    // The region of a group's figures, as the 60-second refresh asks for it, holds the same figures.
    const figures = await get(`/reports/overview${query}`, ltik, htmx('overview-figures')).expect(200);
    assert.ok(page.text.includes(figures.text));
  });

  it('narrows the list only by the search, and says when nobody matches', async () => {
    const whole = await api();
    const page = await get('/reports/overview?q=ALVAREZ').expect(200);
    const searched = await api('?q=ALVAREZ');
    assert.deepEqual(shownFigures(page.text), { ...expectedFigures(whole), list: expectedList(searched) });
    assert.deepEqual(userIds(page.text), ['s-ana']);
    assert.ok(page.text.includes('<input id="student-search" type="search" name="q" value="ALVAREZ"'));
    const list = await get('/reports/overview?q=alv', ltik, htmx('student-list')).expect(200);
    assert.deepEqual(
      { rows: shownList(list.text), count: /<p class="list-count" role="status">([^<]*)<\/p>/.exec(list.text)?.[1] },
      { rows: expectedList(searched), count: en.t('students.showing', { shown: 1, total: 4 }) },
    );
    const none = await get('/reports/overview?q=zzz', ltik, htmx('student-list')).expect(200);
    assert.deepEqual(
      { rows: shownList(none.text), empty: decode(/<p class="list-empty">([^<]*)<\/p>/.exec(none.text)?.[1] ?? '') },
      { rows: [], empty: 'No students match “zzz”.' },
    );
    // A group and a search together: the group's figures, its matching students.
    const both = await get(`/reports/overview?group=${encodeURIComponent(labA)}&q=tom`).expect(200);
    assert.deepEqual(shownFigures(both.text), { ...expectedFigures(await api(`?group=${encodeURIComponent(labA)}`)), list: expectedList(await api(`?group=${encodeURIComponent(labA)}&q=tom`)) });
  });

  it('sorts by name, last visit, total and average duration, both ways, with aria-sort on the column and links that keep group and search', async () => {
    const orders: Record<string, string[]> = {};
    for (const sort of ['name', 'lastVisit', 'total', 'average']) {
      for (const dir of ['asc', 'desc']) {
        const list = await get(`/reports/overview?sort=${sort}&dir=${dir}`, ltik, htmx('student-list')).expect(200);
        const sorted = [...list.text.matchAll(/<th scope="col" class="col-(\w+)" aria-sort="(\w+)">/g)].map((m) => `${m[1]} ${m[2]}`);
        assert.deepEqual(sorted, [`${sort} ${dir === 'asc' ? 'ascending' : 'descending'}`]);
        orders[`${sort} ${dir}`] = userIds(list.text);
      }
    }
    assert.deepEqual(orders, {
      // By family name: Álvarez, Berg, Smith, Zed.
      'name asc': ['s-ana', 's-bob', 's-tom', 's-eve'],
      'name desc': ['s-eve', 's-tom', 's-bob', 's-ana'],
      // Students without the figure (Tom never visited) come last both ways.
      'lastVisit asc': ['s-bob', 's-eve', 's-ana', 's-tom'],
      'lastVisit desc': ['s-ana', 's-eve', 's-bob', 's-tom'],
      'total asc': ['s-tom', 's-eve', 's-bob', 's-ana'],
      'total desc': ['s-ana', 's-bob', 's-eve', 's-tom'],
      'average asc': ['s-eve', 's-bob', 's-ana', 's-tom'],
      'average desc': ['s-ana', 's-bob', 's-eve', 's-tom'],
    });
    // Without an order asked for: by name; each column's link sorts by it, the current one the other way.
    assert.deepEqual(userIds((await get('/reports/overview').expect(200)).text), orders['name asc']);
    const query = `group=${encodeURIComponent(labA)}&q=a`;
    const list = await get(`/reports/overview?${query}&sort=total&dir=desc`, ltik, htmx('student-list')).expect(200);
    const links = [...list.text.matchAll(/<a id="sort-(\w+)" href="([^"]*)" hx-get="([^"]*)" hx-target="#student-list" hx-push-url="([^"]*)">/g)].map((m) => ({
      column: m[1],
      href: decode(m[2]!),
      hxGet: decode(m[3]!),
      pushUrl: decode(m[4]!),
    }));
    const sortQuery = (sort: string, dir: string) => (sort === 'name' && dir === 'asc' ? '' : `&sort=${sort}&dir=${dir}`);
    assert.deepEqual(
      links,
      [
        ['name', 'asc'],
        ['lastVisit', 'desc'],
        ['total', 'asc'],
        ['average', 'desc'],
      ].map(([column, dir]) => ({
        column,
        href: `/reports/overview?ltik=${encodeURIComponent(ltik)}&${query}${sortQuery(column!, dir!)}`,
        hxGet: `/reports/overview?${query}${sortQuery(column!, dir!)}`,
        pushUrl: `/reports/overview?ltik=${encodeURIComponent(ltik)}&${query}${sortQuery(column!, dir!)}`,
      })),
    );
    // The list keeps its order for the search form (its hidden fields belong to the filter form).
    assert.ok(list.text.startsWith('<input type="hidden" name="sort" value="total" form="overview-filter">\n<input type="hidden" name="dir" value="desc" form="overview-filter">'));
  });

  it('works without JavaScript: the filter and the search are one GET form with the ltik, the links carry it', async () => {
    const page = await get('/reports/overview').expect(200);
    const form = only(page.text, /<form id="overview-filter"[^>]*>([\s\S]*?)<\/form>/);
    assert.match(form[0], /method="get" action="\/reports\/overview"/);
    assert.ok(form[1]!.includes(`<input type="hidden" name="ltik" value="${ltik}">`));
    assert.match(form[1]!, /<label for="overview-group">Group<\/label>\s*<select id="overview-group" name="group">/);
    assert.match(page.text, /<label for="student-search">Search students<\/label>\s*<input id="student-search" type="search" name="q"[^>]* form="overview-filter"/);
    assert.match(page.text, /<button class="secondary no-script" type="submit" form="overview-filter">Search<\/button>/);
    // What a browser without JavaScript sends for that form, the ltik in the query and no header.
    const submitted = await get(`/reports/overview?ltik=${encodeURIComponent(ltik)}&group=&q=o&sort=average&dir=desc`, null).expect(200);
    assert.deepEqual(userIds(submitted.text), ['s-bob', 's-eve', 's-tom']);
    // A student's row leads to their details, with the ltik for plain browsers and htmx's own request.
    // A student's row leads to their details: a plain link with the ltik, boosted by htmx into #main.
    assert.deepEqual(
      {
        tbody: attributes(only(page.text, /<tbody (hx-boost[^>]*)>/)[1]!),
        link: decode(only(page.text, /<a href="([^"]*)" aria-describedby="student-card-0">Ana Álvarez<\/a>/)[1]!),
      },
      {
        tbody: { 'hx-boost': 'true', 'hx-target': '#main', 'hx-select': '#main', 'hx-swap': 'outerHTML' },
        link: `/reports/students/s-ana?ltik=${encodeURIComponent(ltik)}`,
      },
    );
  });

  it("shows each row's card: total visits, total duration, last visit and groups; each day with visits has its tooltip", async () => {
    const page = await get('/reports/overview').expect(200);
    const cards = [...page.text.matchAll(/<div class="student-card" id="(student-card-\d+)" role="tooltip">([\s\S]*?)<\/div>/g)].map((m) => ({
      id: m[1],
      entries: [...m[2]!.matchAll(/<dt>([^<]*)<\/dt><dd>([^<]*)<\/dd>/g)].map((e) => `${decode(e[1]!)}: ${decode(e[2]!)}`),
    }));
    const report = await api();
    const card = (i: number, groups: string) => {
      const s = report.list[i]!;
      return {
        id: `student-card-${i}`,
        entries: [
          `Total visits: ${s.totalVisits}`,
          `Total duration: ${en.duration(s.totalDurationSeconds)}`,
          `Last visit: ${s.lastVisit ? en.dateTime(s.lastVisit) : 'No visits yet'}`,
          `Groups: ${groups}`,
        ],
      };
    };
    assert.deepEqual(cards, [card(0, 'Lab A'), card(1, 'No group'), card(2, 'Lab A'), card(3, 'No group')]);
    const ana = only(page.text, /<tr class="student-row" data-user-id="s-ana"[\s\S]*?<\/tr>/)[0];
    const tooltips = [...ana.matchAll(/<title>([^<]*)<\/title>/g)].map((m) => decode(m[1]!));
    assert.deepEqual(tooltips, [`${en.date(today, 'weekday')}: 2 visits, ${en.duration(2220)}`]);
    assert.match(ana, new RegExp(`role="img" aria-label="Ana Álvarez: ${en.duration(2220)} in 2 visits in the last 7 days."`));
  });

  it('explains an empty course, and tells an administrator where activity goes', async () => {
    const teacher = await o.openCourse(empty, [tom]);
    const page = await get('/reports/overview', teacher).expect(200);
    const emptyState = (html: string) => [...(only(html, /<div class="empty-state">([\s\S]*?)<\/div>/)[1] ?? '').matchAll(/<(?:h2|p)[^>]*>([^<]*)</g)].map((m) => decode(m[1]!));
    assert.deepEqual(emptyState(page.text), [en.t('overview.empty.title'), en.t('overview.empty.text'), en.t('overview.empty.launchesCount')]);
    assert.deepEqual(userIds(page.text), ['s-tom']);
    const { response } = await o.x.platform.launch(supertest.agent(o.x.w.t.app), { context: empty, sub: 'admin-1', roles: [ADMINISTRATOR] });
    assert.equal(response.status, 200, response.text);
    const url = o.x.w.tool.url;
    assert.deepEqual(emptyState(response.text), [
      en.t('overview.empty.title'),
      en.t('overview.empty.text'),
      en.t('overview.empty.launchesCount'),
      en.t('overview.empty.admin', { xapiEndpoint: `${url}/xapi/`, caliperEndpoint: `${url}/caliper`, adminUrl: `${url}/admin` }),
    ]);
    // A group without activity in a course with activity is no empty course: its figures are zeros.
    const lab = await get(`/reports/overview?group=${encodeURIComponent(labA)}&q=tom`).expect(200);
    assert.ok(!lab.text.includes('empty-state'));
  });

  it('says when the latest roster read failed, and which roster it shows', async () => {
    const teacher = await o.openCourse({ ...DEFAULT_CONTEXT, id: 'page-roster', title: 'Roster trouble' }, [tom]);
    const readAt = o.x.w.clock.now();
    const shown = async (syncedAt: Date | null) => {
      await o.x.w.t.db.query(`update courses set roster_error = 'the LMS answered 503', roster_synced_at = $3 where platform_id = $1 and context_id = $2`, [
        o.x.platformId,
        'page-roster',
        syncedAt,
      ]);
      // Written behind the app's back, as another instance's refresher would: seen once the reads' time is up.
      o.x.w.clock.advance(REPORT_READS_TTL_MS / 1000);
      const page = await get('/reports/overview', teacher).expect(200);
      return [...page.text.matchAll(/<p class="(roster-line|warning)"[^>]*>([^<]*)<\/p>/g)].map((m) => `${m[1]}: ${decode(m[2]!)}`);
    };
    assert.deepEqual(await shown(readAt), [
      // A course without a zone of its own: times in the TIMEZONE setting's (UTC here).
      `roster-line: 1 student on the roster, read from the LMS at ${localeFormat('en', 'UTC').time(readAt)}.`,
      'warning: The latest roster could not be read from the LMS (the LMS answered 503). CoursePulse shows the roster it read before.',
    ]);
    assert.deepEqual(await shown(null), [
      'roster-line: 1 student on the roster.',
      'warning: The latest roster could not be read from the LMS (the LMS answered 503). Ask your LMS administrator to check that CoursePulse may use the roster service (Names and Role Provisioning).',
    ]);
  });

  it('speaks Norwegian to a Norwegian launch', async () => {
    const { response } = await o.x.platform.launch(supertest.agent(o.x.w.t.app), {
      context,
      claims: { [CLAIMS.launchPresentation]: { document_target: 'iframe', locale: 'nb-NO' } },
    });
    assert.equal(response.status, 200, response.text);
    const nb = localeFormat('nb', ZONE);
    const page = await get('/reports/overview', ltikOf(response.text)).expect(200);
    const report = await api();
    const shown = {
      lang: /<html lang="([^"]+)">/.exec(page.text)?.[1],
      title: decode(/<title>([^<]*)<\/title>/.exec(page.text)?.[1] ?? ''),
      h1: /<h1 id="report-title">([^<]*)<\/h1>/.exec(page.text)?.[1],
      nav: [...page.text.matchAll(/hx-target="#main" hx-push-url="[^"]*"(?: aria-current="page")?>([^<]*)<\/a>/g)].slice(0, 2).map((m) => m[1]),
      active: decode(/<p class="figure-note">([^<]*)<\/p>/.exec(page.text)?.[1] ?? ''),
      columns: [...page.text.matchAll(/<th scope="col" class="col-\w+"[^>]*>(?:<a [^>]*>)?([^<]*)</g)].map((m) => decode(m[1]!)),
      firstDay: decode(/<th scope="row">([^<]*)<\/th>/.exec(page.text)?.[1] ?? ''),
    };
    assert.deepEqual(shown, {
      lang: 'nb',
      title: 'Aktivitetsoversikt – Cell Biology · CoursePulse',
      h1: 'Aktivitetsoversikt',
      nav: ['Aktivitetsoversikt', 'Grupper'],
      active: nb.t('overview.activeStudents', { active: report.students.active7d, total: report.students.total }),
      columns: ['Navn', 'Siste besøk', 'Siste 7 dager', 'Samlet tid', 'Gjennomsnittlig besøkstid'],
      firstDay: nb.date(report.last7Days[0]!.date, 'weekday'),
    });
  });

  it('refuses a bad order with a 400 page, and a group of another course with a 404 page', async () => {
    for (const query of ['sort=size', 'dir=up', 'sort=name&dir=asc&page=2', 'sort=name&sort=total']) {
      const res = await get(`/reports/overview?${query}`).expect(400);
      assert.match(res.text, /^<!doctype html>/);
      assert.match(res.text, /<h1 id="problem-title">This address is not valid<\/h1>/);
      assert.ok(!res.text.includes('Ana'));
    }
    const htmxBad = await get('/reports/overview?sort=size', ltik, htmx('student-list')).expect(400);
    assert.equal(htmxBad.headers['hx-retarget'], '#main');
    const res = await get(`/reports/overview?group=${encodeURIComponent('lti-gs:other-lab')}`).expect(404);
    assert.match(res.text, /<h1 id="problem-title">Not found<\/h1>\s*<p>There is no such group in this course\.<\/p>/);
    assert.ok(!res.text.includes('Other lab'));
  });

  it("refuses the page and each region to a learner's ltik and to another course's ltik", async () => {
    const demoted = await o.openCourse({ ...context, id: 'page-demoted', title: 'Demoted' }, [ana]);
    await o.x.w.t.db.query(`update lti_store set doc = jsonb_set(doc, '{roles}', $1::jsonb) where collection = 'contexttoken' and doc->'context'->>'id' = $2`, [
      JSON.stringify([ROLES.learner]),
      'page-demoted',
    ]);
    const variants: Record<string, string>[] = [{}, { 'HX-Request': 'true' }, htmx('main'), htmx('overview-figures'), htmx('student-list')];
    const statuses: string[] = [];
    for (const headers of variants) {
      const learnerAnswer = await get('/reports/overview', demoted, headers);
      const otherAnswer = await get(`/reports/overview?course=${context.id}`, otherLtik, headers);
      for (const answer of [learnerAnswer, otherAnswer]) assert.ok(!answer.text.includes('Ana') && !answer.text.includes('student-row'));
      statuses.push(`${learnerAnswer.status} ${otherAnswer.status}`);
    }
    assert.deepEqual(statuses, variants.map(() => '403 403'));
  });

  describe('a list longer than 100 students', () => {
    /** `student-001`…`student-<to>`, as the report's name order lists them ("Student 001" by family name "001"). */
    const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `student-${String(from + i).padStart(3, '0')}`);
    let courses = 0;
    /** A course of its own with 130 students (and `groups`), its teacher's ltik. */
    const longCourse = (groups?: { id: string; name: string; members: string[] }[]) => {
      courses += 1;
      const course: ContextClaim = { ...DEFAULT_CONTEXT, id: `page-long-${courses}`, title: 'Big Lecture' };
      return o.openCourse(course, students(130), { timezone: ZONE, ...(groups ? { groups } : {}) }).then((token) => ({ course, token }));
    };
    /** The "Show more" row: its line, and its link's text and attributes; null when there is none. */
    const control = (html: string) => {
      const rows = [...html.matchAll(/<tr id="student-more" class="student-more">\s*<td colspan="5"><span class="more-shown">([^<]*)<\/span> <a ([^>]*)>([^<]*)<\/a><\/td>\s*<\/tr>/g)];
      assert.ok(rows.length <= 1 && rows.length === (html.match(/id="student-more"/g) ?? []).length, 'at most one control, whole');
      const [m] = rows;
      return m ? { shown: decode(m[1]!), link: attributes(m[2]!), text: decode(m[3]!) } : null;
    };
    const problem = (html: string) => decode(/<h1 id="problem-title">([^<]*)<\/h1>\s*<p>([^<]*)<\/p>/.exec(html)?.slice(1).join(' | ') ?? '');

    it('renders the first 100 rows and "Show 30 more"; shown=130 all of them; htmx gets only rows 101–130, which the full page renders alike', async () => {
      const { token } = await longCourse();
      const first = await get('/reports/overview', token).expect(200);
      const q = `ltik=${encodeURIComponent(token)}`;
      assert.deepEqual(
        { rows: userIds(first.text), control: control(first.text) },
        {
          rows: ids(1, 100),
          control: {
            shown: 'Showing 100 of 130 students',
            link: {
              class: 'more-link',
              href: `/reports/overview?${q}&shown=200#student-row-101`,
              'hx-get': '/reports/overview?shown=200',
              'hx-target': '#student-more',
              'hx-swap': 'outerHTML',
              'hx-select': 'unset',
              'hx-push-url': `/reports/overview?${q}&shown=200`,
              'data-focus': 'student-row-101',
              'data-announce': 'Showing 130 of 130 students',
            },
            text: 'Show 30 more',
          },
        },
      );
      // The live region the announcement goes to is on the page, empty, outside the rows htmx replaces.
      assert.ok(first.text.includes('</table>\n<p id="student-list-announce" class="visually-hidden" role="status"></p>'));

      const all = await get('/reports/overview?shown=130', token).expect(200);
      assert.deepEqual({ rows: userIds(all.text), control: control(all.text) }, { rows: ids(1, 130), control: null });

      // What "Show 30 more" asks for with htmx: rows 101–130 alone, no control after them.
      const more = await get('/reports/overview?shown=200', token, htmx('student-more')).expect(200);
      assert.deepEqual(
        { rows: userIds(more.text), control: control(more.text), vary: more.headers.vary, table: /<table|<thead|list-count/.test(more.text) },
        { rows: ids(101, 130), control: null, vary: 'HX-Request, HX-Target, Accept-Encoding', table: false },
      );
      assert.match(more.text, /^ {4}<tr class="student-row" data-user-id="student-101"[^>]* id="student-row-101">/);
      // The page without JavaScript follows the link (the ltik in the query) to all 130 rows, the
      // same rows 101–130 as htmx's region, in the tbody; and the first page holds its own region.
      const plain = await get(`/reports/overview?${q}&shown=200`, null).expect(200);
      assert.deepEqual(userIds(plain.text), ids(1, 130));
      assert.ok(plain.text.includes(`${more.text}  </tbody>`), 'the full page renders the region htmx gets');
      const firstMore = await get('/reports/overview', token, htmx('student-more')).expect(200);
      assert.deepEqual(userIds(firstMore.text), ids(1, 100));
      assert.ok(first.text.includes(`${firstMore.text}  </tbody>`));
      // The list region (search, sorting) is the first 100 rows again, with the control.
      const list = await get('/reports/overview?shown=200', token, htmx('student-list')).expect(200);
      assert.deepEqual(userIds(list.text), ids(1, 130));
      assert.deepEqual(userIds((await get('/reports/overview', token, htmx('student-list')).expect(200)).text), ids(1, 100));
    });

    it('sorts, searches and filters the whole list, then shows its first 100; the order, the search and the group start again at 100', async () => {
      const { course, token } = await longCourse([{ id: 'big', name: 'Big group', members: ids(1, 110) }]);
      await o.send(course.id, [['student-125', 'visit', o.at(today, 0, '09:00', ZONE)]]);
      // By name, Student 120 is row 120: not on the first page, the 20th row "Show 30 more" adds.
      assert.ok(!userIds((await get('/reports/overview', token).expect(200)).text).includes('student-120'));
      assert.equal(userIds((await get('/reports/overview?shown=200', token, htmx('student-more')).expect(200)).text)[19], 'student-120');
      // Sorted the other way it is row 11; by total duration Student 125, the only visitor, comes first.
      const desc = await get('/reports/overview?sort=name&dir=desc', token).expect(200);
      assert.deepEqual(userIds(desc.text), ids(31, 130).reverse());
      const byTotal = await get('/reports/overview?sort=total&dir=desc', token).expect(200);
      assert.deepEqual(userIds(byTotal.text), ['student-125', ...ids(1, 99)]);
      assert.equal(control(byTotal.text)?.link['hx-get'], '/reports/overview?sort=total&dir=desc&shown=200');
      // A search finds row 120 as well as row 12, on the first page.
      const found = await get('/reports/overview?q=12', token).expect(200);
      assert.deepEqual({ rows: userIds(found.text), control: control(found.text) }, { rows: ['student-012', 'student-112', ...ids(120, 129)], control: null });
      // A group of 110: its first 100, "Show 10 more" in the group.
      const group = encodeURIComponent('lti-gs:big');
      const inGroup = await get(`/reports/overview?group=${group}`, token).expect(200);
      assert.deepEqual(
        { rows: userIds(inGroup.text), shown: control(inGroup.text)?.shown, text: control(inGroup.text)?.text, hxGet: control(inGroup.text)?.link['hx-get'] },
        { rows: ids(1, 100), shown: 'Showing 100 of 110 students', text: 'Show 10 more', hxGet: `/reports/overview?group=${group}&shown=200` },
      );
      // With 200 shown, nothing on the page asks for the list with `shown`: sorting, searching and the
      // group filter go back to the first 100; the 60-second refresh asks for the figures only.
      const shown = await get('/reports/overview?shown=200&sort=total&dir=desc', token).expect(200);
      assert.equal(userIds(shown.text).length, 130);
      assert.deepEqual(
        { shownParameter: shown.text.includes('shown'), refresh: decode(only(shown.text, /<div id="overview-figures" class="overview-figures" hx-get="([^"]*)"/)[1]!) },
        { shownParameter: false, refresh: '/reports/overview' },
      );
      assert.ok(!(await get('/reports/overview', token, htmx('overview-figures')).expect(200)).text.includes('student-row'));
    });

    it('refuses a shown that is not a whole number from 1 to 100000, naming it', async () => {
      const { token } = await longCourse();
      const refusals: Record<string, string> = {};
      for (const query of ['shown=0', 'shown=-1', 'shown=1.5', 'shown=abc', 'shown=', 'shown=100001', 'shown=1000000', 'shown=1&shown=2']) {
        const res = await get(`/reports/overview?${query}`, token).expect(400);
        assert.ok(!res.text.includes('student-row'));
        refusals[query] = problem(res.text);
      }
      const refused = (problem: string) =>
        `This address is not valid | ${en.t('overview.error.badQuery.text', { problem: `shown: ${problem}` })}`;
      const range = refused('a whole number from 1 to 100000');
      assert.deepEqual(refusals, {
        'shown=0': range,
        'shown=-1': range,
        'shown=1.5': range,
        'shown=abc': range,
        'shown=': range,
        'shown=100001': range,
        'shown=1000000': range,
        'shown=1&shown=2': refused('Invalid input: expected string, received array'),
      });
      // Whatever a whole number asks for beyond the list, the list is all there is.
      assert.deepEqual(userIds((await get('/reports/overview?shown=100000', token).expect(200)).text), ids(1, 130));
      assert.deepEqual(userIds((await get('/reports/overview?shown=1', token).expect(200)).text), ['student-001']);
      // htmx's "Show more" with a bad number gets the problem in #main, as any htmx request does.
      const htmxBad = await get('/reports/overview?shown=0', token, htmx('student-more')).expect(400);
      assert.equal(htmxBad.headers['hx-retarget'], '#main');
    });
  });
});
