/**
 * The Activity Details' activity per day (activity-reports.md): one bar per day of one month,
 * its height the day's visit duration or its number of visits (the page's toggle); the tooltip
 * gives the date and that figure. A day without visits has no bar and no tooltip but keeps its
 * place: the x domain is every day given, the data only the days with visits.
 */
import type { TopLevelSpec } from 'vega-lite';
import { chartFrame, labelLookup, valueAxis } from './chart-frame.js';
import type { Chart, ChartFormat, MonthActivityLabels, MonthMeasure } from './chart-text.js';
import { durationUnit, inUnit } from './duration-unit.js';
import { highest } from './highest.js';

/** A day of the month (metrics/details.ts's MonthFigures `days`). */
export interface MonthActivityDay {
  date: string;
  visits: number;
  durationSeconds: number;
}

/** `days`: every day of the month, first to last (days after today too, with zeros). */
export function monthActivityChart(days: readonly MonthActivityDay[], measure: MonthMeasure, labels: MonthActivityLabels, format: ChartFormat): Chart {
  const withVisits = days.filter((d) => d.visits > 0);
  const unit = durationUnit(Math.max(0, ...withVisits.map((d) => d.durationSeconds)));
  const amount = (d: MonthActivityDay): number => (measure === 'duration' ? d.durationSeconds : d.visits);
  const text = (d: MonthActivityDay): string => (measure === 'duration' ? format.duration(d.durationSeconds) : format.number(d.visits));
  const measureLabel = measure === 'duration' ? labels.duration : labels.visits;
  const top = highest(withVisits, amount);
  const summary = labels.summary({
    measure,
    visits: days.reduce((sum, d) => sum + d.visits, 0),
    duration: format.duration(days.reduce((sum, d) => sum + d.durationSeconds, 0)),
    activeDays: withVisits.length,
    totalDays: days.length,
    highest: top && { date: format.date(top.date), value: text(top) },
  });

  const spec: TopLevelSpec = {
    ...chartFrame(summary),
    height: 220,
    data: {
      values: withVisits.map((d) => ({
        date: d.date,
        value: measure === 'duration' ? inUnit(d.durationSeconds, unit) : d.visits,
        dateLabel: format.date(d.date),
        amount: text(d),
      })),
    },
    mark: { type: 'bar', cornerRadiusTopLeft: 2, cornerRadiusTopRight: 2 },
    encoding: {
      x: {
        field: 'date',
        type: 'ordinal',
        title: null,
        scale: { domain: days.map((d) => d.date) },
        // The day of the month: the figure's caption names the month.
        axis: { labelExpr: labelLookup(new Map(days.map((d) => [d.date, format.number(Number(d.date.slice(8)))]))), labelAngle: 0, labelOverlap: true },
      },
      y: valueAxis(measure === 'visits' ? labels.visits : unit === 'hours' ? labels.hoursAxis : labels.minutesAxis, withVisits.length === 0),
      tooltip: [
        { field: 'dateLabel', type: 'nominal', title: labels.date },
        { field: 'amount', type: 'nominal', title: measureLabel },
      ],
    },
  };

  return {
    spec,
    table: { caption: labels.title, columns: [labels.date, measureLabel], rows: days.map((d) => [format.date(d.date), text(d)]) },
    summary,
  };
}
