import assert from 'node:assert/strict';
import type { TopLevelSpec } from 'vega-lite';
import { heatMap, type DetailDay } from '../../src/metrics/index.js';
import { VEGA_LITE_SCHEMA } from '../../src/views/charts/chart-frame.js';
import type {
  ChartFormat,
  CommunicationTrendLabels,
  CourseActivityLabels,
  HeatMapLabels,
  MonthActivityLabels,
} from '../../src/views/charts/chart-text.js';
import { BACKGROUND, CHART_CONFIG, COLOURS, LEVEL_COLOURS, type ColourRole } from '../../src/views/charts/chart-theme.js';
import { communicationTrendChart } from '../../src/views/charts/communication-trend-chart.js';
import { courseActivityChart, type CourseActivityDay } from '../../src/views/charts/course-activity-chart.js';
import { heatMapChart } from '../../src/views/charts/heat-map-chart.js';
import { monthActivityChart, type MonthActivityDay } from '../../src/views/charts/month-activity-chart.js';
import { renderPartial } from '../../src/views/render.js';
import { drawScene } from '../support/vega-scene.js';

// A formatter unlike any language, so that every text in a chart is seen to come from it.
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const format: ChartFormat = {
  date: (day) => `${WEEKDAYS[new Date(`${day}T00:00:00Z`).getUTCDay()]} ${Number(day.slice(8))}/${Number(day.slice(5, 7))}`,
  duration: (seconds) => `${seconds}s`,
  number: (n) => `[${n}]`,
};

/** The top level every chart has. */
function frame(summary: string) {
  return { $schema: VEGA_LITE_SCHEMA, description: summary, width: 'container', autosize: { type: 'fit', contains: 'padding' }, config: CHART_CONFIG };
}

const courseLabels: CourseActivityLabels = {
  title: 'Course activity, last 7 days',
  date: 'Date',
  visits: 'Visits',
  visitors: 'Visitors',
  averageDuration: 'Average visit duration',
  minutesAxis: 'Average visit, minutes',
  hoursAxis: 'Average visit, hours',
  none: '–',
  summary: (p) =>
    `${p.visits} visits; ${p.activeDays} of ${p.totalDays} days with visits; longest ${p.longest ? `${p.longest.value} on ${p.longest.date}` : 'none'}.`,
};

function courseDay(date: string, visits: number, visitors: number, durationSeconds: number): CourseActivityDay {
  return { date, visits, visitors, durationSeconds, averageVisitSeconds: visits ? durationSeconds / visits : null };
}

// Tue 3 Mar – Mon 9 Mar 2026; Wednesday and Saturday without visits.
const week = [
  courseDay('2026-03-03', 4, 3, 2400),
  courseDay('2026-03-04', 0, 0, 0),
  courseDay('2026-03-05', 2, 2, 3120),
  courseDay('2026-03-06', 1, 1, 1560),
  courseDay('2026-03-07', 0, 0, 0),
  courseDay('2026-03-08', 3, 1, 900),
  courseDay('2026-03-09', 5, 4, 1500),
];

const monthLabels: MonthActivityLabels = {
  title: 'Activity per day, February 2024',
  date: 'Date',
  visits: 'Visits',
  duration: 'Duration',
  minutesAxis: 'Minutes',
  hoursAxis: 'Hours',
  summary: (p) =>
    `${p.measure}: ${p.visits} visits, ${p.duration}, ${p.activeDays}/${p.totalDays} days; top ${p.highest ? `${p.highest.value} on ${p.highest.date}` : 'none'}.`,
};

// February of a leap year: 29 days, visits on Mon 5, Wed 14 and Thu 29.
const february: MonthActivityDay[] = Array.from({ length: 29 }, (_, i) => ({ date: `2024-02-${String(i + 1).padStart(2, '0')}`, visits: 0, durationSeconds: 0 }));
Object.assign(february[4]!, { visits: 2, durationSeconds: 1800 });
Object.assign(february[13]!, { visits: 1, durationSeconds: 9000 });
Object.assign(february[28]!, { visits: 3, durationSeconds: 600 });

const heatLabels = (legend: string): HeatMapLabels => ({
  title: 'Heat map',
  legend,
  date: 'Date',
  duration: 'Duration',
  visits: 'Visits',
  actions: 'Actions',
  resources: 'Resources',
  activities: 'Activities',
  communication: 'Communication',
  weekdays: ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'],
  monthName: (month) => `M${month.slice(5)}`,
  summary: (p) =>
    `${p.measure}: ${p.activeDays}/${p.totalDays} days, ${p.duration}, ${p.visits} visits, ${p.actions} actions (${p.resources}/${p.activities}/${p.communication}); top ${p.highest ? `${p.highest.value} on ${p.highest.date}` : 'none'}.`,
});

function detailDay(date: string, visits = 0, durationSeconds = 0, resources = 0, activities = 0, communication = 0): DetailDay {
  return { date, visits, durationSeconds, actions: resources + activities + communication, resources, activities, communication };
}

// Wed 25 Feb – Tue 10 Mar 2026: three ISO-week columns (Mon 23 Feb, Mon 2 Mar, Mon 9 Mar), 1 March a Sunday.
const fortnight: DetailDay[] = Array.from({ length: 14 }, (_, i) => {
  const date = new Date(Date.UTC(2026, 1, 25 + i)).toISOString().slice(0, 10);
  const active: Record<string, DetailDay> = {
    '2026-02-26': detailDay('2026-02-26', 1, 300, 2, 0, 0),
    '2026-03-01': detailDay('2026-03-01', 2, 1200, 3, 1, 1),
    '2026-03-04': detailDay('2026-03-04', 1, 2400, 0, 5, 0),
    '2026-03-10': detailDay('2026-03-10', 3, 600, 4, 3, 2),
  };
  return active[date] ?? detailDay(date);
});

const communicationLabels: CommunicationTrendLabels = {
  title: 'Communication',
  month: 'Month',
  threadsStarted: 'Threads started',
  discussionPosts: 'Discussion posts',
  bulletinComments: 'Bulletin comments',
  countAxis: 'Number',
  monthName: (month) => `Month ${month}`,
  summary: (p) =>
    `${p.threadsStarted} threads, ${p.discussionPosts} posts, ${p.bulletinComments} comments; busiest ${p.busiest ? `${p.busiest.month} (${p.busiest.total})` : 'none'}.`,
};

const communication = [
  { month: '2026-01', threadsStarted: 1, discussionPosts: 3, bulletinComments: 0 },
  { month: '2026-02', threadsStarted: 0, discussionPosts: 0, bulletinComments: 0 },
  { month: '2026-03', threadsStarted: 2, discussionPosts: 4, bulletinComments: 1 },
];

describe('charts (src/views/charts/)', () => {
  describe('course activity, last 7 days', () => {
    it('draws a bar for each day with visits, keeps all 7 days on the axis, and tabulates every day', async () => {
      const chart = courseActivityChart(week, courseLabels, format);
      const summary = '15 visits; 5 of 7 days with visits; longest 1560s on Thu 5/3.';
      assert.deepEqual(chart, {
        spec: {
          ...frame(summary),
          height: 220,
          data: {
            values: [
              { date: '2026-03-03', value: 10, dateLabel: 'Tue 3/3', visits: '[4]', visitors: '[3]', averageDuration: '600s' },
              { date: '2026-03-05', value: 26, dateLabel: 'Thu 5/3', visits: '[2]', visitors: '[2]', averageDuration: '1560s' },
              { date: '2026-03-06', value: 26, dateLabel: 'Fri 6/3', visits: '[1]', visitors: '[1]', averageDuration: '1560s' },
              { date: '2026-03-08', value: 5, dateLabel: 'Sun 8/3', visits: '[3]', visitors: '[1]', averageDuration: '300s' },
              { date: '2026-03-09', value: 5, dateLabel: 'Mon 9/3', visits: '[5]', visitors: '[4]', averageDuration: '300s' },
            ],
          },
          mark: { type: 'bar', cornerRadiusTopLeft: 2, cornerRadiusTopRight: 2 },
          encoding: {
            x: {
              field: 'date',
              type: 'ordinal',
              title: null,
              scale: { domain: ['2026-03-03', '2026-03-04', '2026-03-05', '2026-03-06', '2026-03-07', '2026-03-08', '2026-03-09'] },
              axis: {
                labelExpr:
                  '{"2026-03-03":["Tue","3/3"],"2026-03-04":["Wed","4/3"],"2026-03-05":["Thu","5/3"],"2026-03-06":["Fri","6/3"],"2026-03-07":["Sat","7/3"],"2026-03-08":["Sun","8/3"],"2026-03-09":["Mon","9/3"]}[datum.value]',
                labelAngle: 0,
                labelOverlap: true,
              },
            },
            y: { field: 'value', type: 'quantitative', title: 'Average visit, minutes', stack: null, axis: { tickMinStep: 1, format: 'd' } },
            tooltip: [
              { field: 'dateLabel', type: 'nominal', title: 'Date' },
              { field: 'visits', type: 'nominal', title: 'Visits' },
              { field: 'visitors', type: 'nominal', title: 'Visitors' },
              { field: 'averageDuration', type: 'nominal', title: 'Average visit duration' },
            ],
          },
        },
        table: {
          caption: 'Course activity, last 7 days',
          columns: ['Date', 'Visits', 'Visitors', 'Average visit duration'],
          rows: [
            ['Tue 3/3', '[4]', '[3]', '600s'],
            ['Wed 4/3', '[0]', '[0]', '–'],
            ['Thu 5/3', '[2]', '[2]', '1560s'],
            ['Fri 6/3', '[1]', '[1]', '1560s'],
            ['Sat 7/3', '[0]', '[0]', '–'],
            ['Sun 8/3', '[3]', '[1]', '300s'],
            ['Mon 9/3', '[5]', '[4]', '300s'],
          ],
        },
        summary,
      });

      // Drawn: 5 bars with their tooltips, 7 labelled days.
      const scene = await drawScene(chart.spec, 700);
      assert.deepEqual(
        scene.marks.get('marks')!.map((bar) => bar.tooltip),
        chart.table.rows
          .filter((row) => row[3] !== '–')
          .map(([date, visits, visitors, average]) => ({ Date: date, Visits: visits, Visitors: visitors, 'Average visit duration': average })),
      );
      assert.deepEqual(
        scene.axisLabels.find((labels) => labels.length === 7),
        week.map((d) => format.date(d.date).split(' ')),
      );
    });

    it('draws no bar at all for a week without visits, on an axis of 0–1', async () => {
      const empty = week.map((d) => courseDay(d.date, 0, 0, 0));
      const chart = courseActivityChart(empty, courseLabels, format);
      const summary = '0 visits; 0 of 7 days with visits; longest none.';
      assert.deepEqual(chart.summary, summary);
      assert.deepEqual(chart.spec, {
        ...(courseActivityChart(week, courseLabels, format).spec as object),
        description: summary,
        data: { values: [] },
        encoding: {
          ...(courseActivityChart(week, courseLabels, format).spec as { encoding: object }).encoding,
          y: { field: 'value', type: 'quantitative', title: 'Average visit, minutes', stack: null, axis: { tickMinStep: 1, format: 'd' }, scale: { domain: [0, 1] } },
        },
      });
      assert.deepEqual(chart.table.rows, empty.map((d) => [format.date(d.date), '[0]', '[0]', '–']));
      const scene = await drawScene(chart.spec, 400);
      assert.deepEqual([scene.marks.get('marks')!.length, scene.compileMessages, scene.runtimeMessages], [0, [], []]);
    });
  });

  describe('activity per day of a month', () => {
    const domain = february.map((d) => d.date);
    const dayLabels = `{${february.map((d, i) => `"${d.date}":"[${i + 1}]"`).join(',')}}[datum.value]`;
    const xAxis = { field: 'date', type: 'ordinal', title: null, scale: { domain }, axis: { labelExpr: dayLabels, labelAngle: 0, labelOverlap: true } };

    it('shows the duration of each day with visits of a leap February, in hours once a day passes 2 h', async () => {
      const chart = monthActivityChart(february, 'duration', monthLabels, format);
      const summary = 'duration: 6 visits, 11400s, 3/29 days; top 9000s on Wed 14/2.';
      assert.deepEqual(chart, {
        spec: {
          ...frame(summary),
          height: 220,
          data: {
            values: [
              { date: '2024-02-05', value: 0.5, dateLabel: 'Mon 5/2', amount: '1800s' },
              { date: '2024-02-14', value: 2.5, dateLabel: 'Wed 14/2', amount: '9000s' },
              { date: '2024-02-29', value: 0.17, dateLabel: 'Thu 29/2', amount: '600s' },
            ],
          },
          mark: { type: 'bar', cornerRadiusTopLeft: 2, cornerRadiusTopRight: 2 },
          encoding: {
            x: xAxis,
            y: { field: 'value', type: 'quantitative', title: 'Hours', stack: null, axis: { tickMinStep: 1, format: 'd' } },
            tooltip: [
              { field: 'dateLabel', type: 'nominal', title: 'Date' },
              { field: 'amount', type: 'nominal', title: 'Duration' },
            ],
          },
        },
        table: {
          caption: 'Activity per day, February 2024',
          columns: ['Date', 'Duration'],
          rows: february.map((d) => [format.date(d.date), `${d.durationSeconds}s`]),
        },
        summary,
      });
      const scene = await drawScene(chart.spec, 700);
      assert.deepEqual([scene.marks.get('marks')!.length, scene.axisLabels.find((labels) => labels.length === 29)?.at(-1)], [3, '[29]']);
    });

    it('shows the number of visits of each day with visits', () => {
      const chart = monthActivityChart(february, 'visits', monthLabels, format);
      const summary = 'visits: 6 visits, 11400s, 3/29 days; top [3] on Thu 29/2.';
      assert.deepEqual(chart, {
        spec: {
          ...frame(summary),
          height: 220,
          data: {
            values: [
              { date: '2024-02-05', value: 2, dateLabel: 'Mon 5/2', amount: '[2]' },
              { date: '2024-02-14', value: 1, dateLabel: 'Wed 14/2', amount: '[1]' },
              { date: '2024-02-29', value: 3, dateLabel: 'Thu 29/2', amount: '[3]' },
            ],
          },
          mark: { type: 'bar', cornerRadiusTopLeft: 2, cornerRadiusTopRight: 2 },
          encoding: {
            x: xAxis,
            y: { field: 'value', type: 'quantitative', title: 'Visits', stack: null, axis: { tickMinStep: 1, format: 'd' } },
            tooltip: [
              { field: 'dateLabel', type: 'nominal', title: 'Date' },
              { field: 'amount', type: 'nominal', title: 'Visits' },
            ],
          },
        },
        table: { caption: 'Activity per day, February 2024', columns: ['Date', 'Visits'], rows: february.map((d) => [format.date(d.date), `[${d.visits}]`]) },
        summary,
      });
    });
  });

  describe('heat map', () => {
    const outlineSize = { expr: 'pow(min(width / 3, height / 7) * 0.88, 2)' };
    const levelSizes = ['0.396', '0.554', '0.722', '0.88'].map((share) => ({ expr: `pow(min(width / 3, height / 7) * ${share}, 2)` }));
    // [column, weekday] of the 14 days: Wed–Sun of the first week, a whole week, Mon–Tue.
    const grid = [
      [0, 3], [0, 4], [0, 5], [0, 6], [0, 7],
      [1, 1], [1, 2], [1, 3], [1, 4], [1, 5], [1, 6], [1, 7],
      [2, 1], [2, 2],
    ].map(([column, weekday]) => ({ column, weekday }));
    const encoding = {
      x: {
        field: 'column',
        type: 'ordinal',
        title: null,
        scale: { domain: [0, 1, 2] },
        // February's label would sit on March's (1 March is the first week's Sunday): only March is named.
        axis: { orient: 'top', values: [0], labelExpr: '{"0":"M03"}[datum.value]', labelAlign: 'left', labelAngle: 0, labelOverlap: 'greedy', domain: false, ticks: false },
      },
      y: {
        field: 'weekday',
        type: 'ordinal',
        title: null,
        scale: { domain: [1, 2, 3, 4, 5, 6, 7] },
        axis: { labelExpr: '{"1":"Mo","2":"Tu","3":"We","4":"Th","5":"Fr","6":"Sa","7":"Su"}[datum.value]', domain: false, ticks: false },
      },
    };
    const legend = (title: string, values: number[], labels: string) => ({
      title,
      values,
      labelExpr: `${labels}[datum.value]`,
      orient: 'bottom',
      direction: 'horizontal',
      columns: { expr: 'width < 560 ? 2 : 4' },
      symbolType: 'square',
      symbolStrokeColor: '#3a78b5',
      symbolStrokeWidth: 1,
      symbolOpacity: 1,
    });
    const squares = (legendOf: ReturnType<typeof legend>) => ({
      color: { field: 'level', type: 'ordinal', scale: { domain: [1, 2, 3, 4], range: ['#c6dbef', '#85b4dd', '#3a78b5', '#1f4e79'] }, legend: legendOf },
      size: { field: 'level', type: 'ordinal', scale: { type: 'ordinal', domain: [1, 2, 3, 4], range: levelSizes }, legend: legendOf },
    });

    it('shows actions as squares growing and darkening with the level, on the outline of every day', async () => {
      const chart = heatMapChart(heatMap(fortnight), 'actions', heatLabels('Actions taken'), format);
      const summary = 'actions: 4/14 days, 4500s, 7 visits, 21 actions (9/9/3); top [9] on Tue 10/3.';
      const legendOf = legend('Actions taken', [1, 2, 4], '{"1":"[2]","2":"[5]","4":"[9]"}');
      assert.deepEqual(chart, {
        spec: {
          ...frame(summary),
          height: 200,
          usermeta: { minWidth: '40rem' },
          encoding,
          layer: [
            { data: { values: grid }, mark: { type: 'square', filled: false, stroke: '#d8dee4', strokeWidth: 1, opacity: 1, size: outlineSize } },
            {
              data: {
                values: [
                  { column: 0, weekday: 4, level: 1, dateLabel: 'Thu 26/2', actions: '[2]', resources: '[2]', activities: '[0]', communication: '[0]' },
                  { column: 0, weekday: 7, level: 2, dateLabel: 'Sun 1/3', actions: '[5]', resources: '[3]', activities: '[1]', communication: '[1]' },
                  { column: 1, weekday: 3, level: 2, dateLabel: 'Wed 4/3', actions: '[5]', resources: '[0]', activities: '[5]', communication: '[0]' },
                  { column: 2, weekday: 2, level: 4, dateLabel: 'Tue 10/3', actions: '[9]', resources: '[4]', activities: '[3]', communication: '[2]' },
                ],
              },
              mark: { type: 'square', filled: true, stroke: '#3a78b5', strokeWidth: 1, opacity: 1 },
              encoding: {
                ...squares(legendOf),
                tooltip: [
                  { field: 'dateLabel', type: 'nominal', title: 'Date' },
                  { field: 'actions', type: 'nominal', title: 'Actions' },
                  { field: 'resources', type: 'nominal', title: 'Resources' },
                  { field: 'activities', type: 'nominal', title: 'Activities' },
                  { field: 'communication', type: 'nominal', title: 'Communication' },
                ],
              },
            },
          ],
        },
        table: {
          caption: 'Heat map',
          columns: ['Date', 'Actions', 'Resources', 'Activities', 'Communication'],
          rows: fortnight.map((d) => [format.date(d.date), `[${d.actions}]`, `[${d.resources}]`, `[${d.activities}]`, `[${d.communication}]`]),
        },
        summary,
      });

      const scene = await drawScene(chart.spec, 300);
      const outlines = scene.marks.get('layer_0_marks')!;
      const filled = scene.marks.get('layer_1_marks')!;
      const sizeOf = (level: number) => filled.find((item) => item.datum.level === level)!.size!;
      assert.equal(outlines.length, 14);
      assert.ok(sizeOf(1) < sizeOf(2) && sizeOf(2) < sizeOf(4), 'a higher level is a bigger square');
      assert.equal(sizeOf(4), outlines[0]!.size, 'the top level fills the outline');
      assert.deepEqual(
        filled.map((item) => [item.fill, item.tooltip]),
        [
          ['#c6dbef', { Date: 'Thu 26/2', Actions: '[2]', Resources: '[2]', Activities: '[0]', Communication: '[0]' }],
          ['#85b4dd', { Date: 'Sun 1/3', Actions: '[5]', Resources: '[3]', Activities: '[1]', Communication: '[1]' }],
          ['#85b4dd', { Date: 'Wed 4/3', Actions: '[5]', Resources: '[0]', Activities: '[5]', Communication: '[0]' }],
          ['#1f4e79', { Date: 'Tue 10/3', Actions: '[9]', Resources: '[4]', Activities: '[3]', Communication: '[2]' }],
        ],
      );
      assert.equal(outlines.filter((item) => item.tooltip !== undefined).length, 0, 'an empty day has no tooltip');
      assert.deepEqual(scene.legendLabels, [['[2]', '[5]', '[9]']]);
    });

    it('shows visit duration with its own levels and tooltips', async () => {
      const chart = heatMapChart(heatMap(fortnight), 'duration', heatLabels('Visit duration'), format);
      const summary = 'duration: 4/14 days, 4500s, 7 visits, 21 actions (9/9/3); top 2400s on Wed 4/3.';
      const legendOf = legend('Visit duration', [1, 2, 3, 4], '{"1":"300s","2":"600s","3":"1200s","4":"2400s"}');
      assert.deepEqual(chart, {
        spec: {
          ...frame(summary),
          height: 200,
          usermeta: { minWidth: '40rem' },
          encoding,
          layer: [
            { data: { values: grid }, mark: { type: 'square', filled: false, stroke: '#d8dee4', strokeWidth: 1, opacity: 1, size: outlineSize } },
            {
              data: {
                values: [
                  { column: 0, weekday: 4, level: 1, dateLabel: 'Thu 26/2', duration: '300s', visits: '[1]' },
                  { column: 0, weekday: 7, level: 3, dateLabel: 'Sun 1/3', duration: '1200s', visits: '[2]' },
                  { column: 1, weekday: 3, level: 4, dateLabel: 'Wed 4/3', duration: '2400s', visits: '[1]' },
                  { column: 2, weekday: 2, level: 2, dateLabel: 'Tue 10/3', duration: '600s', visits: '[3]' },
                ],
              },
              mark: { type: 'square', filled: true, stroke: '#3a78b5', strokeWidth: 1, opacity: 1 },
              encoding: {
                ...squares(legendOf),
                tooltip: [
                  { field: 'dateLabel', type: 'nominal', title: 'Date' },
                  { field: 'duration', type: 'nominal', title: 'Duration' },
                  { field: 'visits', type: 'nominal', title: 'Visits' },
                ],
              },
            },
          ],
        },
        table: { caption: 'Heat map', columns: ['Date', 'Duration', 'Visits'], rows: fortnight.map((d) => [format.date(d.date), `${d.durationSeconds}s`, `[${d.visits}]`]) },
        summary,
      });
      const filled = (await drawScene(chart.spec, 300)).marks.get('layer_1_marks')!;
      const sizes = [1, 2, 3, 4].map((level) => filled.find((item) => item.datum.level === level)!.size!);
      assert.deepEqual([...sizes].sort((a, b) => a - b), sizes, 'sizes grow with the level');
      assert.equal(new Set(sizes).size, 4);
    });
  });

  describe('communication trend', () => {
    it('draws the three series over every month, zeros included, told apart by colour, shape and dash', async () => {
      const chart = communicationTrendChart(communication, communicationLabels, format);
      const summary = '3 threads, 7 posts, 1 comments; busiest Month 2026-03 (7).';
      const series = {
        field: 'series',
        type: 'nominal',
        legend: { title: null, orient: 'bottom', direction: 'horizontal', columns: { expr: 'width < 480 ? 1 : 3' } },
      };
      const domain = ['Threads started', 'Discussion posts', 'Bulletin comments'];
      const row = (month: string, series: string, value: number, counts: [number, number, number]) => ({
        month,
        series,
        value,
        monthLabel: `Month ${month}`,
        threadsStarted: `[${counts[0]}]`,
        discussionPosts: `[${counts[1]}]`,
        bulletinComments: `[${counts[2]}]`,
      });
      assert.deepEqual(chart, {
        spec: {
          ...frame(summary),
          height: 260,
          data: {
            values: [
              row('2026-01', 'Threads started', 1, [1, 3, 0]),
              row('2026-01', 'Discussion posts', 3, [1, 3, 0]),
              row('2026-01', 'Bulletin comments', 0, [1, 3, 0]),
              row('2026-02', 'Threads started', 0, [0, 0, 0]),
              row('2026-02', 'Discussion posts', 0, [0, 0, 0]),
              row('2026-02', 'Bulletin comments', 0, [0, 0, 0]),
              row('2026-03', 'Threads started', 2, [2, 4, 1]),
              row('2026-03', 'Discussion posts', 4, [2, 4, 1]),
              row('2026-03', 'Bulletin comments', 1, [2, 4, 1]),
            ],
          },
          encoding: {
            x: {
              field: 'month',
              type: 'ordinal',
              title: null,
              scale: { domain: ['2026-01', '2026-02', '2026-03'] },
              axis: { labelExpr: '{"2026-01":"Month 2026-01","2026-02":"Month 2026-02","2026-03":"Month 2026-03"}[datum.value]', labelAngle: 0, labelOverlap: true },
            },
            y: { field: 'value', type: 'quantitative', title: 'Number', stack: null, axis: { tickMinStep: 1, format: 'd' } },
            color: { ...series, scale: { domain, range: ['#1f4e79', '#b34700', '#1e7a3c'] } },
          },
          layer: [
            { mark: { type: 'line', strokeWidth: 2 }, encoding: { strokeDash: { ...series, scale: { domain, range: [[1, 0], [6, 3], [2, 2]] } } } },
            {
              mark: { type: 'point', filled: true, size: 60, opacity: 1 },
              encoding: {
                shape: { ...series, scale: { domain, range: ['circle', 'square', 'triangle-up'] } },
                tooltip: [
                  { field: 'monthLabel', type: 'nominal', title: 'Month' },
                  { field: 'threadsStarted', type: 'nominal', title: 'Threads started' },
                  { field: 'discussionPosts', type: 'nominal', title: 'Discussion posts' },
                  { field: 'bulletinComments', type: 'nominal', title: 'Bulletin comments' },
                ],
              },
            },
          ],
        },
        table: {
          caption: 'Communication',
          columns: ['Month', 'Threads started', 'Discussion posts', 'Bulletin comments'],
          rows: [
            ['Month 2026-01', '[1]', '[3]', '[0]'],
            ['Month 2026-02', '[0]', '[0]', '[0]'],
            ['Month 2026-03', '[2]', '[4]', '[1]'],
          ],
        },
        summary,
      });
      const scene = await drawScene(chart.spec, 600);
      assert.deepEqual(
        [scene.marks.get('layer_1_marks')!.length, scene.marks.get('layer_0_marks')!.length, scene.legendLabels],
        [9, 3, [domain]],
        '9 points, one line per series, one legend naming them',
      );
    });
  });

  describe('every chart', () => {
    const all: [string, TopLevelSpec][] = [
      ['course activity', courseActivityChart(week, courseLabels, format).spec],
      ['month duration', monthActivityChart(february, 'duration', monthLabels, format).spec],
      ['month visits', monthActivityChart(february, 'visits', monthLabels, format).spec],
      ['heat map duration', heatMapChart(heatMap(fortnight), 'duration', heatLabels('Visit duration'), format).spec],
      ['heat map actions', heatMapChart(heatMap(fortnight), 'actions', heatLabels('Actions taken'), format).spec],
      ['communication trend', communicationTrendChart(communication, communicationLabels, format).spec],
    ];

    it('compiles with vega-lite without a warning, and parses and runs in vega without eval (ast + interpreter)', async () => {
      for (const [name, spec] of all) {
        const scene = await drawScene(spec, 360);
        assert.deepEqual({ name, compile: scene.compileMessages, runtime: scene.runtimeMessages }, { name, compile: [], runtime: [] });
      }
    });

    it('is plain JSON, as wide as its container, and uses only the theme’s colours', () => {
      const themeColours = new Set<string>([BACKGROUND, ...Object.values(COLOURS).map((c) => c.hex)]);
      for (const [name, spec] of all) {
        assert.deepEqual(JSON.parse(JSON.stringify(spec)), spec, name);
        assert.deepEqual([spec.$schema, (spec as { width?: unknown }).width, spec.autosize], [VEGA_LITE_SCHEMA, 'container', { type: 'fit', contains: 'padding' }], name);
        const unlisted = [...JSON.stringify(spec).matchAll(/#[0-9a-f]{3,8}\b/gi)].map((m) => m[0].toLowerCase()).filter((hex) => !themeColours.has(hex));
        assert.deepEqual(unlisted, [], `${name}: colours outside chart-theme.ts`);
      }
    });
  });

  describe('colours (chart-theme.ts)', () => {
    // WCAG 2.x relative luminance and contrast ratio.
    const luminance = (hex: string): number => {
      const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    const contrast = (a: string, b: string): number => {
      const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
      return (light! + 0.05) / (dark! + 0.05);
    };
    const MINIMUM: Record<ColourRole, number> = { text: 4.5, graphic: 3, level: 1, decorative: 1 };

    it('computes contrast as WCAG does', () => {
      assert.deepEqual([contrast('#000000', '#ffffff'), contrast('#ffffff', '#ffffff'), +contrast('#767676', '#ffffff').toFixed(2)], [21, 1, 4.54]);
    });

    it('gives text 4.5:1 and bars, lines, points and the two darkest heat-map levels 3:1 against the background', () => {
      const failing = Object.entries(COLOURS)
        .map(([name, { hex, role }]) => ({ name, hex, role, ratio: +contrast(hex, BACKGROUND).toFixed(2) }))
        .filter(({ role, ratio }) => ratio < MINIMUM[role]);
      assert.deepEqual(failing, []);
      assert.deepEqual(
        [CHART_CONFIG.axis?.labelColor, CHART_CONFIG.legend?.labelColor, CHART_CONFIG.axis?.titleColor, CHART_CONFIG.bar?.color].map((hex) => Object.values(COLOURS).find((c) => c.hex === (hex as string))?.role),
        ['text', 'text', 'text', 'graphic'],
      );
      assert.deepEqual(LEVEL_COLOURS.slice(2).map((hex) => contrast(hex, BACKGROUND) >= 3), [true, true]);
    });

    it('runs the heat-map levels from light to dark, outlined in a colour of 3:1', () => {
      const darkness = LEVEL_COLOURS.map((hex) => contrast(hex, BACKGROUND));
      assert.deepEqual([...darkness].sort((a, b) => a - b), darkness);
      assert.equal(new Set(darkness).size, 4);
      assert.ok(contrast(COLOURS.levelOutline.hex, BACKGROUND) >= 3);
    });
  });

  describe('partials/chart.hbs', () => {
    it('renders the figure: caption, canvas, the spec as JSON safe inside <script>, the summary and the table', () => {
      const chart = {
        spec: { $schema: VEGA_LITE_SCHEMA, description: 'a </script><!-- b', data: { values: [{ label: '</SCRIPT>' }] } },
        table: { caption: 'Visits & more', columns: ['Date', 'Visits'], rows: [['Tue 3/3', '[4]'], ['Wed 4/3', '<0>']] },
        summary: 'Four visits.',
      };
      const html = renderPartial('chart', { id: 'course-activity', chart });
      const json = /<script type="application\/json" class="chart-spec">(.*?)<\/script>/s.exec(html)![1]!;
      assert.deepEqual([JSON.parse(json), /<\/script|<!--/i.test(json)], [chart.spec, false]);
      assert.equal(
        html.replace(json, 'SPEC').replace(/\s*\n\s*/g, ''),
        '<figure class="chart" id="course-activity">' +
          '<figcaption class="chart-title">Visits &amp; more</figcaption>' +
          '<div class="chart-scroll"><div class="chart-canvas" data-chart-id="course-activity"></div></div>' +
          '<script type="application/json" class="chart-spec">SPEC</script>' +
          '<p class="chart-summary">Four visits.</p>' +
          '<details class="chart-table"><summary>Show as table</summary>' +
          '<div class="chart-table-scroll" role="region" aria-label="Visits &amp; more" tabindex="0"><table>' +
          '<caption>Visits &amp; more</caption>' +
          '<thead><tr><th scope="col">Date</th><th scope="col">Visits</th></tr></thead>' +
          '<tbody><tr><th scope="row">Tue 3/3</th><td>[4]</td></tr><tr><th scope="row">Wed 4/3</th><td>&lt;0&gt;</td></tr></tbody>' +
          '</table></div></details></figure>',
      );
    });
  });
});
