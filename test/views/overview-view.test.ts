/**
 * The overview page's pure parts: the list's orders (ties in name order, students without the
 * figure last both ways), the small bars' geometry and tooltips, what the page data makes of
 * a report's groups, empty lists and the empty course, and the list's paging ("Show 100 more").
 */
import assert from 'node:assert/strict';
import { localeFormat } from '../../src/i18n/index.js';
import type { OverviewListRow, StudentDay } from '../../src/metrics/index.js';
import type { OverviewReport } from '../../src/reports/index.js';
import { sortStudentList } from '../../src/views/overview-sort.js';
import { overviewPageData, type MoreControl, type OverviewPageOptions } from '../../src/views/overview-view.js';
import { renderPage, renderPartial } from '../../src/views/render.js';
import { studentWeekBars, WEEK_BARS, weekBarsScale } from '../../src/views/student-week-bars.js';

const DAYS = ['2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09'];
const week = (seconds: Record<number, number> = {}): StudentDay[] =>
  DAYS.map((date, i) => ({ date, visits: seconds[i] ? 1 : 0, durationSeconds: seconds[i] ?? 0 }));

function row(userId: string, total: number, visits: number, lastVisit: string | null): OverviewListRow {
  return {
    userId,
    name: userId,
    totalVisits: visits,
    totalDurationSeconds: total,
    averageVisitSeconds: visits ? Math.round(total / visits) : null,
    lastVisit,
    last7Days: week(),
  };
}

describe('the overview page data', () => {
  // In the report's name order: a, b, c, d.
  const list = [
    row('a', 600, 2, '2026-03-05T10:00:00.000Z'),
    row('b', 0, 0, null),
    row('c', 600, 1, '2026-03-09T08:00:00.000Z'),
    row('d', 60, 1, '2026-03-05T10:00:00.000Z'),
  ];
  const ids = (rows: OverviewListRow[]) => rows.map((r) => r.userId);

  it('sorts by each column both ways, equal figures in name order and missing ones last', () => {
    const orders = Object.fromEntries(
      (['name', 'lastVisit', 'total', 'average'] as const).flatMap((sort) => (['asc', 'desc'] as const).map((dir) => [`${sort} ${dir}`, ids(sortStudentList(list, sort, dir))])),
    );
    assert.deepEqual(orders, {
      'name asc': ['a', 'b', 'c', 'd'],
      'name desc': ['d', 'c', 'b', 'a'],
      'lastVisit asc': ['a', 'd', 'c', 'b'],
      'lastVisit desc': ['c', 'a', 'd', 'b'],
      'total asc': ['b', 'd', 'a', 'c'],
      'total desc': ['a', 'c', 'd', 'b'],
      'average asc': ['d', 'a', 'c', 'b'],
      'average desc': ['c', 'a', 'd', 'b'],
    });
    assert.deepEqual(ids(list), ['a', 'b', 'c', 'd'], 'the report’s list is left as it was');
  });

  it('draws a day’s bar on the list’s common scale, at least 2 units high, with its tooltip; no bar and no tooltip on a day without visits', () => {
    const days = week({ 0: 30, 3: 3600, 6: 900 });
    const scale = weekBarsScale([days, week({ 1: 7200 })]);
    const bars = studentWeekBars(days, scale, { dayLabel: (d) => `${d.date}: ${d.visits}, ${d.durationSeconds}` });
    const step = WEEK_BARS.barWidth + WEEK_BARS.gap;
    assert.equal(scale, 7200);
    assert.deepEqual(
      bars.map((b) => [b.x, b.y, b.height, b.label]),
      [
        [0, 22, 2, '2026-03-03: 1, 30'],
        [step, 24, 0, null],
        [2 * step, 24, 0, null],
        [3 * step, 12, 12, '2026-03-06: 1, 3600'],
        [4 * step, 24, 0, null],
        [5 * step, 24, 0, null],
        [6 * step, 21, 3, '2026-03-09: 1, 900'],
      ],
    );
    assert.equal(WEEK_BARS.width, 6 * step + WEEK_BARS.barWidth);
  });

  const report = (over: Partial<OverviewReport> = {}): OverviewReport => ({
    course: { id: 'c', title: 'Course', timezone: 'UTC' },
    today: '2026-03-09',
    students: { active7d: 0, total: 0 },
    last7Days: DAYS.map((date) => ({ date, visits: 0, visitors: 0, durationSeconds: 0, averageVisitSeconds: null })),
    averageVisitSeconds: null,
    list: [],
    group: null,
    groups: [],
    method: { visitTimeoutMinutes: 30, lastEventCreditSeconds: 60, maxVisitHours: 8, timezone: 'UTC' },
    ...over,
  });
  const options: OverviewPageOptions = {
    ltik: 'tok',
    q: '',
    sort: 'name',
    dir: 'asc',
    shown: 100,
    now: new Date('2026-03-09T12:00:00Z'),
    launchTitle: null,
    roster: { students: 0, syncedAt: null, error: null },
    groupMembers: [],
    ingest: null,
  };
  const en = localeFormat('en', 'UTC');

  it('lists groups without a set first, then each set as an option group, the chosen one selected', () => {
    const groups = [
      { id: 'g1', name: 'Own', setName: null },
      { id: 'g2', name: 'Lab 1', setName: 'Labs' },
      { id: 'g3', name: 'Lab 2', setName: 'Labs' },
      { id: 'g4', name: 'Seminar', setName: 'Seminars' },
    ];
    const data = overviewPageData(report({ groups, group: groups[2]! }), en, options);
    assert.deepEqual(data.filter, {
      groupId: 'g3',
      groups: [{ id: 'g1', name: 'Own', selected: false }],
      sets: [
        { label: 'Labs', groups: [{ id: 'g2', name: 'Lab 1', selected: false }, { id: 'g3', name: 'Lab 2', selected: true }] },
        { label: 'Seminars', groups: [{ id: 'g4', name: 'Seminar', selected: false }] },
      ],
      q: '',
      sort: 'name',
      dir: 'asc',
    });
    assert.equal(data.figures.refreshUrl, '/reports/overview?group=g3');
  });

  it('says why the list is empty: no match, an empty group, no roster yet; and explains a course without visits (to an administrator, where activity goes)', () => {
    const emptyText = (r: OverviewReport, q: string) => overviewPageData(r, en, { ...options, q }).list.emptyText;
    assert.deepEqual(
      [
        emptyText(report({ students: { active7d: 0, total: 3 } }), ' zed '),
        emptyText(report({ group: { id: 'g', name: 'G', setName: null } }), ''),
        emptyText(report(), ''),
        emptyText(report({ list: [row('a', 0, 0, null)], students: { active7d: 0, total: 1 } }), ''),
      ],
      ['No students match “zed”.', 'This group has no students.', en.t('students.noneOnRoster'), null],
    );
    assert.deepEqual(overviewPageData(report(), en, options).figures.empty, { admin: null });
    assert.deepEqual(overviewPageData(report(), en, { ...options, ingest: { publicUrl: 'https://pulse.example.edu/' } }).figures.empty, {
      admin: { xapiEndpoint: 'https://pulse.example.edu/xapi/', caliperEndpoint: 'https://pulse.example.edu/caliper', adminUrl: 'https://pulse.example.edu/admin' },
    });
    assert.equal(overviewPageData(report({ averageVisitSeconds: 60 }), en, options).figures.empty, null);
    assert.equal(overviewPageData(report({ group: { id: 'g', name: 'G', setName: null } }), en, options).figures.empty, null, 'a quiet group is not an empty course');
  });

  describe('paging the list', () => {
    // 1,250 students in name order s0001…s1250; s1200 alone has the longest day, beyond the first rows.
    const long = Array.from({ length: 1250 }, (_, i) => {
      const id = `s${String(i + 1).padStart(4, '0')}`;
      return { ...row(id, 0, 0, null), last7Days: week(i === 0 ? { 6: 3600 } : i === 1199 ? { 6: 7200 } : {}) };
    });
    const longReport = report({ list: long, students: { active7d: 2, total: 1250 } });
    const nb = localeFormat('nb', 'UTC');
    const paged = (shown: number, over: Partial<OverviewPageOptions> = {}, i18n = en) => {
      const { list } = overviewPageData(longReport, i18n, { ...options, shown, ...over });
      return { before: list.rows.map((r) => r.userId), more: list.more.rows.map((r) => r.userId), next: list.more.next };
    };
    const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `s${String(from + i).padStart(4, '0')}`);
    const control = (shown: number, more: number, next: number, i18n = en, query = ''): MoreControl => ({
      shownText: i18n.t('students.showing', { shown, total: 1250 }),
      text: i18n.t('students.showMore', { count: more }),
      href: `/reports/overview?ltik=tok${query}&shown=${next}#student-row-${shown + 1}`,
      hxGet: `/reports/overview?${query.slice(1)}${query ? '&' : ''}shown=${next}`,
      pushUrl: `/reports/overview?ltik=tok${query}&shown=${next}`,
      focusId: `student-row-${shown + 1}`,
      announce: i18n.t('students.showing', { shown: Math.min(next, 1250), total: 1250 }),
    });

    it('renders the first 100 rows as the last step, with "Show 100 more" to the next 100', () => {
      assert.deepEqual(paged(100), { before: [], more: ids(1, 100), next: control(100, 100, 200) });
      // One step on: the earlier rows, then the step "Show more" asked for (rows 101–200).
      assert.deepEqual(paged(200), { before: ids(1, 100), more: ids(101, 200), next: control(200, 100, 300) });
      // The last step shows what remains, and nothing follows it.
      assert.deepEqual(paged(1200), { before: ids(1, 1100), more: ids(1101, 1200), next: control(1200, 50, 1300) });
      assert.deepEqual(paged(1300), { before: ids(1, 1200), more: ids(1201, 1250), next: null });
      assert.deepEqual(paged(100_000), { before: ids(1, 1250), more: [], next: null });
      // An address with a number of its own: the step is the rows since the 100 before it.
      assert.deepEqual(paged(30), { before: [], more: ids(1, 30), next: control(30, 100, 130) });
      assert.deepEqual(paged(130), { before: ids(1, 30), more: ids(31, 130), next: control(130, 100, 230) });
    });

    it("says it in the reader's words and numbers, and keeps the group, the search and the order in the control's addresses", () => {
      const texts = (i18n: typeof en, shown: number) => {
        const next = paged(shown, {}, i18n).next!;
        return [next.shownText, next.text, next.announce];
      };
      assert.deepEqual(
        { en: [texts(en, 100), texts(en, 1200)], nb: [texts(nb, 100), texts(nb, 1200)] },
        {
          en: [
            ['Showing 100 of 1,250 students', 'Show 100 more', 'Showing 200 of 1,250 students'],
            ['Showing 1,200 of 1,250 students', 'Show 50 more', 'Showing 1,250 of 1,250 students'],
          ],
          nb: [
            ['Viser 100 av 1\u00a0250 studenter', 'Vis 100 til', 'Viser 200 av 1\u00a0250 studenter'],
            ['Viser 1\u00a0200 av 1\u00a0250 studenter', 'Vis 50 til', 'Viser 1\u00a0250 av 1\u00a0250 studenter'],
          ],
        },
      );
      // The search and the order (the report has already narrowed the list by the search).
      assert.deepEqual(paged(100, { q: 's0', sort: 'total', dir: 'asc' }).next, control(100, 100, 200, en, '&q=s0&sort=total&dir=asc'));
    });

    it("draws every row's bars on the whole list's scale, however many rows are shown", () => {
      const first = (shown: number) => overviewPageData(longReport, en, { ...options, shown }).list;
      const bars = (list: ReturnType<typeof first>) => [...list.rows, ...list.more.rows].find((r) => r.userId === 's0001')!.week.map((b) => [b.y, b.height]);
      // s0001's hour is half of s1200's two hours, which is not shown until row 1,200.
      assert.deepEqual(bars(first(100)), [[24, 0], [24, 0], [24, 0], [24, 0], [24, 0], [24, 0], [12, 12]]);
      assert.deepEqual(bars(first(1250)), bars(first(100)));
      assert.deepEqual(
        [...first(1250).rows, ...first(1250).more.rows].slice(0, 3).map((r) => [r.rowId, r.cardId]),
        [
          ['student-row-1', 'student-card-0'],
          ['student-row-2', 'student-card-1'],
          ['student-row-3', 'student-card-2'],
        ],
      );
    });
  });

  it('builds the student list only for what shows it: not for the figures region htmx refreshes every 60 s', () => {
    const data = overviewPageData(report({ list: [row('a', 600, 2, '2026-03-05T10:00:00.000Z')], students: { active7d: 1, total: 1 }, averageVisitSeconds: 300 }), en, options);
    const reads = countListReads(data);
    // The region's chart is a partial with parameters (`{{> chart id=… chart=…}}`).
    assert.match(renderPartial('overview-figures', data), /<figure class="chart" id="course-activity">/);
    assert.equal(reads(), 0, 'the figures region');
    assert.match(renderPage('overview', data), /data-user-id="a"/);
    assert.ok(reads() > 0, 'the whole page');
  });
});

/** Counts the reads of `data.list` from now on (its getter kept as it is, enumerable or not). */
function countListReads(data: object): () => number {
  const own = Object.getOwnPropertyDescriptor(data, 'list');
  assert.ok(own?.get, 'the list is built when read');
  let reads = 0;
  Object.defineProperty(data, 'list', {
    ...own,
    get() {
      reads += 1;
      return own.get!.call(data);
    },
  });
  return () => reads;
}
