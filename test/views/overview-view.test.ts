/**
 * The overview page's pure parts: the list's orders (ties in name order, students without the
 * figure last both ways), the small bars' geometry and tooltips, and what the page data makes of
 * a report's groups, empty lists and the empty course.
 */
import assert from 'node:assert/strict';
import { localeFormat } from '../../src/i18n/index.js';
import type { OverviewListRow, StudentDay } from '../../src/metrics/index.js';
import type { OverviewReport } from '../../src/reports/index.js';
import { sortStudentList } from '../../src/views/overview-sort.js';
import { overviewPageData, type OverviewPageOptions } from '../../src/views/overview-view.js';
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
});
