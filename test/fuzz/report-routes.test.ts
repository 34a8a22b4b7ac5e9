/**
 * Hostile input to the course pages and their data: /reports/*, /api/* and /groups* with path
 * tricks in student and group ids, query tricks in every parameter (group, q, month, course,
 * ltik; repeated, bracketed, prototype names), ltiks valid, missing, forged, foreign, of a
 * student, of another course, given in every place api.md allows, and the groups forms with
 * bodies of any kind. Every answer is below 500; a refusal is `{"error"}` (the JSON API) or a
 * problem page (the pages; their CSV and page data may answer JSON); a refused request writes
 * nothing, a report answered writes its audit row only; /healthz answers after each property.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import jwt from 'jsonwebtoken';
import supertest from 'supertest';
import { BACKEND } from '../support/databases.js';
import { overviewWorld, type OverviewWorld } from '../support/overview-world.js';
import { TEST_LTI_KEY } from '../support/test-app.js';
import type { ContextClaim } from '../support/test-platform.js';
import { learner } from '../support/xapi-world.js';
import { assertAnswered, assertHealthy, changedTables, rowCounts } from './answer-checks.js';
import { FuzzTally, fuzzParameters } from './fuzz-runs.js';
import { bodyOf, contentTypeArb, randomBody } from './json-mutations.js';
import { encode, queryArb, queryValueArb, segmentArb } from './path-tricks.js';
import { withBody } from './request-body.js';

const tally = new FuzzTally('reports');
const course: ContextClaim = { id: 'course-fuzz', label: 'FZ101', title: 'Fuzzing 101', type: ['http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering'] };
const other: ContextClaim = { id: 'course-other', label: 'OT101', title: 'Other course', type: course.type };

const GET_ROUTES = [
  '/reports/overview',
  '/reports/overview/students.csv',
  '/api/overview',
  '/api/groups',
  '/groups',
  '/reports/students',
  '/api/students/:s',
  '/reports/students/:s',
  '/reports/students/:s/days.csv',
] as const;

describe(`fuzz: /reports, /api, /groups (${BACKEND})`, () => {
  let o: OverviewWorld;
  let ltik: string;
  let otherLtik: string;
  let studentLtik: string;
  let groupId: string;

  before(async () => {
    o = await overviewWorld();
    ltik = await o.openCourse(course, [learner('s1'), learner('s2'), learner('s3')]);
    otherLtik = await o.openCourse(other, [learner('s1')]);
    const now = o.x.w.clock.now().getTime();
    await o.send(course.id, [
      ['s1', 'visit', new Date(now - 3 * 3600_000).toISOString()],
      ['s1', 'resource', new Date(now - 3 * 3600_000 + 60_000).toISOString()],
      ['s2', 'post', new Date(now - 26 * 3600_000).toISOString()],
    ]);
    const created = await supertest(o.x.w.t.app).post('/groups').type('form').send({ ltik, name: 'Lab A' });
    assert.equal(created.status, 303, created.text);
    groupId = String((await o.x.rows(`select group_id from groups where context_id = $1 and source = 'coursepulse'`, [course.id]))[0]!.group_id);
    // A student's ltik, signed with the right key: no launch of theirs opened a session.
    studentLtik = jwt.sign({ ...(jwt.decode(ltik) as object), user: 's1' }, TEST_LTI_KEY);
  });
  after(async () => {
    await o?.close();
    console.log(`    ${tally.line()}`);
  });

  const app = () => o.x.w.t.app;
  const decoded = () => jwt.decode(ltik) as Record<string, unknown>;

  /** Where the ltik goes, and which. */
  const ltikArb = () =>
    fc.oneof(
      { weight: 5, arbitrary: fc.constant(ltik) },
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          '',
          otherLtik,
          studentLtik,
          `${ltik}x`,
          ltik.split('.').slice(0, 2).join('.') + '.',
          jwt.sign(decoded(), 'another-key-0123456789-0123456789'),
          jwt.sign({ ...decoded(), contextId: 'nope' }, TEST_LTI_KEY),
          jwt.sign({ ...decoded(), platformUrl: { $ne: 1 } }, TEST_LTI_KEY),
          jwt.sign({ ...decoded(), user: 'a\u0000b' }, TEST_LTI_KEY),
          jwt.sign({ ...decoded(), clientId: ['x'] }, TEST_LTI_KEY),
          jwt.sign({ ...decoded(), exp: 1 }, TEST_LTI_KEY),
          jwt.sign('just a string', TEST_LTI_KEY),
          `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${ltik.split('.')[1]}.`,
          'x'.repeat(10_000),
        ),
      },
      { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
    );
  const placement = fc.constantFrom('bearer', 'bearer', 'query', 'query-twice', 'query-array', 'none');

  /** The ltik placed where `where` says: the Authorization header (when it can be one), the query, twice, as an array, or nowhere. */
  function placeLtik(token: string, where: string, query: string): { authorization?: string; query: string } {
    if (where === 'bearer' && /^[\x21-\x7e]+$/.test(token)) return { authorization: `Bearer ${token}`, query };
    const enc = encode(token);
    const add = where === 'query' ? `ltik=${enc}` : where === 'query-twice' ? `ltik=${enc}&ltik=${enc}` : where === 'query-array' ? `ltik[]=${enc}` : '';
    return { query: [query, add].filter(Boolean).join('&') };
  }

  /** A teacher's ltik, of this course or of the other one. */
  const isTeachers = (token: string) => token === ltik || token === otherLtik;

  it('GET: every report route with path and query tricks and every kind of ltik', async function () {
    this.timeout(180_000);
    const segment = fc.oneof(segmentArb, fc.constantFrom('s1', 's2', 'instructor-1', 'nobody'));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...GET_ROUTES),
        segment,
        queryArb(['group', 'q', 'month', 'course', 'shown', 'sort', 'lang']),
        ltikArb(),
        placement,
        fc.option(fc.constantFrom('true', 'false', 'x'), { nil: undefined }),
        fc.option(fc.string({ maxLength: 30 }).filter((s) => /^[\x20-\x7e]*$/.test(s)), { nil: undefined }),
        async (route, s, rawQuery, token, where, hx, language) => {
          tally.count('GET');
          const path = route.replace(':s', s);
          const before = await rowCounts(o.x.w.t.db);
          const { authorization, query } = placeLtik(token, where, rawQuery);
          const url = query ? `${path}?${query}` : path;
          const request = supertest(app()).get(url);
          if (authorization) request.set('Authorization', authorization);
          if (hx !== undefined) request.set('HX-Request', hx);
          if (language !== undefined) request.set('Accept-Language', language);
          const res = await request;
          const what = `GET ${url.slice(0, 300)} (ltik ${where}: ${token.slice(0, 40)}…)`;
          assertAnswered(res, route.startsWith('/api/') ? 'json' : 'json-or-page', what);
          const changed = changedTables(before, await rowCounts(o.x.w.t.db), res.status === 200 ? ['report_views'] : []);
          assert.deepEqual(changed, {}, `${what} → ${res.status}`);
          if (res.status === 200) assert.ok(isTeachers(token), `only a teacher's ltik opens a report: ${what}`);
        },
      ),
      fuzzParameters(150),
    );
    await assertHealthy(app());
  });

  it('groups forms: names and members of any kind, group ids with path tricks, bodies of any type', async function () {
    this.timeout(180_000);
    const action = fc.constantFrom('', '/:g/rename', '/:g/delete', '/:g/members', '/:g/members/remove');
    const group = fc.oneof(segmentArb, fc.constant('GROUP'));
    const field = fc.oneof(
      fc.tuple(fc.constantFrom('name', 'userId', 'name[]', 'userId[]', 'userId[__proto__]', '__proto__[name]', 'name[a][b]'), queryValueArb).map(([n, v]) => `${n}=${v}`),
      fc.constantFrom('userId=s1', 'userId=s1&userId=s2', 'userId=s1&userId=instructor-1', 'name=Lab%20B', `name=${'n'.repeat(300)}`, `userId=${'u'.repeat(300)}`, Array.from({ length: 1100 }, (_, i) => `userId=s${i}`).join('&')),
    );
    const body = fc.oneof(
      { weight: 4, arbitrary: fc.array(field, { maxLength: 3 }).map((fields) => ({ text: fields.join('&'), type: 'application/x-www-form-urlencoded' as string | undefined })) },
      { weight: 1, arbitrary: fc.tuple(randomBody, contentTypeArb).map(([b, type]) => ({ text: bodyOf(b), type })) },
    );
    await fc.assert(
      fc.asyncProperty(action, group, body, ltikArb(), fc.boolean(), async (template, g, { text, type }, token, inForm) => {
        tally.count('POST /groups');
        const id = g === 'GROUP' ? groupId : g;
        const path = `/groups${template.replace(':g', id)}`;
        const before = await rowCounts(o.x.w.t.db);
        const withToken =
          inForm && type === 'application/x-www-form-urlencoded' && typeof text === 'string'
            ? { test: supertest(app()).post(path), body: [text, `ltik=${encode(token)}`].filter(Boolean).join('&') }
            : { test: /^[\x21-\x7e]+$/.test(token) ? supertest(app()).post(path).set('Authorization', `Bearer ${token}`) : supertest(app()).post(path), body: text };
        const res = await withBody(withToken.test.redirects(0), withToken.body, type);
        const what = `POST ${path.slice(0, 200)} ${String(withToken.body).slice(0, 120)} (${type})`;
        assertAnswered(res, 'json-or-page', what);
        if (res.status >= 400) assert.deepEqual(changedTables(before, await rowCounts(o.x.w.t.db)), {}, `${what} → ${res.status}`);
        else assert.ok(isTeachers(token), `only a teacher's ltik changes groups: ${what}`);
      }),
      fuzzParameters(100),
    );
    await assertHealthy(app());
  });

  it('fixed cases: a form over its limit, a student\'s and another course\'s ltik on every route', async function () {
    this.timeout(60_000);
    tally.count('fixed');
    const big = await supertest(app()).post('/groups').set('Authorization', `Bearer ${ltik}`).type('form').send(`name=${'x'.repeat(30_000)}`);
    assertAnswered(big, 'json-or-page', 'a form over 20 kB');
    assert.equal(big.status, 413);
    for (const route of GET_ROUTES) {
      for (const [token, whose, status] of [[studentLtik, "a student's", 401], [otherLtik, "another course's", 403]] as const) {
        tally.count('fixed');
        const res = await supertest(app()).get(`${route.replace(':s', 's1')}?course=${course.id}`).set('Authorization', `Bearer ${token}`);
        assertAnswered(res, route.startsWith('/api/') ? 'json' : 'json-or-page', `${route} with ${whose} ltik`);
        assert.equal(res.status, status, `${route} with ${whose} ltik: ${res.status}`);
      }
    }
    // A counterexample fuzzing found: an ltik signed with LTI_KEY whose user holds a NUL was looked up as it is (a 500).
    tally.count('fixed');
    const nul = await supertest(app()).get('/reports/overview').set('Authorization', `Bearer ${jwt.sign({ ...decoded(), user: 'a\u0000b' }, TEST_LTI_KEY)}`);
    assertAnswered(nul, 'page', 'an ltik whose user holds a NUL');
    assert.equal(nul.status, 401);
    await assertHealthy(app());
  });
});
