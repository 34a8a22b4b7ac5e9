/**
 * `coursepulse erase --platform P --user U` as a real process (GDPR right to erasure), on a
 * database made as production makes it: after it no row of any table with a user_id column names
 * the person on that platform, their statements (also those still waiting for a roster) and the
 * attachment data only they named are gone, ltijs's launch tokens of them are gone, the course
 * figures equal a full rebuild, and everyone else's rows are untouched. Without --yes it only
 * says what it would remove. Also `coursepulse prune`, the one-off retention run.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import { openLocalDatabase } from '../src/cli/local-database.js';
import type { RollupSettings } from '../src/ingest/recompute.js';
import { rebuildDerived } from '../src/ingest/rebuild.js';
import { storeStatements } from '../src/ingest/store-statements.js';
import { addCoursePulseGroupMembers, createCoursePulseGroup } from '../src/models/coursepulse-groups.js';
import type { Queryable } from '../src/models/database.js';
import { insertLtiDoc } from '../src/models/lti-store.js';
import { coursepulse } from './support/cli-run.js';
import { derivedRows } from './support/derived-rows.js';
import { LMS, moodleCourseDatabase, PUBLIC_URL } from './support/moodle-course-database.js';
import { G30 } from './support/rebuild-database.js';
import { buildIfNeeded } from './support/server-process.js';

const sha256 = (data: Buffer): string => crypto.createHash('sha256').update(data).digest('hex');
const ONLY_HERS = Buffer.from('an essay of 1001');
const SHARED = Buffer.from('the course handbook');

/** A view of `course`'s page by `user` at 2026-03-02 `hhmm` UTC, with extra statement fields. */
const view = (user: string, hhmm: string, extra: Record<string, unknown> = {}, course = '7') => ({
  id: crypto.randomUUID(),
  actor: { account: { homePage: LMS, name: user } },
  verb: { id: 'http://id.tincanapi.com/verb/viewed' },
  object: { id: `${LMS}/mod/page/view.php?id=${hhmm}`, definition: { type: 'https://w3id.org/xapi/acrossx/activities/page' } },
  context: { contextActivities: { parent: [{ id: `${LMS}/course/view.php?id=${course}` }] } },
  timestamp: `2026-03-02T${hhmm.slice(0, 2)}:${hhmm.slice(2)}:00Z`,
  ...extra,
});
const attachmentsOf = (...data: Buffer[]) => ({
  attachments: data.map((d) => ({ usageType: 'http://example.com/usage', display: { en: 'file' }, contentType: 'text/plain', length: d.length, sha2: sha256(d) })),
});

interface Prepared {
  env: Record<string, string>;
  platformId: string;
}

/**
 * Course 7 with students 1001 and 1002 (and teacher 2): statements of both, one of 1001's with
 * attachment data only it names and one naming data 1002's statement names too; a statement of
 * 1002 that names 1001 as instructor; one of 1001 in course 8, never launched (waiting); both in a
 * CoursePulse group; ltijs's launch tokens of 1001 on this platform and of a 1001 on another one.
 */
async function prepared(): Promise<Prepared> {
  return moodleCourseDatabase({ clientId: 'cli-erase', students: 2 }, async ({ env, platformId, local, now }) => {
    const sender = { platformId, credentialKey: 'cli-erase-key', issuer: LMS, authorityHomePage: PUBLIC_URL };
    const store = async (body: unknown[], parts: Buffer[] = []) => {
      const result = await storeStatements(
        local.db,
        { method: 'POST', body, version: '1.0.3' },
        sender,
        G30,
        now,
        parts.length ? parts.map((content, i) => ({ part: i + 2, sha2: sha256(content), contentType: 'text/plain', content })) : undefined,
      );
      assert.ok(result.ok, JSON.stringify(result));
    };
    await store([view('1001', '0900'), view('1001', '0910'), view('1002', '1000'), view('1001', '1200', {}, '8')]);
    await store([view('1001', '0920', attachmentsOf(ONLY_HERS, SHARED)), view('1002', '1030', attachmentsOf(SHARED))], [ONLY_HERS, SHARED]);
    await store([view('1002', '1040', { context: { instructor: { account: { homePage: LMS, name: '1001' } }, contextActivities: { parent: [{ id: `${LMS}/course/view.php?id=7` }] } } })]);
    const course = { platformId, contextId: '7' };
    const group = await createCoursePulseGroup(local.db, course, 'Lab A', now);
    assert.ok(group);
    assert.ok((await addCoursePulseGroupMembers(local.db, course, group.groupId, ['1001', '1002'], now)).ok);
    const token = (platform: string, user: string) => ({ iss: LMS, user, userInfo: { name: `Student ${user}` }, clientId: 'cli-erase', platformId: platform, deploymentId: '1' });
    await insertLtiDoc(local.db, 'idtoken', token(platformId, '1001'), now, null);
    await insertLtiDoc(local.db, 'idtoken', token('another-platform', '1001'), now, null);
    await insertLtiDoc(local.db, 'idtoken', token(platformId, '1002'), now, null);
    const context = (user: string) => ({ contextId: encodeURIComponent(`${LMS}cli-erase1` + `7_link_${user}`), user, context: { id: '7' } });
    await insertLtiDoc(local.db, 'contexttoken', context('1001'), now, null);
    await insertLtiDoc(local.db, 'contexttoken', context('1002'), now, null);
    return { env, platformId };
  });
}

/** Every table of the schema with a user_id column. */
async function userTables(q: Queryable): Promise<string[]> {
  const rows = await q.query<{ table_name: string }>(
    `select table_name from information_schema.columns where table_schema = 'public' and column_name = 'user_id' order by table_name`,
  );
  return rows.map((row) => row.table_name);
}

/** Rows naming `userId` per table (user_id column), and ltijs documents naming them. */
async function mentions(q: Queryable, platformId: string, userId: string) {
  const counts: Record<string, number> = {};
  for (const table of await userTables(q)) {
    const [row] = await q.query<{ n: number }>(`select count(*)::int as n from ${table} where platform_id = $1 and user_id = $2`, [platformId, userId]);
    counts[table] = row!.n;
  }
  const tokens = await q.query<{ collection: string; platform: string | null }>(
    `select collection, doc->>'platformId' as platform from lti_store where doc->>'user' = $1 order by collection, platform`,
    [userId],
  );
  return { counts, tokens };
}

/** Everything of the others: their events, figures, memberships. */
async function othersState(q: Queryable, platformId: string) {
  return {
    events: await q.query(
      `select source_id, user_id, context_id, payload from source_events where payload->'actor'->'account'->>'name' is distinct from '1001' order by seq`,
    ),
    figures: await derivedRows(q, platformId),
    totals: await q.query(`select user_id, visits, duration_seconds, last_visit_at from student_totals order by user_id collate "C"`),
    members: await q.query(`select user_id from members where user_id <> '1001' order by user_id collate "C"`),
    groupMembers: await q.query(`select user_id from group_members where user_id <> '1001' order by user_id collate "C"`),
    attachments: await q.query(`select sha2 from statement_attachments order by sha2`),
  };
}

const SETTINGS: RollupSettings = G30;

describe('coursepulse erase', function () {
  this.timeout(300_000);
  const dirs: string[] = [];
  before(function () {
    this.timeout(300_000);
    buildIfNeeded();
  });
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('without --yes says what it would remove and removes nothing; with it, no row names the person, the figures equal a rebuild, others are untouched', async () => {
    const { env, platformId } = await prepared();
    dirs.push(env.DATA_DIR!);
    let local = await openLocalDatabase(env);
    const before = { mine: await mentions(local.db, platformId, '1001'), others: await othersState(local.db, platformId) };
    const waiting = await local.db.query(`select count(*)::int as n from source_events where user_id is null`);
    await local.close();
    // The person is in every table that has a user_id (launches: the teacher's only; theirs comes with a launch).
    assert.deepEqual(before.mine.counts, { group_members: 1, launches: 0, members: 1, source_events: 3, student_days: 1, student_totals: 1, student_visits: 1 });
    assert.deepEqual(waiting, [{ n: 1 }]);

    const summary = [
      '  events (statements, Caliper events, launches)  4 (xapi 4)',
      '  attachments                                    1',
      '  visits                                         1',
      '  days                                           1',
      '  course totals                                  1',
      '  roster entries                                 1',
      '  group memberships                              1',
      '  launches                                       0',
      '  LTI launch tokens                              2',
      '  courses whose day totals are recomputed        1 (7)',
      '',
    ].join('\n');
    const dry = await coursepulse(['erase', '--platform', platformId, '--user', '1001'], env);
    assert.deepEqual(dry, {
      code: 1,
      stdout: `Erasing user 1001 of platform ${platformId} removes:\n${summary}`,
      stderr: 'coursepulse: not confirmed; nothing was erased. Run it again with --yes to erase.\n',
    });
    local = await openLocalDatabase(env);
    assert.deepEqual({ mine: await mentions(local.db, platformId, '1001'), others: await othersState(local.db, platformId) }, before);
    await local.close();

    const run = await coursepulse(['erase', '--platform', platformId, '--user', '1001', '--yes'], env);
    assert.deepEqual(run, {
      code: 0,
      stdout: [
        `Erased user 1001 of platform ${platformId}:\n${summary}The LMS still holds the person's enrolment: while they are enrolled, the next roster read brings their name and roles back`,
        '(remove them in the LMS too), and statements the LMS sends again about them are stored again (stop it sending first).',
        "Statements by other people that mention them (as instructor, as object) are those people's activity and are kept.",
        '',
      ].join('\n'),
      stderr: '',
    });

    local = await openLocalDatabase(env);
    try {
      const after = await mentions(local.db, platformId, '1001');
      assert.deepEqual(after, {
        counts: { group_members: 0, launches: 0, members: 0, source_events: 0, student_days: 0, student_totals: 0, student_visits: 0 },
        // Only the token of a 1001 of another platform: another person.
        tokens: [{ collection: 'idtoken', platform: 'another-platform' }],
      });
      // No statement of theirs is left, also not the one that waited for course 8.
      assert.deepEqual(await local.db.query(`select count(*)::int as n from source_events where payload->'actor'->'account'->>'name' = '1001'`), [{ n: 0 }]);
      // 1002's statement naming 1001 as instructor stays: it is 1002's activity.
      assert.deepEqual(
        await local.db.query(`select user_id from source_events where payload::text like '%"name": "1001"%' or payload::text like '%"name":"1001"%'`),
        [{ user_id: '1002' }],
      );
      const others = await othersState(local.db, platformId);
      // Everyone else's rows are as they were; the course's day totals lost 1001's share.
      assert.deepEqual({ ...others, figures: { ...others.figures, courseDays: [] } }, {
        ...before.others,
        totals: before.others.totals.filter((t) => (t as { user_id: string }).user_id !== '1001'),
        members: before.others.members,
        attachments: [{ sha2: sha256(SHARED) }],
        figures: {
          visits: before.others.figures.visits.filter((v) => v.user_id !== '1001'),
          days: before.others.figures.days.filter((d) => d.user_id !== '1001'),
          courseDays: [],
        },
      });
      assert.deepEqual(others.figures.courseDays.map((d) => [d.day, d.visits, d.visitors, d.duration_seconds]), [['2026-03-02', 1, 1, 2460]]);
      // And they are what a full rebuild makes of what is left.
      await rebuildDerived(local.db, { settings: SETTINGS, remap: true });
      assert.deepEqual(await derivedRows(local.db, platformId), others.figures);
    } finally {
      await local.close();
    }
  });

  it('refuses an unknown platform and a missing --user', async () => {
    const { env } = await prepared();
    dirs.push(env.DATA_DIR!);
    assert.deepEqual(await coursepulse(['erase', '--platform', 'no-such-platform', '--user', '1001', '--yes'], env), {
      code: 1,
      stdout: '',
      stderr: 'coursepulse: there is no platform no-such-platform (see "coursepulse platform list"); nothing was erased\n',
    });
    const usage = await coursepulse(['erase', '--platform', 'x'], env);
    assert.equal(usage.code, 2);
    assert.equal(usage.stderr.split('\n')[0], 'coursepulse: missing --user');
  });
});

describe('coursepulse prune', function () {
  this.timeout(300_000);
  const dirs: string[] = [];
  before(function () {
    this.timeout(300_000);
    buildIfNeeded();
  });
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('needs RETENTION_DAYS; with it, deletes the raw events older than that and keeps every figure', async () => {
    const { env, platformId } = await prepared();
    dirs.push(env.DATA_DIR!);
    let local = await openLocalDatabase(env);
    const figures = await derivedRows(local.db, platformId);
    await local.close();

    assert.deepEqual(await coursepulse(['prune'], env), {
      code: 1,
      stdout: '',
      stderr: 'coursepulse: RETENTION_DAYS is not set, so raw events are kept forever and nothing is pruned. Set it (as for the server) to prune.\n',
    });

    // The statements are of 2 March 2026, long before a day ago.
    const started = Date.now();
    const run = await coursepulse(['prune'], { ...env, RETENTION_DAYS: '1' });
    assert.equal(run.code, 0, run.stderr);
    const m = /^Pruned 7 raw events and 2 attachments older than (\S+) \(RETENTION_DAYS=1\) in \d+\.\d s\. The visits and days before that stay as they are\.\n$/.exec(run.stdout);
    assert.ok(m, run.stdout);
    const horizon = new Date(m[1]!).getTime();
    assert.ok(horizon >= started - 86_400_000 - 1000 && horizon <= Date.now() - 86_400_000, m[1]);

    local = await openLocalDatabase(env);
    try {
      assert.deepEqual(await local.db.query(`select count(*)::int as n from source_events`), [{ n: 0 }]);
      assert.deepEqual(await local.db.query(`select count(*)::int as n from statement_attachments`), [{ n: 0 }]);
      assert.deepEqual(await derivedRows(local.db, platformId), figures);
    } finally {
      await local.close();
    }
  });
});
