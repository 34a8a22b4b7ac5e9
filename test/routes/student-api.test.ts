/**
 * GET /api/students/:userId and GET /reports/students/:userId/days.csv over HTTP: a teacher's
 * launch gives the ltik, statements arrive through /xapi/statements, the clock is then frozen at
 * Wednesday 2025-03-05 noon UTC, and the answers are compared whole with figures worked out by hand.
 */
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { heatMap } from '../../src/metrics/index.js';
import { attachmentDisposition, csvCell, csvText } from '../../src/routes/csv-response.js';
import { BACKEND } from '../support/databases.js';
import { communicationTrend, detailDays, monthDays } from '../support/detail-days.js';
import { ltikOf } from '../support/lti-world.js';
import { moodleStatement, type StatementKind } from '../support/moodle-statements.js';
import { DEFAULT_CONTEXT, ROLES, type ContextClaim } from '../support/test-platform.js';
import { learner, xapiWorld, type XapiWorld } from '../support/xapi-world.js';

const NOW = Date.parse('2025-03-05T12:00:00Z');

const grace = learner('u-grace', { name: 'Grace Hopper', given_name: 'Grace', family_name: 'Hopper' });
const jose = learner('u-jose', { name: 'José Ñúñez', given_name: 'José', family_name: 'Ñúñez' });
const left = learner('u-left', { name: 'Left Early', status: 'Inactive' });

describe(`the student details API and CSV (${BACKEND})`, function () {
  this.timeout(120_000);

  let x: XapiWorld;
  let courses = 0;
  before(async () => {
    x = await xapiWorld();
  });
  after(async () => {
    await x.close();
  });

  /** Moves the test clock to `at` (epoch ms). */
  const setClock = (at: number) => x.w.clock.advance((at - x.w.clock.now().getTime()) / 1000);
  // Launches happen at the real time (ltijs checks the id_token's age against it); figures at NOW.
  beforeEach(() => setClock(Math.floor(Date.now() / 1000) * 1000));

  /** A course of its own with `members` on its roster; a teacher's ltik for it. */
  async function openCourse(members = [grace, jose, left]): Promise<{ context: ContextClaim; ltik: string }> {
    courses += 1;
    const context = { ...DEFAULT_CONTEXT, id: `api-${courses}`, title: `API course ${courses}` };
    await x.openCourse(members, context);
    return { context, ltik: await launch(context) };
  }

  async function launch(context: ContextClaim, sub = 'instructor-1'): Promise<string> {
    const { response } = await x.platform.launch(supertest.agent(x.w.t.app), { context, sub });
    assert.equal(response.status, 200, response.text);
    return ltikOf(response.text);
  }

  let objects = 0;
  async function send(contextId: string, userId: string, events: [StatementKind, string][]): Promise<void> {
    const statements = events.map(([kind, at]) => moodleStatement({ issuer: x.platform.issuer, contextId, userId, kind, at, objectKey: (objects += 1) }));
    const res = await x.post(statements);
    assert.equal(res.status, 200, res.text);
  }

  const get = (path: string, ltik?: string) => {
    const req = supertest(x.w.t.app).get(path);
    return ltik ? req.set('Authorization', `Bearer ${ltik}`) : req;
  };

  /** The worked example (late page views included) and a thread with a comment the week before, for u-grace. */
  async function workedExample(contextId: string): Promise<void> {
    await send(contextId, 'u-grace', [
      ['thread', '2025-02-25T14:00:00Z'],
      ['comment', '2025-02-25T14:05:00Z'],
      ['visit', '2025-03-04T09:00:00Z'],
      ['resource', '2025-03-04T09:10:00Z'],
      ['activity', '2025-03-04T09:25:00Z'],
      ['post', '2025-03-04T10:30:00Z'],
      ['resource', '2025-03-04T10:40:00Z'],
    ]);
    await send(contextId, 'u-grace', [
      ['resource', '2025-03-04T10:10:00Z'],
      ['resource', '2025-03-04T09:50:00Z'],
    ]);
  }

  // 4 March: one visit 09:00–10:40 (100 min + 60 s), 6 actions; 25 February: one visit of 5 min + 60 s, a thread and a comment.
  const DAYS = detailDays('2024-03-06', '2025-03-05', {
    '2025-02-25': { visits: 1, durationSeconds: 360, actions: 2, communication: 2 },
    '2025-03-04': { visits: 1, durationSeconds: 6060, actions: 6, resources: 4, activities: 1, communication: 1 },
  });

  it('answers the whole Activity Details as JSON (api.md fields and the pages’ extras)', async () => {
    const { context, ltik } = await openCourse();
    await workedExample(context.id);
    setClock(NOW);
    const res = await get('/api/students/u-grace', ltik).expect(200).expect('Content-Type', /^application\/json/);
    assert.equal(res.headers['cache-control'], 'private, no-store');
    assert.deepEqual(res.body, {
      course: { id: context.id, title: context.title, timezone: 'UTC' },
      today: '2025-03-05',
      student: { userId: 'u-grace', name: 'Grace Hopper', groups: [] },
      totals: { durationSeconds: 6420, visits: 2, activeDays: 2, lastVisit: '2025-03-04T09:00:00.000Z' },
      perActiveDay: { durationSeconds: 3210, visits: 1 },
      weekToWeek: {
        thisWeekSeconds: 6060,
        previousWeekSeconds: 360,
        changePercent: 1583.3,
        thisWeek: { from: '2025-03-03', to: '2025-03-05' },
        previousWeek: { from: '2025-02-24', to: '2025-03-02' },
      },
      days: DAYS,
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
      heatMap: heatMap(DAYS),
      method: { visitTimeoutMinutes: 30, lastEventCreditSeconds: 60, maxVisitHours: 8, timezone: 'UTC' },
      students: [
        { userId: 'u-grace', name: 'Grace Hopper' },
        { userId: 'u-jose', name: 'José Ñúñez' },
      ],
      lmsLink: null,
    });
  });

  it('steps month by month with ?month=, and refuses a month that is not one (400)', async () => {
    const { context, ltik } = await openCourse();
    await workedExample(context.id);
    setClock(NOW);
    const february = (await get('/api/students/u-grace?month=2025-02', ltik).expect(200)).body.month;
    assert.deepEqual(february, {
      month: '2025-02',
      from: '2025-02-01',
      to: '2025-02-28',
      days: monthDays('2025-02-01', '2025-02-28', { '2025-02-25': { visits: 1, durationSeconds: 360 } }),
      visits: 1,
      durationSeconds: 360,
      previousMonth: '2025-01',
      nextMonth: '2025-03',
    });
    const march2024 = (await get('/api/students/u-grace?month=2024-03', ltik).expect(200)).body.month;
    assert.deepEqual([march2024.previousMonth, march2024.nextMonth, march2024.days.length], [null, '2024-04', 31]);

    for (const month of ['2025-13', '2025-3', 'March', '2025-02-01', '0999-01']) {
      const refused = await get(`/api/students/u-grace?month=${month}`, ltik).expect(400);
      assert.equal(refused.body.error, 'invalid query: month: must be a month as YYYY-MM, such as 2025-03');
    }
    const twice = await get('/api/students/u-grace?month=2025-01&month=2025-02', ltik).expect(400);
    assert.match(twice.body.error, /^invalid query: month: /);
    const misspelt = await get('/api/students/u-grace?mnth=2025-02', ltik).expect(400);
    assert.match(misspelt.body.error, /^invalid query: .*"mnth"/);
    // The ltik as a query parameter is the session's, not an unknown parameter.
    assert.equal((await get(`/api/students/u-grace?month=2025-02&ltik=${ltik}`).expect(200)).body.month.month, '2025-02');
  });

  it('answers 404 for anyone who is not a student of the course', async () => {
    const { ltik } = await openCourse();
    const other = await openCourse([learner('u-other')]);
    await send(other.context.id, 'u-other', [['visit', '2025-03-04T09:00:00Z']]);
    setClock(NOW);
    for (const userId of ['instructor-1', 'u-left', 'u-nobody', 'u-other']) {
      const res = await get(`/api/students/${userId}`, ltik).expect(404);
      assert.equal(res.body.error, `no student "${userId}" in this course`);
      await get(`/reports/students/${userId}/days.csv`, ltik).expect(404);
    }
    // The other course's teacher sees their student, and not this course's.
    await get('/api/students/u-other', other.ltik).expect(200);
    await get('/api/students/u-grace', other.ltik).expect(404);
  });

  it('answers 401 without a ltik and 403 for a learner’s ltik or one naming another course', async () => {
    const { context, ltik } = await openCourse();
    const other = await openCourse([grace]);
    const missing = await get('/api/students/u-grace').expect(401);
    assert.match(missing.body.error, /^Open CoursePulse from your course/);
    // Course A's teacher's ltik, asking for course B by name.
    const elsewhere = await get(`/api/students/u-grace?course=${other.context.id}`, ltik).expect(403);
    assert.match(elsewhere.body.error, /^This is another course/);
    // A ltik whose launch roles say Learner (the platform demoted a teacher).
    const demoted = await launch(context, 'instructor-2');
    await x.w.t.db.query(`update lti_store set doc = jsonb_set(doc, '{roles}', $1::jsonb) where collection = 'contexttoken' and doc->>'user' = $2`, [
      JSON.stringify([ROLES.learner]),
      'instructor-2',
    ]);
    const refused = await get('/api/students/u-grace', demoted).expect(403);
    assert.match(refused.body.error, /^This report is for the course’s teachers/);
    await get('/reports/students/u-grace/days.csv', demoted).expect(403);
  });

  it('gives the 12 months’ days as CSV, equal to the JSON, named for the student and the dates', async () => {
    const { context, ltik } = await openCourse();
    await workedExample(context.id);
    await send(context.id, 'u-jose', [['resource', '2025-03-05T08:00:00Z']]);
    setClock(NOW);
    const csv = await get('/reports/students/u-grace/days.csv', ltik).buffer(true).expect(200);
    assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
    assert.equal(
      csv.headers['content-disposition'],
      `attachment; filename="Grace Hopper activity days 2024-03-06 to 2025-03-05.csv"; filename*=UTF-8''Grace%20Hopper%20activity%20days%202024-03-06%20to%202025-03-05.csv`,
    );
    const text = csv.text;
    assert.ok(text.startsWith('\uFEFFdate,visits,duration seconds,actions,resources,activities,communication\r\n'));
    const lines = text.slice(1).split('\r\n');
    assert.equal(lines.pop(), '', 'every line ends with CRLF');
    assert.equal(lines.length, 1 + 365);
    assert.equal(lines.find((l) => l.startsWith('2025-03-04')), '2025-03-04,1,6060,6,4,1,1');
    assert.equal(lines.find((l) => l.startsWith('2025-02-25')), '2025-02-25,1,360,2,0,0,2');
    const json = (await get('/api/students/u-grace', ltik).expect(200)).body as { days: Record<string, string | number>[] };
    assert.deepEqual(
      lines.slice(1),
      json.days.map((d) => [d.date, d.visits, d.durationSeconds, d.actions, d.resources, d.activities, d.communication].join(',')),
    );

    // A name beyond ASCII keeps its letters in filename* and loses its accents in the fallback.
    const accented = await get('/reports/students/u-jose/days.csv', ltik).buffer(true).expect(200);
    assert.equal(
      accented.headers['content-disposition'],
      `attachment; filename="Jose Nunez activity days 2024-03-06 to 2025-03-05.csv"; filename*=UTF-8''Jos%C3%A9%20%C3%91%C3%BA%C3%B1ez%20activity%20days%202024-03-06%20to%202025-03-05.csv`,
    );
    assert.ok(accented.text.includes('\r\n2025-03-05,1,60,1,1,0,0\r\n'));
  });

  it('writes CSV cells safe from formula injection, quoted where needed', () => {
    assert.deepEqual(
      ['=SUM(A1)', '+1', '-2', '@cmd', '\tx', 'plain', 'a,"b"', 'two\nlines', -5, 0, 12.5].map(csvCell),
      ["'=SUM(A1)", "'+1", "'-2", "'@cmd", "'\tx", 'plain', '"a,""b"""', '"two\nlines"', '-5', '0', '12.5'],
    );
    assert.equal(csvText(['a', 'b'], [['=1', 2]]), "\uFEFFa,b\r\n'=1,2\r\n");
    assert.equal(attachmentDisposition('a/b "c".csv'), `attachment; filename="a_b _c_.csv"; filename*=UTF-8''a_b%20_c_.csv`);
  });
});
