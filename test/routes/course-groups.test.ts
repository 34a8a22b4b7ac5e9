import assert from 'node:assert/strict';
import supertest from 'supertest';
import { BACKEND } from '../support/databases.js';
import type { TestClock } from '../support/clock.js';
import { ltikOf, ltiWorld, type LtiWorld } from '../support/lti-world.js';
import type { TestApp } from '../support/test-app.js';
import { DEFAULT_CONTEXT, ROLES, type ContextClaim } from '../support/test-platform.js';

describe(`groups teachers define in CoursePulse (${BACKEND})`, () => {
  let w: LtiWorld;
  let t: TestApp;
  let clock: TestClock;
  let platformId: string;

  /** A teacher's launch into `context`; its ltik. */
  async function launch(context: ContextClaim = DEFAULT_CONTEXT): Promise<string> {
    const response = await w.launch({ context });
    assert.equal(response.status, 200, response.text);
    return ltikOf(response.text);
  }

  /** Roster rows as a roster read would leave them (the roster itself is tested in test/lti/roster*.ts). */
  async function enrol(contextId: string, userId: string, name: string, roles: string[] = [ROLES.learner], status = 'Active'): Promise<void> {
    await t.db.query(
      `insert into members (platform_id, context_id, user_id, name, roles, status, updated_at) values ($1, $2, $3, $4, $5, $6, $7)`,
      [platformId, contextId, userId, name, roles, status, clock.now()],
    );
  }

  const groupsJson = (ltik: string) => supertest(t.app).get('/api/groups').set('Authorization', `Bearer ${ltik}`).expect(200).then((r) => r.body);
  const post = (ltik: string, path: string, form: Record<string, string | string[]>, htmx = true) => {
    const req = supertest(t.app).post(path).type('form').send({ ...form, ltik });
    return htmx ? req.set('HX-Request', 'true') : req;
  };

  beforeEach(async () => {
    w = await ltiWorld();
    ({ t, clock, platformId } = w);
  });
  afterEach(async () => {
    await w.close();
  });

  it('creates, renames, fills, empties and deletes a group', async () => {
    const ltik = await launch();
    await enrol(DEFAULT_CONTEXT.id, 'u-ada', 'Ada Lovelace');
    await enrol(DEFAULT_CONTEXT.id, 'u-alan', 'Alan Turing');

    const created = await post(ltik, '/groups', { name: '  Lab A  ' }).expect(200);
    assert.match(created.text, /Created the group Lab A\./);
    const [group] = await groupsJson(ltik);
    assert.match(group.id, /^coursepulse:[0-9a-f-]{36}$/);
    assert.deepEqual(await groupsJson(ltik), [{ id: group.id, name: 'Lab A', source: 'coursepulse', setName: null, members: [] }]);
    const path = `/groups/${encodeURIComponent(group.id)}`;

    await post(ltik, `${path}/rename`, { name: 'Lab group A' }).expect(200);
    await post(ltik, `${path}/members`, { userId: ['u-ada', 'u-alan'] }).expect(200);
    assert.deepEqual((await groupsJson(ltik))[0], { id: group.id, name: 'Lab group A', source: 'coursepulse', setName: null, members: ['u-ada', 'u-alan'] });
    const page = await supertest(t.app).get('/groups').set('Authorization', `Bearer ${ltik}`).expect(200);
    assert.match(page.text, /<h3>Lab group A<\/h3>\s*<p class="muted">2 students<\/p>/);

    await post(ltik, `${path}/members/remove`, { userId: 'u-alan' }).expect(200);
    assert.deepEqual((await groupsJson(ltik))[0].members, ['u-ada']);
    const deleted = await post(ltik, `${path}/delete`, {}).expect(200);
    assert.match(deleted.text, /Deleted the group\. Its students stay in the course\./);
    assert.deepEqual(await groupsJson(ltik), []);
    assert.deepEqual(await t.db.query('select * from group_members'), []);
  });

  it('works as plain forms without JavaScript: each change redirects back to the page (303)', async () => {
    const ltik = await launch();
    const res = await post(ltik, '/groups', { name: 'Lab A' }, false).expect(303);
    assert.equal(res.headers.location, `/groups?ltik=${encodeURIComponent(ltik)}`);
    const page = await supertest(t.app).get(res.headers.location!).expect(200);
    assert.match(page.text, /<h3>Lab A<\/h3>/);
  });

  it('says what is wrong with a form and changes nothing', async () => {
    const ltik = await launch();
    await enrol(DEFAULT_CONTEXT.id, 'u-ada', 'Ada Lovelace');
    await enrol(DEFAULT_CONTEXT.id, 'u-teacher', 'Grace Hopper', [ROLES.instructor]);
    await enrol(DEFAULT_CONTEXT.id, 'u-gone', 'Left Already', [ROLES.learner], 'Inactive');
    const empty = await post(ltik, '/groups', { name: '   ' }).expect(400);
    assert.match(empty.text, /role="alert">name: give the group a name</);
    const long = await post(ltik, '/groups', { name: 'x'.repeat(201) }).expect(400);
    assert.match(long.text, /a group name has at most 200 characters/);

    await post(ltik, '/groups', { name: 'Lab A' }).expect(200);
    const [group] = await groupsJson(ltik);
    const path = `/groups/${encodeURIComponent(group.id)}`;
    const refused = await post(ltik, `${path}/members`, { userId: ['u-ada', 'u-teacher', 'u-gone', 'u-nobody'] }).expect(400);
    assert.match(refused.text, /Not a student of this course: u-gone, u-nobody, u-teacher\. Nothing was added\./);
    assert.deepEqual((await groupsJson(ltik))[0].members, []);
    const missing = await post(ltik, '/groups/coursepulse%3Anope/rename', { name: 'X' }).expect(404);
    assert.match(missing.text, /That group does not exist in this course/);
  });

  it("never reaches another course's groups, even with its group ids", async () => {
    const ltikA = await launch({ ...DEFAULT_CONTEXT, id: 'course-A', title: 'Course A' });
    const ltikB = await launch({ ...DEFAULT_CONTEXT, id: 'course-B', title: 'Course B' });
    await enrol('course-A', 'u-1', 'Student A');
    await enrol('course-B', 'u-1', 'Student B');
    await post(ltikA, '/groups', { name: 'A only' }).expect(200);
    const [groupA] = await groupsJson(ltikA);
    const path = `/groups/${encodeURIComponent(groupA.id)}`;

    assert.deepEqual(await groupsJson(ltikB), []);
    await post(ltikB, `${path}/rename`, { name: 'hijacked' }).expect(404);
    await post(ltikB, `${path}/members`, { userId: 'u-1' }).expect(404);
    await post(ltikB, `${path}/delete`, {}).expect(404);
    const pageB = await supertest(t.app).get('/groups').set('Authorization', `Bearer ${ltikB}`).expect(200);
    assert.ok(!pageB.text.includes('A only'));
    assert.deepEqual(await groupsJson(ltikA), [{ id: groupA.id, name: 'A only', source: 'coursepulse', setName: null, members: [] }]);
  });

  it('refuses every change without a teacher’s ltik', async () => {
    const ltik = await launch();
    await supertest(t.app).post('/groups').type('form').send({ name: 'x' }).expect(401);
    await t.db.query(`update lti_store set doc = jsonb_set(doc, '{roles}', $1::jsonb) where collection = 'contexttoken'`, [JSON.stringify([ROLES.learner])]);
    await post(ltik, '/groups', { name: 'x' }).expect(403);
    await supertest(t.app).get('/api/groups').set('Authorization', `Bearer ${ltik}`).expect(403);
    assert.deepEqual(await t.db.query('select * from groups'), []);
  });
});
