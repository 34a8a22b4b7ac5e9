/**
 * Rebuilding the derived data: after a change of G the figures are those the same statements give
 * when stored fresh with the new G; a re-mapping restores the current rules' mapping of rows an
 * older version mapped otherwise; the settings row is written last; stale rows of students without
 * counted events go; the server-start check records, skips or rebuilds.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logger.js';
import { derivedSettingsOf } from '../../src/ingest/derived-settings.js';
import { KIND_RULES_VERSION } from '../../src/ingest/kind-rules.js';
import { rebuildDerived, rebuildIfSettingsChanged, type RebuildProgress } from '../../src/ingest/rebuild.js';
import type { RollupSettings } from '../../src/ingest/recompute.js';
import { storeStatements, type StatementSender } from '../../src/ingest/store-statements.js';
import { readDerivedSettings, writeDerivedSettings } from '../../src/models/derived-settings.js';
import { DEFAULT_CONTEXT } from '../support/test-platform.js';
import { SETTINGS, learner, xapiWorld, type XapiWorld } from '../support/xapi-world.js';

const LTI_CONTEXT = 'https://purl.imsglobal.org/spec/lti/claim/context';
const VIEWED = 'http://id.tincanapi.com/verb/viewed';
const G30: RollupSettings = { timezone: 'UTC', visitTimeoutMinutes: 30, lastEventCreditSeconds: 60 };
const G5: RollupSettings = { ...G30, visitTimeoutMinutes: 5 };

const TYPES = {
  course: 'http://adlnet.gov/expapi/activities/course',
  page: 'https://w3id.org/xapi/acrossx/activities/page',
  quiz: 'http://adlnet.gov/expapi/activities/assessment',
};

/** A statement of `user` at 2026-03-02 `hhmm` UTC naming the course by its LTI context, or (`byUrl`) by Moodle's course URL. */
function statement(user: string, hhmm: string, what: keyof typeof TYPES, options: { issuer?: string; duration?: string; id?: string } = {}) {
  const context = options.issuer
    ? { contextActivities: { parent: [{ id: `${options.issuer}/course/view.php?id=${DEFAULT_CONTEXT.id}` }] } }
    : { extensions: { [LTI_CONTEXT]: { id: DEFAULT_CONTEXT.id } } };
  return {
    id: options.id ?? crypto.randomUUID(),
    actor: { account: { homePage: 'https://lms.example.edu', name: user } },
    verb: { id: VIEWED },
    object: { id: `https://lms.example.edu/${what}/${user}/${hhmm}`, definition: { type: TYPES[what] } },
    context,
    timestamp: `2026-03-02T${hhmm.slice(0, 2)}:${hhmm.slice(2)}:00Z`,
    ...(options.duration ? { result: { duration: options.duration } } : {}),
  };
}

const voiding = (target: string) => ({
  id: crypto.randomUUID(),
  actor: { mbox: 'mailto:teacher@example.edu' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/voided' },
  object: { objectType: 'StatementRef', id: target },
});

/**
 * The activity of the tests: s1's events 10 minutes apart (one visit with G = 30, several with
 * G = 5), one with a result.duration and one naming the course by URL; s2's events, all voided
 * later; s3 on another day.
 */
function activity(issuer: string) {
  const voided = [statement('s2', '0900', 'page'), statement('s2', '0905', 'quiz')];
  return {
    first: [
      statement('s1', '0900', 'course'),
      statement('s1', '0910', 'page'),
      statement('s1', '0920', 'quiz', { duration: 'PT12M' }),
      statement('s1', '0925', 'page', { issuer }),
      statement('s1', '1400', 'course'),
      ...voided,
    ],
    second: [statement('s3', '2330', 'course'), statement('s3', '2340', 'page'), statement('s1', '1403', 'quiz')],
    voiding: voided.map((s) => voiding(s.id)),
  };
}

/** Stores the statements through the ingestion pipeline with `settings`, as a request of the platform's forwarder. */
async function store(x: XapiWorld, body: unknown[], settings: RollupSettings): Promise<void> {
  const sender: StatementSender = { platformId: x.platformId, credentialKey: x.credential.key, issuer: x.platform.issuer, authorityHomePage: 'http://127.0.0.1' };
  const result = await storeStatements(x.w.t.db, { method: 'POST', body, version: '1.0.3' }, sender, settings, x.w.clock.now());
  assert.ok(result.ok, JSON.stringify(result));
}

/** A world with the course open and the activity stored with `settings`. */
async function worldWithActivity(settings: RollupSettings): Promise<XapiWorld> {
  const x = await xapiWorld();
  await x.openCourse([learner('s1'), learner('s2'), learner('s3')]);
  const { first, second, voiding } = activity(x.platform.issuer);
  await store(x, first, settings);
  await store(x, second, settings);
  await store(x, voiding, settings);
  return x;
}

/** Every derived row of the world, without the platform id (which differs between worlds). */
async function derived(x: XapiWorld) {
  const strip = (rows: Array<Record<string, unknown>>) => rows.map(({ platform_id: _p, ...rest }) => rest);
  return {
    visits: strip(await x.rows('select * from student_visits order by context_id, user_id, started_at')),
    days: strip(await x.rows('select * from student_days order by context_id, user_id, day')),
    courseDays: strip(await x.rows('select * from course_days order by context_id, day')),
  };
}

const mappings = (x: XapiWorld) =>
  x.rows(
    `select source_id, kind, ignored, duration_seconds, course_ref, person_ref, context_id, user_id, voided
     from source_events where platform_id = $1 order by seq`,
    [x.platformId],
  );

describe('rebuilding the derived data', () => {
  const worlds: XapiWorld[] = [];
  const open = async (settings: RollupSettings) => {
    const x = await worldWithActivity(settings);
    worlds.push(x);
    return x;
  };
  afterEach(async () => {
    for (const x of worlds.splice(0)) await x.close();
  });

  it('after G changes from 30 to 5 minutes, gives exactly the rows of the same statements stored fresh with G = 5, and records the settings', async () => {
    const rebuilt = await open(G30);
    const fresh = await open(G5);
    const before = await derived(rebuilt);
    assert.notDeepEqual(before.visits, (await derived(fresh)).visits, 'G must matter to this activity');

    // Stale rows of a student without counted events (left by an older version) must go too.
    await rebuilt.rows(
      `insert into student_visits (platform_id, context_id, user_id, started_at, last_event_at, day, events, duration_seconds, capped)
       values ($1, $2, 'ghost', '2026-03-01T10:00:00Z', '2026-03-01T10:00:00Z', '2026-03-01', 1, 60, false)`,
      [rebuilt.platformId, DEFAULT_CONTEXT.id],
    );
    await rebuilt.rows(
      `insert into student_days (platform_id, context_id, user_id, day, visits, duration_seconds, actions, resources, activities,
                                 communication, threads, posts, comments, first_event_at, last_event_at)
       values ($1, $2, 'ghost', '2026-03-01', 1, 60, 0, 0, 0, 0, 0, 0, 0, '2026-03-01T10:00:00Z', '2026-03-01T10:00:00Z')`,
      [rebuilt.platformId, DEFAULT_CONTEXT.id],
    );

    const progress: RebuildProgress[] = [];
    const result = await rebuildDerived(rebuilt.w.t.db, { settings: G5, remap: false, onProgress: (p) => progress.push(p), now: rebuilt.w.clock.now });
    // s1 and s3 (counted events) and ghost (rows only); s2's events are all voided and s2 never had rows left.
    assert.deepEqual(result, { courses: 1, students: 3, eventsRead: 0, eventsRemapped: 0 });
    assert.deepEqual(progress, [
      { phase: 'recompute', done: 0, total: 3, unit: 'students' },
      { phase: 'recompute', done: 3, total: 3, unit: 'students' },
    ]);
    assert.deepEqual(await derived(rebuilt), await derived(fresh));
    const users = await rebuilt.rows('select distinct user_id from student_days union select distinct user_id from student_visits order by 1');
    assert.deepEqual(users, [{ user_id: 's1' }, { user_id: 's3' }]);
    assert.deepEqual(await readDerivedSettings(rebuilt.w.t.db), {
      settings: { visitTimeoutMinutes: 5, lastEventCreditSeconds: 60, maxVisitSeconds: 28_800, maxEventDurationSeconds: 14_400, timezone: 'UTC', kindRulesVersion: KIND_RULES_VERSION },
      updatedAt: rebuilt.w.clock.now(),
    });

    // Idempotent: again changes nothing.
    await rebuildDerived(rebuilt.w.t.db, { settings: G5, remap: false });
    assert.deepEqual(await derived(rebuilt), await derived(fresh));
  });

  it("re-mapping restores the current rules' mapping of rows mapped otherwise (by older rules), and their figures", async () => {
    const x = await open(SETTINGS);
    const mapped = await mappings(x);
    const figures = await derived(x);
    // What older rules might have made: a page view as "other", a course view ignored, a lost
    // duration, and the statement that names its course by URL not tied to any course.
    const idOf = async (object: string) =>
      (await x.rows(`select source_id from source_events where platform_id = $1 and payload->'object'->>'id' = $2`, [x.platformId, `https://lms.example.edu/${object}`]))[0]!.source_id;
    await x.rows(`update source_events set kind = 'other' where source_id = $1`, [await idOf('page/s1/0910')]);
    await x.rows(`update source_events set kind = null, ignored = 'login' where source_id = $1`, [await idOf('course/s1/1400')]);
    await x.rows(`update source_events set duration_seconds = null where source_id = $1`, [await idOf('quiz/s1/0920')]);
    await x.rows(`update source_events set course_ref = null, context_id = null, user_id = null where source_id = $1`, [await idOf('page/s1/0925')]);
    await rebuildDerived(x.w.t.db, { settings: SETTINGS, remap: false });
    assert.notDeepEqual(await derived(x), figures, 'the hand-made mapping must change the figures');

    const result = await rebuildDerived(x.w.t.db, { settings: SETTINGS, remap: true, now: x.w.clock.now });
    assert.deepEqual(result, { courses: 1, students: 2, eventsRead: 12, eventsRemapped: 4 });
    assert.deepEqual(await mappings(x), mapped);
    assert.deepEqual(await derived(x), figures);
    assert.deepEqual((await readDerivedSettings(x.w.t.db))?.settings, derivedSettingsOf(SETTINGS));
  });

  it('stops between courses when aborted, without recording the settings, and a second run finishes', async () => {
    const x = await open(G30);
    const other = { ...DEFAULT_CONTEXT, id: 'course-2', label: 'CHEM101', title: 'Chemistry' };
    await x.openCourse([learner('s1'), learner('s3')], other);
    const inOther = activity(x.platform.issuer).second.map((s) => ({ ...s, context: { extensions: { [LTI_CONTEXT]: { id: other.id } } } }));
    await store(x, inOther, G30);
    await writeDerivedSettings(x.w.t.db, derivedSettingsOf(G30), x.w.clock.now());

    const abort = new AbortController();
    await assert.rejects(
      rebuildDerived(x.w.t.db, {
        settings: G5,
        remap: false,
        signal: abort.signal,
        onProgress: (p) => p.done > 0 && abort.abort(new Error('stop')),
      }),
      { message: 'stop' },
    );
    assert.deepEqual((await readDerivedSettings(x.w.t.db))?.settings, derivedSettingsOf(G30));
    const result = await rebuildDerived(x.w.t.db, { settings: G5, remap: false });
    assert.deepEqual(result, { courses: 2, students: 4, eventsRead: 0, eventsRemapped: 0 });
    assert.deepEqual((await readDerivedSettings(x.w.t.db))?.settings, derivedSettingsOf(G5));
  });

  it('at server start: records the settings of a database without derived data, does nothing when they match, rebuilds and logs when they differ', async () => {
    const x = await xapiWorld();
    worlds.push(x);
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const logger = createLogger('info', sink);
    const db = x.w.t.db;
    const now = x.w.clock.now;

    assert.deepEqual(await rebuildIfSettingsChanged(db, G30, logger, now), { action: 'recorded' });
    assert.deepEqual(await readDerivedSettings(db), { settings: derivedSettingsOf(G30), updatedAt: now() });
    assert.deepEqual(await rebuildIfSettingsChanged(db, G30, logger, now), { action: 'none' });

    await x.openCourse([learner('s1'), learner('s2'), learner('s3')]);
    const { first } = activity(x.platform.issuer);
    await store(x, first, G30);
    const outcome = await rebuildIfSettingsChanged(db, { ...G30, visitTimeoutMinutes: 45 }, logger, now);
    assert.equal(outcome.action, 'rebuilt');
    assert.deepEqual(outcome.action === 'rebuilt' && outcome.result, { courses: 1, students: 2, eventsRead: 0, eventsRemapped: 0 });
    const messages = lines.map((l) => [l.level, l.msg]);
    assert.deepEqual(messages.slice(0, 3), [
      [40, 'VISIT_TIMEOUT_MINUTES 30 → 45: rebuilding visits and days of 1 course'],
      [30, 'rebuilding visits and days: 100 % (2 of 2 students)'],
      [30, messages[2]![1]],
    ]);
    assert.match(String(messages[2]![1]), /^rebuilt visits and days of 1 course \(2 students\) in \d+\.\d s$/);
    assert.equal(lines.length, 3);
    assert.deepEqual((await readDerivedSettings(db))?.settings, derivedSettingsOf({ ...G30, visitTimeoutMinutes: 45 }));

    // No row but data (the first start after an upgrade): what it was made with is unknown, so everything is rebuilt.
    await db.query('delete from derived_settings');
    lines.length = 0;
    const unknown = await rebuildIfSettingsChanged(db, G30, logger, now);
    assert.deepEqual(unknown.action === 'rebuilt' && unknown.result, { courses: 1, students: 2, eventsRead: 7, eventsRemapped: 0 });
    assert.equal(
      lines[0]!.msg,
      'the settings the stored data was derived with are not recorded: re-mapping the stored events and rebuilding visits and days of 1 course',
    );
  });
});
