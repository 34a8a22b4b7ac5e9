/**
 * getStudentReport end to end on a real database: courses opened by a teacher's launch and a
 * roster read from the test LMS, Moodle-shaped statements POSTed to /xapi/statements (so the
 * stored days are what ingestion makes), then the whole report at a fixed "now", compared with
 * figures worked out by hand.
 */
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { REGISTRATION_COLLECTION, type RegistrationRecord } from '../../src/lti/dynamic-registration.js';
import { heatMap } from '../../src/metrics/index.js';
import { addCoursePulseGroupMembers, createCoursePulseGroup } from '../../src/models/coursepulse-groups.js';
import { getStudentReport, type StudentReport } from '../../src/reports/index.js';
import { studentLmsLink } from '../../src/reports/lms-link.js';
import { setCourseTimezone } from '../support/course-timezone.js';
import { BACKEND } from '../support/databases.js';
import { communicationTrend, detailDays, monthDays } from '../support/detail-days.js';
import { moodleStatement, type StatementKind } from '../support/moodle-statements.js';
import { DEFAULT_CONTEXT, type ContextClaim } from '../support/test-platform.js';
import { SETTINGS, learner, xapiWorld, type XapiWorld } from '../support/xapi-world.js';

const CUSTOM_CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/custom';

/** Wednesday 5 March 2025, noon UTC: "now" of these reports. */
const NOW = new Date('2025-03-05T12:00:00Z');

const grace = learner('u-grace', { name: 'Grace Hopper', given_name: 'Grace', family_name: 'Hopper' });
const alan = learner('u-alan', { name: 'Alan Turing', given_name: 'Alan', family_name: 'Turing' });
const left = learner('u-left', { name: 'Left Early', status: 'Inactive' });
const assistant = { user_id: 'u-ta', roles: ['http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant'], status: 'Active' as const, name: 'Tea Assistant' };

describe(`getStudentReport: one student's Activity Details (${BACKEND})`, function () {
  this.timeout(120_000);

  let x: XapiWorld;
  let courses = 0;
  before(async () => {
    x = await xapiWorld();
  });
  after(async () => {
    await x.close();
  });

  /** A new course of its own with `members` on its roster (and the launching instructor). */
  async function openCourse(members = [grace, alan, left, assistant]): Promise<ContextClaim> {
    courses += 1;
    const context = { ...DEFAULT_CONTEXT, id: `details-${courses}`, title: `Details course ${courses}` };
    await x.openCourse(members, context);
    return context;
  }

  let objects = 0;
  async function send(contextId: string, userId: string, events: [StatementKind, string][]): Promise<void> {
    const statements = events.map(([kind, at]) => moodleStatement({ issuer: x.platform.issuer, contextId, userId, kind, at, objectKey: (objects += 1) }));
    const res = await x.post(statements);
    assert.equal(res.status, 200, res.text);
  }

  const report = (contextId: string, userId: string, options: { month?: string } = {}, now = NOW) =>
    getStudentReport(x.w.t.db, { platformId: x.platformId, contextId }, userId, options, SETTINGS, now);

  it('the worked example, its late page views merging the visits, and a thread with a comment the week before', async () => {
    const { id: contextId, title } = await openCourse();
    const course = { platformId: x.platformId, contextId };
    const group = (await createCoursePulseGroup(x.w.t.db, course, 'Lab A', NOW))!;
    await addCoursePulseGroupMembers(x.w.t.db, course, group.groupId, ['u-grace'], NOW);
    // Tuesday of the previous week: a thread started at 14:00 and a comment at 14:05 (one visit, 5 min + 60 s).
    await send(contextId, 'u-grace', [
      ['thread', '2025-02-25T14:00:00Z'],
      ['comment', '2025-02-25T14:05:00Z'],
    ]);
    // The worked example on Tuesday 4 March: visits 09:00–09:25 (26 min) and 10:30–10:40 (11 min).
    await send(contextId, 'u-grace', [
      ['visit', '2025-03-04T09:00:00Z'],
      ['resource', '2025-03-04T09:10:00Z'],
      ['activity', '2025-03-04T09:25:00Z'],
      ['post', '2025-03-04T10:30:00Z'],
      ['resource', '2025-03-04T10:40:00Z'],
    ]);
    const before = (await report(contextId, 'u-grace'))!;
    assert.deepEqual(before.totals, { durationSeconds: 2220 + 360, visits: 3, activeDays: 2, lastVisit: '2025-03-04T10:30:00.000Z' });
    assert.deepEqual(before.days.find((d) => d.date === '2025-03-04'), {
      date: '2025-03-04',
      visits: 2,
      durationSeconds: 2220,
      actions: 4,
      resources: 2,
      activities: 1,
      communication: 1,
    });

    // The page views of 09:50 and 10:10 arrive late: one visit 09:00–10:40, 100 min + 60 s.
    await send(contextId, 'u-grace', [
      ['resource', '2025-03-04T10:10:00Z'],
      ['resource', '2025-03-04T09:50:00Z'],
    ]);
    const days = detailDays('2024-03-06', '2025-03-05', {
      '2025-02-25': { visits: 1, durationSeconds: 360, actions: 2, communication: 2 },
      '2025-03-04': { visits: 1, durationSeconds: 6060, actions: 6, resources: 4, activities: 1, communication: 1 },
    });
    const expected: StudentReport = {
      course: { id: contextId, title, timezone: 'UTC' },
      today: '2025-03-05',
      student: { userId: 'u-grace', name: 'Grace Hopper', groups: [{ id: group.groupId, name: 'Lab A' }] },
      totals: { durationSeconds: 6420, visits: 2, activeDays: 2, lastVisit: '2025-03-04T09:00:00.000Z' },
      perActiveDay: { durationSeconds: 3210, visits: 1 },
      // (6060 − 360) ÷ 360 × 100 = 1583.33… → 1583.3
      weekToWeek: {
        thisWeekSeconds: 6060,
        previousWeekSeconds: 360,
        changePercent: 1583.3,
        thisWeek: { from: '2025-03-03', to: '2025-03-05' },
        previousWeek: { from: '2025-02-24', to: '2025-03-02' },
      },
      days,
      // The thread start is a thread and a post; the 10:30 post the second post.
      communication: { threadsStarted: 1, discussionPosts: 2, bulletinComments: 1 },
      month: {
        month: '2025-03',
        from: '2025-03-01',
        to: '2025-03-31',
        days: monthDays('2025-03-01', '2025-03-31', { '2025-03-04': { visits: 1, durationSeconds: 6060 } }),
        visits: 1,
        durationSeconds: 6060,
        previousMonth: '2025-02',
        nextMonth: null,
      },
      communicationTrend: communicationTrend('2024-04', {
        '2025-02': { threadsStarted: 1, discussionPosts: 1, bulletinComments: 1 },
        '2025-03': { discussionPosts: 1 },
      }),
      // heat-map.test.ts checks the map itself; here, that it is the map of these days.
      heatMap: heatMap(days),
      method: { visitTimeoutMinutes: 30, lastEventCreditSeconds: 60, maxVisitHours: 8, timezone: 'UTC' },
      // The course's students by family name: not the assistant, not the student who left.
      students: [
        { userId: 'u-grace', name: 'Grace Hopper' },
        { userId: 'u-alan', name: 'Alan Turing' },
      ],
      lmsLink: null,
    };
    assert.deepEqual(await report(contextId, 'u-grace'), expected);
    assert.equal(expected.days.length, 365);
  });

  it('a short course: the whole report of a student with one visit, the chart on February', async () => {
    const { id: contextId, title } = await openCourse([alan]);
    await send(contextId, 'u-alan', [['visit', '2025-02-10T08:00:00Z']]);
    const quiet = (await report(contextId, 'u-alan', { month: '2025-02' }))!;
    assert.deepEqual(quiet, {
      course: { id: contextId, title, timezone: 'UTC' },
      today: '2025-03-05',
      student: { userId: 'u-alan', name: 'Alan Turing', groups: [] },
      totals: { durationSeconds: 60, visits: 1, activeDays: 1, lastVisit: '2025-02-10T08:00:00.000Z' },
      perActiveDay: { durationSeconds: 60, visits: 1 },
      weekToWeek: {
        thisWeekSeconds: 0,
        previousWeekSeconds: 0,
        changePercent: null,
        thisWeek: { from: '2025-03-03', to: '2025-03-05' },
        previousWeek: { from: '2025-02-24', to: '2025-03-02' },
      },
      days: detailDays('2024-03-06', '2025-03-05', { '2025-02-10': { visits: 1, durationSeconds: 60 } }),
      communication: { threadsStarted: 0, discussionPosts: 0, bulletinComments: 0 },
      month: {
        month: '2025-02',
        from: '2025-02-01',
        to: '2025-02-28',
        days: monthDays('2025-02-01', '2025-02-28', { '2025-02-10': { visits: 1, durationSeconds: 60 } }),
        visits: 1,
        durationSeconds: 60,
        previousMonth: '2025-01',
        nextMonth: '2025-03',
      },
      communicationTrend: communicationTrend('2024-04'),
      heatMap: heatMap(detailDays('2024-03-06', '2025-03-05', { '2025-02-10': { visits: 1, durationSeconds: 60 } })),
      method: { visitTimeoutMinutes: 30, lastEventCreditSeconds: 60, maxVisitHours: 8, timezone: 'UTC' },
      students: [{ userId: 'u-alan', name: 'Alan Turing' }],
      lmsLink: null,
    } satisfies StudentReport);
    // Stepping back stops at the month the 12 months start in (no activity before it).
    assert.deepEqual(
      [(await report(contextId, 'u-alan', { month: '2024-03' }))!.month.previousMonth, (await report(contextId, 'u-alan', { month: '2024-04' }))!.month.previousMonth],
      [null, '2024-03'],
    );
  });

  it('counts days in the course’s time zone: today and the days are Oslo’s', async () => {
    const { id: contextId } = await openCourse([grace]);
    await setCourseTimezone(x.w.t.db, { platformId: x.platformId, contextId }, 'Europe/Oslo');
    // 23:10 UTC on 4 March is 00:10 on 5 March in Oslo (UTC+1).
    await send(contextId, 'u-grace', [['visit', '2025-03-04T23:10:00Z']]);
    const late = (await report(contextId, 'u-grace', {}, new Date('2025-03-04T23:30:00Z')))!;
    assert.equal(late.today, '2025-03-05');
    assert.deepEqual(late.course.timezone, 'Europe/Oslo');
    assert.deepEqual(late.method.timezone, 'Europe/Oslo');
    assert.deepEqual(late.days.at(-1), { date: '2025-03-05', visits: 1, durationSeconds: 60, actions: 0, resources: 0, activities: 0, communication: 0 });
    assert.deepEqual([late.days.length, late.days[0]!.date], [365, '2024-03-06']);
    assert.deepEqual(late.totals, { durationSeconds: 60, visits: 1, activeDays: 1, lastVisit: '2025-03-04T23:10:00.000Z' });
  });

  it('is null for anyone who is not a student of this course', async () => {
    const one = await openCourse();
    const other = await openCourse([learner('u-other')]);
    await send(other.id, 'u-other', [['visit', '2025-03-04T09:00:00Z']]);
    const found = await Promise.all(['instructor-1', 'u-ta', 'u-left', 'u-nobody', 'u-other'].map((userId) => report(one.id, userId)));
    assert.deepEqual(found, [null, null, null, null, null]);
    assert.equal((await report(other.id, 'u-other'))!.student.userId, 'u-other');
    assert.equal(await report('no-such-course', 'u-grace'), null);
  });

  it('links to the course’s grades in Canvas from the launch’s custom parameters', async () => {
    const context = await openCourse([grace]);
    const custom = { canvas_course_id: '4711', canvas_api_base_url: 'https://school.instructure.com', course_group_ids: '' };
    const { response } = await x.platform.launch(supertest.agent(x.w.t.app), { context, claims: { [CUSTOM_CLAIM]: custom } });
    assert.equal(response.status, 200, response.text);
    assert.deepEqual((await report(context.id, 'u-grace'))!.lmsLink, { url: 'https://school.instructure.com/courses/4711/grades', lms: 'canvas', scope: 'course' });
  });

  it('links to the student’s grade report in Moodle when the platform registered as Moodle', async () => {
    const context = await openCourse([grace]);
    // What dynamic registration keeps of a Moodle (dynamic-registration.ts).
    const record: RegistrationRecord = {
      platformId: x.platformId,
      issuer: x.platform.issuer,
      clientId: 'moodle-client',
      deploymentId: '1',
      productFamilyCode: 'moodle',
      openidConfiguration: `${x.platform.issuer}/openid-configuration`,
      registeredAt: NOW.toISOString(),
    };
    await x.w.t.lti.plugin.Insert(false, REGISTRATION_COLLECTION, record);
    try {
      assert.deepEqual((await report(context.id, 'u-grace'))!.lmsLink, {
        url: `${x.platform.issuer}/grade/report/user/index.php?id=${context.id}&userid=u-grace`,
        lms: 'moodle',
        scope: 'student',
      });
    } finally {
      await x.w.t.lti.plugin.Delete(REGISTRATION_COLLECTION, { platformId: x.platformId });
    }
  });

  it('makes no LMS link from unsubstituted or foreign values', () => {
    const base = { issuer: 'https://moodle.example.edu/lms/', productFamilyCode: null, custom: {} };
    assert.deepEqual(
      [
        studentLmsLink(base, '12', '34'),
        studentLmsLink({ ...base, productFamilyCode: 'Moodle' }, '12', 'a&b'),
        studentLmsLink({ ...base, custom: { canvas_course_id: '$Canvas.course.id', canvas_api_base_url: 'https://x.instructure.com' } }, '1', '2'),
        studentLmsLink({ ...base, custom: { canvas_course_id: '7', canvas_api_base_url: 'javascript:alert(1)' } }, '1', '2'),
      ],
      [null, { url: 'https://moodle.example.edu/lms/grade/report/user/index.php?id=12&userid=a%26b', lms: 'moodle', scope: 'student' }, null, null],
    );
  });
});
