/**
 * The server at start on a DATA_DIR (and database) holding data derived with G = 30: started with
 * VISIT_TIMEOUT_MINUTES=5 it says what changed, rebuilds before it listens, logs progress and the
 * time taken, and records the settings; started again with the same configuration it does not
 * rebuild. While it runs, `coursepulse rebuild` on its embedded database is refused.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { main as coursepulse } from '../src/cli/coursepulse.js';
import { derivedSettingsOf } from '../src/ingest/derived-settings.js';
import { BACKEND } from './support/databases.js';
import { G30, preparedDatabase, stateOf } from './support/rebuild-database.js';
import { ServerProcess, buildIfNeeded, freePort } from './support/server-process.js';

describe(`the server rebuilds at start when the settings changed (${BACKEND})`, function () {
  this.timeout(300_000);
  let env: Record<string, string>;
  let server: ServerProcess | undefined;

  before(() => buildIfNeeded());
  afterEach(async () => {
    await server?.stop('SIGKILL');
    server = undefined;
    fs.rmSync(env.DATA_DIR!, { recursive: true, force: true });
  });

  const start = async () => (server = ServerProcess.start({ ...env, PORT: String(await freePort()), LOG_LEVEL: 'info', VISIT_TIMEOUT_MINUTES: '5' }));
  const messages = (s: ServerProcess): Array<[unknown, string]> => s.logs().map((line) => [line.level, String(line.msg)]);

  it('rebuilds visits and days before listening, logging what changed, the progress and the time', async () => {
    env = await preparedDatabase();
    const s = await start();
    await s.healthy(120_000);
    const logged = messages(s);
    const warning = logged.findIndex(([, msg]) => msg === 'VISIT_TIMEOUT_MINUTES 30 → 5: rebuilding visits and days of 1 course');
    assert.ok(warning >= 0, JSON.stringify(logged));
    assert.equal(logged[warning]![0], 40);
    assert.deepEqual(logged[warning + 1], [30, 'rebuilding visits and days: 100 % (2 of 2 students)']);
    assert.match(logged[warning + 2]![1]!, /^rebuilt visits and days of 1 course \(2 students\) in \d+\.\d s$/);
    const listening = logged.findIndex(([, msg]) => msg.startsWith('CoursePulse is listening on port'));
    assert.ok(listening > warning + 2, 'the rebuild comes before listening');

    if (BACKEND === 'pglite') {
      let err = '';
      const code = await coursepulse(['rebuild'], { out: () => {}, err: (t) => (err += t), env: { DATA_DIR: env.DATA_DIR }, cwd: '/' });
      assert.deepEqual({ code, err }, {
        code: 1,
        err: `coursepulse: cannot open the database: another CoursePulse process (pid ${s.child.pid}) is using the embedded database in ${env.DATA_DIR}; stop it or choose another DATA_DIR\n`,
      });
    }

    assert.deepEqual(await s.stop(), { code: 0, signal: null });
    server = undefined;
    assert.deepEqual(await stateOf(env), {
      settings: derivedSettingsOf({ ...G30, visitTimeoutMinutes: 5 }),
      visits: [{ user_id: '1001', visits: 3 }, { user_id: '1002', visits: 2 }],
    });

    // The same configuration again: nothing to rebuild.
    const again = await start();
    await again.healthy(120_000);
    assert.deepEqual(messages(again).filter(([, msg]) => msg.includes('rebuil')), []);
  });
});
