/**
 * Isolation between courses and platforms, tried every way the route table offers. Two LMSs (A
 * and B) on one tool, each with two courses, opened by real teacher launches, each with students,
 * a teacher-made group and activity sent with its platform's own ingest credential. B's first
 * course has the very same context id (`course-1`), the same teacher (`instructor-1`) and a student
 * with the same user id (`a1-student`) as A's first course: the collisions a real multi-LMS tool sees.
 *
 * With A1's teacher's ltik, each row of a table asks for data of A2, B1 or B2 — their students' ids
 * in paths, `course=` naming them, their group ids in queries and form paths, htmx partials with
 * every region header, CSV and JSON — and must be refused (401/403/404, or 400 for a foreign
 * student named in A1's own group) with a message, with no foreign name, id, title or group in
 * any body. With A's ingest credential each row tries to read or write B's statements (by id,
 * voided id, agent, activity, attachments; POST/PUT naming B's courses and students, voiding B's
 * ids; Caliper naming B's course): B's stored rows, figures and reports must come out unchanged. A
 * revoked credential and bad admin tokens are refused. The number of attempts is printed.
 *
 * Existing tests cover single vectors in depth (test/routes/*-api.test.ts, course-groups,
 * student-details, course-overview, xapi-statements, xapi-attachments, caliper-events and
 * test/ingest/tenant-isolation.test.ts); this one sweeps the whole route table in one setting.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import supertest from 'supertest';
import { derivedRows } from './support/derived-rows.js';
import { BACKEND } from './support/databases.js';
import { ltikOf } from './support/lti-world.js';
import { moodleStatement, voidingStatement } from './support/moodle-statements.js';
import { TEST_ADMIN_TOKEN } from './support/test-app.js';
import { DEFAULT_CONTEXT, type ContextClaim, type TestPlatform } from './support/test-platform.js';
import { learner, xapiWorld, type XapiClient, type XapiWorld } from './support/xapi-world.js';

type CourseName = 'A1' | 'A2' | 'B1' | 'B2';

const CONTEXTS: Record<CourseName, ContextClaim> = {
  A1: { ...DEFAULT_CONTEXT, id: 'course-1', label: 'A1', title: 'Course A one' },
  A2: { ...DEFAULT_CONTEXT, id: 'course-2', label: 'A2', title: 'Course A two' },
  // The same context id as A1, on the other LMS.
  B1: { ...DEFAULT_CONTEXT, id: 'course-1', label: 'B1', title: 'Course B one' },
  B2: { ...DEFAULT_CONTEXT, id: 'course-b2', label: 'B2', title: 'Course B two' },
};
const STUDENTS: Record<CourseName, Array<ReturnType<typeof learner>>> = {
  A1: [learner('a1-student', { name: 'Alma Aalto', given_name: 'Alma', family_name: 'Aalto' })],
  A2: [learner('a2-student', { name: 'Bertil Berg', given_name: 'Bertil', family_name: 'Berg' })],
  // B's a1-student is another person than A's, with the same LTI user id.
  B1: [
    learner('a1-student', { name: 'Cecilie Collision', given_name: 'Cecilie', family_name: 'Collision' }),
    learner('b1-student', { name: 'Dagny Dahl', given_name: 'Dagny', family_name: 'Dahl' }),
  ],
  B2: [learner('b2-student', { name: 'Egil Eide', given_name: 'Egil', family_name: 'Eide' })],
};
/** How many visits each student makes (one a day, on as many days back from yesterday), so that figures differ by course and platform. */
const VISITS: Record<CourseName, Record<string, number>> = {
  A1: { 'a1-student': 1 },
  A2: { 'a2-student': 2 },
  B1: { 'a1-student': 3, 'b1-student': 4 },
  B2: { 'b2-student': 5 },
};

const LTI_CONTEXT = 'https://purl.imsglobal.org/spec/lti/claim/context';
const htmx = (target: string): Record<string, string> => ({ 'HX-Request': 'true', 'HX-Target': target });
const BOOSTED = { 'HX-Request': 'true', 'HX-Boosted': 'true', 'HX-Target': 'main' };

/** An attempt and its answer, for the count and for a failure's message. */
interface Attempt {
  what: string;
  status: number;
}

describe(`isolation between courses and platforms (${BACKEND})`, function () {
  this.timeout(600_000);

  let x: XapiWorld;
  let b: { platform: TestPlatform; platformId: string };
  let clientB: XapiClient;
  const ltik = {} as Record<CourseName, string>;
  const group = {} as Record<CourseName, { id: string; name: string }>;
  /** B's statements by their ids: a visit in each course, and one B voided. */
  const bIds: Record<'b1Visit' | 'b2Visit' | 'voided', string> = { b1Visit: crypto.randomUUID(), b2Visit: crypto.randomUUID(), voided: crypto.randomUUID() };
  const attempts: Record<string, Attempt[]> = {};

  const platformOf = (course: CourseName) => (course.startsWith('A') ? { platform: x.platform, platformId: x.platformId } : b);
  const clientOf = (course: CourseName) => (course.startsWith('A') ? x : clientB);

  before(async () => {
    x = await xapiWorld();
    b = await x.w.addPlatform({ name: 'LMS B' });
    clientB = await x.client(b.platformId);
    const yesterday = x.w.clock.now().getTime() - 86_400_000;
    for (const course of Object.keys(CONTEXTS) as CourseName[]) {
      const context = CONTEXTS[course];
      const on = platformOf(course);
      await x.openCourse(STUDENTS[course], context, on);
      const { response } = await on.platform.launch(supertest.agent(x.w.t.app), { context });
      assert.equal(response.status, 200, response.text);
      ltik[course] = ltikOf(response.text);
      // A group of the course's own, with its first student in it.
      const name = `Group of ${course}`;
      await asTeacher(course, 'post', '/groups').type('form').send({ name }).expect(303);
      const [made] = (await asTeacher(course, 'get', '/api/groups').expect(200)).body as Array<{ id: string }>;
      group[course] = { id: made!.id, name };
      await asTeacher(course, 'post', `/groups/${encodeURIComponent(made!.id)}/members`).type('form').send({ userId: STUDENTS[course][0]!.user_id }).expect(303);
      // Activity, sent with the course's own platform's credential.
      const statements = Object.entries(VISITS[course]).flatMap(([userId, visits]) =>
        Array.from({ length: visits }, (_, day) =>
          moodleStatement({ issuer: on.platform.issuer, contextId: context.id, userId, kind: 'visit', at: new Date(yesterday - day * 86_400_000 - day * 600_000) }),
        ),
      );
      await clientOf(course).post(statements).expect(200);
    }
    const issuer = b.platform.issuer;
    await clientB
      .post([
        moodleStatement({ issuer, contextId: CONTEXTS.B1.id, userId: 'b1-student', kind: 'resource', at: new Date(yesterday), id: bIds.b1Visit, objectKey: 'b1' }),
        moodleStatement({ issuer, contextId: CONTEXTS.B2.id, userId: 'b2-student', kind: 'resource', at: new Date(yesterday), id: bIds.b2Visit, objectKey: 'b2' }),
        moodleStatement({ issuer, contextId: CONTEXTS.B2.id, userId: 'b2-student', kind: 'activity', at: new Date(yesterday), id: bIds.voided, objectKey: 'v' }),
      ])
      .expect(200);
    await clientB.post([voidingStatement(bIds.voided, { at: new Date(yesterday + 60_000) })]).expect(200);
  });
  after(async () => {
    const total = Object.values(attempts).reduce((n, list) => n + list.length, 0);
    console.log(`      isolation: ${total} attempts (${Object.entries(attempts).map(([kind, list]) => `${kind} ${list.length}`).join(', ')}), every one refused or answered without foreign data`);
    await x.close();
  });

  function asTeacher(course: CourseName, method: 'get' | 'post', path: string): supertest.Test {
    return supertest(x.w.t.app)[method](path).set('Authorization', `Bearer ${ltik[course]}`);
  }

  /** Everything that tells one course from another in a body: names, ids, titles, groups. */
  function markersOf(course: CourseName): string[] {
    const ids = STUDENTS[course].map((s) => s.user_id).filter((id) => course === 'A1' || !STUDENTS.A1.some((a) => a.user_id === id));
    return [...STUDENTS[course].map((s) => s.name!), ...ids, CONTEXTS[course].title, group[course].name, group[course].id, group[course].id.replace(':', '%3A')];
  }
  const foreignOfA1 = (): string[] => [...markersOf('A2'), ...markersOf('B1'), ...markersOf('B2'), ...Object.values(bIds)];

  /** Fails naming every foreign marker in `body` that the request did not itself contain (an error may echo what was asked). */
  function assertNoForeign(what: string, asked: string, body: string, markers: string[] = foreignOfA1()): void {
    const leaked = markers.filter((m) => body.includes(m) && !asked.includes(m));
    assert.deepEqual(leaked, [], `${what}: the answer shows ${leaked.join(', ')}`);
  }

  /** The message a refusal carries: the JSON error, or the problem page's title. */
  function messageOf(res: supertest.Response): string | undefined {
    const json = res.type === 'application/json' ? (res.body as { error?: string }).error : undefined;
    return json ?? /<h1 id="problem-title">([^<]+)<\/h1>/.exec(res.text)?.[1] ?? /<p class="warning" role="alert">([^<]+)<\/p>/.exec(res.text)?.[1];
  }

  interface ReportRow {
    method?: 'get' | 'post';
    path: string;
    headers?: Record<string, string>;
    form?: Record<string, string>;
    /** The ltik sent as Bearer (A1's unless said), or null for none. */
    token?: string | null;
    status: number;
    /** Follow a redirect once (the student switcher) and expect this status there. */
    then?: number;
  }

  async function attemptAll(kind: string, rows: ReportRow[]): Promise<void> {
    const answers: string[] = [];
    const expected: string[] = [];
    for (const row of rows) {
      const method = row.method ?? 'get';
      const what = `${method.toUpperCase()} ${row.path}${row.headers ? ` ${JSON.stringify(row.headers)}` : ''}`;
      let req = supertest(x.w.t.app)[method](row.path).set(row.headers ?? {});
      const token = row.token === undefined ? ltik.A1 : row.token;
      if (token !== null) req = req.set('Authorization', `Bearer ${token}`);
      const res = row.form ? await req.type('form').send(row.form) : await req;
      // What the request itself named, as sent and decoded: an error message may repeat it.
      const asked = `${row.path} ${decodeURIComponent(row.path)} ${JSON.stringify(row.form ?? {})}`;
      assertNoForeign(what, asked, res.text ?? '');
      let status = `${res.status}`;
      if (res.status >= 400) {
        const message = messageOf(res);
        assert.ok(message && message.length > 5, `${what}: a refusal says why (${res.text?.slice(0, 200)})`);
      }
      if (row.then !== undefined) {
        const next = await supertest(x.w.t.app).get(String(res.headers.location));
        assertNoForeign(`${what} → ${res.headers.location}`, String(res.headers.location), next.text);
        status += ` → ${next.status}`;
      }
      (attempts[kind] ??= []).push({ what, status: res.status });
      answers.push(`${what}: ${status}`);
      expected.push(`${what}: ${row.status}${row.then !== undefined ? ` → ${row.then}` : ''}`);
    }
    assert.deepEqual(answers, expected);
  }

  /** What must not change when A tries to reach it: B's stored events and figures, A2's figures, and the three courses' reports and groups. */
  async function foreignState(): Promise<unknown> {
    const reports: Record<string, unknown> = {};
    for (const course of ['A2', 'B1', 'B2'] as const) {
      reports[course] = {
        overview: (await asTeacher(course, 'get', '/api/overview').expect(200)).body,
        groups: (await asTeacher(course, 'get', '/api/groups').expect(200)).body,
        students: await Promise.all(STUDENTS[course].map(async (s) => (await asTeacher(course, 'get', `/api/students/${s.user_id}`).expect(200)).body)),
      };
    }
    return {
      reports,
      bEvents: await x.rows(
        `select source, source_id, payload, stored_at, event_at, credential_key, verb_id, actor_key, voids, voided, kind, context_id, user_id
         from source_events where platform_id = $1 order by seq`,
        [b.platformId],
      ),
      bDerived: await derivedRows(x.w.t.db, b.platformId),
      a2Derived: await derivedRows(x.w.t.db, x.platformId, CONTEXTS.A2.id),
      bAttachments: await x.rows('select sha2, content_type, length from statement_attachments where platform_id = $1 order by sha2', [b.platformId]),
      credentials: (await supertest(x.w.t.app).get(`/admin/api/platforms/${b.platformId}/credentials`).set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).expect(200)).body,
    };
  }

  it("A1's ltik sees A1's own figures only, where B1 has the same context id, teacher and a student's id", async () => {
    const own = (await asTeacher('A1', 'get', '/api/overview').expect(200)).body as { course: unknown; list: Array<{ userId: string; name: string; totalVisits: number }> };
    assert.deepEqual([own.course, own.list.map((s) => [s.userId, s.name, s.totalVisits])], [{ id: 'course-1', title: 'Course A one', timezone: 'UTC' }, [['a1-student', 'Alma Aalto', 1]]]);
    const alma = (await asTeacher('A1', 'get', '/api/students/a1-student').expect(200)).body as { student: { name: string }; totals: { visits: number } };
    assert.deepEqual([alma.student.name, alma.totals.visits], ['Alma Aalto', 1]);
    // B1's teacher, same sub and context id, sees B's person behind the same user id.
    const cecilie = (await asTeacher('B1', 'get', '/api/students/a1-student').expect(200)).body as { student: { name: string }; totals: { visits: number } };
    assert.deepEqual([cecilie.student.name, cecilie.totals.visits], ['Cecilie Collision', 3]);
    // Every report of A1, in every form, names the course A1 and nothing of the others.
    await attemptAll('own course (answered, nothing foreign)', [
      { path: '/reports/overview', status: 200 },
      { path: '/reports/overview', headers: htmx('main'), status: 200 },
      { path: '/reports/overview', headers: htmx('overview-figures'), status: 200 },
      { path: '/reports/overview?q=a', headers: htmx('student-list'), status: 200 },
      { path: '/reports/overview/students.csv', status: 200 },
      { path: '/api/overview', status: 200 },
      { path: `/api/overview?group=${encodeURIComponent(group.A1.id)}`, status: 200 },
      { path: '/reports/students/a1-student', status: 200 },
      { path: '/reports/students/a1-student', headers: BOOSTED, status: 200 },
      ...['student-live', 'student-month', 'student-heat'].map((target) => ({ path: '/reports/students/a1-student', headers: htmx(target), status: 200 })),
      { path: '/api/students/a1-student', status: 200 },
      { path: '/reports/students/a1-student/days.csv', status: 200 },
      { path: '/groups', status: 200 },
      { path: '/api/groups', status: 200 },
      // course= naming A1's own id, which B1 shares: A1's, never B1's.
      { path: '/api/overview?course=course-1', status: 200 },
      { path: '/api/students/a1-student?course=course-1', status: 200 },
      // A second ltik in the query loses to the Bearer one.
      { path: `/api/overview?ltik=${ltik.B1}`, status: 200 },
    ]);
  });

  it("refuses every report route with A1's ltik for A2's and B's students, courses and groups", async () => {
    const before = await foreignState();
    const rows: ReportRow[] = [];
    const regions = [{}, htmx('main'), BOOSTED, htmx('student-live'), htmx('student-month'), htmx('student-heat')];
    // Ids of other courses' students in paths (a2 on the same LMS; b1 and b2 on the other), and spellings of them.
    for (const student of ['a2-student', 'b1-student', 'b2-student', 'B1-STUDENT', 'b1-student%20', '..%2Fb1-student']) {
      for (const headers of regions) rows.push({ path: `/reports/students/${student}`, headers, status: 404 });
      rows.push({ path: `/api/students/${student}`, status: 404 });
      rows.push({ path: `/api/students/${student}?month=2025-01`, status: 404 });
      rows.push({ path: `/reports/students/${student}/days.csv`, status: 404 });
      rows.push({ path: `/reports/students?student=${student}`, status: 303, then: 404 });
    }
    // course= naming another course of A, a course of B, or two courses.
    const courseRoutes = [
      '/reports/overview',
      '/reports/overview/students.csv',
      '/api/overview',
      '/reports/students/a1-student',
      '/api/students/a1-student',
      '/reports/students/a1-student/days.csv',
      '/reports/students?student=a1-student',
      '/groups',
      '/api/groups',
    ];
    for (const course of ['course-2', 'course-b2', 'course-1&course=course-2', 'course-2&course=course-1']) {
      for (const path of courseRoutes) rows.push({ path: `${path}${path.includes('?') ? '&' : '?'}course=${course}`, status: 403 });
      for (const headers of [htmx('main'), htmx('overview-figures'), htmx('student-list')]) rows.push({ path: `/reports/overview?course=${course}`, headers, status: 403 });
      for (const headers of [htmx('student-live'), htmx('student-month'), htmx('student-heat')]) rows.push({ path: `/reports/students/a1-student?course=${course}`, headers, status: 403 });
      rows.push({ method: 'post', path: `/groups?course=${course}`, form: { name: 'Planted' }, status: 403 });
      rows.push({ method: 'post', path: `/groups/${encodeURIComponent(group.A1.id)}/rename?course=${course}`, form: { name: 'Renamed' }, status: 403 });
      rows.push({ method: 'post', path: `/groups/${encodeURIComponent(group.A1.id)}/members?course=${course}`, form: { userId: 'a1-student' }, status: 403 });
    }
    // Other courses' group ids: in the filter (page, body, regions, JSON, CSV) and in every group form.
    for (const other of ['A2', 'B1', 'B2'] as const) {
      const id = encodeURIComponent(group[other].id);
      for (const headers of [{}, htmx('main'), htmx('overview-figures'), htmx('student-list')]) rows.push({ path: `/reports/overview?group=${id}`, headers, status: 404 });
      rows.push({ path: `/api/overview?group=${id}`, status: 404 });
      rows.push({ path: `/reports/overview/students.csv?group=${id}`, status: 404 });
      for (const headers of [{}, htmx('main')]) {
        rows.push({ method: 'post', path: `/groups/${id}/rename`, headers, form: { name: 'Hijacked' }, status: 404 });
        rows.push({ method: 'post', path: `/groups/${id}/members`, headers, form: { userId: 'a1-student' }, status: 404 });
        rows.push({ method: 'post', path: `/groups/${id}/members/remove`, headers, form: { userId: STUDENTS[other][0]!.user_id }, status: 404 });
        rows.push({ method: 'post', path: `/groups/${id}/delete`, headers, form: {}, status: 404 });
      }
    }
    // Other courses' students into A1's own group.
    for (const student of ['a2-student', 'b1-student', 'b2-student']) {
      rows.push({ method: 'post', path: `/groups/${encodeURIComponent(group.A1.id)}/members`, form: { userId: student }, status: 400 });
    }
    // Forged and borrowed tokens: A1's ltik re-aimed at A2 or B1 without the key, alg none, A's ingest credential.
    const [header, , signature] = ltik.A1.split('.');
    const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    const a1 = payloadOf(ltik.A1);
    const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const forged = [
      `${header}.${encode({ ...a1, contextId: payloadOf(ltik.A2).contextId })}.${signature}`,
      `${header}.${encode(payloadOf(ltik.B1))}.${signature}`,
      `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payloadOf(ltik.B2))}.`,
      `${x.credential.key}:${x.credential.secret}`,
    ];
    for (const token of forged) {
      for (const path of ['/api/overview', '/reports/overview', '/api/students/b1-student', '/reports/students/b2-student/days.csv', '/api/groups']) rows.push({ path, token, status: 401 });
    }
    await attemptAll('report routes', rows);
    assert.deepEqual(await foreignState(), before);
    // And nothing was planted in A1: its one group, with its one member.
    assert.deepEqual((await asTeacher('A1', 'get', '/api/groups').expect(200)).body, [{ id: group.A1.id, name: group.A1.name, source: 'coursepulse', setName: null, members: ['a1-student'] }]);
  });

  it("A's ingest credential can neither read B's statements nor write into B's courses and figures", async () => {
    const before = await foreignState();
    const issuer = b.platform.issuer;
    const yesterday = new Date(x.w.clock.now().getTime() - 86_400_000);
    const bAgent = JSON.stringify({ objectType: 'Agent', account: { homePage: issuer, name: 'b1-student' } });
    const bActivity = `${issuer}/mod/page/view.php?id=3&cp=b1`;
    const ids = (res: supertest.Response): string[] => ((res.body as { statements?: Array<{ id: string }> }).statements ?? []).map((s) => s.id);
    /** A statement in the generic form naming `contextId` by the LTI context extension, for `actor`. */
    const naming = (contextId: string, actor: Record<string, unknown>, id: string = crypto.randomUUID()) => ({
      id,
      actor,
      verb: { id: 'http://id.tincanapi.com/verb/viewed' },
      object: { id: `https://lms.example.edu/page/${id}`, definition: { type: 'https://w3id.org/xapi/acrossx/activities/page' } },
      context: { extensions: { [LTI_CONTEXT]: { id: contextId } } },
      timestamp: yesterday.toISOString(),
    });
    const bStudent = { objectType: 'Agent', account: { homePage: issuer, name: 'b2-student' } };
    const a = (name: string) => ({ objectType: 'Agent', account: { homePage: x.platform.issuer, name } });
    const caliper = (contextId: string, sub: string) => ({
      sensor: `${issuer}/sensors/1`,
      sendTime: yesterday.toISOString(),
      dataVersion: 'http://purl.imsglobal.org/ctx/caliper/v1p2',
      data: [
        {
          '@context': 'http://purl.imsglobal.org/ctx/caliper/v1p2',
          id: `urn:uuid:${crypto.randomUUID()}`,
          type: 'ToolLaunchEvent',
          actor: { id: `${issuer}/users/${sub}`, type: 'Person' },
          action: 'Launched',
          object: { id: 'https://tool.example.com/lti', type: 'SoftwareApplication' },
          eventTime: yesterday.toISOString(),
          federatedSession: {
            id: `${issuer}/lti/sessions/1`,
            type: 'LtiSession',
            user: { id: `${issuer}/users/${sub}`, type: 'Person' },
            messageParameters: { iss: issuer, sub, [LTI_CONTEXT]: { id: contextId } },
          },
        },
      ],
    });
    const postCaliper = (body: unknown) => supertest(x.w.t.app).post('/caliper').set('Authorization', `Bearer ${x.credential.key}:${x.credential.secret}`).send(body as object);

    const tries: Array<[what: string, run: () => Promise<supertest.Response>, check: (res: supertest.Response) => void]> = [];
    const expectStatus = (status: number) => (res: supertest.Response) => assert.equal(res.status, status, res.text);
    const expectNone = (res: supertest.Response) => {
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(ids(res).filter((id) => Object.values(bIds).includes(id)), []);
      assertNoForeign('xAPI GET', '', res.text, [...Object.values(bIds), 'b1-student', 'b2-student', issuer]);
    };
    for (const id of Object.values(bIds)) {
      tries.push([`GET statementId=${id}`, () => x.get({ statementId: id }), expectStatus(404)]);
      tries.push([`GET voidedStatementId=${id}`, () => x.get({ voidedStatementId: id }), expectStatus(404)]);
      tries.push([`GET statementId=${id}&attachments=true`, () => x.get({ statementId: id, attachments: 'true' }), expectStatus(404)]);
    }
    tries.push(['GET agent=B1 student', () => x.get({ agent: bAgent }), expectNone]);
    tries.push(['GET agent=B1 student, related_agents', () => x.get({ agent: bAgent, related_agents: 'true' }), expectNone]);
    tries.push(['GET activity=B1 page', () => x.get({ activity: bActivity }), expectNone]);
    tries.push(['GET activity=B1 page, related_activities', () => x.get({ activity: bActivity, related_activities: 'true' }), expectNone]);
    tries.push(['GET all', () => x.get(), expectNone]);
    tries.push(['GET since', () => x.get({ since: '2000-01-01T00:00:00Z' }), expectNone]);
    // Writes naming B's courses and students, or B's statement ids.
    tries.push(['POST naming B2 and its student', () => x.post([naming(CONTEXTS.B2.id, bStudent)]), expectStatus(200)]);
    tries.push(['POST naming B1 by its course URL', () => x.post([moodleStatement({ issuer, contextId: CONTEXTS.B1.id, userId: 'b1-student', kind: 'visit', at: yesterday })]), expectStatus(200)]);
    tries.push(['POST naming course-1 (A1 and B1) for B\'s student id', () => x.post([naming('course-1', a('b1-student'))]), expectStatus(200)]);
    tries.push(['POST under B1\'s statement id', () => x.post([naming(CONTEXTS.B1.id, a('a1-student'), bIds.b1Visit)]), expectStatus(200)]);
    tries.push(['PUT statementId=B2\'s, naming B2', () => x.put(bIds.b2Visit, naming(CONTEXTS.B2.id, bStudent, bIds.b2Visit)), expectStatus(204)]);
    tries.push(['POST voiding each of B\'s ids', () => x.post(Object.values(bIds).map((id) => voidingStatement(id, { at: yesterday }))), expectStatus(200)]);
    tries.push(['POST caliper naming B2 and its student', () => postCaliper(caliper(CONTEXTS.B2.id, 'b2-student')), (res) => {
      assert.equal(res.status, 200, res.text);
      assert.deepEqual((res.body as { notCounted: Array<{ reason: string }> }).notCounted.map((n) => n.reason), ['course-not-launched']);
    }]);
    tries.push(['POST caliper naming course-1 for B\'s student id', () => postCaliper(caliper('course-1', 'b1-student')), expectStatus(200)]);
    for (const [what, run, check] of tries) {
      const res = await run();
      check(res);
      (attempts['ingest (A → B)'] ??= []).push({ what, status: res.status });
    }
    // A's own rows are A's: what named B2 waits for a course A never launched; B's student id in A's course-1 is nobody A knows.
    assert.deepEqual(
      await x.rows(`select source, context_id, user_id from source_events where platform_id = $1 and course_ref->>'contextId' = $2 order by source, seq`, [x.platformId, CONTEXTS.B2.id]),
      [
        { source: 'caliper', context_id: null, user_id: null },
        { source: 'xapi', context_id: null, user_id: null },
        { source: 'xapi', context_id: null, user_id: null },
      ],
    );
    assert.deepEqual(await foreignState(), before);
    // B still reads its own: its statements, not voided, the voided one still B's voided one.
    assert.equal((await clientB.get({ statementId: bIds.b1Visit }).expect(200)).body.id, bIds.b1Visit);
    assert.equal((await clientB.get({ statementId: bIds.b2Visit }).expect(200)).body.actor.account.homePage, issuer);
    assert.equal((await clientB.get({ voidedStatementId: bIds.voided }).expect(200)).body.id, bIds.voided);
  });

  it("refuses attachments across platforms, a revoked credential, and the admin API without the admin token", async () => {
    const before = await foreignState();
    // B stores a statement with attachment data only B has.
    const secret = Buffer.from('B-ONLY-ATTACHMENT-DATA');
    const sha2 = crypto.createHash('sha256').update(secret).digest('hex');
    const boundary = 'isolation-boundary-0123';
    const withAttachment = (id: string, fileUrl?: string) => ({
      id,
      actor: { objectType: 'Agent', account: { homePage: b.platform.issuer, name: 'b2-student' } },
      verb: { id: 'http://id.tincanapi.com/verb/viewed' },
      object: { id: 'https://lms.example.edu/assign/1' },
      timestamp: '2026-03-02T09:00:00.000Z',
      attachments: [{ usageType: 'http://example.com/usage', display: { en: 'file' }, contentType: 'text/plain', length: secret.length, sha2, ...(fileUrl ? { fileUrl } : {}) }],
    });
    const multipart = (statement: unknown, data?: Buffer) =>
      Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify([statement])}`),
        ...(data ? [Buffer.from(`\r\n--${boundary}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ${sha2}\r\n\r\n`), data] : []),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
    const sendMultipart = (credential: { key: string; secret: string }, body: Buffer) =>
      supertest(x.w.t.app).post('/xapi/statements').auth(credential.key, credential.secret).set({ 'X-Experience-API-Version': '1.0.3', 'Content-Type': `multipart/mixed; boundary=${boundary}` }).send(body);
    const bAttachment = crypto.randomUUID();
    await sendMultipart(clientB.credential, multipart(withAttachment(bAttachment), secret)).expect(200);
    const beforeWithAttachment = await foreignState();

    const aNaming = crypto.randomUUID();
    const asText = (res: supertest.Response, done: (err: Error | null, body: string) => void) => {
      let text = '';
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => done(null, text));
    };
    const getWithAttachments = (query: Record<string, string>) =>
      supertest(x.w.t.app).get('/xapi/statements').query({ ...query, attachments: 'true' }).auth(x.credential.key, x.credential.secret).set('X-Experience-API-Version', '1.0.3').buffer(true).parse(asText);
    const tries: Array<[string, () => Promise<supertest.Response>, number]> = [
      // Naming B's sha2 without sending the data is refused; with a fileUrl it stores no data of B's.
      ['POST naming B\'s sha2 without data', () => sendMultipart(x.credential, multipart(withAttachment(crypto.randomUUID()))), 400],
      ['POST naming B\'s sha2 with a fileUrl', () => sendMultipart(x.credential, multipart(withAttachment(aNaming, 'https://lms-a.example.edu/f.txt'))), 200],
      ['GET A\'s statement naming B\'s sha2, attachments=true', () => getWithAttachments({ statementId: aNaming }), 200],
      ['GET all, attachments=true', () => getWithAttachments({}), 200],
      ['GET B\'s attachment statement, attachments=true', () => getWithAttachments({ statementId: bAttachment }), 404],
    ];
    for (const [what, run, status] of tries) {
      const res = await run();
      assert.equal(res.status, status, `${what}: ${res.text}`);
      const body = typeof res.body === 'string' ? res.body : res.text;
      assert.ok(!String(body).includes(secret.toString()), `${what}: B's attachment data in the answer`);
      (attempts['attachments (A → B)'] ??= []).push({ what, status: res.status });
    }
    assert.deepEqual(await x.rows('select platform_id from statement_attachments where sha2 = $1', [sha2]), [{ platform_id: b.platformId }]);

    // A revoked credential of A is refused everywhere, even for A's own data.
    const made = await supertest(x.w.t.app).post(`/admin/api/platforms/${x.platformId}/credentials`).set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).send({ label: 'to revoke' }).expect(201);
    const revoked = { key: made.body.key as string, secret: made.body.secret as string };
    await supertest(x.w.t.app).delete(`/admin/api/credentials/${revoked.key}`).set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).expect(204);
    const statement = moodleStatement({ issuer: x.platform.issuer, contextId: 'course-1', userId: 'a1-student', kind: 'visit', at: new Date() });
    const xapi = (req: supertest.Test) => req.auth(revoked.key, revoked.secret).set('X-Experience-API-Version', '1.0.3');
    const bearer = `Bearer ${revoked.key}:${revoked.secret}`;
    const revokedTries: Array<[string, () => supertest.Test]> = [
      ['POST /xapi/statements', () => xapi(supertest(x.w.t.app).post('/xapi/statements')).send([statement])],
      ['PUT /xapi/statements', () => xapi(supertest(x.w.t.app).put('/xapi/statements').query({ statementId: crypto.randomUUID() })).send(statement)],
      ['GET /xapi/statements', () => xapi(supertest(x.w.t.app).get('/xapi/statements'))],
      ['GET /xapi/statements?statementId=B\'s', () => xapi(supertest(x.w.t.app).get('/xapi/statements').query({ statementId: bIds.b1Visit }))],
      ['POST /caliper', () => supertest(x.w.t.app).post('/caliper').set('Authorization', bearer).send({ sensor: 's', sendTime: new Date().toISOString(), dataVersion: 'http://purl.imsglobal.org/ctx/caliper/v1p2', data: [] })],
      ['GET /caliper', () => supertest(x.w.t.app).get('/caliper').set('Authorization', bearer)],
    ];
    for (const [what, run] of revokedTries) {
      const res = await run();
      assert.deepEqual([what, res.status, res.body.error], [what, 401, 'unknown or revoked credentials']);
      (attempts['revoked credential'] ??= []).push({ what, status: res.status });
    }

    // The admin API: no token, a wrong one, a teacher's ltik, an ingest credential (Bearer and Basic).
    const badTokens: Array<[string, (req: supertest.Test) => supertest.Test]> = [
      ['no token', (req) => req],
      ['wrong token', (req) => req.set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}-not`)],
      ["A1's ltik", (req) => req.set('Authorization', `Bearer ${ltik.A1}`)],
      ["A's ingest credential (Bearer)", (req) => req.set('Authorization', `Bearer ${x.credential.key}:${x.credential.secret}`)],
      ["A's ingest credential (Basic)", (req) => req.auth(x.credential.key, x.credential.secret)],
    ];
    const adminRequests: Array<[string, () => supertest.Test]> = [
      ['GET /admin/api/platforms', () => supertest(x.w.t.app).get('/admin/api/platforms')],
      ["GET B's credentials", () => supertest(x.w.t.app).get(`/admin/api/platforms/${b.platformId}/credentials`)],
      ['POST a credential for B', () => supertest(x.w.t.app).post(`/admin/api/platforms/${b.platformId}/credentials`).send({ label: 'stolen' })],
      ["DELETE B's credential", () => supertest(x.w.t.app).delete(`/admin/api/credentials/${clientB.credential.key}`)],
      ['POST deactivate B', () => supertest(x.w.t.app).post(`/admin/api/platforms/${b.platformId}/deactivate`)],
      ['POST a platform', () => supertest(x.w.t.app).post('/admin/api/platforms').send({ ...b.platform.registration(), clientId: 'other' })],
      ["GET the audit log of B", () => supertest(x.w.t.app).get(`/admin/api/audit?platform=${b.platformId}`)],
    ];
    for (const [request, make] of adminRequests) {
      for (const [token, authorise] of badTokens) {
        const res = await authorise(make());
        assert.deepEqual([request, token, res.status, typeof res.body.error], [request, token, 401, 'string']);
        assertNoForeign(`${request} with ${token}`, '', res.text, [clientB.credential.key, b.platform.issuer, ...foreignOfA1()]);
        (attempts['admin API without the admin token'] ??= []).push({ what: `${request} (${token})`, status: res.status });
      }
    }
    assert.deepEqual(await foreignState(), beforeWithAttachment);
    assert.notDeepEqual(before, beforeWithAttachment);
    // B is still active and launches.
    const { response } = await b.platform.launch(supertest.agent(x.w.t.app), { context: CONTEXTS.B2 });
    assert.equal(response.status, 200);
  });
});
