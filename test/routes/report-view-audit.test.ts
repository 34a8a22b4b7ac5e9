/**
 * The audit log of report views over HTTP: each report route (page, JSON, CSV) answered to a
 * teacher's ltik writes exactly one `report_views` row — the viewer (the launch's user and roles),
 * the course, the student (none for the overview), the form, the request id, the frozen clock's
 * time — and the regions htmx refreshes or swaps alone, refusals and failures write none. Views
 * of concurrent requests are all written, each before its answer. A failed insert is logged and
 * the report is sent all the same.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import supertest from 'supertest';
import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { BACKEND } from '../support/databases.js';
import { ltikOf } from '../support/lti-world.js';
import { moodleStatement } from '../support/moodle-statements.js';
import { TEST_ADMIN_TOKEN } from '../support/test-app.js';
import { DEFAULT_CONTEXT, ROLES, type ContextClaim } from '../support/test-platform.js';
import { learner, xapiWorld, type XapiWorld } from '../support/xapi-world.js';

const TA = 'http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant';
const VIEWED_AT = '2025-03-05T12:00:00.000Z';

const grace = learner('u-grace', { name: 'Grace Hopper', given_name: 'Grace', family_name: 'Hopper' });
const jose = learner('u-jose', { name: 'José Ñúñez', given_name: 'José', family_name: 'Ñúñez' });

const htmx = (target: string): Record<string, string> => ({ 'HX-Request': 'true', 'HX-Target': target });

describe(`the audit log of report views (${BACKEND})`, function () {
  this.timeout(120_000);

  let x: XapiWorld;
  let courses = 0;
  before(async () => {
    x = await xapiWorld();
  });
  after(async () => {
    await x.close();
  });

  const setClock = (at: number) => x.w.clock.advance((at - x.w.clock.now().getTime()) / 1000);
  // Launches happen at the real time (ltijs checks the id_token's age against it); views at VIEWED_AT.
  beforeEach(() => setClock(Math.floor(Date.now() / 1000) * 1000));

  /** The id of the audit row of each course's TA launch (openCourse). */
  const launchRowIds = new Map<string, bigint>();

  /** A course of its own with Grace and José and a visit of Grace's; the ltik of a TA's launch. */
  async function openCourse(): Promise<{ context: ContextClaim; ltik: string }> {
    courses += 1;
    const context = { ...DEFAULT_CONTEXT, id: `audit-${courses}`, title: `Audit course ${courses}` };
    await x.openCourse([grace, jose], context);
    const launchedAt = x.w.clock.now();
    const { response } = await x.platform.launch(supertest.agent(x.w.t.app), { context, sub: 'ta-1', roles: [TA] });
    assert.equal(response.status, 200, response.text);
    // The launch answers with the overview: a view, logged by the launch itself (the last row so far;
    // x.openCourse's own launch wrote one before it).
    const rows = await x.rows('select id::text as id from report_views where platform_id = $1 and context_id = $2 order by id', [x.platformId, context.id]);
    launchRowIds.set(context.id, BigInt(String(rows.at(-1)!.id)));
    const launchView = (await viewsOf(context.id)).at(-1);
    assert.match(String(launchView?.request_id), /^[0-9a-f-]{36}$/);
    assert.deepEqual({ ...launchView, request_id: 'generated' }, {
      platform_id: x.platformId,
      context_id: context.id,
      viewed_at: launchedAt,
      viewer_user_id: 'ta-1',
      viewer_roles: [TA],
      student_user_id: null,
      view: 'overview-page',
      request_id: 'generated',
    });
    await x.post([moodleStatement({ issuer: x.platform.issuer, contextId: context.id, userId: 'u-grace', kind: 'visit', at: '2025-03-04T09:00:00Z' })]).expect(200);
    setClock(Date.parse(VIEWED_AT));
    return { context, ltik: ltikOf(response.text) };
  }

  const get = (path: string, ltik: string | null, headers: Record<string, string> = {}) => {
    const req = supertest(x.w.t.app).get(path).set(headers);
    return ltik ? req.set('Authorization', `Bearer ${ltik}`) : req;
  };

  const viewsOf = (contextId: string) =>
    x.rows(
      `select platform_id, context_id, viewed_at, viewer_user_id, viewer_roles, student_user_id, view, request_id
       from report_views where platform_id = $1 and context_id = $2 order by id`,
      [x.platformId, contextId],
    );
  /** The views written after openCourse's launches (it checks the TA's launch view itself). */
  const viewsAfterLaunch = (contextId: string) =>
    x.rows(
      `select platform_id, context_id, viewed_at, viewer_user_id, viewer_roles, student_user_id, view, request_id
       from report_views where platform_id = $1 and context_id = $2 and id > $3::bigint order by id`,
      [x.platformId, contextId, String(launchRowIds.get(contextId))],
    );

  it('writes one row per report answered: the page (whole, boosted, history restore, body swap), JSON and CSV, overview and student', async () => {
    const { context, ltik } = await openCourse();
    // Besides the launch's own (openCourse), nothing so far was a report view.
    assert.deepEqual(await viewsAfterLaunch(context.id), []);

    const requests: Array<[path: string, headers: Record<string, string>, view: string, student: string | null]> = [
      ['/reports/overview', {}, 'overview-page', null],
      ['/reports/overview?group=', htmx('main'), 'overview-page', null],
      ['/reports/overview', { 'HX-Request': 'true', 'HX-History-Restore-Request': 'true', 'HX-Target': 'overview-figures' }, 'overview-page', null],
      ['/reports/overview/students.csv', {}, 'overview-csv', null],
      ['/api/overview?q=gr', {}, 'overview-json', null],
      ['/reports/students/u-grace', {}, 'student-page', 'u-grace'],
      ['/reports/students/u-jose?month=2025-02', { 'HX-Request': 'true', 'HX-Boosted': 'true', 'HX-Target': 'main' }, 'student-page', 'u-jose'],
      ['/api/students/u-grace', {}, 'student-json', 'u-grace'],
      ['/reports/students/u-grace/days.csv', {}, 'student-days-csv', 'u-grace'],
    ];
    const expected: Array<Record<string, unknown>> = [];
    for (const [i, [path, headers, view, student]] of requests.entries()) {
      setClock(Date.parse(VIEWED_AT) + i * 60_000);
      const res = await get(path, ltik, { ...headers, 'X-Request-Id': `audit-request-${i}` });
      assert.equal(res.status, 200, `${path}: ${res.text}`);
      expected.push({
        platform_id: x.platformId,
        context_id: context.id,
        viewed_at: new Date(Date.parse(VIEWED_AT) + i * 60_000),
        viewer_user_id: 'ta-1',
        viewer_roles: [TA],
        student_user_id: student,
        view,
        request_id: `audit-request-${i}`,
      });
      // Written before the answer was sent: there when the client has it.
      assert.deepEqual(await viewsAfterLaunch(context.id), expected, path);
    }
  });

  it('writes the views of concurrent requests, each before its answer', async () => {
    const { context, ltik } = await openCourse();
    const requests: Array<[path: string, view: string, student: string | null]> = [
      ['/api/overview', 'overview-json', null],
      ['/reports/overview', 'overview-page', null],
      ['/api/students/u-grace', 'student-json', 'u-grace'],
      ['/api/students/u-jose', 'student-json', 'u-jose'],
      ['/reports/students/u-grace/days.csv', 'student-days-csv', 'u-grace'],
      ['/reports/overview/students.csv', 'overview-csv', null],
    ];
    const answers = await Promise.all(
      requests.map(async ([path], i) => {
        const res = await get(path, ltik, { 'X-Request-Id': `concurrent-${i}` });
        // Written before the answer was sent: there when the client has it.
        const written = await x.rows('select 1 from report_views where context_id = $1 and request_id = $2', [context.id, `concurrent-${i}`]);
        return `${res.status} ${path}: ${written.length} row`;
      }),
    );
    assert.deepEqual(answers, requests.map(([path]) => `200 ${path}: 1 row`));
    const byRequest = (a: Record<string, unknown>, b: Record<string, unknown>) => String(a.request_id).localeCompare(String(b.request_id));
    assert.deepEqual(
      (await viewsAfterLaunch(context.id)).sort(byRequest),
      requests.map(([, view, student], i) => ({
        platform_id: x.platformId,
        context_id: context.id,
        viewed_at: new Date(VIEWED_AT),
        viewer_user_id: 'ta-1',
        viewer_roles: [TA],
        student_user_id: student,
        view,
        request_id: `concurrent-${i}`,
      })),
    );
  });

  it('writes none for the regions htmx refreshes or swaps alone, the switcher, the groups, HEAD, and refused or failed requests', async () => {
    const { context, ltik } = await openCourse();
    const other = await openCourse();
    const answers: string[] = [];
    const requests: Array<[path: string, ltik: string | null, headers?: Record<string, string>]> = [
      // Regions: the 60-second figures, the list's search and sorting, the student page's refresh, month and heat map.
      ['/reports/overview', ltik, htmx('overview-figures')],
      ['/reports/overview?q=gr', ltik, htmx('student-list')],
      ['/reports/overview?sort=total&dir=desc', ltik, htmx('student-list')],
      ['/reports/overview', ltik, htmx('student-more')],
      ['/reports/students/u-grace', ltik, htmx('student-live')],
      ['/reports/students/u-grace?month=2025-02', ltik, htmx('student-month')],
      ['/reports/students/u-grace?heat=actions', ltik, htmx('student-heat')],
      // Not reports: the switcher's redirect, the groups.
      ['/reports/students?student=u-grace', ltik],
      ['/groups', ltik],
      ['/api/groups', ltik],
      // Refused: no ltik, another course named, not a student, bad parameters, a group the course lacks.
      ['/reports/overview', null],
      [`/api/overview?course=${other.context.id}`, ltik],
      ['/reports/students/u-nobody', ltik],
      ['/api/students/instructor-1', ltik],
      ['/reports/students/u-grace/days.csv?course=elsewhere', ltik],
      ['/api/students/u-grace?month=2025-13', ltik],
      ['/api/overview?grup=1', ltik],
      ['/reports/overview/students.csv?group=lti-gs:nope', ltik],
      ['/reports/overview?sort=size', ltik],
    ];
    for (const [path, token, headers] of requests) answers.push(`${(await get(path, token, headers)).status} ${path}`);
    answers.push(`${(await supertest(x.w.t.app).head('/api/overview').set('Authorization', `Bearer ${ltik}`)).status} HEAD /api/overview`);
    assert.deepEqual(answers, [
      '200 /reports/overview',
      '200 /reports/overview?q=gr',
      '200 /reports/overview?sort=total&dir=desc',
      '200 /reports/overview',
      '200 /reports/students/u-grace',
      '200 /reports/students/u-grace?month=2025-02',
      '200 /reports/students/u-grace?heat=actions',
      '303 /reports/students?student=u-grace',
      '200 /groups',
      '200 /api/groups',
      '401 /reports/overview',
      `403 /api/overview?course=${other.context.id}`,
      '404 /reports/students/u-nobody',
      '404 /api/students/instructor-1',
      '403 /reports/students/u-grace/days.csv?course=elsewhere',
      '400 /api/students/u-grace?month=2025-13',
      '400 /api/overview?grup=1',
      '404 /reports/overview/students.csv?group=lti-gs:nope',
      '400 /reports/overview?sort=size',
      '200 HEAD /api/overview',
    ]);
    assert.deepEqual(await viewsAfterLaunch(context.id), []);
    assert.deepEqual(await viewsAfterLaunch(other.context.id), []);
  });

  it('sends the report when the row cannot be written, and logs the failure with the request id', async () => {
    const { context, ltik } = await openCourse();
    const expected = await get('/api/students/u-grace', ltik, { 'X-Request-Id': 'audit-before' }).expect(200);
    // The same app over the same database and ltijs, with a logger whose lines the test reads.
    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger('error', new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk)) as Record<string, unknown>), done()) }));
    const app = createApp({ db: x.w.t.db, lti: x.w.t.lti, adminToken: TEST_ADMIN_TOKEN, logger, publicUrl: x.w.tool.url, now: x.w.clock.now });
    await x.rows('alter table report_views rename to report_views_away');
    try {
      const res = await supertest(app).get('/api/students/u-grace').set({ Authorization: `Bearer ${ltik}`, 'X-Request-Id': 'audit-broken' }).expect(200);
      assert.deepEqual(res.body, expected.body);
      const page = await supertest(app).get('/reports/overview').set({ Authorization: `Bearer ${ltik}`, 'X-Request-Id': 'audit-broken-page' }).expect(200);
      assert.match(page.text, /Grace Hopper/);
    } finally {
      await x.rows('alter table report_views_away rename to report_views');
    }
    const failures = lines.filter((line) => line.msg === 'report view not written to the audit log');
    const logged = (requestId: string, view: string, student: string | null) => ({
      level: 50,
      requestId,
      reportView: { platformId: x.platformId, contextId: context.id, viewedAt: VIEWED_AT, viewerUserId: 'ta-1', viewerRoles: [TA], studentUserId: student, view, requestId },
      error: 'relation "report_views" does not exist',
    });
    assert.deepEqual(
      failures.map((line) => ({ level: line.level, requestId: (line.req as { id: string }).id, reportView: line.reportView, error: (line.err as { message: string }).message })),
      [logged('audit-broken', 'student-json', 'u-grace'), logged('audit-broken-page', 'overview-page', null)],
    );
    // Only the view before the table was moved away is in the log.
    assert.deepEqual(await viewsAfterLaunch(context.id), [
      { platform_id: x.platformId, context_id: context.id, viewed_at: new Date(VIEWED_AT), viewer_user_id: 'ta-1', viewer_roles: [TA], student_user_id: 'u-grace', view: 'student-json', request_id: 'audit-before' },
    ]);
  });

  it('records the viewer the ltik names, whoever else launched the course', async () => {
    const { context, ltik } = await openCourse();
    setClock(Math.floor(Date.now() / 1000) * 1000);
    const { response } = await x.platform.launch(supertest.agent(x.w.t.app), { context, sub: 'instructor-1', roles: [ROLES.instructor] });
    assert.equal(response.status, 200, response.text);
    const instructorLtik = ltikOf(response.text);
    setClock(Date.parse(VIEWED_AT));
    await get('/api/overview', instructorLtik, { 'X-Request-Id': 'by-instructor' }).expect(200);
    await get('/api/overview', ltik, { 'X-Request-Id': 'by-ta' }).expect(200);
    assert.deepEqual(
      (await viewsAfterLaunch(context.id)).map((row) => [row.viewer_user_id, row.viewer_roles, row.view, /^[0-9a-f-]{36}$/.test(String(row.request_id)) ? 'generated' : row.request_id]),
      [
        ['instructor-1', [ROLES.instructor], 'overview-page', 'generated'],
        ['instructor-1', [ROLES.instructor], 'overview-json', 'by-instructor'],
        ['ta-1', [TA], 'overview-json', 'by-ta'],
      ],
    );
  });
});
