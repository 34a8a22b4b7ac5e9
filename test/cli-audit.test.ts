/**
 * `coursepulse audit` against a running tool (a real loopback server over a test database): the
 * audit log of report views as a table page by page, as JSON, and the server's refusal of a bad
 * filter as exit code 1.
 */
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { main } from '../src/cli/coursepulse.js';
import { insertReportView } from '../src/models/insert-report-view.js';
import { BACKEND } from './support/databases.js';
import { ltikOf } from './support/lti-world.js';
import { TEST_ADMIN_TOKEN } from './support/test-app.js';
import { DEFAULT_CONTEXT, ROLES } from './support/test-platform.js';
import { learner, xapiWorld, type XapiWorld } from './support/xapi-world.js';

async function run(argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s), env: {}, cwd: '/' });
  return { code, out, err };
}

describe(`coursepulse audit (${BACKEND})`, function () {
  this.timeout(120_000);

  let x: XapiWorld;
  before(async () => {
    x = await xapiWorld();
    const context = { ...DEFAULT_CONTEXT, id: 'cli-course' };
    await x.openCourse([learner('u-grace', { name: 'Grace Hopper' })], context);
    const { response } = await x.platform.launch(supertest.agent(x.w.t.app), { context });
    // The launches' own overview views are report-view-audit.test.ts's subject; this log starts empty.
    await x.rows('truncate report_views restart identity');
    x.w.clock.advance((Date.parse('2026-03-02T08:00:00Z') - x.w.clock.now().getTime()) / 1000);
    await supertest(x.w.t.app).get('/reports/students/u-grace').set({ Authorization: `Bearer ${ltikOf(response.text)}`, 'X-Request-Id': 'cli-1' }).expect(200);
    // And one on another platform, an hour later.
    await insertReportView(x.w.t.db, {
      platformId: 'other-platform',
      contextId: 'other-course',
      viewedAt: new Date('2026-03-02T09:00:00Z'),
      viewerUserId: 'teacher-b',
      viewerRoles: [ROLES.instructor],
      studentUserId: null,
      view: 'overview-csv',
      requestId: null,
    });
  });
  after(async () => {
    await x.close();
  });

  const admin = () => ['--url', x.w.tool.url, '--token', TEST_ADMIN_TOKEN];

  it('prints the views newest first, a page at a time, with the cursor that continues', async () => {
    const first = await run(['audit', ...admin(), '--limit', '1']);
    const cursor = /--cursor (\S+)/.exec(first.out)?.[1];
    assert.deepEqual(first, {
      code: 0,
      out:
        'VIEWED AT (UTC)      PLATFORM        COURSE        VIEWER     STUDENT  VIEW          REQUEST ID\n' +
        '2026-03-02 09:00:00  other-platform  other-course  teacher-b  -        overview-csv\n' +
        `More: add --cursor ${cursor}\n`,
      err: '',
    });
    const second = await run(['audit', ...admin(), '--limit', '1', '--cursor', cursor!]);
    const platform = x.platformId;
    const widths = [19, Math.max(8, platform.length), 10, 12, 7, 12];
    const line = (cells: string[]) => `${cells.map((c, i) => (i < widths.length ? c.padEnd(widths[i]!) : c)).join('  ')}`.trimEnd() + '\n';
    assert.deepEqual(second, {
      code: 0,
      out: line(['VIEWED AT (UTC)', 'PLATFORM', 'COURSE', 'VIEWER', 'STUDENT', 'VIEW', 'REQUEST ID']) + line(['2026-03-02 08:00:00', platform, 'cli-course', 'instructor-1', 'u-grace', 'student-page', 'cli-1']),
      err: '',
    });
  });

  it('filters as the admin API does, and prints JSON with --json', async () => {
    const res = await run(['audit', ...admin(), '--platform', x.platformId, '--course', 'cli-course', '--student', 'u-grace', '--since', '2026-03-02T08:00:00Z', '--json']);
    assert.equal(res.code, 0, res.err);
    assert.deepEqual(JSON.parse(res.out), {
      views: [
        {
          id: 1,
          viewedAt: '2026-03-02T08:00:00.000Z',
          platform: x.platformId,
          course: 'cli-course',
          viewer: 'instructor-1',
          viewerRoles: [ROLES.instructor],
          student: 'u-grace',
          view: 'student-page',
          requestId: 'cli-1',
        },
      ],
      next: null,
    });
    assert.deepEqual(await run(['audit', ...admin(), '--platform', 'nobody']), { code: 0, out: 'No report views match.\n', err: '' });
  });

  it("says what the server refused (exit 1), and a usage mistake (exit 2)", async () => {
    assert.deepEqual(await run(['audit', ...admin(), '--course', 'cli-course']), {
      code: 1,
      out: '',
      err: 'coursepulse: 400: invalid query: course: course needs platform (a course id is unique within its platform)\n',
    });
    assert.deepEqual(await run(['audit', ...admin(), '--since', 'monday']), {
      code: 1,
      out: '',
      err: 'coursepulse: 400: invalid query: since: must be an ISO 8601 date and time, such as 2026-03-01T00:00:00Z\n',
    });
    const extra = await run(['audit', 'everything', ...admin()]);
    assert.equal(extra.code, 2);
    assert.equal(extra.err.split('\n')[0], 'coursepulse: audit takes no arguments (got "everything"); filter with --platform, --course, --student, --since, --until');
  });
});
