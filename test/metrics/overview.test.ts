/**
 * The Activity Overview's figures from hand-computed fixtures: the spec's worked example, a week
 * with days without visits, halves rounded away from zero, students without visits, day rows
 * without visits (a visit's actions after midnight) and the search, which narrows the list alone.
 */
import assert from 'node:assert/strict';
import { overviewFigures, type OverviewFigures, type OverviewStudent, type StudentDay } from '../../src/metrics/index.js';

const zeroWeek = (from: number, month = '2026-03'): StudentDay[] =>
  Array.from({ length: 7 }, (_, i) => ({ date: `${month}-${String(from + i).padStart(2, '0')}`, visits: 0, durationSeconds: 0 }));

/** `week` with the given days (by date) replaced. */
const withDays = (week: StudentDay[], days: StudentDay[]): StudentDay[] => week.map((d) => days.find((x) => x.date === d.date) ?? d);

describe('the Activity Overview figures', () => {
  it('computes the worked example: 09:00–09:25 and 10:30–10:40 are 2 visits of 26 and 11 minutes', () => {
    const ana: OverviewStudent = {
      userId: 's-ana',
      name: 'Ana Álvarez',
      totals: { visits: 2, durationSeconds: 37 * 60, lastVisit: new Date('2026-03-10T10:30:00Z') },
      recentDays: [{ day: '2026-03-10', visits: 2, durationSeconds: 37 * 60 }],
    };
    const expected: OverviewFigures = {
      today: '2026-03-10',
      students: { active7d: 1, total: 1 },
      last7Days: withDays(zeroWeek(4), []).map((d) =>
        d.date === '2026-03-10'
          ? { date: d.date, visits: 2, visitors: 1, durationSeconds: 2220, averageVisitSeconds: 1110 }
          : { date: d.date, visits: 0, visitors: 0, durationSeconds: 0, averageVisitSeconds: null },
      ),
      averageVisitSeconds: 1110,
      list: [
        {
          userId: 's-ana',
          name: 'Ana Álvarez',
          totalVisits: 2,
          totalDurationSeconds: 2220,
          averageVisitSeconds: 1110,
          lastVisit: '2026-03-10T10:30:00.000Z',
          last7Days: withDays(zeroWeek(4), [{ date: '2026-03-10', visits: 2, durationSeconds: 2220 }]),
        },
      ],
    };
    assert.deepEqual(overviewFigures({ today: '2026-03-10', students: [ana] }), expected);

    // The late page views at 09:50 and 10:10 merge the two: one visit of 101 minutes.
    const merged = overviewFigures({
      today: '2026-03-10',
      students: [{ ...ana, totals: { visits: 1, durationSeconds: 101 * 60, lastVisit: new Date('2026-03-10T09:00:00Z') }, recentDays: [{ day: '2026-03-10', visits: 1, durationSeconds: 6060 }] }],
    });
    assert.deepEqual(merged, {
      ...expected,
      last7Days: [...expected.last7Days.slice(0, 6), { date: '2026-03-10', visits: 1, visitors: 1, durationSeconds: 6060, averageVisitSeconds: 6060 }],
      averageVisitSeconds: 6060,
      list: [
        {
          ...expected.list[0]!,
          totalVisits: 1,
          totalDurationSeconds: 6060,
          averageVisitSeconds: 6060,
          lastVisit: '2026-03-10T09:00:00.000Z',
          last7Days: withDays(zeroWeek(4), [{ date: '2026-03-10', visits: 1, durationSeconds: 6060 }]),
        },
      ],
    });
  });

  // Today 2026-03-10: the week is 03-04 … 03-10.
  const students: OverviewStudent[] = [
    {
      userId: 's-ana',
      name: 'Ana Álvarez',
      sortName: 'Álvarez Ana',
      totals: { visits: 5, durationSeconds: 301, lastVisit: new Date('2026-03-09T08:00:00Z') },
      recentDays: [
        { day: '2026-03-09', visits: 2, durationSeconds: 121 },
        { day: '2026-03-04', visits: 1, durationSeconds: 60 },
      ],
    },
    {
      userId: 's-jose',
      name: 'José Núñez',
      sortName: 'Núñez José',
      totals: { visits: 3, durationSeconds: 183, lastVisit: new Date('2026-03-08T22:30:00Z') },
      recentDays: [
        { day: '2026-03-08', visits: 1, durationSeconds: 62 },
        // Actions after midnight of a visit that started on the 8th: a row, but no visit.
        { day: '2026-03-09', visits: 0, durationSeconds: 0 },
        // Before the week: not in the chart nor in the small bars (the totals hold it).
        { day: '2026-03-01', visits: 2, durationSeconds: 121 },
      ],
    },
    { userId: 's-zoe', name: 'Zoë Ørsted', sortName: 'Ørsted Zoë', totals: { visits: 0, durationSeconds: 0, lastVisit: null }, recentDays: [] },
    { userId: 's-emil', name: 'Emil Berg', sortName: 'Berg Emil', totals: { visits: 2, durationSeconds: 7201, lastVisit: new Date('2026-02-01T09:00:00Z') }, recentDays: [] },
  ];

  const none = (date: string) => ({ date, visits: 0, visitors: 0, durationSeconds: 0, averageVisitSeconds: null });
  const rows = {
    ana: {
      userId: 's-ana',
      name: 'Ana Álvarez',
      totalVisits: 5,
      totalDurationSeconds: 301,
      averageVisitSeconds: 60, // 60.2
      lastVisit: '2026-03-09T08:00:00.000Z',
      last7Days: withDays(zeroWeek(4), [
        { date: '2026-03-04', visits: 1, durationSeconds: 60 },
        { date: '2026-03-09', visits: 2, durationSeconds: 121 },
      ]),
    },
    emil: { userId: 's-emil', name: 'Emil Berg', totalVisits: 2, totalDurationSeconds: 7201, averageVisitSeconds: 3601, lastVisit: '2026-02-01T09:00:00.000Z', last7Days: zeroWeek(4) },
    jose: {
      userId: 's-jose',
      name: 'José Núñez',
      totalVisits: 3,
      totalDurationSeconds: 183,
      averageVisitSeconds: 61,
      lastVisit: '2026-03-08T22:30:00.000Z',
      last7Days: withDays(zeroWeek(4), [{ date: '2026-03-08', visits: 1, durationSeconds: 62 }]),
    },
    zoe: { userId: 's-zoe', name: 'Zoë Ørsted', totalVisits: 0, totalDurationSeconds: 0, averageVisitSeconds: null, lastVisit: null, last7Days: zeroWeek(4) },
  };
  const course: Omit<OverviewFigures, 'list'> = {
    today: '2026-03-10',
    // Ana and José visited in the week; Emil only before it, Zoë never.
    students: { active7d: 2, total: 4 },
    last7Days: [
      { date: '2026-03-04', visits: 1, visitors: 1, durationSeconds: 60, averageVisitSeconds: 60 },
      none('2026-03-05'),
      none('2026-03-06'),
      none('2026-03-07'),
      { date: '2026-03-08', visits: 1, visitors: 1, durationSeconds: 62, averageVisitSeconds: 62 },
      // 121 / 2 = 60.5 → 61 (half away from zero, not to even); José's row without visits is no visitor.
      { date: '2026-03-09', visits: 2, visitors: 1, durationSeconds: 121, averageVisitSeconds: 61 },
      none('2026-03-10'),
    ],
    // (301 + 183 + 0 + 7201) / (5 + 3 + 0 + 2) = 768.5 → 769
    averageVisitSeconds: 769,
  };

  it('gives a week with days without visits, rounded halves and students without visits, listed by sort name', () => {
    assert.deepEqual(overviewFigures({ today: '2026-03-10', students }), { ...course, list: [rows.ana, rows.emil, rows.jose, rows.zoe] });
  });

  it('gives the same figures and list whatever order the students come in: the roster’s, reversed or any other', () => {
    const expected = { ...course, list: [rows.ana, rows.emil, rows.jose, rows.zoe] };
    const byId = new Map(students.map((s) => [s.userId, s]));
    const rosterOrder = ['s-ana', 's-emil', 's-jose', 's-zoe'].map((id) => byId.get(id)!);
    for (const order of [rosterOrder, [...rosterOrder].reverse(), [rosterOrder[1]!, rosterOrder[0]!, rosterOrder[3]!, rosterOrder[2]!]]) {
      assert.deepEqual(overviewFigures({ today: '2026-03-10', students: order }), expected, order.map((s) => s.userId).join());
    }
  });

  it('lists by name when there is no sort name, the user id breaking ties', () => {
    const plain = students.map(({ sortName: _, ...s }) => s);
    const twin = { ...plain[0]!, userId: 's-ana-2' };
    const result = overviewFigures({ today: '2026-03-10', students: [twin, ...plain] });
    assert.deepEqual(
      result.list.map((r) => r.userId),
      ['s-ana', 's-ana-2', 's-emil', 's-jose', 's-zoe'],
    );
  });

  it('narrows the list by the search, accents and case aside, and nothing else', () => {
    assert.deepEqual(overviewFigures({ today: '2026-03-10', students, search: 'NUNEZ' }), { ...course, list: [rows.jose] });
    assert.deepEqual(overviewFigures({ today: '2026-03-10', students, search: ' zoë ' }), { ...course, list: [rows.zoe] });
    assert.deepEqual(overviewFigures({ today: '2026-03-10', students, search: 'o' }), { ...course, list: [rows.jose, rows.zoe] });
    assert.deepEqual(overviewFigures({ today: '2026-03-10', students, search: 'orsted' }), { ...course, list: [] });
  });

  it('gives nulls and zeros for a course without students or visits', () => {
    assert.deepEqual(overviewFigures({ today: '2026-01-02', students: [] }), {
      today: '2026-01-02',
      students: { active7d: 0, total: 0 },
      last7Days: ['2025-12-27', '2025-12-28', '2025-12-29', '2025-12-30', '2025-12-31', '2026-01-01', '2026-01-02'].map(none),
      averageVisitSeconds: null,
      list: [],
    });
  });
});
