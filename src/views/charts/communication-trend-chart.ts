/**
 * The Activity Details' communication trend (activity-reports.md, "communication"): threads
 * started, discussion posts (thread starts included) and bulletin comments per month, as three
 * lines over the months given (the current month and the 11 before). The series differ in colour,
 * point shape and dash, so the legend reads without colour. Every month has its points, zeros too:
 * a month without posts is part of the trend. Each point's tooltip gives the month and all three
 * counts.
 */
import type { TopLevelSpec } from 'vega-lite';
import { chartFrame, labelLookup, valueAxis } from './chart-frame.js';
import { SERIES_COLOURS } from './chart-theme.js';
import type { Chart, ChartFormat, CommunicationTrendLabels } from './chart-text.js';
import { highest } from './highest.js';

/** A month of metrics/details.ts's `communicationTrend`. */
export interface CommunicationMonth {
  month: string;
  threadsStarted: number;
  discussionPosts: number;
  bulletinComments: number;
}

const SERIES = ['threadsStarted', 'discussionPosts', 'bulletinComments'] as const;
const SHAPES = ['circle', 'square', 'triangle-up'];
const DASHES = [[1, 0], [6, 3], [2, 2]];

export function communicationTrendChart(months: readonly CommunicationMonth[], labels: CommunicationTrendLabels, format: ChartFormat): Chart {
  const total = (m: CommunicationMonth) => m.threadsStarted + m.discussionPosts + m.bulletinComments;
  const busiest = highest(months, total);
  const summary = labels.summary({
    threadsStarted: months.reduce((sum, m) => sum + m.threadsStarted, 0),
    discussionPosts: months.reduce((sum, m) => sum + m.discussionPosts, 0),
    bulletinComments: months.reduce((sum, m) => sum + m.bulletinComments, 0),
    busiest: busiest && { month: labels.monthName(busiest.month), total: total(busiest) },
  });
  const seriesNames = SERIES.map((key) => labels[key]);
  const series = { field: 'series', type: 'nominal', scale: { domain: seriesNames }, legend: { title: null, orient: 'bottom', direction: 'horizontal', columns: { expr: 'width < 480 ? 1 : 3' } } } as const;

  const spec: TopLevelSpec = {
    ...chartFrame(summary),
    height: 260,
    data: {
      values: months.flatMap((m) =>
        SERIES.map((key) => ({
          month: m.month,
          series: labels[key],
          value: m[key],
          monthLabel: labels.monthName(m.month),
          threadsStarted: format.number(m.threadsStarted),
          discussionPosts: format.number(m.discussionPosts),
          bulletinComments: format.number(m.bulletinComments),
        })),
      ),
    },
    encoding: {
      x: {
        field: 'month',
        type: 'ordinal',
        title: null,
        scale: { domain: months.map((m) => m.month) },
        axis: { labelExpr: labelLookup(new Map(months.map((m) => [m.month, labels.monthName(m.month)]))), labelAngle: 0, labelOverlap: true },
      },
      y: valueAxis(labels.countAxis, months.every((m) => total(m) === 0)),
      color: { ...series, scale: { ...series.scale, range: SERIES_COLOURS } },
    },
    layer: [
      { mark: { type: 'line', strokeWidth: 2 }, encoding: { strokeDash: { ...series, scale: { ...series.scale, range: DASHES } } } },
      {
        mark: { type: 'point', filled: true, size: 60, opacity: 1 },
        encoding: {
          shape: { ...series, scale: { ...series.scale, range: SHAPES } },
          tooltip: [
            { field: 'monthLabel', type: 'nominal', title: labels.month },
            ...SERIES.map((key) => ({ field: key, type: 'nominal' as const, title: labels[key] })),
          ],
        },
      },
    ],
  };

  return {
    spec,
    table: {
      caption: labels.title,
      columns: [labels.month, ...seriesNames],
      rows: months.map((m) => [labels.monthName(m.month), ...SERIES.map((key) => format.number(m[key]))]),
    },
    summary,
  };
}
