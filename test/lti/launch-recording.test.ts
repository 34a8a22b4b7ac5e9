import assert from 'node:assert/strict';
import supertest from 'supertest';
import { BACKEND } from '../support/databases.js';
import type { TestClock } from '../support/clock.js';
import { TOOL_URL, ltiWorld, type LtiWorld } from '../support/lti-world.js';
import { TEST_ADMIN_TOKEN, testApp, type TestApp } from '../support/test-app.js';
import { instructor, students } from '../support/roster-members.js';
import { CLAIMS, DEFAULT_CONTEXT, ROLES, TestPlatform, type LaunchOptions } from '../support/test-platform.js';
import { toolServer, type ToolServer } from '../support/tool-server.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/';
const GROUPS_CLAIM = 'https://purl.imsglobal.org/spec/lti-gs/claim/groupsservice';

describe(`launches: who gets in, and what is recorded (${BACKEND})`, () => {
  let w: LtiWorld;
  let t: TestApp;
  let clock: TestClock;
  let platform: TestPlatform;
  let platformId: string;

  const table = (sql: string) => t.db.query<Record<string, unknown>>(sql);
  const launch = (options: LaunchOptions) => platform.launch(supertest.agent(t.app), options);

  beforeEach(async () => {
    w = await ltiWorld();
    ({ t, clock, platform, platformId } = w);
  });
  afterEach(async () => {
    await w.close();
  });

  it('records the course, the instructor and the launch', async () => {
    const { response } = await launch({
      sub: 'teacher-7',
      claims: {
        picture: 'https://lms.example.edu/pictures/7.png',
        [GROUPS_CLAIM]: {
          scope: ['https://purl.imsglobal.org/spec/lti-gs/scope/contextgroup.readonly'],
          context_groups_url: 'https://lms.example.edu/groups/course-1',
          context_group_sets_url: 'https://lms.example.edu/groupsets/course-1',
          service_versions: ['1.0'],
        },
      },
    });
    assert.equal(response.status, 200, response.text);
    assert.match(response.text, /<p class="course-name">Introduction to Biology<\/p>/);
    assert.match(response.text, /0 students on the roster\./);
    const at = clock.now();
    assert.deepEqual(await table('select * from courses'), [
      {
        platform_id: platformId,
        context_id: DEFAULT_CONTEXT.id,
        deployment_id: platform.deploymentId,
        title: 'Introduction to Biology',
        label: 'BIO101',
        timezone: null,
        memberships_url: platform.membershipsUrl(DEFAULT_CONTEXT.id),
        groups_service: {
          scope: ['https://purl.imsglobal.org/spec/lti-gs/scope/contextgroup.readonly'],
          context_groups_url: 'https://lms.example.edu/groups/course-1',
          context_group_sets_url: 'https://lms.example.edu/groupsets/course-1',
          service_versions: ['1.0'],
        },
        custom: {},
        first_launch_at: at,
        last_launch_at: at,
        last_used_at: at,
        roster_synced_at: null,
        roster_attempted_at: null,
        roster_error: null,
      },
    ]);
    assert.deepEqual(await table('select * from members'), [
      {
        platform_id: platformId,
        context_id: DEFAULT_CONTEXT.id,
        user_id: 'teacher-7',
        name: 'Ada Lovelace',
        given_name: 'Ada',
        family_name: 'Lovelace',
        email: 'ada@example.edu',
        picture: 'https://lms.example.edu/pictures/7.png',
        roles: [ROLES.instructor],
        status: 'Active',
        sourced_id: null,
        left_at: null,
        updated_at: at,
      },
    ]);
    assert.deepEqual(await table('select platform_id, context_id, user_id, roles, resource_link_id, launched_at from launches'), [
      { platform_id: platformId, context_id: DEFAULT_CONTEXT.id, user_id: 'teacher-7', roles: [ROLES.instructor], resource_link_id: 'resource-1', launched_at: at },
    ]);
  });

  it('refreshes the course on a later launch and keeps its first launch', async () => {
    const first = clock.now();
    assert.equal((await launch({})).response.status, 200);
    clock.advance(5);
    await launch({ context: { ...DEFAULT_CONTEXT, title: 'Biology I (renamed)' } });
    const [course] = await table('select title, first_launch_at, last_launch_at from courses');
    assert.deepEqual(course, { title: 'Biology I (renamed)', first_launch_at: first, last_launch_at: clock.now() });
    assert.equal((await table('select * from launches')).length, 2);
  });

  const staff: Array<[string, string[]]> = [
    ['a teaching assistant', [`${LIS}membership/Instructor#TeachingAssistant`]],
    ['a content developer', [`${LIS}membership#ContentDeveloper`]],
    ['an institution administrator not enrolled in the course', [`${LIS}institution/person#Administrator`]],
    ['a system administrator', [`${LIS}system/person#Administrator`]],
    ['an instructor named with the short role name', ['Instructor']],
  ];
  for (const [who, roles] of staff) {
    it(`lets in ${who}`, async () => {
      const { response } = await launch({ sub: 'staff-1', roles });
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(await table('select user_id, roles from members'), [{ user_id: 'staff-1', roles }]);
    });
  }

  const refused: Array<[string, string[]]> = [
    ['a learner', [ROLES.learner]],
    ['a learner named with the short role name', ['Learner']],
    ['a mentor', [`${LIS}membership#Mentor`]],
    ['someone without any role', []],
    ['someone with an unknown role', ['http://example.com/roles#Owner']],
  ];
  for (const [who, roles] of refused) {
    it(`refuses ${who} with a 403 page that shows no course data, and stores nothing of it`, async () => {
      const { response } = await launch({ sub: 'student-1', roles });
      assert.equal(response.status, 403);
      assert.match(response.text, /This report is for the course’s teachers/);
      assert.ok(!response.text.includes('Introduction to Biology'));
      assert.ok(!response.text.includes('BIO101'));
      for (const name of ['courses', 'members', 'launches']) assert.deepEqual(await table(`select * from ${name}`), [], name);
      // The ltik ltijs minted for this launch opens nothing: its context token is gone.
      assert.deepEqual(await t.db.query("select doc from lti_store where collection = 'contexttoken'"), []);
    });
  }

  it('asks for a launch from a course when the launch carries no course', async () => {
    const { response } = await launch({ claims: { [CLAIMS.context]: undefined } });
    assert.equal(response.status, 400);
    assert.match(response.text, /Open CoursePulse from a course/);
    assert.deepEqual(await table('select * from courses'), []);
  });

  it('keeps two platforms with the same context id apart', async () => {
    const other = await TestPlatform.start({ toolUrl: TOOL_URL, clientId: 'other-client', name: 'Other LMS' });
    try {
      const res = await supertest(t.app)
        .post('/admin/api/platforms')
        .set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`)
        .send(other.registration())
        .expect(201);
      await launch({});
      assert.equal((await other.launch(supertest.agent(t.app), {})).response.status, 200);
      const courses = await table('select platform_id, context_id from courses order by platform_id');
      assert.deepEqual(
        courses,
        [platformId, (res.body as { id: string }).id].sort().map((id) => ({ platform_id: id, context_id: DEFAULT_CONTEXT.id })),
      );
    } finally {
      await other.close();
    }
  });
});

describe(`a teacher's launch loads the roster (${BACKEND})`, () => {
  let tool: ToolServer;
  let t: TestApp;
  let platform: TestPlatform;

  beforeEach(async () => {
    tool = await toolServer();
    t = await testApp({ publicUrl: tool.url, rosterOnLaunch: true });
    tool.serve(t.app);
    platform = await TestPlatform.start({ toolUrl: tool.url });
    await supertest(t.app).post('/admin/api/platforms').set('Authorization', `Bearer ${TEST_ADMIN_TOKEN}`).send(platform.registration()).expect(201);
  });
  afterEach(async () => {
    await platform.close();
    await tool.close();
    await t.close();
  });

  it('opens on the overview with the roster read from the LMS', async () => {
    platform.setMembers(DEFAULT_CONTEXT, [instructor, ...students(3)]);
    const { response } = await platform.launch(supertest.agent(t.app), {});
    assert.equal(response.status, 200, response.text);
    assert.match(response.text, /3 students on the roster, read from the LMS at/);
    assert.deepEqual(
      await t.db.query('select user_id, status, left_at from members order by user_id'),
      ['instructor-1', 'student-001', 'student-002', 'student-003'].map((user_id) => ({ user_id, status: 'Active', left_at: null })),
    );
  });

  it('opens all the same when the roster cannot be read, and says so', async () => {
    // No roster for this course on the platform: its NRPS answers 404.
    const { response } = await platform.launch(supertest.agent(t.app), {});
    assert.equal(response.status, 200, response.text);
    assert.match(response.text, /0 students on the roster\./);
    assert.match(response.text, /The latest roster could not be read from the LMS \(NRPS: page 1 \(GET [^)]+\) answered HTTP 404: [^)]+\)\. Ask your LMS administrator/);
  });
});
