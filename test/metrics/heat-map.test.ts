/** heatMap (heat-map.ts): ISO-week columns, month labels and the quantile levels, computed by hand. */
import assert from 'node:assert/strict';
import { heatMap, studentFigures, type DetailDay, type HeatMapCell } from '../../src/metrics/index.js';

const day = (date: string, durationSeconds: number, actions: number, visits = durationSeconds > 0 ? 1 : 0): DetailDay => ({
  date,
  visits,
  durationSeconds,
  actions,
  resources: actions,
  activities: 0,
  communication: 0,
});
const cell = (d: DetailDay, weekday: number, durationLevel: number, actionsLevel: number): HeatMapCell =>
  ({ ...d, weekday, durationLevel, actionsLevel }) as HeatMapCell;

describe('heatMap: the 12 months as weeks of days with levels 0–4', () => {
  it('lays days out Monday-first with month labels, and levels by mid-rank quarters of the non-zero values', () => {
    const days = [
      day('2025-02-26', 0, 2),
      day('2025-02-27', 600, 2),
      day('2025-02-28', 60, 2),
      day('2025-03-01', 600, 0),
      day('2025-03-02', 0, 0),
      day('2025-03-03', 3600, 9),
      day('2025-03-04', 120, 0),
      day('2025-03-05', 0, 2),
    ];
    // Durations > 0, sorted: 60 120 600 600 3600 (n = 5); level = ceil(2 × (below + at most) ÷ n):
    //   60 → 2×(0+1)/5 = 0.4 → 1; 120 → 2×(1+2)/5 = 1.2 → 2; 600 → 2×(2+4)/5 = 2.4 → 3; 3600 → 2×(4+5)/5 = 3.6 → 4.
    // Actions > 0: 2 2 2 2 9: 2 → 2×(0+4)/5 = 1.6 → 2; 9 → 2×(4+5)/5 = 3.6 → 4.
    assert.deepEqual(heatMap(days), {
      from: '2025-02-26',
      to: '2025-03-05',
      weeks: [
        {
          monday: '2025-02-24',
          cells: [null, null, cell(days[0]!, 3, 0, 2), cell(days[1]!, 4, 3, 2), cell(days[2]!, 5, 1, 2), cell(days[3]!, 6, 3, 0), cell(days[4]!, 7, 0, 0)],
        },
        { monday: '2025-03-03', cells: [cell(days[5]!, 1, 4, 4), cell(days[6]!, 2, 2, 0), cell(days[7]!, 3, 0, 2), null, null, null, null] },
      ],
      months: [
        { month: '2025-02', week: 0 },
        { month: '2025-03', week: 0 },
      ],
      legend: {
        duration: [
          { level: 1, min: 60, max: 60 },
          { level: 2, min: 120, max: 120 },
          { level: 3, min: 600, max: 600 },
          { level: 4, min: 3600, max: 3600 },
        ],
        actions: [
          { level: 2, min: 2, max: 2 },
          { level: 4, min: 9, max: 9 },
        ],
      },
    });
  });

  it('all active days alike are level 2; no activity is level 0 with an empty legend', () => {
    const alike = heatMap([day('2025-03-03', 300, 0), day('2025-03-04', 0, 0), day('2025-03-05', 300, 0)]);
    assert.deepEqual(
      alike.weeks[0]!.cells.slice(0, 3).map((c) => c && [c.durationLevel, c.actionsLevel]),
      [[2, 0], [0, 0], [2, 0]],
    );
    assert.deepEqual(alike.legend, { duration: [{ level: 2, min: 300, max: 300 }], actions: [] });
    // Eight distinct values: two per quarter.
    const eight = heatMap([1, 2, 3, 4, 5, 6, 7, 8].map((n) => day(`2025-03-0${n}`, n * 60, n)));
    assert.deepEqual(eight.legend.actions, [
      { level: 1, min: 1, max: 2 },
      { level: 2, min: 3, max: 4 },
      { level: 3, min: 5, max: 6 },
      { level: 4, min: 7, max: 8 },
    ]);
  });

  it('the 12 months to Wednesday 2025-03-05: 53 week columns from Monday 2024-03-04, 13 month labels', () => {
    const { days } = studentFigures({ today: '2025-03-05', days: [], lastVisit: null });
    const map = heatMap(days);
    assert.equal(map.weeks.length, 53);
    assert.deepEqual([map.weeks[0]!.monday, map.weeks.at(-1)!.monday], ['2024-03-04', '2025-03-03']);
    assert.deepEqual(map.weeks[0]!.cells.map((c) => c?.date ?? null), [null, null, '2024-03-06', '2024-03-07', '2024-03-08', '2024-03-09', '2024-03-10']);
    assert.equal(map.weeks.flatMap((w) => w.cells).filter((c) => c !== null).length, 365);
    assert.deepEqual(map.months.slice(0, 3), [
      { month: '2024-03', week: 0 },
      { month: '2024-04', week: 4 }, // Monday 2024-04-01
      { month: '2024-05', week: 8 }, // Wednesday 2024-05-01, in the week of Monday 2024-04-29
    ]);
    assert.deepEqual(map.months.at(-1), { month: '2025-03', week: 51 }); // Saturday 2025-03-01, week of Monday 2025-02-24
    assert.equal(map.months.length, 13);
  });
});
