import assert from 'node:assert/strict';
import supertest from 'supertest';
import { renderPartial } from '../../src/views/render.js';
import { BACKEND } from '../support/databases.js';
import type { TestClock } from '../support/clock.js';
import { ltikOf, ltiWorld, type LtiWorld } from '../support/lti-world.js';
import type { TestApp } from '../support/test-app.js';
import { DEFAULT_CONTEXT, ROLES, type LaunchOptions } from '../support/test-platform.js';

describe(`course pages after the launch (${BACKEND})`, () => {
  let w: LtiWorld;
  let t: TestApp;
  let clock: TestClock;

  async function launchAs(options: LaunchOptions = {}): Promise<string> {
    const response = await w.launch(options);
    assert.equal(response.status, 200, response.text);
    return ltikOf(response.text);
  }

  beforeEach(async () => {
    w = await ltiWorld();
    ({ t, clock } = w);
  });
  afterEach(async () => {
    await w.close();
  });

  it('answers the overview page with the ltik as a Bearer token or a query parameter', async () => {
    const ltik = await launchAs();
    const viaHeader = await supertest(t.app).get('/reports/overview').set('Authorization', `Bearer ${ltik}`).expect(200);
    assert.match(viaHeader.text, /^<!doctype html>/);
    assert.match(viaHeader.text, /<p class="course-name">Introduction to Biology<\/p>/);
    assert.equal(viaHeader.headers.vary, 'HX-Request, HX-Target, Accept-Encoding');
    const viaQuery = await supertest(t.app).get(`/reports/overview?ltik=${ltik}`).expect(200);
    assert.equal(viaQuery.text, viaHeader.text);
  });

  it('answers htmx with the partial the full page includes, and the whole page on a history restore', async () => {
    const ltik = await launchAs();
    const page = await supertest(t.app).get('/reports/overview').set('Authorization', `Bearer ${ltik}`);
    const partial = await supertest(t.app).get('/reports/overview').set({ Authorization: `Bearer ${ltik}`, 'HX-Request': 'true' }).expect(200);
    assert.ok(!partial.text.includes('<html'), 'a partial, not a page');
    assert.ok(page.text.includes(`<main id="main" tabindex="-1">\n${partial.text}`), 'the full page contains exactly the partial');
    // The course's header and report, before any roster read or activity (the regions: test/routes/course-overview.test.ts).
    const shown = {
      course: /<p class="course-name">([^<]*)<\/p>/.exec(partial.text)?.[1],
      heading: /<h1 id="report-title">([^<]*)<\/h1>/.exec(partial.text)?.[1],
      roster: /<p class="roster-line">([^<]*)<\/p>/.exec(partial.text)?.[1],
      empty: /<div class="empty-state">\s*<h2>([^<]*)<\/h2>/.exec(partial.text)?.[1],
      ltik: partial.text.includes(`<input type="hidden" name="ltik" value="${ltik}">`),
    };
    assert.deepEqual(shown, { course: DEFAULT_CONTEXT.title, heading: 'Activity overview', roster: '0 students on the roster.', empty: 'No activity yet', ltik: true });
    const restore = await supertest(t.app)
      .get('/reports/overview')
      .set({ Authorization: `Bearer ${ltik}`, 'HX-Request': 'true', 'HX-History-Restore-Request': 'true' });
    assert.equal(restore.text, page.text);
  });

  it('refuses without a ltik, with a forged one, and once the launch has expired', async () => {
    const missing = await supertest(t.app).get('/reports/overview').expect(401);
    assert.match(missing.text, /Open CoursePulse from your course/);
    const ltik = await launchAs();
    const [header, payload] = ltik.split('.');
    const forged = `${header}.${payload}.${Buffer.from('not the signature').toString('base64url')}`;
    assert.match((await supertest(t.app).get('/reports/overview').set('Authorization', `Bearer ${forged}`).expect(401)).text, /This link is not valid/);
    clock.advance(24 * 3600);
    const expired = await supertest(t.app).get('/reports/overview').set('Authorization', `Bearer ${ltik}`).expect(401);
    assert.match(expired.text, /Your CoursePulse session has ended/);
    assert.ok(!expired.text.includes('Introduction to Biology'));
  });

  it('checks the roles again on every request', async () => {
    const ltik = await launchAs();
    // The platform demotes the user; CoursePulse learns it when the context token changes.
    await t.db.query(`update lti_store set doc = jsonb_set(doc, '{roles}', $1::jsonb) where collection = 'contexttoken'`, [
      JSON.stringify([ROLES.learner]),
    ]);
    const refused = await supertest(t.app).get('/reports/overview').set('Authorization', `Bearer ${ltik}`).expect(403);
    assert.match(refused.text, /This report is for the course’s teachers/);
    assert.ok(!refused.text.includes('Introduction to Biology'));
  });

  it("refuses a ltik of course A for course B's data", async () => {
    const ltikA = await launchAs({ context: { ...DEFAULT_CONTEXT, id: 'course-A', title: 'Course A' } });
    await launchAs({ context: { ...DEFAULT_CONTEXT, id: 'course-B', title: 'Course B' } });
    const refused = await supertest(t.app).get('/reports/overview?course=course-B').set('Authorization', `Bearer ${ltikA}`).expect(403);
    assert.match(refused.text, /This is another course/);
    assert.ok(!refused.text.includes('Course B'));
    const own = await supertest(t.app).get('/reports/overview?course=course-A').set('Authorization', `Bearer ${ltikA}`).expect(200);
    assert.match(own.text, /<p class="course-name">Course A<\/p>/);
  });

  it('swaps a refusal into the page for htmx instead of failing silently', async () => {
    const res = await supertest(t.app).get('/reports/overview').set('HX-Request', 'true').expect(401);
    assert.equal(res.headers['hx-retarget'], '#main');
    assert.equal(res.text, renderPartial('problem', { title: 'Open CoursePulse from your course', message: 'This page opens from the CoursePulse link in your course’s menu in the LMS.' }));
  });

  it('serves htmx from its own origin', async () => {
    const res = await supertest(t.app).get('/static/vendor/htmx.min.js').expect(200);
    assert.match(String(res.headers['content-type']), /javascript/);
    assert.ok(res.text.includes('htmx'));
  });
});
