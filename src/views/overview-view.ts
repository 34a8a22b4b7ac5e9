/**
 * The Activity Overview page's template data (pages/overview.hbs and its partials), as a pure
 * function of the report (src/reports: the same figures as /api/overview and the CSV), the
 * reader's words and formats, and what the request asked for (group, search, order). Everything
 * the templates print is decided here — texts from the catalogue, dates, durations and numbers
 * through the LocaleFormat in the course's time zone, URLs with their query — so the templates
 * only place it.
 *
 * URLs: a link carries `?ltik=` so that it works without JavaScript and after a reload, as the
 * course header's links do; htmx asks for the same URL without it (the page's hx-headers send the
 * token) and pushes the URL with it, so back, forward and reload land on the same view.
 */
import { NO_CHANGE, type LocaleFormat } from '../i18n/index.js';
import { localDay, type OverviewListRow, type StudentDay } from '../metrics/index.js';
import type { OverviewReport } from '../reports/index.js';
import type { Chart, ChartFormat, CourseActivityLabels } from './charts/chart-text.js';
import { courseActivityChart } from './charts/course-activity-chart.js';
import { DEFAULT_DIRECTION, sortStudentList, type OverviewSort, type SortDirection } from './overview-sort.js';
import type { PageContext } from './render.js';
import { studentWeekBars, WEEK_BARS, weekBarsScale, type WeekBar } from './student-week-bars.js';

export const OVERVIEW_PATH = '/reports/overview';

/**
 * The rows the list shows at first, and adds with each "Show more": rendering a thousand rows of
 * bars and formatted figures took a quarter of a second, and an instructor of a big course
 * searches or sorts rather than reads them all (issue 5). The order, the search and the group
 * still apply to the whole list; only the rendering stops here.
 */
export const LIST_STEP = 100;
/** The most rows `?shown=` may ask for. */
export const MAX_SHOWN = 100_000;

/** What the request asked for and what the page needs besides the report. */
export interface OverviewPageOptions {
  ltik: string;
  /** The search as the reader typed it (the report has already narrowed the list by it). */
  q: string;
  sort: OverviewSort;
  dir: SortDirection;
  /** How many rows of the (searched, sorted) list to render: `?shown=`, {@link LIST_STEP} by default. */
  shown: number;
  /** The time the figures were computed ("updated HH:MM"). */
  now: Date;
  /** The course's name as the launch gave it, when the course row has none. */
  launchTitle: string | null;
  /** The course's roster as the header line tells it (the whole course, whatever the group). */
  roster: { students: number; syncedAt: Date | null; error: string | null };
  /** The course's groups with their members, for the groups on each student's card. */
  groupMembers: readonly { name: string; members: readonly string[] }[];
  /** Set when the reader is an administrator: where an LMS sends activity (the empty course explains it). */
  ingest: { publicUrl: string } | null;
}

export interface GroupOption {
  id: string;
  name: string;
  selected: boolean;
}

/** A column of the list; the sortable ones have a link that sorts by them. */
export interface ListColumn {
  key: OverviewSort | 'last7Days';
  label: string;
  sort: {
    /** The `id` of its link: htmx gives the focus back to it after the list is swapped. */
    id: string;
    href: string;
    hxGet: string;
  } | null;
  /** `aria-sort` of its header: only the column the list is sorted by has one. */
  ariaSort: 'ascending' | 'descending' | null;
}

export interface StudentRowData {
  userId: string;
  /** `student-row-<position>`, 1-based: where the "Show more" link without JavaScript lands. */
  rowId: string;
  name: string;
  href: string;
  /** The id of the row's card, which describes the row's link. */
  cardId: string;
  totalVisits: number;
  totalDurationSeconds: number;
  averageVisitSeconds: number | null;
  lastVisit: string | null;
  lastVisitText: string;
  lastVisitDateTime: string | null;
  week: WeekBar[];
  /** The 7 days as `visits/seconds`, oldest first, space-separated: the figures behind the bars, for scripts and tests. */
  weekData: string;
  weekSummary: string;
  weekDuration: string;
  totalDuration: string;
  averageDuration: string;
  groups: string;
}

/** "Show 100 more" under the rows, while more remain. */
export interface MoreControl {
  /** "Showing 100 of 1,000 students": the rows shown of the (searched) list's. */
  shownText: string;
  /** "Show 100 more", or fewer when fewer remain. */
  text: string;
  /** Without JavaScript: the same list with `shown` one step on, landing on the first new row. */
  href: string;
  /** htmx asks for the same rows without the ltik (the page's header sends it); the answer is the region #student-more. */
  hxGet: string;
  /** The address htmx pushes (with the ltik, without the fragment): a reload or back shows the same rows. */
  pushUrl: string;
  /** The first new row's id: public/app.js moves the focus to its link once the rows are in. */
  focusId: string;
  /** What public/app.js announces (politely) once the rows are in: "Showing 200 of 1,000 students". */
  announce: string;
}

export interface OverviewData {
  current: 'overview';
  /** The roster line, and the warning when the latest read failed (with what the reader can do). */
  roster: { text: string; error: string | null; errorAdvice: string };
  filter: {
    groupId: string;
    /** Groups without a set, then each set's groups under its name (an optgroup). */
    groups: GroupOption[];
    sets: { label: string; groups: GroupOption[] }[];
    q: string;
    sort: OverviewSort;
    dir: SortDirection;
  };
  figures: {
    /** What the region asks for every 60 s: the same figures (the group's), without the page around them. */
    refreshUrl: string;
    /** No visit of any student yet: the region explains how activity gets in instead of empty figures. */
    empty: { admin: { xapiEndpoint: string; caliperEndpoint: string; adminUrl: string } | null } | null;
    active: number;
    total: number;
    activeText: string;
    averageVisitSeconds: number | null;
    averageText: string;
    chart: Chart;
    method: string;
    updatedAt: string;
    updatedText: string;
  };
  list: {
    caption: string;
    countText: string;
    columns: ListColumn[];
    /** The columns' names by key, for the rows of the narrow layout (each value under its name). */
    labels: Record<ListColumn['key'], string>;
    /** The rows shown before the last step's (all shown rows are `rows` then `more.rows`). */
    rows: StudentRowData[];
    /**
     * The region #student-more (partials/overview-students-more.hbs): the last {@link LIST_STEP}
     * rows shown and the control for the next ones. "Show more" asks for it alone and it takes the
     * control's place; the full page renders it after `rows`.
     */
    more: { rows: StudentRowData[]; next: MoreControl | null };
    /** Why there are no rows (no match, an empty group, no roster yet); null when there are. */
    emptyText: string | null;
    csvUrl: string;
    bars: typeof WEEK_BARS;
    /** The order, for the search's form (the list region holds them, so a sorted list keeps its order while searching). */
    sort: OverviewSort;
    dir: SortDirection;
  };
}

/** A query string of the overview's parameters: empty ones, the default order and the default rows left out. */
function overviewQuery(p: { ltik?: string; group: string; q: string; sort: OverviewSort; dir: SortDirection; shown?: number }): string {
  const params = new URLSearchParams();
  if (p.ltik) params.set('ltik', p.ltik);
  if (p.group) params.set('group', p.group);
  if (p.q) params.set('q', p.q);
  if (p.sort !== 'name' || p.dir !== DEFAULT_DIRECTION.name) {
    params.set('sort', p.sort);
    params.set('dir', p.dir);
  }
  if (p.shown !== undefined && p.shown !== LIST_STEP) params.set('shown', String(p.shown));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The list's columns, in order: the sortable ones of overview-sort.ts and the 7 small bars. */
const LIST_COLUMNS = ['name', 'lastVisit', 'last7Days', 'total', 'average'] as const satisfies readonly (OverviewSort | 'last7Days')[];

const COLUMN_LABELS = {
  name: 'students.column.name',
  lastVisit: 'students.column.lastVisit',
  last7Days: 'students.column.last7Days',
  total: 'students.column.totalDuration',
  average: 'students.column.averageDuration',
} as const;

export function overviewPageData(report: OverviewReport, i18n: LocaleFormat, options: OverviewPageOptions): OverviewData & PageContext {
  const { t } = i18n;
  const courseTitle = report.course.title ?? options.launchTitle;
  const group = report.group?.id ?? '';
  const state = { group, q: options.q, sort: options.sort, dir: options.dir };

  const format: ChartFormat = { date: (day) => i18n.date(day, 'weekday'), duration: i18n.duration, number: (n) => i18n.number(n) };
  const labels: CourseActivityLabels = {
    title: t('overview.courseActivity.title'),
    date: t('tooltip.date'),
    visits: t('tooltip.visits'),
    visitors: t('tooltip.visitors'),
    averageDuration: t('tooltip.averageVisitDuration'),
    minutesAxis: t('overview.courseActivity.minutesAxis'),
    hoursAxis: t('overview.courseActivity.hoursAxis'),
    none: t('overview.courseActivity.noVisits'),
    summary: ({ visits, longest }) =>
      longest ? t('chart.courseActivity.summary', { visits, duration: longest.value, date: longest.date }) : t('chart.courseActivity.empty'),
  };

  const { roster } = options;
  const rosterText = roster.syncedAt
    ? t('overview.rosterRead', { count: roster.students, time: i18n.time(roster.syncedAt) })
    : t('overview.roster', { count: roster.students });
  const noActivity = report.group === null && report.averageVisitSeconds === null;
  const publicUrl = options.ingest?.publicUrl.replace(/\/+$/, '');
  let list: OverviewData['list'] | undefined;

  const data: Omit<OverviewData, 'list'> & PageContext = {
    title: t('page.withCourse', { page: t('overview.title'), course: courseTitle ?? t('course.fallbackTitle') }),
    ltik: options.ltik,
    course: { title: courseTitle },
    i18n,
    current: 'overview',
    roster: {
      text: rosterText,
      error: roster.error === null ? null : t('overview.rosterError', { error: roster.error }),
      errorAdvice: roster.syncedAt ? t('overview.rosterErrorKept') : t('overview.rosterErrorAskAdmin'),
    },
    filter: {
      groupId: group,
      groups: report.groups.filter((g) => g.setName === null).map((g) => ({ id: g.id, name: g.name, selected: g.id === group })),
      sets: [...new Set(report.groups.flatMap((g) => (g.setName === null ? [] : [g.setName])))].map((label) => ({
        label,
        groups: report.groups.filter((g) => g.setName === label).map((g) => ({ id: g.id, name: g.name, selected: g.id === group })),
      })),
      q: options.q,
      sort: options.sort,
      dir: options.dir,
    },
    figures: {
      refreshUrl: `${OVERVIEW_PATH}${overviewQuery({ group, q: '', sort: 'name', dir: 'asc' })}`,
      empty: noActivity
        ? { admin: publicUrl ? { xapiEndpoint: `${publicUrl}/xapi/`, caliperEndpoint: `${publicUrl}/caliper`, adminUrl: `${publicUrl}/admin` } : null }
        : null,
      active: report.students.active7d,
      total: report.students.total,
      activeText: t('overview.activeStudents', { active: report.students.active7d, total: report.students.total }),
      averageVisitSeconds: report.averageVisitSeconds,
      averageText: report.averageVisitSeconds === null ? t('overview.noVisitsYet') : i18n.duration(report.averageVisitSeconds),
      chart: courseActivityChart(report.last7Days, labels, format),
      method: t('report.method', {
        timeout: report.method.visitTimeoutMinutes,
        credit: report.method.lastEventCreditSeconds,
        cap: report.method.maxVisitHours,
        timezone: report.method.timezone,
      }),
      updatedAt: options.now.toISOString(),
      updatedText: t('report.updated', { time: i18n.time(options.now) }),
    },
  };
  // Built when a template reads it: the figures region, which htmx asks for every 60 s, does not.
  // Not enumerable, because Handlebars copies every enumerable field of the context — reading each
  // getter — when it calls a partial with parameters (the figures' `{{> chart …}}`).
  return Object.defineProperty(data, 'list', {
    get: () => (list ??= studentList(report, i18n, options, state)),
    enumerable: false,
    configurable: true,
  }) as OverviewData & PageContext;
}

function studentList(
  report: OverviewReport,
  i18n: LocaleFormat,
  options: OverviewPageOptions,
  state: { group: string; q: string; sort: OverviewSort; dir: SortDirection },
): OverviewData['list'] {
  const { t } = i18n;
  // The students the group and the search leave (all of them listed; `options.shown` of them rendered).
  const matching = report.list.length;
  const total = report.students.total;
  const label = (key: ListColumn['key']) => t(COLUMN_LABELS[key]);
  const columns = LIST_COLUMNS.map((key): ListColumn => {
    if (key === 'last7Days') return { key, label: label(key), sort: null, ariaSort: null };
    const current = key === state.sort;
    const dir = current ? (state.dir === 'asc' ? 'desc' : 'asc') : DEFAULT_DIRECTION[key];
    const query = { ...state, sort: key, dir };
    return {
      key,
      label: label(key),
      sort: {
        id: `sort-${key}`,
        href: `${OVERVIEW_PATH}${overviewQuery({ ...query, ltik: options.ltik })}`,
        hxGet: `${OVERVIEW_PATH}${overviewQuery(query)}`,
      },
      ariaSort: current ? (state.dir === 'asc' ? 'ascending' : 'descending') : null,
    };
  });

  const groupsOf = new Map<string, string[]>();
  for (const g of options.groupMembers) {
    for (const userId of g.members) {
      const list = groupsOf.get(userId);
      if (list) list.push(g.name);
      else groupsOf.set(userId, [g.name]);
    }
  }
  const scale = weekBarsScale(report.list.map((row) => row.last7Days));
  const dayLabel = (day: StudentDay) =>
    t('students.dayBar', { date: i18n.date(day.date, 'weekday'), visits: day.visits, duration: i18n.duration(day.durationSeconds) });
  const ltikQuery = `?${new URLSearchParams({ ltik: options.ltik }).toString()}`;

  // Sorted whole (the order is the whole list's); only the rows shown are formatted.
  const sorted = sortStudentList(report.list, state.sort, state.dir);
  const rendered = Math.min(options.shown, sorted.length);
  const rows = sorted.slice(0, rendered).map((row: OverviewListRow, index): StudentRowData => {
    const path = `/reports/students/${encodeURIComponent(row.userId)}`;
    const weekSeconds = row.last7Days.reduce((sum, d) => sum + d.durationSeconds, 0);
    const weekVisits = row.last7Days.reduce((sum, d) => sum + d.visits, 0);
    return {
      userId: row.userId,
      rowId: `student-row-${index + 1}`,
      name: row.name,
      href: `${path}${ltikQuery}`,
      cardId: `student-card-${index}`,
      totalVisits: row.totalVisits,
      totalDurationSeconds: row.totalDurationSeconds,
      averageVisitSeconds: row.averageVisitSeconds,
      lastVisit: row.lastVisit,
      lastVisitText: row.lastVisit === null ? t('students.neverVisited') : i18n.date(localDay(Date.parse(row.lastVisit), i18n.timeZone), 'short'),
      lastVisitDateTime: row.lastVisit === null ? null : i18n.dateTime(row.lastVisit),
      week: studentWeekBars(row.last7Days, scale, { dayLabel }),
      weekData: row.last7Days.map((d) => `${d.visits}/${d.durationSeconds}`).join(' '),
      weekSummary:
        weekVisits === 0
          ? t('chart.studentWeek.empty', { name: row.name })
          : t('chart.studentWeek.summary', { name: row.name, duration: i18n.duration(weekSeconds), visits: weekVisits }),
      weekDuration: i18n.duration(weekSeconds),
      totalDuration: i18n.duration(row.totalDurationSeconds),
      // No visits, no average: the dash the reports show for a figure that cannot be computed.
      averageDuration: row.averageVisitSeconds === null ? NO_CHANGE : i18n.duration(row.averageVisitSeconds),
      groups: (groupsOf.get(row.userId) ?? []).join(', ') || t('students.card.noGroups'),
    };
  });

  // The last step's rows form the region "Show more" asks for: rows `start`+1 to `shown`.
  const start = Math.min(Math.max(0, options.shown - LIST_STEP), rendered);
  const remaining = sorted.length - rendered;
  const nextShown = Math.min(rendered + LIST_STEP, MAX_SHOWN);
  const nextQuery = { ...state, shown: nextShown };
  const showing = (n: number) => t('students.showing', { shown: n, total: sorted.length });
  const next: MoreControl | null =
    remaining > 0 && nextShown > rendered
      ? {
          shownText: showing(rendered),
          text: t('students.showMore', { count: Math.min(LIST_STEP, remaining, nextShown - rendered) }),
          href: `${OVERVIEW_PATH}${overviewQuery({ ...nextQuery, ltik: options.ltik })}#student-row-${rendered + 1}`,
          hxGet: `${OVERVIEW_PATH}${overviewQuery(nextQuery)}`,
          pushUrl: `${OVERVIEW_PATH}${overviewQuery({ ...nextQuery, ltik: options.ltik })}`,
          focusId: `student-row-${rendered + 1}`,
          announce: showing(Math.min(nextShown, sorted.length)),
        }
      : null;

  const emptyText =
    matching > 0 ? null : options.q.trim() && total > 0 ? t('students.noMatchSearch', { query: options.q.trim() }) : report.group ? t('students.noneInGroup') : t('students.noneOnRoster');
  return {
    caption: report.group ? t('students.caption.group', { group: report.group.name }) : t('students.title'),
    countText: matching === total ? t('students.count', { count: total }) : t('students.showing', { shown: matching, total }),
    columns,
    labels: { name: label('name'), lastVisit: label('lastVisit'), last7Days: label('last7Days'), total: label('total'), average: label('average') },
    rows: rows.slice(0, start),
    more: { rows: rows.slice(start), next },
    emptyText,
    csvUrl: `${OVERVIEW_PATH}/students.csv${overviewQuery({ ltik: options.ltik, group: state.group, q: state.q, sort: 'name', dir: 'asc' })}`,
    bars: WEEK_BARS,
    sort: state.sort,
    dir: state.dir,
  };
}
