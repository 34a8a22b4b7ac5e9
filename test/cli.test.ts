import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../src/cli/coursepulse.js';
import { freePort } from './support/server-process.js';

async function run(argv: string[], env: NodeJS.ProcessEnv = {}, cwd = '/') {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (s) => (out += s), err: (s) => (err += s), env, cwd });
  return { code, out, err };
}

describe('the coursepulse command', () => {
  it('prints its usage for help, and exits 2 with it when given nothing', async () => {
    const help = await run(['help']);
    assert.equal(help.code, 0);
    assert.match(help.out, /^Usage: coursepulse <command> \[options\]/);
    const nothing = await run([]);
    assert.equal(nothing.code, 2);
  });

  it('names a usage mistake and exits 2', async () => {
    const cases: Array<[string[], string]> = [
      [['frobnicate'], 'coursepulse: unknown command "frobnicate"'],
      [['platform'], 'coursepulse: platform needs a command: list, add, activate or deactivate'],
      [['platform', 'list', '--colour'], "coursepulse: Unknown option '--colour'"],
      [['platform', 'activate', '--token', 'x'.repeat(20)], 'coursepulse: platform activate takes one platform id (see "coursepulse platform list")'],
      [['platform', 'add', '--issuer', 'https://x.example', '--token', 'x'.repeat(20)], 'coursepulse: missing --client-id, --name, --auth-url, --token-url, --jwks-url'],
    ];
    for (const [argv, first] of cases) {
      const result = await run(argv);
      assert.equal(result.code, 2, argv.join(' '));
      assert.equal(result.err.split('\n')[0]!.replace(/\. To specify.*$/, ''), first);
    }
  });

  it('says where it looked for the admin token when it finds none', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coursepulse-cli-'));
    const result = await run(['platform', 'list', '--data-dir', dir]);
    assert.equal(result.code, 2);
    assert.equal(
      result.err.split('\n')[0],
      `coursepulse: no admin token: give --token, set ADMIN_TOKEN, or run where ${path.join(dir, 'admin-token')} exists (--data-dir)`,
    );
  });

  it('reads the token from DATA_DIR and the port from PORT, and says when nothing answers there', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coursepulse-cli-'));
    fs.writeFileSync(path.join(dir, 'admin-token'), 'token-from-the-data-dir\n');
    const port = await freePort();
    const result = await run(['platform', 'list'], { DATA_DIR: dir, PORT: String(port) });
    assert.deepEqual(result, {
      code: 1,
      out: '',
      err: `coursepulse: cannot reach CoursePulse at http://127.0.0.1:${port} (ECONNREFUSED); is it running? Use --url to point elsewhere.\n`,
    });
  });
});
