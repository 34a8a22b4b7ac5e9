/**
 * The Activity Overview's chart of the last 7 days (activity-reports.md): one bar a day, its
 * height the day's average visit duration; the tooltip gives the date, visits, visitors and the
 * average. A day without visits has no bar and so no tooltip, but keeps its place on the axis:
 * the x scale's domain is all the days given, the data only the days with visits.
 */
import type { TopLevelSpec } from 'vega-lite';
import { chartFrame, labelLookup, twoLines, valueAxis } from './chart-frame.js';
import type { Chart, ChartFormat, CourseActivityLabels } from './chart-text.js';
import { durationUnit, inUnit } from './duration-unit.js';
import { highest } from './highest.js';

/** A day of api.md's `last7Days` (metrics/overview.ts's OverviewDay). */
export interface CourseActivityDay {
  date: string;
  visits: number;
  visitors: number;
  durationSeconds: number;
  averageVisitSeconds: number | null;
}

export function courseActivityChart(days: readonly CourseActivityDay[], labels: CourseActivityLabels, format: ChartFormat): Chart {
  const withVisits = days.filter((d): d is CourseActivityDay & { averageVisitSeconds: number } => d.visits > 0 && d.averageVisitSeconds !== null);
  const unit = durationUnit(Math.max(0, ...withVisits.map((d) => d.averageVisitSeconds)));
  const longest = highest(withVisits, (d) => d.averageVisitSeconds);
  const summary = labels.summary({
    visits: days.reduce((sum, d) => sum + d.visits, 0),
    activeDays: withVisits.length,
    totalDays: days.length,
    longest: longest && { date: format.date(longest.date), value: format.duration(longest.averageVisitSeconds) },
  });

  const spec: TopLevelSpec = {
    ...chartFrame(summary),
    height: 220,
    data: {
      values: withVisits.map((d) => ({
        date: d.date,
        value: inUnit(d.averageVisitSeconds, unit),
        dateLabel: format.date(d.date),
        visits: format.number(d.visits),
        visitors: format.number(d.visitors),
        averageDuration: format.duration(d.averageVisitSeconds),
      })),
    },
    mark: { type: 'bar', cornerRadiusTopLeft: 2, cornerRadiusTopRight: 2 },
    encoding: {
      x: {
        field: 'date',
        type: 'ordinal',
        title: null,
        scale: { domain: days.map((d) => d.date) },
        axis: { labelExpr: labelLookup(new Map(days.map((d) => [d.date, twoLines(format.date(d.date))]))), labelAngle: 0, labelOverlap: true },
      },
      y: valueAxis(unit === 'hours' ? labels.hoursAxis : labels.minutesAxis, withVisits.length === 0),
      tooltip: [
        { field: 'dateLabel', type: 'nominal', title: labels.date },
        { field: 'visits', type: 'nominal', title: labels.visits },
        { field: 'visitors', type: 'nominal', title: labels.visitors },
        { field: 'averageDuration', type: 'nominal', title: labels.averageDuration },
      ],
    },
  };

  return {
    spec,
    table: {
      caption: labels.title,
      columns: [labels.date, labels.visits, labels.visitors, labels.averageDuration],
      rows: days.map((d) => [
        format.date(d.date),
        format.number(d.visits),
        format.number(d.visitors),
        d.averageVisitSeconds === null ? labels.none : format.duration(d.averageVisitSeconds),
      ]),
    },
    summary,
  };
}
