/**
 * `coursepulse import` as a real process on a real DATA_DIR (PGlite) or server database: the
 * summary table, the refusal of a finished file and --again, --json, the exit codes (0, 1, 2,
 * 130), and Ctrl-C stopping after a batch so that the same command resumes. The database is
 * prepared as production prepares it — a platform registered through ltijs, a teacher's launch
 * and a roster read recorded — then closed, so the command has it to itself.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { courseActivity } from '../bench/activity-generator.js';
import { main } from '../src/cli/coursepulse.js';
import { coursepulse } from './support/cli-run.js';
import { LMS, moodleCourseDatabase } from './support/moodle-course-database.js';
import { buildIfNeeded } from './support/server-process.js';

const START = new Date('2026-03-02T00:00:00Z');

/** A database with a Moodle platform, course 7 launched and `students` students on its roster; returns the env and the platform id. */
const preparedDatabase = (students: number) =>
  moodleCourseDatabase({ clientId: 'cli-import', students }, async ({ env, platformId }) => ({ env, platformId }));

/** The generator's statements of course 7 (students 1001…), one per line. */
function activityLines(students: number, days: number): string[] {
  return [...courseActivity({ seed: 7, lmsUrl: LMS, courseId: '7', students, days, start: START })].map((e) => JSON.stringify(e.statement));
}

const seconds = (text: string) => text.replace(/ in \d+\.\d s\./, ' in N s.').replace(/after \d+\.\d s\./, 'after N s.');

describe('coursepulse import', function () {
  // Each case starts the command a few times; each start opens (and, on PGlite, recovers) the database.
  this.timeout(300_000);
  let dir: string;
  before(() => buildIfNeeded());
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coursepulse-cli-import-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('imports a file, prints the summary, refuses it a second time, and with --again --json finds only duplicates', async () => {
    const { env, platformId } = await preparedDatabase(4);
    const lines = activityLines(5, 6);
    lines.splice(3, 0, '{"actor": oops}');
    const file = path.join(dir, 'history.ndjson');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const statements = lines.length;
    const student5 = lines.filter((l) => l.includes('"name":"1005"')).length;
    assert.ok(student5 > 0 && statements > 50, `${statements} statements, ${student5} of student 5`);

    const first = await coursepulse(['import', file, '--platform', platformId], env);
    assert.equal(first.code, 0, first.stderr);
    const n = (v: number) => v.toLocaleString('en-US');
    const width = n(statements).length;
    const row = (label: string, v: number, note = '') => `  ${label.padEnd(16)} ${n(v).padStart(width)}${note ? `  ${note}` : ''}`;
    assert.equal(
      seconds(first.stdout),
      [
        `Imported ${file} into platform ${platformId} in N s.`,
        row('statements read', statements),
        row('stored', statements - 1),
        row('  unresolved', student5, `(person not on the roster yet: ${n(student5)}; counted after a launch or roster read)`),
        row('duplicates', 0),
        row('rejected', 1),
        `    ${'1'.padStart(width)} × not JSON`,
        `        line 4: Unexpected token 'o'`,
        '',
      ].join('\n'),
    );
    // Not a terminal: the progress is plain lines, the last at 100 %.
    const progress = first.stderr.trimEnd().split('\n');
    assert.match(progress.at(-1)!, /^Importing: 100% \(\d+\.\d KiB of \d+\.\d KiB, [\d.]+ (B|KiB|MiB)\/s\) [\d,]+ read: [\d,]+ stored, 0 duplicates, 1 rejected$/);
    assert.ok(progress.every((line) => line.startsWith('Importing: ')), first.stderr);

    const second = await coursepulse(['import', file, '--platform', platformId], env);
    assert.equal(second.code, 1);
    assert.equal(second.stdout, '');
    assert.match(second.stderr, new RegExp(`^coursepulse: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} was already imported on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC; --again to import it again\n$`));

    const again = await coursepulse(['import', file, '--platform', platformId, '--again', '--json'], env);
    assert.equal(again.code, 0, again.stderr);
    const summary = JSON.parse(again.stdout) as { seconds: number };
    assert.equal(typeof summary.seconds, 'number');
    assert.deepEqual(
      { ...summary, seconds: 0 },
      {
        file,
        statementsRead: statements,
        stored: 0,
        duplicates: statements - 1,
        unresolved: { 'no-course': 0, 'course-not-launched': 0, 'person-not-matched': 0 },
        ignored: 0,
        voided: 0,
        rejected: 1,
        rejectedReasons: [{ reason: 'not JSON', count: 1, examples: [{ line: 4, message: "Unexpected token 'o'" }] }],
        resumedFrom: 0,
        seconds: 0,
        interrupted: false,
      },
    );
  });

  it('stops after the batch in progress on Ctrl-C (exit 130), and the same command resumes to the end', async () => {
    const { env, platformId } = await preparedDatabase(30);
    const lines = activityLines(30, 20);
    const file = path.join(dir, 'year.ndjson');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    let signalled = false;
    const stopped = await coursepulse(['import', file, '--platform', platformId, '--batch-size', '100'], env, (stderr, child) => {
      if (!signalled && /Importing: \d+%/.test(stderr)) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    assert.equal(stopped.code, 130, stopped.stderr);
    // The batch in progress and what was read for the next one are committed, then it stops.
    assert.match(stopped.stderr, /\ncoursepulse: stopping after the batch in progress…\n(Importing: .*\n)?coursepulse: interrupted: resume with the same command\n$/);
    assert.match(seconds(stopped.stdout), new RegExp(`^Stopped importing .* after N s\\.\\n  statements read +[\\d,]+\\n`));
    const read = Number(/statements read +([\d,]+)/.exec(stopped.stdout)![1]!.replaceAll(',', ''));
    assert.ok(read > 0 && read < lines.length, `${read} of ${lines.length} read when stopped`);

    const resumed = await coursepulse(['import', file, '--platform', platformId, '--batch-size', '100', '--json'], env);
    assert.equal(resumed.code, 0, resumed.stderr);
    const summary = JSON.parse(resumed.stdout) as Record<string, unknown>;
    assert.ok((summary.resumedFrom as number) > 0);
    assert.deepEqual(
      { ...summary, seconds: 0, resumedFrom: 0 },
      {
        file,
        statementsRead: lines.length,
        stored: lines.length,
        duplicates: 0,
        unresolved: { 'no-course': 0, 'course-not-launched': 0, 'person-not-matched': 0 },
        ignored: 0,
        voided: 0,
        rejected: 0,
        rejectedReasons: [],
        resumedFrom: 0,
        seconds: 0,
        interrupted: false,
      },
    );
  });

  it('exits 1 for an unknown platform, a missing file and a broken JSON array; 2 for usage mistakes', async () => {
    const { env, platformId } = await preparedDatabase(1);
    const file = path.join(dir, 'one.ndjson');
    fs.writeFileSync(file, activityLines(1, 1)[0]! + '\n');

    const unknown = await coursepulse(['import', file, '--platform', 'no-such-platform'], env);
    assert.deepEqual(unknown, {
      code: 1,
      stdout: '',
      stderr: `coursepulse: no platform with the id "no-such-platform" in this database. Its platforms: ${platformId} (${LMS}). "coursepulse platform list" shows them with their names (it asks the running server).\n`,
    });

    const missing = await coursepulse(['import', path.join(dir, 'nothing.json'), '--platform', platformId], env);
    assert.deepEqual(missing, { code: 1, stdout: '', stderr: `coursepulse: cannot read ${path.join(dir, 'nothing.json')}: no such file\n` });

    const broken = path.join(dir, 'broken.json');
    fs.writeFileSync(broken, `[${activityLines(1, 1)[0]!}\n{"a": 1}]`);
    const cut = await coursepulse(['import', broken, '--platform', platformId], env);
    assert.equal(cut.code, 1);
    assert.match(cut.stdout, /^Stopped importing .*\n  statements read +1\n  stored +1\n/);
    assert.match(cut.stderr, /coursepulse: cannot read on: .*broken\.json: line 2, column 1 \(byte \d+\): expected "," or "]" after an item, found "\{"\. The statements before it are stored; fix the file and import it again\.\n$/);

    const usage = async (argv: string[]) => {
      let err = '';
      const code = await main(argv, { out: () => {}, err: (s) => (err += s), env: {}, cwd: dir });
      return { code, first: err.split('\n')[0] };
    };
    assert.deepEqual(await usage(['import', '--platform', 'p']), { code: 2, first: 'coursepulse: import takes one file (got none)' });
    assert.deepEqual(await usage(['import', 'a.json', 'b.json', '--platform', 'p']), { code: 2, first: 'coursepulse: import takes one file (got "a.json b.json")' });
    assert.deepEqual(await usage(['import', 'a.json']), {
      code: 2,
      first: 'coursepulse: import needs --platform, the id of the platform the statements come from (see "coursepulse platform list")',
    });
    assert.deepEqual(await usage(['import', 'a.json', '--platform', 'p', '--batch-size', '0']), { code: 2, first: 'coursepulse: --batch-size 0 is not a whole number from 1 to 100000' });
    assert.deepEqual(await usage(['import', 'a.json', '--platform', 'p', '--batch-size', 'many']), { code: 2, first: 'coursepulse: --batch-size many is not a whole number from 1 to 100000' });
  });

  it('is in the usage text', async () => {
    let out = '';
    await main(['help'], { out: (s) => (out += s), err: () => {}, env: {}, cwd: '/' });
    assert.match(out, /^ {2}import <file> --platform ID \[--batch-size N\] \[--again\]$/m);
  });
});
