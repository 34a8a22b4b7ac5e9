/**
 * The audit log's writes on a real database: insertReportViews stores several views exactly, in
 * their order, in one statement; ReportViewLog sends a lone view at once and the views recorded
 * while an insert is in flight together in the next one (up to its cap), each caller released
 * once its own row is committed, and an insert that fails fails exactly its callers. The inserts
 * are counted by a Queryable that passes every query on to the database and notes what it sent.
 */
import assert from 'node:assert/strict';
import type { Database, Queryable } from '../../src/models/database.js';
import { insertReportViews } from '../../src/models/insert-report-view.js';
import type { ReportView } from '../../src/models/report-view.js';
import { ReportViewLog } from '../../src/models/report-view-log.js';
import { BACKEND, testDatabase } from '../support/databases.js';

const TA = 'http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant';
const INSTRUCTOR = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor';

const view = (requestId: string | null, more: Partial<ReportView> = {}): ReportView => ({
  platformId: 'platform-a',
  contextId: 'course-1',
  viewedAt: new Date('2025-03-05T12:00:00.123Z'),
  viewerUserId: 'ta-1',
  viewerRoles: [TA],
  studentUserId: null,
  view: 'overview-json',
  requestId,
  ...more,
});

/** The row `v` is stored as (report_views' columns but the id). */
const row = (v: ReportView) => ({
  platform_id: v.platformId,
  context_id: v.contextId,
  viewed_at: v.viewedAt,
  viewer_user_id: v.viewerUserId,
  viewer_roles: v.viewerRoles,
  student_user_id: v.studentUserId,
  view: v.view,
  request_id: v.requestId,
});

/**
 * `db` noting each query it passes on — the request ids of the views it inserts — and when it
 * ends ('committed' or the error); `onQuery` runs as a query is sent, while it is in flight.
 */
function watched(db: Queryable, onQuery: (requestIds: Array<string | null>) => void = () => undefined) {
  const events: string[] = [];
  const inserts: Array<Array<string | null>> = [];
  const queryable: Queryable = {
    async query<Row extends object>(text: string, params: readonly unknown[] = []) {
      const requestIds = (JSON.parse(String(params[0])) as Array<{ request_id: string | null }>).map((r) => r.request_id);
      inserts.push(requestIds);
      events.push(`insert ${requestIds.join(',')}`);
      onQuery(requestIds);
      try {
        const rows = await db.query<Row>(text, params);
        events.push(`committed ${requestIds.join(',')}`);
        return rows;
      } catch (err) {
        events.push(`failed ${requestIds.join(',')}`);
        throw err;
      }
    },
    exec: (script) => db.exec(script),
  };
  return { queryable, events, inserts };
}

describe(`the audit log's inserts and their grouping (${BACKEND})`, () => {
  let db: Database;
  beforeEach(async () => {
    db = await testDatabase();
  });
  afterEach(async () => {
    await db.close();
  });

  const rows = () =>
    db.query(
      `select platform_id, context_id, viewed_at, viewer_user_id, viewer_roles, student_user_id, view, request_id
       from report_views order by id`,
    );

  it('inserts several views exactly, in their order, in one statement (and none for none)', async () => {
    const views = [
      view('r-1'),
      view('r-2', {
        platformId: 'platform-b',
        contextId: 'course-2',
        viewedAt: new Date('2024-12-31T23:59:59.999Z'),
        viewerUserId: 'instructor-ü',
        viewerRoles: [INSTRUCTOR, TA, 'a "quoted", {braced} role', ''],
        studentUserId: 'u-grace',
        view: 'student-days-csv',
      }),
      view(null, { viewerRoles: [], studentUserId: 'José Ñúñez', view: 'student-page', viewedAt: new Date('2025-03-05T12:00:00.000Z') }),
    ];
    const w = watched(db);
    await insertReportViews(w.queryable, views);
    await insertReportViews(w.queryable, []);
    assert.deepEqual(w.inserts, [['r-1', 'r-2', null]]);
    assert.deepEqual(await rows(), views.map(row));
  });

  it('sends a lone view at once, and the views recorded meanwhile together in the next insert, each caller released once its row is committed', async () => {
    const w = watched(db);
    const log = new ReportViewLog(w.queryable);
    const seen: Array<[string, number]> = [];
    const record = async (requestId: string) => {
      await log.record(view(requestId));
      w.events.push(`resolved ${requestId}`);
      // Committed: another query (another connection of the pool, on the server) sees it.
      seen.push([requestId, (await db.query('select 1 from report_views where request_id = $1', [requestId])).length]);
    };
    const first = record('a');
    // 'a' is in flight: these three wait for it to end, then go together.
    const others = ['b', 'c', 'd'].map(record);
    await Promise.all([first, ...others]);
    assert.deepEqual(w.events, [
      'insert a',
      'committed a',
      // The next insert goes as soon as the last one ends, before its callers carry on.
      'insert b,c,d',
      'resolved a',
      'committed b,c,d',
      'resolved b',
      'resolved c',
      'resolved d',
    ]);
    assert.deepEqual(seen.sort(), [['a', 1], ['b', 1], ['c', 1], ['d', 1]]);
    assert.deepEqual(await rows(), ['a', 'b', 'c', 'd'].map((id) => row(view(id))));

    // Nothing in flight any more: a lone view goes alone, at once.
    await record('e');
    assert.deepEqual(w.inserts, [['a'], ['b', 'c', 'd'], ['e']]);
  });

  it('puts at most its cap of views in one insert', async () => {
    const w = watched(db);
    const log = new ReportViewLog(w.queryable, 2);
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((id) => log.record(view(id))));
    assert.deepEqual(w.inserts, [['a'], ['b', 'c'], ['d', 'e']]);
    assert.deepEqual(await rows(), ['a', 'b', 'c', 'd', 'e'].map((id) => row(view(id))));
  });

  it('rejects exactly the callers of an insert that fails, with its error, and the next insert goes', async () => {
    const outcomes: Record<string, string> = {};
    const settle = (requestId: string, p: Promise<void>) =>
      p.then(
        () => void (outcomes[requestId] = 'committed'),
        (err: Error) => void (outcomes[requestId] = err.message),
      );
    const pending: Array<Promise<void>> = [];
    // A NUL, which the database refuses in text, fails the insert holding it, and the view beside it.
    const bad = `bad-\u0000`;
    const w = watched(db, (requestIds) => {
      if (requestIds.includes(bad)) pending.push(settle('ok-3', log.record(view('ok-3'))));
    });
    const log = new ReportViewLog(w.queryable);
    pending.push(settle('ok-1', log.record(view('ok-1'))), settle(bad, log.record(view(bad))), settle('ok-2', log.record(view('ok-2'))));
    while (Object.keys(outcomes).length < 4) await Promise.all(pending);
    assert.deepEqual(w.inserts, [['ok-1'], [bad, 'ok-2'], ['ok-3']]);
    assert.deepEqual(outcomes, {
      'ok-1': 'committed',
      [bad]: 'unsupported Unicode escape sequence',
      'ok-2': 'unsupported Unicode escape sequence',
      'ok-3': 'committed',
    });
    assert.deepEqual(await rows(), ['ok-1', 'ok-3'].map((id) => row(view(id))));
  });
});
