/**
 * Groups after the roster, end to end: the Course Groups Service (Blackboard, Brightspace) and
 * Canvas's group rosters, read over real HTTP from the test platform's group routes, each source
 * replaced whole or left as it was.
 */
import assert from 'node:assert/strict';
import { syncRoster } from '../../src/lti/roster.js';
import { addCoursePulseGroupMembers, createCoursePulseGroup } from '../../src/models/coursepulse-groups.js';
import { replacePlatformGroups } from '../../src/models/replace-platform-groups.js';
import { BACKEND } from '../support/databases.js';
import { instructor, students } from '../support/roster-members.js';
import { rosterWorld, type RosterWorld } from '../support/roster-world.js';
import { GROUPS_CLAIM, GROUPS_SCOPE, type TestGroup } from '../support/test-platform-groups.js';
import { DEFAULT_CONTEXT } from '../support/test-platform.js';

const CONTEXT = DEFAULT_CONTEXT.id;
const CUSTOM_CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/custom';
const [s1, s2, s3, s4, s5] = students(5);

describe(`groups from the platform after the roster (${BACKEND})`, () => {
  let w: RosterWorld;

  const key = () => ({ platformId: w.platformId, contextId: CONTEXT });
  const groupRow = (groupId: string, fields: Record<string, unknown>) => ({
    platform_id: w.platformId,
    context_id: CONTEXT,
    group_id: groupId,
    external_id: null,
    set_id: null,
    set_name: null,
    ...fields,
  });
  const groupsTable = () => w.rows('select * from groups order by group_id collate "C"');
  const groupMembersTable = async () =>
    (await w.rows('select * from group_members order by group_id collate "C", user_id collate "C"')).map((r) => {
      assert.deepEqual([r.platform_id, r.context_id], [w.platformId, CONTEXT]);
      return `${String(r.group_id)} ${String(r.user_id)}`;
    });
  const sync = async (canvasGroupRosters = false) => syncRoster(w.deps({ config: { canvasGroupRosters } }), await w.course(CONTEXT));
  const requestsSince = (before: number) => w.platform.requests.slice(before);

  beforeEach(async () => {
    // Two items a page: every read of more than two groups or members is paged.
    w = await rosterWorld({ pageSize: 2 });
  });
  afterEach(async () => {
    await w.close();
  });

  describe('Course Groups Service', () => {
    const groups: TestGroup[] = [
      { id: 'g-a', name: 'Lab A', set_id: 'set-1', members: [s1!.user_id, s2!.user_id] },
      { id: 'g-b', name: 'Lab B', set_id: 'set-1', members: [s3!.user_id] },
      // Staff and students who left are in platform groups too; only students are asked about.
      { id: 'g-p', name: 'Project X', set_id: 'set-2', members: [s1!.user_id, s3!.user_id, instructor.user_id, s4!.user_id] },
      { id: 'g-s', name: 'Study group', members: [s1!.user_id] },
    ];
    const sets = [
      { id: 'set-1', name: 'Lab sections' },
      { id: 'set-2', name: 'Projects' },
    ];

    beforeEach(async () => {
      w.platform.grantableScopes.add(GROUPS_SCOPE);
      w.platform.setMembers(DEFAULT_CONTEXT, [instructor, s1!, s2!, s3!, { ...s4!, status: 'Inactive' }]);
      w.groups.setGroups(CONTEXT, { sets, groups });
      await w.launch({ claims: { [GROUPS_CLAIM]: w.groups.claim(CONTEXT) } });
    });

    it("reads the groups, their sets and each student's groups over paged calls, and stores them", async () => {
      const before = w.platform.requests.length;
      const result = await sync();
      assert.deepEqual(result, { ok: true, members: 5, markedLeft: 1, rejoined: 0, groups: [{ source: 'lti-gs', ok: true, groups: 4, memberships: 6 }] });

      const asked = requestsSince(before);
      assert.deepEqual(asked.slice(0, 6), [
        'POST /token',
        `GET /nrps/${CONTEXT}?limit=100`,
        'POST /token',
        `GET /groupsets/${CONTEXT}?limit=100`,
        `GET /groups/${CONTEXT}?limit=100`,
        `GET /groups/${CONTEXT}?limit=2&from=2`,
      ]);
      // Then one read per student (the one who left is not asked about), four at a time, in any order.
      assert.deepEqual(asked.slice(6).sort(), [
        `GET /groups/${CONTEXT}?user_id=student-001&limit=100`,
        `GET /groups/${CONTEXT}?user_id=student-001&limit=2&from=2`,
        `GET /groups/${CONTEXT}?user_id=student-002&limit=100`,
        `GET /groups/${CONTEXT}?user_id=student-003&limit=100`,
      ]);

      const at = w.clock.now();
      assert.deepEqual(await groupsTable(), [
        groupRow('lti-gs:g-a', { source: 'lti-gs', external_id: 'g-a', name: 'Lab A', set_id: 'set-1', set_name: 'Lab sections', created_at: at, updated_at: at }),
        groupRow('lti-gs:g-b', { source: 'lti-gs', external_id: 'g-b', name: 'Lab B', set_id: 'set-1', set_name: 'Lab sections', created_at: at, updated_at: at }),
        groupRow('lti-gs:g-p', { source: 'lti-gs', external_id: 'g-p', name: 'Project X', set_id: 'set-2', set_name: 'Projects', created_at: at, updated_at: at }),
        groupRow('lti-gs:g-s', { source: 'lti-gs', external_id: 'g-s', name: 'Study group', created_at: at, updated_at: at }),
      ]);
      assert.deepEqual(await groupMembersTable(), [
        'lti-gs:g-a student-001',
        'lti-gs:g-a student-002',
        'lti-gs:g-b student-003',
        'lti-gs:g-p student-001',
        'lti-gs:g-p student-003',
        'lti-gs:g-s student-001',
      ]);
    });

    it('replaces the previous lti-gs groups with the next full read, leaving Canvas and CoursePulse groups alone', async () => {
      const first = w.clock.now();
      assert.equal((await sync()).ok, true);
      const ours = await createCoursePulseGroup(w.t.db, key(), 'Needs help', first);
      assert.ok(ours);
      assert.equal((await addCoursePulseGroupMembers(w.t.db, key(), ours.groupId, [s2!.user_id], first)).ok, true);
      await replacePlatformGroups(w.t.db, key(), 'canvas', [{ externalId: '11', name: 'Team Red', setId: null, setName: null, userIds: [s3!.user_id] }], first);

      // On the platform: Lab A renamed, Lab B gone, Lab C new, student 2 moved to it, set renamed.
      w.groups.setGroups(CONTEXT, {
        sets: [{ id: 'set-1', name: 'Lab sections (spring)' }, sets[1]!],
        groups: [
          { id: 'g-a', name: 'Lab A (Mon)', set_id: 'set-1', members: [s1!.user_id] },
          { id: 'g-c', name: 'Lab C', set_id: 'set-1', members: [s2!.user_id, s3!.user_id] },
          groups[2]!,
          groups[3]!,
        ],
      });
      w.clock.advance(900);
      const second = w.clock.now();
      assert.equal((await sync()).ok, true);

      assert.deepEqual(await groupsTable(), [
        groupRow('canvas:11', { source: 'canvas', external_id: '11', name: 'Team Red', created_at: first, updated_at: first }),
        groupRow(ours.groupId, { source: 'coursepulse', name: 'Needs help', created_at: first, updated_at: first }),
        groupRow('lti-gs:g-a', {
          source: 'lti-gs',
          external_id: 'g-a',
          name: 'Lab A (Mon)',
          set_id: 'set-1',
          set_name: 'Lab sections (spring)',
          created_at: first,
          updated_at: second,
        }),
        groupRow('lti-gs:g-c', { source: 'lti-gs', external_id: 'g-c', name: 'Lab C', set_id: 'set-1', set_name: 'Lab sections (spring)', created_at: second, updated_at: second }),
        groupRow('lti-gs:g-p', { source: 'lti-gs', external_id: 'g-p', name: 'Project X', set_id: 'set-2', set_name: 'Projects', created_at: first, updated_at: second }),
        groupRow('lti-gs:g-s', { source: 'lti-gs', external_id: 'g-s', name: 'Study group', created_at: first, updated_at: second }),
      ]);
      assert.deepEqual(await groupMembersTable(), [
        'canvas:11 student-003',
        `${ours.groupId} student-002`,
        'lti-gs:g-a student-001',
        'lti-gs:g-c student-002',
        'lti-gs:g-c student-003',
        'lti-gs:g-p student-001',
        'lti-gs:g-p student-003',
        'lti-gs:g-s student-001',
      ]);
    });

    it('keeps the stored groups when a read fails, and still stores the roster', async () => {
      assert.equal((await sync()).ok, true);
      const groupsBefore = await groupsTable();
      const membersBefore = await groupMembersTable();

      w.platform.setMembers(DEFAULT_CONTEXT, [instructor, s1!, s2!, s3!, s5!]);
      w.groups.setGroups(CONTEXT, { sets, groups: [{ id: 'g-z', name: 'Everyone', members: [s1!.user_id, s5!.user_id] }] });
      w.groups.groupFaults.set(s2!.user_id, { kind: 'status', status: 500 });
      w.clock.advance(900);
      const result = await sync();

      const url = `${w.platform.issuer}/groups/${CONTEXT}?user_id=student-002&limit=100`;
      assert.deepEqual(result, {
        ok: true,
        members: 5,
        markedLeft: 0,
        rejoined: 0,
        groups: [{ source: 'lti-gs', ok: false, reason: `Course Groups Service: page 1 (GET ${url}) answered HTTP 500: {"error":"server_error"}` }],
      });
      assert.deepEqual(await groupsTable(), groupsBefore);
      assert.deepEqual(await groupMembersTable(), membersBefore);
      assert.deepEqual(await w.rows('select user_id from members where left_at is null order by user_id collate "C"'), [
        { user_id: 'instructor-1' },
        { user_id: 'student-001' },
        { user_id: 'student-002' },
        { user_id: 'student-003' },
        { user_id: 'student-005' },
      ]);
      assert.deepEqual(await w.rows('select roster_attempted_at, roster_error from courses'), [{ roster_attempted_at: w.clock.now(), roster_error: null }]);
    });

    it('reports a groups scope the platform does not grant, and stores the roster', async () => {
      w.platform.grantableScopes.delete(GROUPS_SCOPE);
      assert.deepEqual(await sync(), {
        ok: true,
        members: 5,
        markedLeft: 1,
        rejoined: 0,
        groups: [{ source: 'lti-gs', ok: false, reason: `access token for ${GROUPS_SCOPE} refused by ${w.platform.tokenUrl}: HTTP 400 invalid_scope` }],
      });
      assert.deepEqual(await groupsTable(), []);
    });
  });

  describe('Canvas group rosters', () => {
    beforeEach(async () => {
      w.platform.setMembers(DEFAULT_CONTEXT, [instructor, s1!, s2!, s3!, s4!]);
      w.groups.setCanvasGroup('11', 'Team Red', [s1!, s2!, { ...s4!, status: 'Inactive' }]);
      w.groups.setCanvasGroup('12', 'Team Blue', [s3!]);
    });
    const launchWithGroupIds = (ids: string) => w.launch({ claims: { [CUSTOM_CLAIM]: { course_group_ids: ids } } });
    const canvasRequests = (before: number) => requestsSince(before).filter((r) => r.includes('/api/lti/groups/'));

    it('are not read while CANVAS_GROUP_ROSTERS is off', async () => {
      await launchWithGroupIds('11,12');
      const before = w.platform.requests.length;
      assert.deepEqual(await sync(false), { ok: true, members: 5, markedLeft: 0, rejoined: 0, groups: [] });
      assert.deepEqual(canvasRequests(before), []);
      assert.deepEqual(await groupsTable(), []);
    });

    it("are read through Canvas's group NRPS endpoint when it is on, and replaced by the next read", async () => {
      await launchWithGroupIds('11,12');
      const before = w.platform.requests.length;
      assert.deepEqual(await sync(true), { ok: true, members: 5, markedLeft: 0, rejoined: 0, groups: [{ source: 'canvas', ok: true, groups: 2, memberships: 3 }] });
      assert.deepEqual(canvasRequests(before).sort(), [
        'GET /api/lti/groups/11/names_and_roles?limit=100',
        'GET /api/lti/groups/11/names_and_roles?limit=2&from=2',
        'GET /api/lti/groups/12/names_and_roles?limit=100',
      ]);
      const first = w.clock.now();
      assert.deepEqual(await groupsTable(), [
        groupRow('canvas:11', { source: 'canvas', external_id: '11', name: 'Team Red', created_at: first, updated_at: first }),
        groupRow('canvas:12', { source: 'canvas', external_id: '12', name: 'Team Blue', created_at: first, updated_at: first }),
      ]);
      // Members whose group membership is not active are not in the group.
      assert.deepEqual(await groupMembersTable(), ['canvas:11 student-001', 'canvas:11 student-002', 'canvas:12 student-003']);

      // Group 12 is deleted in Canvas: the next launch no longer lists it.
      w.clock.advance(900);
      await launchWithGroupIds('11');
      const second = w.clock.now();
      assert.deepEqual((await sync(true)).ok, true);
      assert.deepEqual(await groupsTable(), [groupRow('canvas:11', { source: 'canvas', external_id: '11', name: 'Team Red', created_at: first, updated_at: second })]);
      assert.deepEqual(await groupMembersTable(), ['canvas:11 student-001', 'canvas:11 student-002']);
    });

    it('are not read when Canvas did not expand the variable, and a bad group id fails only the groups', async () => {
      await launchWithGroupIds('$com.instructure.Course.groupIds');
      assert.deepEqual(await sync(true), { ok: true, members: 5, markedLeft: 0, rejoined: 0, groups: [] });

      await launchWithGroupIds('11,../../courses/1');
      assert.deepEqual(await sync(true), {
        ok: true,
        members: 5,
        markedLeft: 0,
        rejoined: 0,
        groups: [{ source: 'canvas', ok: false, reason: 'Canvas groups: the course_group_ids parameter holds "../../courses/1", not a group id' }],
      });
      assert.deepEqual(await groupsTable(), []);
    });
  });
});
