/**
 * GET /api/overview and GET /reports/overview/students.csv over HTTP, on data that arrived for
 * real (a teacher's launch, the roster and groups from the test LMS, statements POSTed to
 * /xapi/statements) in a course in São Paulo time (UTC−03:00): the whole JSON against figures
 * computed by hand, the CSV read back and compared with the JSON, and every refusal.
 */
import assert from 'node:assert/strict';
import supertest from 'supertest';
import type { Day } from '../../src/metrics/index.js';
import type { OverviewReport } from '../../src/reports/index.js';
import { BACKEND } from '../support/databases.js';
import { overviewChart, overviewWorld, studentBars, type OverviewWorld } from '../support/overview-world.js';
import { DEFAULT_CONTEXT, ROLES, type ContextClaim } from '../support/test-platform.js';
import { learner } from '../support/xapi-world.js';

const ZONE = 'America/Sao_Paulo';

/** RFC 4180 text (CRLF lines, quoted cells with "" for a quote) as rows of cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += c;
  }
  assert.ok(!quoted && cell === '' && row.length === 0, 'the CSV ends with a whole line');
  return rows;
}

/** What a spreadsheet must see of a JSON value: text that could start a formula behind an apostrophe, null as an empty cell. */
const asCell = (value: string | number | null): string => (value === null ? '' : typeof value === 'number' ? String(value) : /^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

/** The CSV the JSON answer should give: the header and one line per listed student. */
const csvOf = (report: OverviewReport): string[][] => [
  ['name', 'user id', 'total visits', 'total duration seconds', 'average visit seconds', 'last visit', ...report.last7Days.map((d) => d.date)],
  ...report.list.map((s) =>
    [s.name, s.userId, s.totalVisits, s.totalDurationSeconds, s.averageVisitSeconds, s.lastVisit, ...s.last7Days.map((d) => d.durationSeconds)].map(asCell),
  ),
];

describe(`the overview API and its CSV (${BACKEND})`, function () {
  this.timeout(120_000);

  let o: OverviewWorld;
  let ltik: string;
  let today: Day;
  const context: ContextClaim = { ...DEFAULT_CONTEXT, id: 'api-course', title: 'Biologia – turma A' };
  const other: ContextClaim = { ...DEFAULT_CONTEXT, id: 'api-other', title: 'Other course' };
  let otherLtik: string;

  const ana = learner('s-ana', { name: 'Ana Álvarez', given_name: 'Ana', family_name: 'Álvarez' });
  // Names a spreadsheet must not run nor split: a formula, quotes, a comma, a line break.
  const eve = learner('s-eve', { name: '=HYPERLINK("http://evil.example","Click, me")', given_name: 'Eve', family_name: 'Zed' });
  const tom = learner('-s-tom', { name: 'Tom "Tommy" Smith,\nJr.', given_name: 'Tom', family_name: 'Smith' });

  before(async () => {
    o = await overviewWorld();
    ltik = await o.openCourse(context, [ana, eve, tom], { timezone: ZONE, groups: [{ id: 'lab-a', name: 'Lab A', members: ['s-ana', '-s-tom'] }] });
    otherLtik = await o.openCourse(other, [ana], { groups: [{ id: 'other-lab', name: 'Other lab', members: ['s-ana'] }] });
    today = o.noonIn(ZONE);
    const at = (offset: number, time: string) => o.at(today, offset, time, ZONE);
    await o.send(context.id, [
      // The worked example, today: 1560 s + 660 s.
      ['s-ana', 'visit', at(0, '09:00')],
      ['s-ana', 'resource', at(0, '09:10')],
      ['s-ana', 'activity', at(0, '09:25')],
      ['s-ana', 'post', at(0, '10:30')],
      ['s-ana', 'resource', at(0, '10:40')],
      // 22:30 two days ago, São Paulo time: already the next day in UTC.
      ['s-eve', 'visit', at(-2, '22:30')],
      ['s-eve', 'resource', at(-2, '22:31')],
    ]);
    await o.send(other.id, [['s-ana', 'visit', o.at(today, 0, '08:00', ZONE)]]);
  });
  after(async () => {
    await o.close();
  });

  const get = (path: string, token: string | null = ltik) => {
    const req = supertest(o.x.w.t.app).get(path);
    return token === null ? req : req.set('Authorization', `Bearer ${token}`);
  };
  const getCsv = (path: string) =>
    get(path).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });

  const anaRow = () => ({
    userId: 's-ana',
    name: 'Ana Álvarez',
    totalVisits: 2,
    totalDurationSeconds: 2220,
    averageVisitSeconds: 1110,
    lastVisit: new Date(o.at(today, 0, '10:30', ZONE)).toISOString(),
    last7Days: studentBars(today, { 0: [2, 2220] }),
  });
  const tomRow = () => ({ userId: '-s-tom', name: tom.name!, totalVisits: 0, totalDurationSeconds: 0, averageVisitSeconds: null, lastVisit: null, last7Days: studentBars(today) });
  const eveRow = () => ({
    userId: 's-eve',
    name: eve.name!,
    totalVisits: 1,
    totalDurationSeconds: 120,
    averageVisitSeconds: 120,
    lastVisit: new Date(o.at(today, -2, '22:30', ZONE)).toISOString(),
    last7Days: studentBars(today, { [-2]: [1, 120] }),
  });
  const labA = { id: 'lti-gs:lab-a', name: 'Lab A', setName: null };
  const whole = (): OverviewReport => ({
    course: { id: context.id, title: 'Biologia – turma A', timezone: ZONE },
    today,
    students: { active7d: 2, total: 3 },
    last7Days: overviewChart(today, { [-2]: [1, 1, 120], 0: [2, 1, 2220] }),
    // (2220 + 120) / 3 = 780
    averageVisitSeconds: 780,
    // By family name: Álvarez, Smith, Zed.
    list: [anaRow(), tomRow(), eveRow()],
    group: null,
    groups: [labA],
    method: { visitTimeoutMinutes: 30, lastEventCreditSeconds: 60, maxVisitHours: 8, timezone: ZONE },
  });

  it('answers the whole overview as JSON, with the ltik as a Bearer token or a query parameter', async () => {
    const res = await get('/api/overview').expect(200);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    assert.equal(res.headers['cache-control'], 'private, no-store');
    assert.deepEqual(res.body, whole());
    const viaQuery = await get(`/api/overview?ltik=${encodeURIComponent(ltik)}&course=${context.id}`, null).expect(200);
    assert.deepEqual(viaQuery.body, whole());
  });

  it('follows ?group= in the figures and ?q= in the list only; an empty group is the whole course', async () => {
    const lab = (await get(`/api/overview?group=${encodeURIComponent(labA.id)}`).expect(200)).body;
    assert.deepEqual(lab, {
      ...whole(),
      students: { active7d: 1, total: 2 },
      last7Days: overviewChart(today, { 0: [2, 1, 2220] }),
      averageVisitSeconds: 1110,
      list: [anaRow(), tomRow()],
      group: labA,
    });
    assert.deepEqual((await get('/api/overview?q=ALVAREZ').expect(200)).body, { ...whole(), list: [anaRow()] });
    assert.deepEqual((await get(`/api/overview?group=${encodeURIComponent(labA.id)}&q=tommy`).expect(200)).body, { ...lab, list: [tomRow()] });
    assert.deepEqual((await get('/api/overview?group=&q=').expect(200)).body, whole());
  });

  it('gives the listed students as a CSV with the same figures as the JSON, safe for spreadsheets', async () => {
    for (const query of ['', `?group=${encodeURIComponent(labA.id)}&q=a`]) {
      const json = (await get(`/api/overview${query}`).expect(200)).body as OverviewReport;
      const res = await getCsv(`/reports/overview/students.csv${query}`).expect(200);
      assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
      const bytes = res.body as Buffer;
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 byte-order mark for Excel');
      const text = bytes.subarray(3).toString('utf8');
      assert.deepEqual(parseCsv(text), csvOf(json));
      const name = `Biologia – turma A${query ? ' Lab A' : ''} activity overview ${today}.csv`;
      assert.equal(
        res.headers['content-disposition'],
        `attachment; filename="${name.replace('–', '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      );
    }
    // The formula is text behind an apostrophe, quoted with its quotes doubled; the comma and the line break stay inside their cells.
    const text = (await getCsv('/reports/overview/students.csv').expect(200)).body.subarray(3).toString('utf8');
    assert.ok(text.includes(`\r\n"'=HYPERLINK(""http://evil.example"",""Click, me"")",s-eve,1,120,120,`), text);
    assert.ok(text.includes(`\r\n"Tom ""Tommy"" Smith,\nJr.",'-s-tom,0,0,,,0,0,0,0,0,0,0\r\n`), text);
  });

  it('refuses unknown, repeated, nested and overlong parameters with 400 and what is wrong', async () => {
    const refused = async (query: string, error: string) => {
      for (const path of ['/api/overview', '/reports/overview/students.csv']) {
        const res = await get(`${path}?${query}`).expect(400);
        assert.deepEqual(res.body, { error, requestId: res.headers['x-request-id'] });
      }
    };
    await refused('grup=lab-a', 'invalid query: Unrecognized key: "grup"');
    await refused('group=a&group=b', 'invalid query: group: Invalid input: expected string, received array');
    await refused('q[x]=y', 'invalid query: q: Invalid input: expected string, received object');
    await refused(`q=${'a'.repeat(201)}`, 'invalid query: q: the search has at most 200 characters');
    await refused(`group=${'g'.repeat(256)}`, 'invalid query: group: a group id has at most 255 characters');
  });

  it("answers 404 for a group id of another course, and never shows that course's figures", async () => {
    for (const path of ['/api/overview', '/reports/overview/students.csv']) {
      const res = await get(`${path}?group=${encodeURIComponent('lti-gs:other-lab')}`).expect(404);
      assert.deepEqual(res.body, { error: 'no group "lti-gs:other-lab" in this course', requestId: res.headers['x-request-id'] });
    }
    // The other course's own ltik sees its own figures: Ana's 60 s there, not her 2220 s here. It
    // is a UTC course; 08:00 in São Paulo is 11:00 UTC, and noon there is 15:00 UTC of the same day.
    const otherLab = { id: 'lti-gs:other-lab', name: 'Other lab', setName: null };
    assert.deepEqual((await get('/api/overview', otherLtik).expect(200)).body, {
      course: { id: other.id, title: 'Other course', timezone: 'UTC' },
      today,
      students: { active7d: 1, total: 1 },
      last7Days: overviewChart(today, { 0: [1, 1, 60] }),
      averageVisitSeconds: 60,
      list: [{ ...anaRow(), totalVisits: 1, totalDurationSeconds: 60, averageVisitSeconds: 60, lastVisit: new Date(o.at(today, 0, '08:00', ZONE)).toISOString(), last7Days: studentBars(today, { 0: [1, 60] }) }],
      group: null,
      groups: [otherLab],
      method: { ...whole().method, timezone: 'UTC' },
    });
  });

  it('refuses without a ltik (401), with the ltik of another course (403) and once the user is no teacher (403)', async () => {
    for (const path of ['/api/overview', '/reports/overview/students.csv']) {
      await get(path, null).expect(401);
      const another = await get(`${path}?course=${context.id}`, otherLtik).expect(403);
      assert.ok(!another.text.includes('Ana'));
    }
    const json = await get(`/api/overview?course=${context.id}`, otherLtik).expect(403);
    assert.deepEqual(json.body, { error: 'This is another course: Your CoursePulse session opens only the course you launched it from.' });

    // The LMS makes the teacher a learner in this course; CoursePulse reads it with the context token.
    const demoted = await o.openCourse({ ...context, id: 'api-demoted', title: 'Demoted' }, [ana]);
    await o.x.w.t.db.query(`update lti_store set doc = jsonb_set(doc, '{roles}', $1::jsonb) where collection = 'contexttoken' and doc->'context'->>'id' = $2`, [
      JSON.stringify([ROLES.learner]),
      'api-demoted',
    ]);
    const res = await get('/api/overview', demoted).expect(403);
    assert.deepEqual(res.body, { error: 'This report is for the course’s teachers: Your role in this course does not include the activity reports. If you think it should, ask your instructor or LMS administrator.' });
    const csv = await get('/reports/overview/students.csv', demoted).expect(403);
    assert.match(csv.text, /This report is for the course’s teachers/);
  });
});
