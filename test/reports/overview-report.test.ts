/**
 * The Activity Overview report (src/reports/overview-report.ts) over data that arrived for real:
 * courses opened by a teacher's launch with their roster and groups from the test LMS, and
 * Moodle-shaped statements POSTed to /xapi/statements, then the whole report against figures
 * computed by hand (G = 30 min, T = 60 s). The clock stands at local noon of "today" in the
 * course's zone, so every day below is relative to today. The page's call (getOverviewPage) is the
 * same report with the roster line and the groups' members.
 */
import assert from 'node:assert/strict';
import { addCoursePulseGroupMembers, createCoursePulseGroup } from '../../src/models/coursepulse-groups.js';
import type { Day } from '../../src/metrics/index.js';
import { getOverviewPage, getOverviewReport, ReportNotFound, type OverviewPage, type OverviewReport } from '../../src/reports/index.js';
import { BACKEND } from '../support/databases.js';
import { overviewChart, overviewWorld, studentBars, type OverviewWorld } from '../support/overview-world.js';
import { DEFAULT_CONTEXT, type ContextClaim } from '../support/test-platform.js';
import { SETTINGS, learner } from '../support/xapi-world.js';

const UTC = 'UTC';
const METHOD_UTC = { visitTimeoutMinutes: 30, lastEventCreditSeconds: 60, maxVisitHours: 8, timezone: UTC };

describe(`the Activity Overview report (${BACKEND})`, function () {
  this.timeout(120_000);

  let o: OverviewWorld;
  before(async () => {
    o = await overviewWorld();
  });
  after(async () => {
    await o.close();
  });

  let courses = 0;
  const newContext = (title: string): ContextClaim => ({ ...DEFAULT_CONTEXT, id: `overview-${(courses += 1)}`, label: `OV${courses}`, title });
  const report = (contextId: string, options: { groupId?: string; q?: string } = {}, settings = SETTINGS) =>
    getOverviewReport(o.x.w.t.db, o.key(contextId), options, settings, o.x.w.clock.now());

  it('gives the worked example whole, and again when late page views merge the two visits', async () => {
    const context = newContext('Worked example');
    await o.openCourse(context, [learner('s-ana', { name: 'Ana Álvarez', given_name: 'Ana', family_name: 'Álvarez' })]);
    const today = o.noonIn(UTC);
    const at = (time: string) => o.at(today, 0, time, UTC);
    await o.send(context.id, [
      ['s-ana', 'visit', at('09:00')],
      ['s-ana', 'resource', at('09:10')],
      ['s-ana', 'activity', at('09:25')],
      ['s-ana', 'post', at('10:30')],
      ['s-ana', 'resource', at('10:40')],
    ]);
    // 09:00–09:25: 25 min + 60 s = 1560 s; 10:30–10:40: 10 min + 60 s = 660 s; 2220 s in 2 visits.
    const expected: OverviewReport = {
      course: { id: context.id, title: 'Worked example', timezone: UTC },
      today,
      students: { active7d: 1, total: 1 },
      last7Days: overviewChart(today, { 0: [2, 1, 2220] }),
      averageVisitSeconds: 1110,
      list: [
        {
          userId: 's-ana',
          name: 'Ana Álvarez',
          totalVisits: 2,
          totalDurationSeconds: 2220,
          averageVisitSeconds: 1110,
          lastVisit: new Date(at('10:30')).toISOString(),
          last7Days: studentBars(today, { 0: [2, 2220] }),
        },
      ],
      group: null,
      groups: [],
      method: METHOD_UTC,
    };
    assert.deepEqual(await report(context.id), expected);

    await o.send(context.id, [
      ['s-ana', 'resource', at('09:50')],
      ['s-ana', 'resource', at('10:10')],
    ]);
    // No gap over 30 min any more: one visit 09:00–10:40, 100 min + 60 s = 6060 s.
    assert.deepEqual(await report(context.id), {
      ...expected,
      last7Days: overviewChart(today, { 0: [1, 1, 6060] }),
      averageVisitSeconds: 6060,
      list: [{ ...expected.list[0]!, totalVisits: 1, totalDurationSeconds: 6060, averageVisitSeconds: 6060, lastVisit: new Date(at('09:00')).toISOString(), last7Days: studentBars(today, { 0: [1, 6060] }) }],
    });
  });

  describe('a course with groups, a student who left and an instructor with activity', () => {
    const context = newContext('Groups and search');
    const ana = learner('s-ana', { name: 'Ana Álvarez', given_name: 'Ana', family_name: 'Álvarez' });
    const jose = learner('s-jose', { name: 'José Núñez', given_name: 'José', family_name: 'Núñez' });
    const zoe = learner('s-zoe', { name: 'Zoë Ørsted', given_name: 'Zoë', family_name: 'Ørsted' });
    const lee = learner('s-lee', { name: 'Lee Left', given_name: 'Lee', family_name: 'Left' });
    let today: Day;
    let ownGroupId: string;
    let rosterReadAt: Date;

    before(async () => {
      await o.openCourse(context, [ana, jose, zoe, lee], {
        groups: [
          { id: 'lab-a', name: 'Lab A', members: ['s-ana', 's-lee', 'instructor-1'] },
          { id: 'lab-b', name: 'Lab B', members: ['s-jose', 's-zoe'] },
        ],
      });
      const own = await createCoursePulseGroup(o.x.w.t.db, o.key(context.id), 'Follow up', o.x.w.clock.now());
      ownGroupId = own!.groupId;
      const added = await addCoursePulseGroupMembers(o.x.w.t.db, o.key(context.id), ownGroupId, ['s-zoe'], o.x.w.clock.now());
      assert.ok(added.ok);
      today = o.noonIn(UTC);
      const at = (offset: number, time: string) => o.at(today, offset, time, UTC);
      await o.send(context.id, [
        // Ana: 08:00–08:10 yesterday (660 s), and a lone visit 10 days ago (60 s).
        ['s-ana', 'visit', at(-1, '08:00')],
        ['s-ana', 'resource', at(-1, '08:10')],
        ['s-ana', 'visit', at(-10, '09:00')],
        // José: a lone visit 3 days ago (60 s) and one of 61 s today.
        ['s-jose', 'visit', at(-3, '10:00')],
        ['s-jose', 'visit', at(0, '09:00:00')],
        ['s-jose', 'resource', at(0, '09:00:01')],
        // Lee, who leaves, and the instructor: stored, never counted.
        ['s-lee', 'visit', at(-2, '13:00')],
        ['s-lee', 'activity', at(-2, '13:20')],
        ['instructor-1', 'visit', at(-1, '10:00')],
      ]);
      await o.rereadRoster(context, [ana, jose, zoe]);
      rosterReadAt = o.x.w.clock.now();
    });

    const anaRow = () => ({
      userId: 's-ana',
      name: 'Ana Álvarez',
      totalVisits: 2,
      totalDurationSeconds: 720,
      averageVisitSeconds: 360,
      lastVisit: new Date(o.at(today, -1, '08:00', UTC)).toISOString(),
      last7Days: studentBars(today, { [-1]: [1, 660] }),
    });
    const joseRow = () => ({
      userId: 's-jose',
      name: 'José Núñez',
      totalVisits: 2,
      totalDurationSeconds: 121,
      averageVisitSeconds: 61, // 60.5, half away from zero
      lastVisit: new Date(o.at(today, 0, '09:00', UTC)).toISOString(),
      last7Days: studentBars(today, { [-3]: [1, 60], 0: [1, 61] }),
    });
    const zoeRow = () => ({ userId: 's-zoe', name: 'Zoë Ørsted', totalVisits: 0, totalDurationSeconds: 0, averageVisitSeconds: null, lastVisit: null, last7Days: studentBars(today) });
    const groups = () => [
      { id: ownGroupId, name: 'Follow up', setName: null },
      { id: 'lti-gs:lab-a', name: 'Lab A', setName: null },
      { id: 'lti-gs:lab-b', name: 'Lab B', setName: null },
    ];
    const whole = (): OverviewReport => ({
      course: { id: context.id, title: 'Groups and search', timezone: UTC },
      today,
      students: { active7d: 2, total: 3 },
      last7Days: overviewChart(today, { [-3]: [1, 1, 60], [-1]: [1, 1, 660], 0: [1, 1, 61] }),
      // (720 + 121 + 0) / 4 = 210.25
      averageVisitSeconds: 210,
      list: [anaRow(), joseRow(), zoeRow()],
      group: null,
      groups: groups(),
      method: METHOD_UTC,
    });

    it('counts the current students only: not the student who left, not the instructor', async () => {
      assert.deepEqual(await report(context.id), whole());
    });

    it('follows the chosen group in the totals, the chart and the averages', async () => {
      assert.deepEqual(await report(context.id, { groupId: 'lti-gs:lab-a' }), {
        ...whole(),
        // Lab A holds Ana, Lee (left) and the instructor: Ana alone counts.
        students: { active7d: 1, total: 1 },
        last7Days: overviewChart(today, { [-1]: [1, 1, 660] }),
        averageVisitSeconds: 360,
        list: [anaRow()],
        group: { id: 'lti-gs:lab-a', name: 'Lab A', setName: null },
      });
      assert.deepEqual(await report(context.id, { groupId: ownGroupId }), {
        ...whole(),
        students: { active7d: 0, total: 1 },
        last7Days: overviewChart(today),
        averageVisitSeconds: null,
        list: [zoeRow()],
        group: { id: ownGroupId, name: 'Follow up', setName: null },
      });
    });

    it('narrows the list alone by the search, accents and case aside', async () => {
      assert.deepEqual(await report(context.id, { q: 'NUNEZ' }), { ...whole(), list: [joseRow()] });
      assert.deepEqual(await report(context.id, { q: 'ø' }), { ...whole(), list: [zoeRow()] });
      assert.deepEqual(await report(context.id, { q: 'lee' }), { ...whole(), list: [] });
      assert.deepEqual(await report(context.id, { groupId: 'lti-gs:lab-b', q: 'jose' }), {
        ...whole(),
        students: { active7d: 1, total: 2 },
        last7Days: overviewChart(today, { [-3]: [1, 1, 60], 0: [1, 1, 61] }),
        averageVisitSeconds: 61,
        list: [joseRow()],
        group: { id: 'lti-gs:lab-b', name: 'Lab B', setName: null },
      });
    });

    it("gives the page the same report, the whole course's roster line whatever the group, and every group's members", async () => {
      const page = (options: { groupId?: string; q?: string } = {}) => getOverviewPage(o.x.w.t.db, o.key(context.id), options, SETTINGS, o.x.w.clock.now());
      const groupMembers = () => [
        { id: ownGroupId, name: 'Follow up', members: ['s-zoe'] },
        // As the roster's reread read them (one read per student: Lee, who left, and the instructor are not asked about).
        { id: 'lti-gs:lab-a', name: 'Lab A', members: ['s-ana'] },
        { id: 'lti-gs:lab-b', name: 'Lab B', members: ['s-jose', 's-zoe'] },
      ];
      // Ana, José and Zoë: not Lee, who left, nor the instructor.
      const roster = { students: 3, syncedAt: rosterReadAt, error: null };
      const expected: OverviewPage = { report: whole(), roster, groupMembers: groupMembers() };
      assert.deepEqual(await page(), expected);
      assert.deepEqual(await page({ groupId: 'lti-gs:lab-a', q: 'ana' }), { ...expected, report: await report(context.id, { groupId: 'lti-gs:lab-a', q: 'ana' }) });
      await assert.rejects(page({ groupId: 'nope' }), (e: unknown) => e instanceof ReportNotFound && e.message === 'no group "nope" in this course');

      // A failed read keeps the roster it read before, and says why.
      const setError = (error: string | null) =>
        o.x.w.t.db.query('update courses set roster_error = $3 where platform_id = $1 and context_id = $2', [o.x.platformId, context.id, error]);
      await setError('the LMS answered 503');
      try {
        assert.deepEqual(await page(), { ...expected, roster: { ...roster, error: 'the LMS answered 503' } });
      } finally {
        await setError(null);
      }
    });

    it("answers not found for a group id the course does not have, another course's included", async () => {
      const other = newContext('Another course');
      await o.openCourse(other, [ana], { groups: [{ id: 'other-lab', name: 'Other lab', members: ['s-ana'] }] });
      await assert.rejects(report(context.id, { groupId: 'lti-gs:other-lab' }), (e: unknown) => e instanceof ReportNotFound && e.message === 'no group "lti-gs:other-lab" in this course');
      await assert.rejects(report(context.id, { groupId: 'nope' }), ReportNotFound);
      // In its own course the group is found; Ana's activity in the first course is not this course's.
      const otherLab = { id: 'lti-gs:other-lab', name: 'Other lab', setName: null };
      assert.deepEqual(await report(other.id, { groupId: otherLab.id }), {
        course: { id: other.id, title: 'Another course', timezone: UTC },
        today,
        students: { active7d: 0, total: 1 },
        last7Days: overviewChart(today),
        averageVisitSeconds: null,
        list: [{ ...zoeRow(), userId: 's-ana', name: 'Ana Álvarez' }],
        group: otherLab,
        groups: [otherLab],
        method: METHOD_UTC,
      });
    });
  });

  it("counts days in the course's own zone (Asia/Kolkata, UTC+05:30), not in UTC", async () => {
    const zone = 'Asia/Kolkata';
    const context = newContext('Kolkata course');
    await o.openCourse(context, [learner('s-ravi', { name: 'Ravi Kumar' })], { timezone: zone });
    const today = o.noonIn(zone);
    const at = (offset: number, time: string) => o.at(today, offset, time, zone);
    await o.send(context.id, [
      // 23:40 seven days ago and 00:20 six days ago: in UTC both are 18:xx of the same day, before the week.
      ['s-ravi', 'visit', at(-7, '23:40')],
      ['s-ravi', 'visit', at(-6, '00:20')],
      // A visit across local midnight counts on the day it started; its after-midnight action makes a day without visits.
      ['s-ravi', 'visit', at(-2, '23:50')],
      ['s-ravi', 'resource', at(-1, '00:05')],
      ['s-ravi', 'visit', at(0, '11:00')],
    ]);
    // Settings with another default zone: the course's own zone wins.
    const settings = { ...SETTINGS, timezone: 'America/New_York' };
    assert.deepEqual(await report(context.id, {}, settings), {
      course: { id: context.id, title: 'Kolkata course', timezone: zone },
      today,
      students: { active7d: 1, total: 1 },
      last7Days: overviewChart(today, { [-6]: [1, 1, 60], [-2]: [1, 1, 960], 0: [1, 1, 60] }),
      // 60 + 60 + 960 + 60 = 1140 s in 4 visits
      averageVisitSeconds: 285,
      list: [
        {
          userId: 's-ravi',
          name: 'Ravi Kumar',
          totalVisits: 4,
          totalDurationSeconds: 1140,
          averageVisitSeconds: 285,
          lastVisit: new Date(at(0, '11:00')).toISOString(),
          last7Days: studentBars(today, { [-6]: [1, 60], [-2]: [1, 960], 0: [1, 60] }),
        },
      ],
      group: null,
      groups: [],
      method: { ...METHOD_UTC, timezone: zone },
    });
  });

  it('gives zeros and nulls for a course without students, in the TIMEZONE setting when the course has no zone', async () => {
    const context = newContext('Empty course');
    await o.openCourse(context, []);
    const settings = { ...SETTINGS, timezone: 'Europe/Oslo', visitTimeoutMinutes: 45, lastEventCreditSeconds: 30 };
    const now = o.x.w.clock.now();
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo' }).format(now);
    assert.deepEqual(await getOverviewReport(o.x.w.t.db, o.key(context.id), {}, settings, now), {
      course: { id: context.id, title: 'Empty course', timezone: 'Europe/Oslo' },
      today,
      students: { active7d: 0, total: 0 },
      last7Days: overviewChart(today),
      averageVisitSeconds: null,
      list: [],
      group: null,
      groups: [],
      method: { visitTimeoutMinutes: 45, lastEventCreditSeconds: 30, maxVisitHours: 8, timezone: 'Europe/Oslo' },
    });
  });

  // Mocha runs a block's own tests before its nested blocks: this one runs last, after all the ingestion above.
  describe('after every test above', () => {
    it('has kept student_totals equal to the stored days and visits through all that ingestion', async () => {
      const order = 'order by platform_id collate "C", context_id collate "C", user_id collate "C"';
      const kept = await o.x.w.t.db.query(`select platform_id, context_id, user_id, visits, duration_seconds, last_visit_at from student_totals ${order}`);
      const summed = await o.x.w.t.db.query(
        `select platform_id, context_id, user_id, coalesce(d.visits, 0)::int8 as visits, coalesce(d.duration_seconds, 0)::int8 as duration_seconds, v.last_visit_at
         from (select platform_id, context_id, user_id, sum(visits) as visits, sum(duration_seconds) as duration_seconds from student_days group by 1, 2, 3) d
         full join (select platform_id, context_id, user_id, max(started_at) as last_visit_at from student_visits group by 1, 2, 3) v using (platform_id, context_id, user_id)
         ${order}`,
      );
      assert.ok(summed.length >= 6, 'the tests above stored activity');
      assert.deepEqual(kept, summed);
    });
  });
});
