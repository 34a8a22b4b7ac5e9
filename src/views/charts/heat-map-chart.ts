/**
 * The Activity Details' heat map of the last 12 months (activity-reports.md): one cell per day,
 * a column per ISO week (Monday on top), for one measure — visit duration (tooltip: date,
 * duration, visits) or actions taken (tooltip: date, actions, resources, activities,
 * communication).
 *
 * The levels 0–4 are metrics/heat-map.ts's (quarters of the student's active days by rank), so the
 * page, the JSON and the chart agree. The level reads without colour: each day is a faint square
 * outline, and a day with activity gets a filled square inside it whose colour darkens AND whose
 * side grows with the level (45, 63, 82, 100 % of the outline), outlined in a colour of 3:1 so
 * that even the lightest level stands out from the page. A day without activity (level 0) is the
 * outline alone, without tooltip. The legend gives each level in use with the values it holds.
 *
 * Squares are sized from the plot's width and height signals, so the map keeps its shape at any
 * width; below 40rem (`usermeta.minWidth`, read by public/charts.js) the figure scrolls sideways
 * instead, as 53 columns would get too small to read.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { HeatMap, HeatMapCell } from '../../metrics/index.js';
import { chartFrame, labelLookup } from './chart-frame.js';
import { COLOURS, LEVEL_COLOURS } from './chart-theme.js';
import type { Chart, ChartFormat, HeatMapLabels, HeatMeasure } from './chart-text.js';
import { highest } from './highest.js';

/** Side of a day's outline as a share of the column step (the rest is the gap between days). */
const OUTLINE = 0.88;
/** Side of the filled square of levels 1–4 as a share of the outline. */
const LEVEL_SIDES = [0.45, 0.63, 0.82, 1];
const LEVELS = [1, 2, 3, 4];
/** Month labels closer than this many columns to the next one are left out (a partial first month). */
const MIN_MONTH_COLUMNS = 3;

export function heatMapChart(map: HeatMap, measure: HeatMeasure, labels: HeatMapLabels, format: ChartFormat): Chart {
  // The days in date order, each with its column (the rows are the ISO weekdays). The cell is kept
  // as it is beside its column: a spread of 365 cells into new objects was a tenth of a student page.
  const cells: HeatMapCell[] = [];
  const columnOf: number[] = [];
  map.weeks.forEach((week, column) => {
    for (const cell of week.cells) {
      if (!cell) continue;
      cells.push(cell);
      columnOf.push(column);
    }
  });
  const levelOf = (cell: HeatMapCell): number => (measure === 'duration' ? cell.durationLevel : cell.actionsLevel);
  const valueText = (n: number) => (measure === 'duration' ? format.duration(n) : format.number(n));
  const activeAt = cells.flatMap((cell, i) => (levelOf(cell) > 0 ? [i] : []));
  const active = activeAt.map((i) => cells[i]!);
  const sum = (pick: (cell: HeatMapCell) => number) => cells.reduce((total, cell) => total + pick(cell), 0);
  const top = highest(active, (cell) => (measure === 'duration' ? cell.durationSeconds : cell.actions));
  const summary = labels.summary({
    measure,
    activeDays: active.length,
    totalDays: cells.length,
    duration: format.duration(sum((c) => c.durationSeconds)),
    visits: sum((c) => c.visits),
    actions: sum((c) => c.actions),
    resources: sum((c) => c.resources),
    activities: sum((c) => c.activities),
    communication: sum((c) => c.communication),
    highest: top && { date: format.date(top.date), value: valueText(measure === 'duration' ? top.durationSeconds : top.actions) },
  });

  const columns = map.weeks.length;
  // A column step and a row step, whichever is smaller, is a day's cell: squares stay square.
  const cell = `min(width / ${columns}, height / 7)`;
  const side = (share: number) => ({ expr: `pow(${cell} * ${+(OUTLINE * share).toFixed(3)}, 2)` });
  const months = map.months.filter((m, i) => (map.months[i + 1]?.week ?? Infinity) - m.week >= MIN_MONTH_COLUMNS);
  const steps = map.legend[measure];
  const legend = {
    title: labels.legend,
    values: steps.map((s) => s.level),
    labelExpr: labelLookup(new Map(steps.map((s) => [s.level, s.min === s.max ? valueText(s.min) : `${valueText(s.min)}–${valueText(s.max)}`]))),
    orient: 'bottom',
    direction: 'horizontal',
    // Four ranges side by side need about 560 px; narrower, two by two.
    columns: { expr: 'width < 560 ? 2 : 4' },
    symbolType: 'square',
    symbolStrokeColor: COLOURS.levelOutline.hex,
    symbolStrokeWidth: 1,
    symbolOpacity: 1,
  } as const;
  // The figures of the measure, in the order of the tooltip and the table (after the date).
  const figures: { field: string; title: string; text: (cell: HeatMapCell) => string }[] =
    measure === 'duration'
      ? [
          { field: 'duration', title: labels.duration, text: (c) => format.duration(c.durationSeconds) },
          { field: 'visits', title: labels.visits, text: (c) => format.number(c.visits) },
        ]
      : [
          { field: 'actions', title: labels.actions, text: (c) => format.number(c.actions) },
          { field: 'resources', title: labels.resources, text: (c) => format.number(c.resources) },
          { field: 'activities', title: labels.activities, text: (c) => format.number(c.activities) },
          { field: 'communication', title: labels.communication, text: (c) => format.number(c.communication) },
        ];

  const spec: TopLevelSpec = {
    ...chartFrame(summary),
    height: 200,
    // Below this the squares get too small to tell apart: the figure scrolls sideways (public/charts.js).
    usermeta: { minWidth: '40rem' },
    encoding: {
      x: {
        field: 'column',
        type: 'ordinal',
        title: null,
        scale: { domain: map.weeks.map((_, i) => i) },
        axis: {
          orient: 'top',
          values: months.map((m) => m.week),
          labelExpr: labelLookup(new Map(months.map((m) => [m.week, labels.monthName(m.month)]))),
          labelAlign: 'left',
          labelAngle: 0,
          labelOverlap: 'greedy',
          domain: false,
          ticks: false,
        },
      },
      y: {
        field: 'weekday',
        type: 'ordinal',
        title: null,
        scale: { domain: [1, 2, 3, 4, 5, 6, 7] },
        axis: { labelExpr: labelLookup(new Map(labels.weekdays.map((name, i) => [i + 1, name]))), domain: false, ticks: false },
      },
    },
    layer: [
      {
        data: { values: cells.map((c, i) => ({ column: columnOf[i]!, weekday: c.weekday })) },
        mark: { type: 'square', filled: false, stroke: COLOURS.emptyDay.hex, strokeWidth: 1, opacity: 1, size: side(1) },
      },
      {
        data: {
          values: activeAt.map((i) => {
            const c = cells[i]!;
            const value: Record<string, string | number> = { column: columnOf[i]!, weekday: c.weekday, level: levelOf(c), dateLabel: format.date(c.date) };
            for (const f of figures) value[f.field] = f.text(c);
            return value;
          }),
        },
        mark: { type: 'square', filled: true, stroke: COLOURS.levelOutline.hex, strokeWidth: 1, opacity: 1 },
        encoding: {
          color: { field: 'level', type: 'ordinal', scale: { domain: LEVELS, range: LEVEL_COLOURS }, legend },
          // An ordinal scale: Vega-Lite's default for size, a point scale, would interpolate between the first two sizes only.
          size: { field: 'level', type: 'ordinal', scale: { type: 'ordinal', domain: LEVELS, range: LEVEL_SIDES.map(side) }, legend },
          tooltip: [
            { field: 'dateLabel', type: 'nominal', title: labels.date },
            ...figures.map((f) => ({ field: f.field, type: 'nominal' as const, title: f.title })),
          ],
        },
      },
    ],
  };

  return {
    spec,
    table: {
      caption: labels.title,
      columns: [labels.date, ...figures.map((f) => f.title)],
      rows: cells.map((c) => [format.date(c.date), ...figures.map((f) => f.text(c))]),
    },
    summary,
  };
}
