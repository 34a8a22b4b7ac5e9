/**
 * The course-wide reads the reports share for a moment (src/reports/report-reads.ts): shared
 * within the time, one course's never answering another's, forgotten by whatever changes the
 * course in this process — statements over HTTP, a roster read, a group edit — so a report asked
 * for in the same (frozen) second shows the change, and seen after the time when another process
 * wrote.
 */
import assert from 'node:assert/strict';
import supertest from 'supertest';
import type { Day } from '../../src/metrics/index.js';
import type { OverviewReport } from '../../src/reports/index.js';
import { REPORT_READS_TTL_MS, ReportReads } from '../../src/reports/report-reads.js';
import { countingDatabase } from '../support/counting-database.js';
import { BACKEND } from '../support/databases.js';
import { overviewWorld, type OverviewWorld } from '../support/overview-world.js';
import { DEFAULT_CONTEXT, type ContextClaim } from '../support/test-platform.js';
import { learner } from '../support/xapi-world.js';

const ZONE = 'Europe/Oslo';

describe(`the reports' shared course reads (${BACKEND})`, function () {
  this.timeout(120_000);

  let o: OverviewWorld;
  let ltik: string;
  let today: Day;
  // Two courses whose ids would run together if keys were joined with a separator.
  const first: ContextClaim = { ...DEFAULT_CONTEXT, id: 'reads","a', title: 'First' };
  const second: ContextClaim = { ...DEFAULT_CONTEXT, id: 'reads', title: 'Second' };
  const ana = learner('s-ana', { name: 'Ana Álvarez', given_name: 'Ana', family_name: 'Álvarez' });
  const bob = learner('s-bob', { name: 'Bob Berg', given_name: 'Bob', family_name: 'Berg' });

  before(async () => {
    o = await overviewWorld();
    ltik = await o.openCourse(first, [ana, bob], { timezone: ZONE });
    await o.openCourse(second, [bob], { timezone: ZONE });
    today = o.noonIn(ZONE);
  });
  after(async () => {
    await o.close();
  });

  const counting = () => countingDatabase(o.x.w.t.db);

  it("shares a course's reads within the time, never across courses, and forgets one course without the others", async () => {
    const { db, queries } = counting();
    const reads = new ReportReads(() => o.x.w.clock.now());
    const names = async (context: ContextClaim) => (await reads.course(db, o.key(context.id))).students.map((s) => s.userId);
    const step = async (what: () => Promise<unknown>) => {
      const before = queries();
      const value = await what();
      return { value, queries: queries() - before };
    };
    assert.deepEqual(
      [
        await step(() => names(first)),
        await step(() => names(first)),
        await step(() => names(second)),
        await step(async () => {
          reads.forget(o.key(second.id));
          return [await names(first), await names(second)];
        }),
        await step(async () => {
          o.x.w.clock.advance(REPORT_READS_TTL_MS / 1000);
          return names(second);
        }),
      ],
      [
        { value: ['s-ana', 's-bob'], queries: 3 },
        { value: ['s-ana', 's-bob'], queries: 0 },
        { value: ['s-bob'], queries: 3 },
        { value: [['s-ana', 's-bob'], ['s-bob']], queries: 3 },
        { value: ['s-bob'], queries: 3 },
      ],
    );
  });

  it('hands out reads no report can change, since every reader of the course shares them', async () => {
    const { db } = counting();
    const reads = new ReportReads(() => o.x.w.clock.now());
    const course = await reads.course(db, o.key(first.id));
    assert.throws(() => (course.students as unknown[]).push({}), TypeError);
    // Whether an assignment throws depends on the module's mode; that it cannot change anything does not.
    assert.equal(Reflect.set(course.students[0]!, 'displayName', 'someone else'), false);
    assert.equal(Reflect.set(course.groups, 'length', 0), false);
    assert.ok(Object.isFrozen(course) && Object.isFrozen(course.facts));
    assert.deepEqual((await reads.course(db, o.key(first.id))).students.map((s) => s.displayName), ['Ana Álvarez', 'Bob Berg']);
  });

  it("shows statements, a roster read and a group edit in the next report of the same second; another process's write once the time is up", async () => {
    const api = async (): Promise<OverviewReport> =>
      (await supertest(o.x.w.t.app).get('/api/overview').set('Authorization', `Bearer ${ltik}`).expect(200)).body as OverviewReport;
    const seen = (report: OverviewReport) => ({
      students: report.list.map((s) => `${s.userId} ${s.totalVisits}`),
      groups: report.groups.map((g) => g.name),
      title: report.course.title,
    });
    const at = (time: string) => o.at(today, 0, time, ZONE);

    const start = seen(await api());
    await o.send(first.id, [['s-ana', 'visit', at('09:00')]]);
    const afterStatements = seen(await api());
    await o.rereadRoster(first, [ana]);
    const afterRoster = seen(await api());
    const created = await supertest(o.x.w.t.app).post('/groups').set('Authorization', `Bearer ${ltik}`).type('form').send({ name: 'Tutorial' });
    assert.equal(created.status, 303, created.text);
    const afterGroup = seen(await api());
    // Written behind the app's back, as another instance or a coursepulse command would.
    await o.x.w.t.db.query(`update courses set title = 'Renamed' where platform_id = $1 and context_id = $2`, [o.x.platformId, first.id]);
    const sameSecond = seen(await api());
    o.x.w.clock.advance(REPORT_READS_TTL_MS / 1000);
    const secondLater = seen(await api());

    assert.deepEqual(
      { start, afterStatements, afterRoster, afterGroup, sameSecond, secondLater },
      {
        start: { students: ['s-ana 0', 's-bob 0'], groups: [], title: 'First' },
        afterStatements: { students: ['s-ana 1', 's-bob 0'], groups: [], title: 'First' },
        afterRoster: { students: ['s-ana 1'], groups: [], title: 'First' },
        afterGroup: { students: ['s-ana 1'], groups: ['Tutorial'], title: 'First' },
        sameSecond: { students: ['s-ana 1'], groups: ['Tutorial'], title: 'First' },
        secondLater: { students: ['s-ana 1'], groups: ['Tutorial'], title: 'Renamed' },
      },
    );
  });
});
