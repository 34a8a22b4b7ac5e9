/**
 * `coursepulse rebuild` as a real process on a real DATA_DIR (PGlite) or server database: after
 * VISIT_TIMEOUT_MINUTES changed it rebuilds, prints what changed and what it did, draws its
 * progress on stderr, and records the settings; --remap maps the stored events again; with the
 * embedded database it is refused while another process holds DATA_DIR. The database is
 * support/rebuild-database.ts's: G = 30 recorded, then the command runs with G = 5.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { lockDataDir } from '../src/data-dir.js';
import { derivedSettingsOf } from '../src/ingest/derived-settings.js';
import { BACKEND } from './support/databases.js';
import { coursepulse } from './support/cli-run.js';
import { G30, preparedDatabase, stateOf } from './support/rebuild-database.js';
import { buildIfNeeded } from './support/server-process.js';

const seconds = (text: string) => text.replace(/ in \d+\.\d s\./, ' in N s.');

describe('coursepulse rebuild', function () {
  // Each test opens its own embedded database several times, in this process and in the command's.
  this.timeout(300_000);
  const dirs: string[] = [];
  before(function () {
    this.timeout(300_000);
    buildIfNeeded();
  });
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rebuilds after VISIT_TIMEOUT_MINUTES changed, with progress on stderr, and records the settings; --remap maps the events again', async () => {
    const env = await preparedDatabase();
    dirs.push(env.DATA_DIR!);
    assert.deepEqual((await stateOf(env)).visits, [{ user_id: '1001', visits: 1 }, { user_id: '1002', visits: 1 }]);

    const run = await coursepulse(['rebuild'], { ...env, VISIT_TIMEOUT_MINUTES: '5' });
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      seconds(run.stdout),
      [
        'Rebuilding with VISIT_TIMEOUT_MINUTES=5, LAST_EVENT_CREDIT_SECONDS=60, TIMEZONE=UTC (VISIT_TIMEOUT_MINUTES 30 → 5).',
        'Rebuilt 1 course (2 students) in N s.',
        '',
      ].join('\n'),
    );
    // Not a terminal: plain progress lines, the last at 100 %.
    assert.match(run.stderr, /^Recomputing students: 100% \(2 students of 2 students, [\d,]+ students\/s\)\n$/);
    assert.deepEqual(await stateOf(env), {
      settings: derivedSettingsOf({ ...G30, visitTimeoutMinutes: 5 }),
      visits: [{ user_id: '1001', visits: 3 }, { user_id: '1002', visits: 2 }],
    });

    const remap = await coursepulse(['rebuild', '--remap'], { ...env, VISIT_TIMEOUT_MINUTES: '5' });
    assert.equal(remap.code, 0, remap.stderr);
    assert.equal(
      seconds(remap.stdout),
      [
        'Rebuilding with VISIT_TIMEOUT_MINUTES=5, LAST_EVENT_CREDIT_SECONDS=60, TIMEZONE=UTC, re-mapping every stored event (the settings have not changed).',
        'Rebuilt 1 course (2 students, 0 of 5 events re-mapped) in N s.',
        '',
      ].join('\n'),
    );
    assert.match(remap.stderr, /^Re-mapping events: 100% \(5 events of 5 events, [\d,]+ events\/s\)\nRecomputing students: 100% \(2 students of 2 students, [\d,]+ students\/s\)\n$/);

    const extra = await coursepulse(['rebuild', 'now'], env);
    assert.equal(extra.code, 2);
    assert.equal(extra.stderr.split('\n')[0], 'coursepulse: rebuild takes no arguments (got "now")');
  });

  it('is refused while another process holds the embedded database, and changes nothing', async function () {
    // With DATABASE_URL there is no DATA_DIR lock: the command may run beside a server.
    if (BACKEND !== 'pglite') this.skip();
    const env = await preparedDatabase();
    dirs.push(env.DATA_DIR!);
    // This test process holds DATA_DIR, as a running server would.
    const release = lockDataDir(env.DATA_DIR!);
    let run;
    try {
      run = await coursepulse(['rebuild'], { ...env, VISIT_TIMEOUT_MINUTES: '5' });
    } finally {
      release();
    }
    assert.deepEqual(run, {
      code: 1,
      stdout: '',
      stderr: `coursepulse: cannot open the database: another CoursePulse process (pid ${process.pid}) is using the embedded database in ${env.DATA_DIR}; stop it or choose another DATA_DIR\n`,
    });
    assert.deepEqual(await stateOf(env), { settings: derivedSettingsOf(G30), visits: [{ user_id: '1001', visits: 1 }, { user_id: '1002', visits: 1 }] });
  });
});
