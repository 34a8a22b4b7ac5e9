/**
 * The template data of the Activity Details page (pages/student.hbs and its partials), from the
 * report getStudentReport returns: pure, so the page, each region htmx swaps and the tests all see
 * the same data. Every word comes from the catalogue and every date, number and duration through
 * the reader's LocaleFormat (the course's time zone); the charts are built here with the chart
 * builders of ./charts/.
 *
 * The chosen view — month, the month chart's measure, the heat map's measure — lives in the page
 * as hidden inputs marked `data-view-state`, each inside the region that changes it (see
 * partials/student-body.hbs): a toggle, a month step and the 60-second refresh send them all
 * (hx-include), so a region swapped alone never leaves another with a stale choice.
 */
import type { LocaleFormat, MessageKey } from '../i18n/index.js';
import type { StudentReport } from '../reports/index.js';
import type { Chart, ChartFormat, HeatMeasure, MonthMeasure } from './charts/chart-text.js';
import { communicationTrendChart } from './charts/communication-trend-chart.js';
import { heatMapChart } from './charts/heat-map-chart.js';
import { monthActivityChart } from './charts/month-activity-chart.js';
import type { PageContext, View } from './render.js';

export const MONTH_MEASURES = ['duration', 'visits'] as const satisfies readonly MonthMeasure[];
export const HEAT_MEASURES = ['duration', 'actions'] as const satisfies readonly HeatMeasure[];

export interface StudentViewOptions {
  measure: MonthMeasure;
  heat: HeatMeasure;
  /** When the figures were computed: the page's "updated HH:MM". */
  now: Date;
  /** The session's token, for links and forms that work without JavaScript. */
  ltik: string;
}

/** A figure as the page shows it: `value` (data-value, what tests compare with the JSON) and `text`. */
export interface Figure {
  key: string;
  value: string;
  text: string;
}

export interface ToggleButton {
  id: string;
  name: string;
  value: string;
  label: string;
  pressed: boolean;
}

export interface MonthStep {
  id: string;
  label: string;
  /** The month stepped to, or null at the end of the range (shown disabled). */
  month: string | null;
  /** For readers without JavaScript: the whole view, ltik included. */
  href: string | null;
  /** htmx's hx-vals: the month, the rest comes from the view state. */
  vals: string | null;
}

export interface StudentViewData {
  current: 'student';
  student: { userId: string; name: string; groups: string };
  /** The page's own address, `/reports/students/<id>`, which every region's request goes to. */
  path: string;
  overviewHref: string;
  /** The chosen view: the hidden view-state inputs, and the no-JS forms' other choices. */
  state: { month: string; measure: MonthMeasure; heat: HeatMeasure };
  switcher: { userId: string; name: string; selected: boolean }[];
  lmsLink: { url: string; text: string } | null;
  updated: { iso: string; text: string };
  hasVisits: boolean;
  noVisits: string;
  /** The note of how durations are estimated, under each figure that depends on it. */
  method: string;
  figures: {
    durationPerDay: Figure;
    visitsPerDay: Figure;
    activeDays: string;
    totalDuration: Figure;
    totalVisits: Figure;
    activeDaysCount: Figure;
    lastVisit: Figure;
  };
  weekToWeek: {
    thisWeek: Figure;
    previousWeek: Figure;
    change: Figure;
    thisWeekDates: string;
    previousWeekDates: string;
    /** 'up' | 'down' | 'same', or 'none' without a previous week to compare with. */
    direction: 'up' | 'down' | 'same' | 'none';
    arrow: string;
    words: string;
  };
  month: {
    name: string;
    showDuration: boolean;
    toggle: ToggleButton[];
    previous: MonthStep;
    next: MonthStep;
    chart: Chart;
  };
  heat: { showDuration: boolean; toggle: ToggleButton[]; chart: Chart };
  communication: { figures: (Figure & { label: string })[]; hasAny: boolean; chart: Chart };
  /** The 12 months' days as a spreadsheet (student-api.ts). */
  csvHref: string;
}

const WEEKDAY_KEYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** A short month name ("Mar", "mar.") from the catalogue: LocaleFormat has long names only. */
function shortMonth(i18n: LocaleFormat, month: string): string {
  return i18n.t(`details.monthShort.${month.slice(5, 7)}` as MessageKey);
}

function pageUrl(path: string, params: Record<string, string>): string {
  return `${path}?${new URLSearchParams(params).toString()}`;
}

export function studentView(report: StudentReport, i18n: LocaleFormat, options: StudentViewOptions): View<StudentViewData & PageContext> {
  const { measure, heat, ltik } = options;
  const t = i18n.t;
  const path = `/reports/students/${encodeURIComponent(report.student.userId)}`;
  const state = { month: report.month.month, measure, heat };
  const format: ChartFormat = { date: (day) => i18n.date(day, 'weekday'), duration: i18n.duration, number: (n) => i18n.number(n) };
  const figure = (key: string, value: number | string | null, text: string): Figure => ({ key, value: value === null ? '' : String(value), text });
  const durationText = (seconds: number | null) => (seconds === null ? '–' : i18n.duration(seconds));

  const { totals, perActiveDay, weekToWeek: week } = report;
  const change = week.changePercent;
  const direction = change === null ? 'none' : change > 0 ? 'up' : change < 0 ? 'down' : 'same';
  const dates = (range: { from: string; to: string }) =>
    t('details.weekToWeek.dates', { from: i18n.date(range.from, 'weekday'), to: i18n.date(range.to, 'weekday') });

  const monthName = i18n.month(report.month.month);
  const step = (id: string, label: MessageKey, month: string | null): MonthStep => ({
    id,
    label: t(label),
    month,
    href: month === null ? null : pageUrl(path, { ltik, ...state, month }),
    vals: month === null ? null : JSON.stringify({ month }),
  });
  const toggle = (name: string, chosen: string, buttons: [string, MessageKey][]): ToggleButton[] =>
    buttons.map(([value, label]) => ({ id: `${name}-${value}`, name, value, label: t(label), pressed: value === chosen }));

  const monthChart = monthActivityChart(
    report.month.days,
    measure,
    {
      title: t('details.activityPerDay.caption', { month: monthName }),
      date: t('tooltip.date'),
      visits: t('tooltip.visits'),
      duration: t('tooltip.duration'),
      minutesAxis: t('details.axis.minutes'),
      hoursAxis: t('details.axis.hours'),
      summary: (p) =>
        p.visits === 0
          ? t('chart.activityPerDay.empty', { month: monthName })
          : p.measure === 'duration'
            ? t('chart.activityPerDay.durationSummary', { month: monthName, duration: p.duration, days: p.activeDays })
            : t('chart.activityPerDay.visitsSummary', { month: monthName, visits: p.visits, days: p.activeDays }),
    },
    format,
  );

  const heatChart = heatMapChart(
    report.heatMap,
    heat,
    {
      title: t('details.heatMap.title'),
      legend: t(heat === 'duration' ? 'details.heatMap.visitDuration' : 'details.heatMap.actionsTaken'),
      date: t('tooltip.date'),
      duration: t('tooltip.duration'),
      visits: t('tooltip.visits'),
      actions: t('tooltip.actions'),
      resources: t('tooltip.resources'),
      activities: t('tooltip.activities'),
      communication: t('tooltip.communication'),
      weekdays: WEEKDAY_KEYS.map((day) => t(`details.weekday.${day}`)),
      monthName: (month) => shortMonth(i18n, month),
      summary: (p) =>
        p.activeDays === 0
          ? t('chart.heatMap.empty')
          : p.measure === 'duration'
            ? t('chart.heatMap.durationSummary', { duration: p.duration, days: p.activeDays })
            : t('chart.heatMap.actionsSummary', {
                actions: p.actions,
                resources: p.resources,
                activities: p.activities,
                communication: p.communication,
                days: p.activeDays,
              }),
    },
    // The 12 months span two years: the heat map's dates carry theirs.
    { ...format, date: (day) => i18n.date(day, 'short') },
  );

  const communication = report.communication;
  const trendChart = communicationTrendChart(
    report.communicationTrend,
    {
      title: t('details.communication.trend'),
      month: t('details.communication.month'),
      threadsStarted: t('details.communication.threadsStarted'),
      discussionPosts: t('details.communication.discussionPosts'),
      bulletinComments: t('details.communication.bulletinComments'),
      countAxis: t('details.axis.count'),
      monthName: (month) => `${shortMonth(i18n, month)} ${month.slice(0, 4)}`,
      summary: (p) => t('chart.communication.summary', { threads: p.threadsStarted, posts: p.discussionPosts, comments: p.bulletinComments }),
    },
    format,
  );

  const lmsLink = report.lmsLink && {
    url: report.lmsLink.url,
    text: t(report.lmsLink.scope === 'student' ? 'details.progressLink' : 'details.courseGradesLink'),
  };
  const { method } = report;

  return {
    page: 'student',
    partial: 'student-body',
    regions: { 'student-live': 'student-live', 'student-month': 'student-month', 'student-heat': 'student-heat' },
    data: {
      title: t('page.withCourse', {
        page: t('details.pageTitle', { name: report.student.name }),
        course: report.course.title ?? t('course.fallbackTitle'),
      }),
      ltik,
      course: { title: report.course.title },
      i18n,
      current: 'student',
      student: { userId: report.student.userId, name: report.student.name, groups: report.student.groups.map((g) => g.name).join(', ') },
      path,
      overviewHref: pageUrl('/reports/overview', { ltik }),
      state,
      switcher: report.students.map((s) => ({ ...s, selected: s.userId === report.student.userId })),
      lmsLink,
      updated: { iso: options.now.toISOString(), text: t('report.updated', { time: i18n.time(options.now) }) },
      hasVisits: totals.visits > 0,
      noVisits: t('details.noVisits.text', { name: report.student.name }),
      method: `${t('report.method', {
        timeout: method.visitTimeoutMinutes,
        credit: method.lastEventCreditSeconds,
        cap: method.maxVisitHours,
        timezone: method.timezone,
      })} ${t('report.realTime')}`,
      figures: {
        durationPerDay: figure('perActiveDay.durationSeconds', perActiveDay.durationSeconds, durationText(perActiveDay.durationSeconds)),
        visitsPerDay: figure('perActiveDay.visits', perActiveDay.visits, perActiveDay.visits === null ? '–' : i18n.number(perActiveDay.visits, 2)),
        activeDays: t('details.activeDays', { days: totals.activeDays }),
        totalDuration: figure('totals.durationSeconds', totals.durationSeconds, i18n.duration(totals.durationSeconds)),
        totalVisits: figure('totals.visits', totals.visits, i18n.number(totals.visits)),
        activeDaysCount: figure('totals.activeDays', totals.activeDays, i18n.number(totals.activeDays)),
        lastVisit: figure('totals.lastVisit', totals.lastVisit, totals.lastVisit === null ? t('students.neverVisited') : i18n.dateTime(totals.lastVisit)),
      },
      weekToWeek: {
        thisWeek: figure('weekToWeek.thisWeekSeconds', week.thisWeekSeconds, i18n.duration(week.thisWeekSeconds)),
        previousWeek: figure('weekToWeek.previousWeekSeconds', week.previousWeekSeconds, i18n.duration(week.previousWeekSeconds)),
        change: figure('weekToWeek.changePercent', change, i18n.percent(change)),
        thisWeekDates: dates(week.thisWeek),
        previousWeekDates: dates(week.previousWeek),
        direction,
        // The arrow is decoration: the sign and the words say the same to everyone.
        arrow: { up: '▲', down: '▼', same: '=', none: '' }[direction],
        words: t(
          direction === 'none'
            ? 'details.weekToWeek.noComparison'
            : direction === 'up'
              ? 'details.weekToWeek.up'
              : direction === 'down'
                ? 'details.weekToWeek.down'
                : 'details.weekToWeek.same',
        ),
      },
      month: {
        name: monthName,
        showDuration: measure === 'duration',
        toggle: toggle('measure', measure, [
          ['duration', 'details.activityPerDay.duration'],
          ['visits', 'details.activityPerDay.visits'],
        ]),
        previous: step('month-previous', 'details.month.previous', report.month.previousMonth),
        next: step('month-next', 'details.month.next', report.month.nextMonth),
        chart: monthChart,
      },
      heat: {
        showDuration: heat === 'duration',
        toggle: toggle('heat', heat, [
          ['duration', 'details.heatMap.visitDuration'],
          ['actions', 'details.heatMap.actionsTaken'],
        ]),
        chart: heatChart,
      },
      communication: {
        figures: (['threadsStarted', 'discussionPosts', 'bulletinComments'] as const).map((key) => ({
          ...figure(`communication.${key}`, communication[key], i18n.number(communication[key])),
          label: t(`details.communication.${key}`),
        })),
        hasAny: communication.threadsStarted + communication.discussionPosts + communication.bulletinComments > 0,
        chart: trendChart,
      },
      csvHref: pageUrl(`${path}/days.csv`, { ltik }),
    },
  };
}
