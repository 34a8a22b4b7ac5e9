/**
 * What a chart is given to say things with, and what it gives back. Charts hard-code no language:
 * the caller passes a formatter (the i18n LocaleFormat has these methods) and, per chart, the
 * already-translated words and a `summary` function that turns the chart's figures into one or
 * two sentences in the reader's language. Counts reach `summary` as numbers (so that it can choose
 * a plural), dates and durations as formatted text.
 */
import type { TopLevelSpec } from 'vega-lite';

export interface ChartFormat {
  /** A calendar day, `YYYY-MM-DD`, as the axis and tooltips show it ("Tue 3 Mar"). */
  date(day: string): string;
  /** Whole seconds ("26 min", "1 h 5 min"). */
  duration(seconds: number): string;
  number(n: number): string;
}

/** The chart as a table: the same data as text, every day included (days without activity too). */
export interface ChartTable {
  caption: string;
  columns: string[];
  rows: string[][];
}

/** What every chart builder returns; `partials/chart.hbs` renders it. */
export interface Chart {
  /** A Vega-Lite spec, plain JSON (data inline, no functions). */
  spec: TopLevelSpec;
  table: ChartTable;
  /** For screen readers (the SVG's label) and for everyone, under the chart. */
  summary: string;
}

/** A day's highest value, for the summaries. */
export interface Highest {
  date: string;
  value: string;
}

export interface CourseActivitySummary {
  /** Σ visits over the days. */
  visits: number;
  /** Days with at least one visit, of `totalDays`. */
  activeDays: number;
  totalDays: number;
  /** The day with the longest average visit (the earliest of equals); null without visits. */
  longest: Highest | null;
}

export interface CourseActivityLabels {
  /** The figure's caption and the table's. */
  title: string;
  date: string;
  visits: string;
  visitors: string;
  averageDuration: string;
  /** Titles of the value axis, whose unit follows the longest value (duration-unit.ts). */
  minutesAxis: string;
  hoursAxis: string;
  /** Table text for a figure that does not exist: the average visit of a day without visits. */
  none: string;
  summary(params: CourseActivitySummary): string;
}

export type MonthMeasure = 'duration' | 'visits';

export interface MonthActivitySummary {
  measure: MonthMeasure;
  visits: number;
  duration: string;
  /** Days with at least one visit, of the month's `totalDays`. */
  activeDays: number;
  totalDays: number;
  /** The day with the most of the measure (the earliest of equals); null without visits. */
  highest: Highest | null;
}

export interface MonthActivityLabels {
  title: string;
  date: string;
  visits: string;
  duration: string;
  minutesAxis: string;
  hoursAxis: string;
  summary(params: MonthActivitySummary): string;
}

export type HeatMeasure = 'duration' | 'actions';

export interface HeatMapSummary {
  measure: HeatMeasure;
  /** Days with a square (the measure above 0: level 1–4), of `totalDays`. */
  activeDays: number;
  totalDays: number;
  duration: string;
  visits: number;
  actions: number;
  resources: number;
  activities: number;
  communication: number;
  /** The day with the most of the measure (the earliest of equals); null on an empty map. */
  highest: Highest | null;
}

export interface HeatMapLabels {
  title: string;
  /** The legend's title, e.g. "Visit duration" or "Actions taken". */
  legend: string;
  date: string;
  duration: string;
  visits: string;
  actions: string;
  resources: string;
  activities: string;
  communication: string;
  /** Row labels, Monday first: seven short weekday names. */
  weekdays: readonly string[];
  /** A column label: the short name of a month, `YYYY-MM` ("Mar"). */
  monthName(month: string): string;
  summary(params: HeatMapSummary): string;
}

export interface CommunicationTrendSummary {
  threadsStarted: number;
  discussionPosts: number;
  bulletinComments: number;
  /** The month with the most of the three together (the earliest of equals); null when all are 0. */
  busiest: { month: string; total: number } | null;
}

export interface CommunicationTrendLabels {
  title: string;
  /** Heading of the month column and tooltip line. */
  month: string;
  threadsStarted: string;
  discussionPosts: string;
  bulletinComments: string;
  /** Title of the value axis (e.g. "Number"). */
  countAxis: string;
  /** A month, `YYYY-MM`, on the axis, in tooltips and the table ("Mar 2026"). */
  monthName(month: string): string;
  summary(params: CommunicationTrendSummary): string;
}
