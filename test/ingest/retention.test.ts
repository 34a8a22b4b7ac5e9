/**
 * RETENTION_DAYS (src/ingest/retention.ts): raw events older than the horizon are deleted in
 * batches with the attachment data only they named, while every figure stays — also through a
 * later recompute, a whole-history rebuild and a late statement from before the horizon, which is
 * stored, counts nowhere and goes at the next prune. Statements go in through the real xAPI
 * endpoint; the course is launched and its roster read as in production.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import supertest from 'supertest';
import { rebuildDerived } from '../../src/ingest/rebuild.js';
import { pruneRawEvents, startPruneJob } from '../../src/ingest/retention.js';
import { createLogger } from '../../src/logger.js';
import { tryLockPruner } from '../../src/models/retention-horizon.js';
import { BACKEND } from '../support/databases.js';
import { derivedRows } from '../support/derived-rows.js';
import { DEFAULT_CONTEXT } from '../support/test-platform.js';
import { SETTINGS, learner, xapiWorld, type XapiWorld } from '../support/xapi-world.js';

const LTI_CONTEXT = 'https://purl.imsglobal.org/spec/lti/claim/context';
const PAGE = 'https://w3id.org/xapi/acrossx/activities/page';
/** Pruning "now": with RETENTION_DAYS=10 the horizon is 2026-03-10T12:00Z, and the first whole UTC day after it 2026-03-11. */
const NOW = new Date('2026-03-20T12:00:00Z');
const HORIZON = new Date('2026-03-10T12:00:00Z');

const sha256 = (data: Buffer): string => crypto.createHash('sha256').update(data).digest('hex');
const OLD_ONLY = Buffer.from('named only by an old statement');
const SHARED = Buffer.from('named by an old and a new statement');

/** A page view by `user` at `iso` in the default course, naming `attached` as attachments. */
function view(user: string, iso: string, attached: Buffer[] = []) {
  return {
    id: crypto.randomUUID(),
    actor: { account: { homePage: 'https://lms.example.edu', name: user } },
    verb: { id: 'http://id.tincanapi.com/verb/viewed' },
    object: { id: `https://lms.example.edu/page/${iso}`, definition: { type: PAGE } },
    context: { extensions: { [LTI_CONTEXT]: { id: DEFAULT_CONTEXT.id } } },
    timestamp: iso,
    ...(attached.length
      ? { attachments: attached.map((data) => ({ usageType: 'http://example.com/usage', display: { en: 'a file' }, contentType: 'text/plain', length: data.length, sha2: sha256(data) })) }
      : {}),
  };
}

const BOUNDARY = 'retention-test-boundary';
/** Statements with their attachment data, as multipart/mixed (xAPI-Communication.md §1.5.2). */
function multipart(statements: unknown[], parts: Buffer[]): Buffer {
  return Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(statements)}`),
    ...parts.flatMap((data) => [
      Buffer.from(`\r\n--${BOUNDARY}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ${sha256(data)}\r\n\r\n`),
      data,
    ]),
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}

describe('data retention (RETENTION_DAYS)', () => {
  let x: XapiWorld;
  beforeEach(async () => {
    x = await xapiWorld();
  });
  afterEach(() => x.close());

  const db = () => x.w.t.db;
  const events = () =>
    x.rows(`select user_id, event_at from source_events where platform_id = $1 order by event_at, user_id collate "C"`, [x.platformId]);
  const figures = async () => ({
    ...(await derivedRows(db(), x.platformId)),
    totals: await x.rows(`select user_id, visits, duration_seconds, last_visit_at from student_totals where platform_id = $1 order by user_id collate "C"`, [x.platformId]),
  });

  /** s1 and s2 with activity before the horizon, on its day on both sides of it, and after it. */
  async function courseWithHistory(): Promise<void> {
    await x.openCourse([learner('s1'), learner('s2')]);
    const sent = await x.post([
      view('s1', '2026-03-01T09:00:00Z'),
      view('s1', '2026-03-01T09:10:00Z'),
      view('s1', '2026-03-10T10:00:00Z'),
      view('s1', '2026-03-10T13:00:00Z'),
      view('s2', '2026-03-15T09:00:00Z'),
      view('s1', '2026-03-18T09:00:00Z'),
    ]);
    assert.equal(sent.status, 200, sent.text);
  }

  it('deletes the raw events older than the horizon in batches, keeps the newer ones and every figure; attachment data goes with its last statement', async () => {
    await courseWithHistory();
    const attached = await supertest(x.w.t.app)
      .post('/xapi/statements')
      .auth(x.credential.key, x.credential.secret)
      .set('X-Experience-API-Version', '1.0.3')
      .set('Content-Type', `multipart/mixed; boundary=${BOUNDARY}`)
      .send(multipart([view('s2', '2026-03-05T09:00:00Z', [OLD_ONLY, SHARED]), view('s2', '2026-03-16T09:00:00Z', [SHARED])], [OLD_ONLY, SHARED]));
    assert.equal(attached.status, 200, attached.text);
    const before = await figures();

    // Batches of 2: the four old events take two full batches and an empty one.
    assert.deepEqual(await pruneRawEvents(db(), { retentionDays: 10, now: NOW, batchSize: 2 }), { outcome: 'pruned', horizon: HORIZON, events: 4, attachments: 1 });

    assert.deepEqual(await events(), [
      { user_id: 's1', event_at: new Date('2026-03-10T13:00:00Z') },
      { user_id: 's2', event_at: new Date('2026-03-15T09:00:00Z') },
      { user_id: 's2', event_at: new Date('2026-03-16T09:00:00Z') },
      { user_id: 's1', event_at: new Date('2026-03-18T09:00:00Z') },
    ]);
    assert.deepEqual(await x.rows(`select sha2 from statement_attachments where platform_id = $1`, [x.platformId]), [{ sha2: sha256(SHARED) }]);
    assert.deepEqual(await figures(), before);
    assert.deepEqual(await x.rows(`select settings from derived_settings where name = 'retention'`), [{ settings: { prunedBefore: HORIZON.toISOString() } }]);

    // The horizon never moves back (a shorter RETENTION_DAYS later, or a clock behind), and nothing is left to prune.
    assert.deepEqual(await pruneRawEvents(db(), { retentionDays: 30, now: NOW }), { outcome: 'pruned', horizon: HORIZON, events: 0, attachments: 0 });
  });

  it('a recompute or a whole rebuild afterwards keeps the figures of every day before the first whole day after the horizon', async () => {
    await courseWithHistory();
    const before = await figures();
    await pruneRawEvents(db(), { retentionDays: 10, now: NOW });

    // A whole-history rebuild: without the horizon it would drop 1 March and rewrite 10 March
    // (whose 10:00 visit is pruned) from its 13:00 event alone.
    await rebuildDerived(db(), { settings: SETTINGS, remap: true });
    assert.deepEqual(await figures(), before);

    // A statement after the horizon is counted as ever; the days before stay.
    assert.equal((await x.post([view('s1', '2026-03-11T00:05:00Z')])).status, 200);
    const after = await figures();
    assert.deepEqual(
      after.days.filter((d) => String(d.day) < '2026-03-11'),
      before.days.filter((d) => String(d.day) < '2026-03-11'),
    );
    assert.deepEqual(
      after.courseDays.map((d) => [d.day, d.visits, d.visitors, d.duration_seconds]),
      [
        ['2026-03-01', 1, 1, 660],
        ['2026-03-10', 2, 1, 120],
        ['2026-03-11', 1, 1, 60],
        ['2026-03-15', 1, 1, 60],
        ['2026-03-18', 1, 1, 60],
      ],
    );
    assert.deepEqual(after.totals.map((t) => [t.user_id, t.visits, t.duration_seconds]), [['s1', 5, 900], ['s2', 1, 60]]);
  });

  it('a late statement from before the horizon is stored and answered 200, changes no figure, and goes at the next prune', async () => {
    await courseWithHistory();
    await pruneRawEvents(db(), { retentionDays: 10, now: NOW });
    const before = await figures();

    // One long before the horizon, one on the horizon's day after it (whose figures are kept too).
    const late = await x.post([view('s1', '2026-03-02T09:05:00Z'), view('s2', '2026-03-10T14:00:00Z')]);
    assert.equal(late.status, 200, late.text);
    assert.equal((await events()).length, 5);
    assert.deepEqual(await figures(), before);

    assert.deepEqual(await pruneRawEvents(db(), { retentionDays: 10, now: NOW }), { outcome: 'pruned', horizon: HORIZON, events: 1, attachments: 0 });
    assert.deepEqual((await events()).map((e) => [e.user_id, e.event_at]), [
      ['s1', new Date('2026-03-10T13:00:00Z')],
      ['s2', new Date('2026-03-10T14:00:00Z')],
      ['s2', new Date('2026-03-15T09:00:00Z')],
      ['s1', new Date('2026-03-18T09:00:00Z')],
    ]);
    assert.deepEqual(await figures(), before);
  });

  it('the server job prunes on its schedule and logs what it pruned', async () => {
    await courseWithHistory();
    const lines: string[] = [];
    const logger = createLogger('info', new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }));
    const job = startPruneJob({ db: db(), logger, retentionDays: 10, now: () => NOW, firstDelaySeconds: 3600 });
    try {
      assert.deepEqual(await job.runOnce(), { outcome: 'pruned', horizon: HORIZON, events: 3, attachments: 0 });
    } finally {
      await job.stop();
    }
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(
      logged.map(({ component, msg, outcome, events: n, attachments, horizon, retentionDays }) => ({ component, msg, outcome, events: n, attachments, horizon, retentionDays })),
      [
        {
          component: 'retention',
          msg: 'pruned 3 raw events and 0 attachments older than 2026-03-10T12:00:00.000Z',
          outcome: 'pruned',
          events: 3,
          attachments: 0,
          horizon: '2026-03-10T12:00:00.000Z',
          retentionDays: 10,
        },
      ],
    );
  });

  it('with several processes on one server database, one prunes at a time', async function () {
    // PGlite is one process with one connection: there is no second pruner to meet.
    if (BACKEND !== 'postgres') this.skip();
    await courseWithHistory();
    let release!: () => void;
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    const other = db().transaction(async (tx) => {
      assert.equal(await tryLockPruner(tx), true);
      held();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await holding;
    try {
      assert.deepEqual(await pruneRawEvents(db(), { retentionDays: 10, now: NOW }), { outcome: 'busy', horizon: null, events: 0, attachments: 0 });
      assert.equal((await events()).length, 6);
    } finally {
      release();
      await other;
    }
    assert.deepEqual(await pruneRawEvents(db(), { retentionDays: 10, now: NOW }), { outcome: 'pruned', horizon: HORIZON, events: 3, attachments: 0 });
  });
});
