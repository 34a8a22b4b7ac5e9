/**
 * Backfilling statements from a file (importStatements) on a real database, with courses and
 * rosters made the way production makes them (a teacher's launch and a roster read): both
 * formats store the same rows; a bad item is rejected alone with its line; an interrupted import
 * resumes to the same result as one run; a finished file is refused unless imported again, which
 * stores nothing new; statements of a course not launched yet wait and are counted after its launch.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ImportAlreadyDone,
  ImportFileError,
  importStatements,
  type ImportProgress,
  type ImportSummary,
} from '../../src/ingest/import-statements.js';
import type { StatementSender } from '../../src/ingest/store-statements.js';
import { platformIssuers } from '../../src/models/platform-issuers.js';
import { DEFAULT_CONTEXT, type ContextClaim } from '../support/test-platform.js';
import { SETTINGS, learner, xapiWorld, type XapiWorld } from '../support/xapi-world.js';

const LTI_CONTEXT = 'https://purl.imsglobal.org/spec/lti/claim/context';
const VIEWED = 'http://id.tincanapi.com/verb/viewed';
const LOGGED_IN = 'https://w3id.org/xapi/adl/verbs/logged-in';
const PAGE = 'https://w3id.org/xapi/acrossx/activities/page';
const OTHER_COURSE: ContextClaim = { ...DEFAULT_CONTEXT, id: 'course-2', label: 'CHE101', title: 'Chemistry' };

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

/** A page view of `user` in `course` at 2026-03-02 10:00 UTC + `minute` minutes; `n` gives its id (0: id-less, the id is derived). */
function view(n: number, user: string, minute: number, course: ContextClaim = DEFAULT_CONTEXT): Record<string, unknown> {
  return {
    ...(n > 0 ? { id: id(n) } : {}),
    actor: { account: { homePage: 'https://lms.example.edu', name: user } },
    verb: { id: VIEWED },
    object: { id: `https://lms.example.edu/page/${n}-${minute}`, definition: { type: PAGE } },
    context: { extensions: { [LTI_CONTEXT]: { id: course.id } } },
    timestamp: new Date(Date.UTC(2026, 2, 2, 10, minute)).toISOString(),
  };
}

/**
 * Twenty-four statements of two students, plus what does not count: a student not on the roster,
 * a login (a kind the reports ignore), an id-less statement, one without a timestamp but with the
 * `stored` of the LRS it was exported from — and one invalid statement (item 7, verb id not an IRI).
 */
function backfill(): unknown[] {
  const items: unknown[] = [];
  for (let i = 1; i <= 24; i++) items.push(view(i, i % 2 ? 's1' : 's2', i * 3));
  items.splice(6, 0, { ...view(100, 's1', 1), verb: { id: 'not an iri' } });
  items.push(view(101, 'stranger', 5));
  items.push({ ...view(102, 's1', 80), verb: { id: LOGGED_IN } });
  items.push(view(0, 's2', 90));
  const { timestamp: _t, ...noTimestamp } = view(103, 's2', 0);
  items.push({ ...noTimestamp, stored: '2026-03-02T11:40:00.000Z' });
  return items;
}

/** The line the invalid item (the verb id that is not an IRI) starts on in the pretty-printed array: its verb id is the item's 10th line. */
const badItemLine = (text: string) => text.split('\n').findIndex((l) => l.includes('"not an iri"')) + 1 - 9;
const badItem = (line: number) => [{ reason: 'verb.id: must be an IRI', count: 1, examples: [{ line, message: 'statement.verb.id: must be an IRI' }] }];

const ndjson = (items: unknown[]) => items.map((i) => JSON.stringify(i)).join('\n') + '\n';
/** A pretty-printed array: items over several lines, as LRS exports are. */
const jsonArray = (items: unknown[]) => JSON.stringify(items, null, 2) + '\n';

describe('importing statements from a file', () => {
  let x: XapiWorld;
  let dir: string;
  let count = 0;
  beforeEach(async () => {
    x = await xapiWorld();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coursepulse-import-'));
  });
  afterEach(async () => {
    await x.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function file(text: string): string {
    const p = path.join(dir, `statements-${++count}.json`);
    fs.writeFileSync(p, text);
    return p;
  }

  async function senderOf(platformId: string): Promise<StatementSender> {
    const issuer = (await platformIssuers(x.w.t.db)).get(platformId);
    assert.ok(issuer);
    return { platformId, credentialKey: 'import', issuer, authorityHomePage: 'https://coursepulse.example.edu' };
  }

  async function run(platformId: string, filePath: string, options: { batchSize?: number; again?: boolean; signal?: AbortSignal; onProgress?: (p: ImportProgress) => void } = {}) {
    return importStatements(x.w.t.db, { platformId, filePath, settings: SETTINGS, sender: await senderOf(platformId), now: x.w.clock.now, batchSize: 5, ...options });
  }

  /** A second platform with the same course and roster, to compare two imports side by side. */
  async function secondPlatform(): Promise<string> {
    const other = await x.w.addPlatform({ clientId: 'second-client', name: 'Second LMS' });
    await x.openCourse([learner('s1'), learner('s2')], DEFAULT_CONTEXT, other);
    return other.platformId;
  }

  const events = (platformId: string) =>
    x.rows(
      `select source_id, payload, event_at, stored_at, credential_key, kind, ignored, voided, context_id, user_id
       from source_events where platform_id = $1 and source = 'xapi' order by source_id`,
      [platformId],
    );
  const days = (platformId: string) =>
    x.rows(
      `select context_id, user_id, day, visits, duration_seconds, actions, resources, activities, communication, first_event_at, last_event_at
       from student_days where platform_id = $1 order by context_id, user_id, day`,
      [platformId],
    );

  const summaryOf = (file: string, extra: Partial<ImportSummary>): ImportSummary => ({
    file,
    statementsRead: 29,
    stored: 28,
    duplicates: 0,
    unresolved: { 'no-course': 0, 'course-not-launched': 0, 'person-not-matched': 1 },
    ignored: 1,
    voided: 0,
    rejected: 1,
    rejectedReasons: [
      {
        reason: 'verb.id: must be an IRI',
        count: 1,
        examples: [{ line: 7, message: 'statement.verb.id: must be an IRI' }],
      },
    ],
    resumedFrom: 0,
    seconds: 0,
    interrupted: false,
    ...extra,
  });

  it('stores the same rows from NDJSON and from a JSON array, rejecting a bad item alone with its line', async () => {
    await x.openCourse([learner('s1'), learner('s2')]);
    const other = await secondPlatform();
    const items = backfill();
    // NDJSON with a line that is not JSON too (an array cannot have one and be read on).
    const lines = ndjson(items).split('\n');
    lines.splice(10, 0, '{"id": "broken", ');
    const ndjsonFile = file(lines.join('\n'));
    const arrayFile = file(jsonArray(items));

    const fromNdjson = await run(x.platformId, ndjsonFile);
    assert.deepEqual(
      fromNdjson,
      summaryOf(ndjsonFile, {
        statementsRead: 30,
        rejected: 2,
        rejectedReasons: [
          { reason: 'verb.id: must be an IRI', count: 1, examples: [{ line: 7, message: 'statement.verb.id: must be an IRI' }] },
          { reason: 'not JSON', count: 1, examples: [{ line: 11, message: "Expected double-quoted property name" }] },
        ],
      }),
    );
    const fromArray = await run(other, arrayFile);
    const arrayLine = badItemLine(jsonArray(items));
    assert.deepEqual(fromArray, summaryOf(arrayFile, { rejectedReasons: badItem(arrayLine) }));
    assert.equal(jsonArray(items).split('\n')[arrayLine - 1], '  {');

    const a = await events(x.platformId);
    assert.equal(a.length, 28);
    assert.deepEqual(await events(other), a);
    assert.deepEqual(await days(other), await days(x.platformId));
    const s1 = (await days(x.platformId)).filter((d) => d.user_id === 's1');
    assert.deepEqual(s1.map((d) => [d.day, d.actions]), [['2026-03-02', 12]]);
    // Imported rows carry the import's pseudo credential, and its authority.
    assert.deepEqual(
      { key: a[0]!.credential_key, authority: (a[0]!.payload as { authority: unknown }).authority },
      { key: 'import', authority: { objectType: 'Agent', account: { homePage: 'https://coursepulse.example.edu', name: 'import' } } },
    );
    // The statement without a timestamp happened at its `stored`; the derived id does not change on a second import.
    const late = a.find((e) => e.source_id === id(103))!;
    assert.deepEqual(late.event_at, new Date('2026-03-02T11:40:00.000Z'));
  });

  it('resumes an interrupted import where it stopped, to the same rows and days as one run', async () => {
    await x.openCourse([learner('s1'), learner('s2')]);
    const other = await secondPlatform();
    const items = backfill();
    const whole = file(jsonArray(items));
    await run(x.platformId, whole);

    const stopped = file(jsonArray(items));
    const abort = new AbortController();
    const progress: ImportProgress[] = [];
    const first = await run(other, stopped, {
      signal: abort.signal,
      onProgress: (p) => {
        progress.push(p);
        if (p.statementsRead > 0) abort.abort();
      },
    });
    const afterFirstBatch = progress[1]!.bytesDone;
    assert.deepEqual(progress, [
      { bytesDone: 0, bytesTotal: fs.statSync(stopped).size, statementsRead: 0, stored: 0, duplicates: 0, unresolved: 0, rejected: 0, resumedFrom: 0 },
      { bytesDone: afterFirstBatch, bytesTotal: fs.statSync(stopped).size, statementsRead: 5, stored: 5, duplicates: 0, unresolved: 0, rejected: 0, resumedFrom: 0 },
    ]);
    assert.equal(jsonArray(items).slice(0, afterFirstBatch).trimEnd().endsWith('}'), true);
    assert.deepEqual(first, {
      ...summaryOf(stopped, {}),
      statementsRead: 5,
      stored: 5,
      unresolved: { 'no-course': 0, 'course-not-launched': 0, 'person-not-matched': 0 },
      ignored: 0,
      rejected: 0,
      rejectedReasons: [],
      interrupted: true,
    });
    assert.equal((await events(other)).length, 5);

    const resumed = await run(other, stopped);
    assert.deepEqual(resumed, summaryOf(stopped, { resumedFrom: afterFirstBatch, rejectedReasons: badItem(badItemLine(jsonArray(items))) }));
    assert.deepEqual(await events(other), await events(x.platformId));
    assert.deepEqual(await days(other), await days(x.platformId));
  });

  it('refuses a file imported to its end; --again reads it all again and stores nothing new', async () => {
    await x.openCourse([learner('s1'), learner('s2')]);
    const p = file(ndjson(backfill()));
    await run(x.platformId, p);
    const before = await events(x.platformId);
    await assert.rejects(run(x.platformId, p), (err: unknown) => {
      assert.ok(err instanceof ImportAlreadyDone);
      assert.equal(err.message, `${p} was already imported on ${x.w.clock.now().toISOString().replace('T', ' ').slice(0, 16)} UTC; --again to import it again`);
      return true;
    });
    // The same content under another name is the same file.
    const copy = file(fs.readFileSync(p, 'utf8'));
    await assert.rejects(run(x.platformId, copy), ImportAlreadyDone);

    x.w.clock.advance(3600);
    const again = await run(x.platformId, p, { again: true });
    assert.deepEqual(
      again,
      summaryOf(p, { stored: 0, duplicates: 28, unresolved: { 'no-course': 0, 'course-not-launched': 0, 'person-not-matched': 0 }, ignored: 0 }),
    );
    assert.deepEqual(await events(x.platformId), before);
  });

  it('keeps what belongs to a course not launched yet as unresolved, and counts it after the launch', async () => {
    const items = [view(1, 's1', 0, OTHER_COURSE), view(2, 's1', 5, OTHER_COURSE), view(3, 's2', 7, OTHER_COURSE)];
    const p = file(ndjson(items));
    const summary = await run(x.platformId, p);
    assert.deepEqual(summary, {
      ...summaryOf(p, {}),
      statementsRead: 3,
      stored: 3,
      unresolved: { 'no-course': 0, 'course-not-launched': 3, 'person-not-matched': 0 },
      ignored: 0,
      rejected: 0,
      rejectedReasons: [],
    });
    assert.deepEqual(await days(x.platformId), []);

    await x.openCourse([learner('s1'), learner('s2')], OTHER_COURSE);
    assert.deepEqual(
      (await events(x.platformId)).map((e) => [e.source_id, e.context_id, e.user_id]),
      [
        [id(1), 'course-2', 's1'],
        [id(2), 'course-2', 's1'],
        [id(3), 'course-2', 's2'],
      ],
    );
    assert.deepEqual(
      (await days(x.platformId)).map((d) => [d.context_id, d.user_id, d.day, d.visits, d.actions]),
      [
        ['course-2', 's1', '2026-03-02', 1, 2],
        ['course-2', 's2', '2026-03-02', 1, 1],
      ],
    );
  });

  it('rejects a statement that conflicts with a stored one alone, and stores the rest of its batch', async () => {
    await x.openCourse([learner('s1'), learner('s2')]);
    // Stored through HTTP first: the file has a different statement under the same id.
    await x.post(view(3, 's1', 9)).expect(200);
    const changed = { ...view(3, 's1', 9), object: { id: 'https://lms.example.edu/elsewhere' } };
    const items = [view(1, 's1', 0), view(2, 's1', 3), changed, view(4, 's2', 4), view(4, 's2', 4), { ...view(4, 's2', 4), verb: { id: LOGGED_IN } }];
    const p = file(ndjson(items));
    const summary = await run(x.platformId, p, { batchSize: 10 });
    const conflict = (line: number) => ({ line, message: `statement.id: a different statement with the id ${id(line === 3 ? 3 : 4)} is already stored` });
    assert.deepEqual(summary, {
      ...summaryOf(p, {}),
      statementsRead: 6,
      stored: 3,
      duplicates: 1,
      unresolved: { 'no-course': 0, 'course-not-launched': 0, 'person-not-matched': 0 },
      ignored: 0,
      rejected: 2,
      rejectedReasons: [{ reason: 'id: a different statement with the id <id> is already stored', count: 2, examples: [conflict(3), conflict(6)] }],
    });
    assert.deepEqual(
      (await events(x.platformId)).map((e) => [e.source_id, (e.payload as { object: { id: string } }).object.id]),
      [
        [id(1), 'https://lms.example.edu/page/1-0'],
        [id(2), 'https://lms.example.edu/page/2-3'],
        [id(3), 'https://lms.example.edu/page/3-9'],
        [id(4), 'https://lms.example.edu/page/4-4'],
      ],
    );
  });

  it('ends at a broken JSON array with the position, after storing what came before; the run stays unfinished', async () => {
    await x.openCourse([learner('s1'), learner('s2')]);
    const text = jsonArray([view(1, 's1', 0), view(2, 's1', 3), view(3, 's2', 4)]);
    const broken = text.replace('"verb": {\n      "id": "http://id.tincanapi.com/verb/viewed"\n    },\n    "object": {\n      "id": "https://lms.example.edu/page/3-4"', '"verb": {\n      "id": "http://id.tincanapi.com/verb/viewed"\n    }\n    "object": {\n      "id": "https://lms.example.edu/page/3-4"');
    assert.notEqual(broken, text);
    const p = file(broken);
    await assert.rejects(run(x.platformId, p, { batchSize: 2 }), (err: unknown) => {
      assert.ok(err instanceof ImportFileError);
      // Items are 26 lines each: the third starts on line 2 + 2 × 26 = 54, its "object" (after the missing comma) is on line 65.
      assert.equal(
        err.message,
        `${p}: line 65, column 5 (byte ${Buffer.byteLength(broken.split('\n').slice(0, 64).join('\n')) + 5}): Expected ',' or '}' after property value (in the item that starts on line 54)`,
      );
      assert.deepEqual(err.summary, {
        ...summaryOf(p, {}),
        statementsRead: 2,
        stored: 2,
        unresolved: { 'no-course': 0, 'course-not-launched': 0, 'person-not-matched': 0 },
        ignored: 0,
        rejected: 0,
        rejectedReasons: [],
      });
      return true;
    });
    assert.deepEqual((await events(x.platformId)).map((e) => e.source_id), [id(1), id(2)]);
    const [runRow] = await x.rows('select bytes_done, statements_read, finished_at from import_runs where platform_id = $1', [x.platformId]);
    // Committed up to the end of the second item (line 53, before its comma).
    assert.deepEqual(runRow, { bytes_done: Buffer.byteLength(text.split('\n').slice(0, 53).join('\n')) - 1, statements_read: 2, finished_at: null });
  });

  it('rejects a statement with neither timestamp nor stored: it has no time to count at', async () => {
    await x.openCourse([learner('s1')]);
    const { timestamp: _t, ...timeless } = view(0, 's1', 0);
    const p = file(ndjson([view(1, 's1', 0), timeless]));
    const summary = await run(x.platformId, p);
    assert.deepEqual(summary.rejectedReasons, [
      {
        reason: 'no timestamp (nor stored)',
        count: 1,
        examples: [{ line: 2, message: 'statement.timestamp: is missing and so is stored; a backfilled statement needs the time it happened' }],
      },
    ]);
    assert.equal(summary.stored, 1);
  });
});
