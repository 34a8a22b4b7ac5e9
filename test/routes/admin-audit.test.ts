/**
 * GET /admin/api/audit over HTTP: the audit log of report views for an administrator — views
 * made by real report requests, and a log written through the model (two platforms, their
 * courses and students, over several days) to check each filter, the newest-first order and the
 * paging whole; 401 without the admin token, 400 naming a bad parameter.
 */
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { insertReportView } from '../../src/models/insert-report-view.js';
import type { ReportView, ReportViewKind } from '../../src/models/report-view.js';
import { BACKEND } from '../support/databases.js';
import { ltikOf } from '../support/lti-world.js';
import { TEST_ADMIN_TOKEN } from '../support/test-app.js';
import { DEFAULT_CONTEXT, ROLES } from '../support/test-platform.js';
import { learner, xapiWorld, type XapiWorld } from '../support/xapi-world.js';

const T0 = Date.parse('2026-03-02T08:00:00Z');

describe(`the admin API's audit log (${BACKEND})`, function () {
  this.timeout(120_000);

  let x: XapiWorld;
  beforeEach(async () => {
    x = await xapiWorld();
  });
  afterEach(async () => {
    await x.close();
  });

  const audit = (query: string, token: string | null = TEST_ADMIN_TOKEN) => {
    const req = supertest(x.w.t.app).get(`/admin/api/audit${query}`);
    return token === null ? req : req.set('Authorization', `Bearer ${token}`);
  };

  it('lists the views real report requests wrote, newest first', async () => {
    const context = { ...DEFAULT_CONTEXT, id: 'audit-course', title: 'Audit course' };
    await x.openCourse([learner('u-grace', { name: 'Grace Hopper' })], context);
    const { response } = await x.platform.launch(supertest.agent(x.w.t.app), { context });
    const ltik = ltikOf(response.text);
    // The launches' own overview views are report-view-audit.test.ts's subject; this log starts empty.
    await x.rows('truncate report_views restart identity');
    x.w.clock.advance((T0 - x.w.clock.now().getTime()) / 1000);
    const asTeacher = (path: string, requestId: string) => supertest(x.w.t.app).get(path).set({ Authorization: `Bearer ${ltik}`, 'X-Request-Id': requestId }).expect(200);
    await asTeacher('/reports/overview', 'r-1');
    x.w.clock.advance(90);
    await asTeacher('/reports/students/u-grace', 'r-2');

    const res = await audit('').expect(200).expect('Content-Type', /^application\/json/);
    const row = (id: number, viewedAt: string, student: string | null, view: string, requestId: string) => ({
      id,
      viewedAt,
      platform: x.platformId,
      course: 'audit-course',
      viewer: 'instructor-1',
      viewerRoles: [ROLES.instructor],
      student,
      view,
      requestId,
    });
    assert.deepEqual(res.body, {
      views: [row(2, '2026-03-02T08:01:30.000Z', 'u-grace', 'student-page', 'r-2'), row(1, '2026-03-02T08:00:00.000Z', null, 'overview-page', 'r-1')],
      next: null,
    });
    assert.equal(res.headers['cache-control'], 'no-store');
  });

  describe('over a log of two platforms', () => {
    let b: string;
    /** Every view written, in the order written (ids 1, 2, …). */
    let log: Array<ReportView & { id: number }>;

    beforeEach(async () => {
      b = (await x.w.addPlatform({ name: 'LMS B' })).platformId;
      const a = x.platformId;
      // [platform, course, student, minutes after T0, view]: A's course-1 and course-2, and B's course-1 (the same context id).
      const views: Array<[string, string, string | null, number, ReportViewKind]> = [
        [a, 'course-1', null, 0, 'overview-page'],
        [a, 'course-1', 's1', 5, 'student-page'],
        [a, 'course-2', 's1', 5, 'student-json'],
        [b, 'course-1', 's1', 10, 'student-days-csv'],
        [a, 'course-1', 's2', 60 * 24, 'student-page'],
        [b, 'course-1', null, 60 * 24 + 1, 'overview-csv'],
        [a, 'course-1', 's1', 60 * 48, 'student-json'],
      ];
      log = [];
      for (const [platformId, contextId, student, minutes, view] of views) {
        const entry = {
          platformId,
          contextId,
          viewedAt: new Date(T0 + minutes * 60_000),
          viewerUserId: 'teacher',
          viewerRoles: [ROLES.instructor],
          studentUserId: student,
          view,
          requestId: `req-${log.length + 1}`,
        };
        await insertReportView(x.w.t.db, entry);
        log.push({ ...entry, id: log.length + 1 });
      }
    });

    /** The ids (1-based, in writing order) the API lists for `query`, all pages. */
    async function ids(query: string): Promise<number[]> {
      const res = await audit(query).expect(200);
      return (res.body.views as Array<{ id: number }>).map((v) => v.id);
    }

    it('answers each view whole, newest first (ties by id, newest written first)', async () => {
      const res = await audit('').expect(200);
      assert.deepEqual(res.body, {
        views: [...log].reverse().map((v) => ({
          id: v.id,
          viewedAt: v.viewedAt.toISOString(),
          platform: v.platformId,
          course: v.contextId,
          viewer: 'teacher',
          viewerRoles: [ROLES.instructor],
          student: v.studentUserId,
          view: v.view,
          requestId: v.requestId,
        })),
        next: null,
      });
    });

    it('filters by platform, course, student, since (inclusive) and until (exclusive)', async () => {
      const a = x.platformId;
      const at = (minutes: number) => encodeURIComponent(new Date(T0 + minutes * 60_000).toISOString());
      const cases: Array<[string, number[]]> = [
        [`?platform=${a}`, [7, 5, 3, 2, 1]],
        [`?platform=${b}`, [6, 4]],
        [`?platform=${a}&course=course-1`, [7, 5, 2, 1]],
        [`?platform=${b}&course=course-1`, [6, 4]],
        [`?platform=${a}&course=course-1&student=s1`, [7, 2]],
        [`?platform=${a}&student=s1`, [7, 3, 2]],
        [`?platform=${b}&student=s1`, [4]],
        [`?platform=${a}&course=course-3`, []],
        [`?platform=unknown`, []],
        [`?since=${at(10)}`, [7, 6, 5, 4]],
        [`?until=${at(10)}`, [3, 2, 1]],
        [`?since=${at(5)}&until=${at(60 * 24 + 1)}`, [5, 4, 3, 2]],
        [`?since=2026-03-03T09:00:00%2B01:00`, [7, 6, 5]],
        [`?platform=${a}&since=${at(1)}&until=${at(60 * 48)}`, [5, 3, 2]],
      ];
      const answers: Array<[string, number[]]> = [];
      for (const [query] of cases) answers.push([query, await ids(query)]);
      assert.deepEqual(answers, cases);
    });

    it('pages with limit and the cursor of the previous page, across views of the same instant', async () => {
      const pages: number[][] = [];
      let query = '?limit=2';
      for (;;) {
        const res = await audit(query).expect(200);
        pages.push((res.body.views as Array<{ id: number }>).map((v) => v.id));
        if (res.body.next === null) break;
        query = `?limit=2&cursor=${encodeURIComponent(res.body.next as string)}`;
      }
      // Views 2 and 3 share an instant and are split over two pages: neither is skipped or repeated.
      assert.deepEqual(pages, [[7, 6], [5, 4], [3, 2], [1]]);
      // With filters kept, and a limit that ends exactly at the last view.
      const a = x.platformId;
      const first = await audit(`?platform=${a}&limit=3`).expect(200);
      assert.deepEqual([(first.body.views as Array<{ id: number }>).map((v) => v.id), typeof first.body.next], [[7, 5, 3], 'string']);
      const second = await audit(`?platform=${a}&limit=2&cursor=${encodeURIComponent(first.body.next as string)}`).expect(200);
      assert.deepEqual(second.body, { views: second.body.views, next: null });
      assert.deepEqual((second.body.views as Array<{ id: number }>).map((v) => v.id), [2, 1]);
      // The default page is 100 views; at most 1000 may be asked for.
      assert.deepEqual(await ids('?limit=1000'), [7, 6, 5, 4, 3, 2, 1]);
    });
  });

  it('refuses without the admin token or with a wrong one (401)', async () => {
    const missing = await audit('', null).expect(401);
    assert.deepEqual(missing.body, { error: 'missing admin token: send "Authorization: Bearer <admin token>"', requestId: missing.headers['x-request-id'] });
    assert.equal(missing.headers['www-authenticate'], 'Bearer realm="coursepulse-admin"');
    const wrong = await audit('', `${TEST_ADMIN_TOKEN}x`).expect(401);
    assert.equal(wrong.body.error, 'wrong admin token');
    // An ingest credential or a teacher's ltik is no admin token either.
    await audit('', `${x.credential.key}:${x.credential.secret}`).expect(401);
  });

  it('answers 400 naming the parameter for a bad, unknown, repeated or incomplete one', async () => {
    const cases: Array<[string, string]> = [
      ['?since=yesterday', 'invalid query: since: must be an ISO 8601 date and time, such as 2026-03-01T00:00:00Z'],
      ['?until=2026-03-01', 'invalid query: until: must be an ISO 8601 date and time, such as 2026-03-01T00:00:00Z'],
      ['?limit=0', 'invalid query: limit: must be a whole number from 1 to 1000'],
      ['?limit=1001', 'invalid query: limit: must be a whole number from 1 to 1000'],
      ['?limit=ten', 'invalid query: limit: must be a whole number from 1 to 1000'],
      ['?cursor=abc', 'invalid query: cursor: is not a cursor this API gave (the "next" of a page)'],
      ['?course=course-1', 'invalid query: course: course needs platform (a course id is unique within its platform)'],
      ['?student=s1', 'invalid query: student: student needs platform (a user id is unique within its platform)'],
      ['?platform=', 'invalid query: platform: platform is empty'],
      ['?platform=a&platform=b', 'invalid query: platform: Invalid input: expected string, received array'],
      ['?studnet=s1', 'invalid query: Unrecognized key: "studnet"'],
    ];
    const answers: Array<[string, string]> = [];
    for (const [query] of cases) answers.push([query, (await audit(query).expect(400)).body.error as string]);
    assert.deepEqual(answers, cases);
  });
});
