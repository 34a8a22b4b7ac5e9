/**
 * The product as an admin runs it: a real process on an empty DATA_DIR (and, on the server
 * backend, an empty database), its generated secrets, the `coursepulse` command against it,
 * a clean stop, and a restart that still has the data.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { main as coursepulse } from '../src/cli/coursepulse.js';
import { BACKEND, processDatabaseEnv } from './support/databases.js';
import { SERVER_NODE_ARGS } from '../src/server-node-args.js';
import { KEEP_ALIVE_TIMEOUT_MS } from '../src/server.js';
import { ServerProcess, buildIfNeeded, freePort } from './support/server-process.js';

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await coursepulse(argv, { out: (s) => (out += s), err: (s) => (err += s), env: {}, cwd: '/' });
  return { code, out, err };
}

const moodle = [
  '--issuer', 'https://moodle.example.edu',
  '--client-id', 'abc123',
  '--name', 'Moodle',
  '--auth-url', 'https://moodle.example.edu/mod/lti/auth.php',
  '--token-url', 'https://moodle.example.edu/mod/lti/token.php',
  '--jwks-url', 'https://moodle.example.edu/mod/lti/certs.php',
];

describe(`npm start (${BACKEND})`, function () {
  this.timeout(120_000);
  let env: { DATA_DIR: string; DATABASE_URL?: string };
  let port: number;
  let server: ServerProcess | undefined;

  before(() => buildIfNeeded());
  // Each test gets its own empty DATA_DIR (and database): every start here is a cold start.
  beforeEach(async () => {
    env = await processDatabaseEnv();
    port = await freePort();
  });
  afterEach(async () => {
    await server?.stop('SIGKILL');
    server = undefined;
    fs.rmSync(env.DATA_DIR, { recursive: true, force: true });
  });

  const start = () => (server = ServerProcess.start({ ...env, PORT: String(port), LOG_LEVEL: 'info' }));

  it('starts on an empty DATA_DIR and answers /healthz within 20 seconds', async () => {
    const s = start();
    const ms = await s.healthy(20_000);
    console.log(`      cold start to healthy: ${ms} ms`);
    const messages = s.logs().map((line) => line.msg);
    if (BACKEND === 'pglite') assert.ok(messages.some((m) => String(m).startsWith('first start: creating the embedded database')));
    assert.ok(messages.includes(`CoursePulse is listening on port ${port}`));
    // Idle connections outlive a proxy's (nginx, AWS ALB: 60 s), which would otherwise meet a closed one.
    const health = await fetch(`${s.url}/healthz`);
    assert.equal(health.headers.get('keep-alive'), `timeout=${KEEP_ALIVE_TIMEOUT_MS / 1000}`);
    // Secrets are generated once, readable by their owner only, and never logged.
    for (const file of ['admin-token', 'lti-key']) {
      const stat = fs.statSync(path.join(env.DATA_DIR, file));
      assert.equal(stat.mode & 0o777, 0o600, file);
      const secret = fs.readFileSync(path.join(env.DATA_DIR, file), 'utf8').trim();
      assert.ok(!s.stdout.join('\n').includes(secret), `${file} must not be logged`);
    }
    assert.ok(messages.includes('generated an admin token; the admin API and the coursepulse command read it from this file'));
  });

  it('registers and lists platforms through the coursepulse command', async () => {
    const s = start();
    await s.healthy(20_000);
    const target = ['--url', s.url, '--data-dir', env.DATA_DIR];
    const empty = await cli(['platform', 'list', ...target]);
    assert.equal(empty.code, 0, empty.err);
    assert.match(empty.out, /^No platforms are registered yet/);

    const added = await cli(['platform', 'add', ...moodle, ...target, '--json']);
    assert.equal(added.code, 0, added.err);
    const [platform] = JSON.parse(added.out) as Array<{ id: string }>;
    assert.deepEqual(JSON.parse(added.out), [
      { id: platform!.id, issuer: 'https://moodle.example.edu', clientId: 'abc123', name: 'Moodle', active: true },
    ]);

    const off = await cli(['platform', 'deactivate', platform!.id, ...target]);
    assert.deepEqual(off, { code: 0, out: `Moodle (${platform!.id}) is now inactive.\n`, err: '' });
    const listed = await cli(['platform', 'list', ...target]);
    assert.equal(
      listed.out,
      [
        'ID                                NAME    ISSUER                      CLIENT ID  ACTIVE',
        `${platform!.id}  Moodle  https://moodle.example.edu  abc123     no`,
        '',
      ].join('\n'),
    );
    const on = await cli(['platform', 'activate', platform!.id, ...target]);
    assert.equal(on.code, 0);

    const twice = await cli(['platform', 'add', ...moodle, ...target]);
    assert.equal(twice.code, 1);
    assert.equal(
      twice.err,
      `coursepulse: 409: a platform with issuer https://moodle.example.edu and client id abc123 is already registered (id ${platform!.id})\n`,
    );
    const wrongToken = await cli(['platform', 'list', '--url', s.url, '--token', 'not-the-token']);
    assert.deepEqual(wrongToken, { code: 1, out: '', err: 'coursepulse: 401: wrong admin token\n' });
  });

  it('makes, lists and revokes ingest credentials through the coursepulse command', async () => {
    const s = start();
    await s.healthy(20_000);
    const target = ['--url', s.url, '--data-dir', env.DATA_DIR];
    const [platform] = JSON.parse((await cli(['platform', 'add', ...moodle, ...target, '--json'])).out) as Array<{ id: string }>;
    assert.match((await cli(['credentials', 'list', ...target])).out, /^No credentials yet/);

    const made = await cli(['credentials', 'create', '--platform', platform!.id, '--label', 'log store', ...target]);
    assert.equal(made.code, 0, made.err);
    const key = /key \(username\)\s+(\S+)/.exec(made.out)?.[1];
    assert.ok(key);
    assert.match(made.out, new RegExp(`^Credential for platform ${platform!.id} \\(log store\\)\\. The secret is shown only now`));
    assert.match(made.out, /xAPI endpoint {5}http:\/\/localhost:\d+\/xapi\//);
    assert.match(made.out, /secret \(password\) [A-Za-z0-9_-]{43}/);

    const listed = await cli(['credentials', 'list', ...target, '--json']);
    assert.deepEqual(
      (JSON.parse(listed.out) as Array<Record<string, unknown>>).map(({ key: k, platformId, label, revokedAt }) => ({ k, platformId, label, revokedAt })),
      [{ k: key, platformId: platform!.id, label: 'log store', revokedAt: null }],
    );
    assert.deepEqual(await cli(['credentials', 'revoke', key!, ...target]), { code: 0, out: `Revoked ${key}: activity sent with it is refused from now on.\n`, err: '' });
    assert.match((await cli(['credentials', 'list', ...target])).out, /revoked$/m);
    assert.equal((await cli(['credentials', 'revoke', 'cpk_unknown', ...target])).err, 'coursepulse: 404: no credential with key cpk_unknown\n');
  });

  it('stops cleanly on SIGTERM, and after a restart still lists the platforms added before', async () => {
    const first = start();
    await first.healthy(20_000);
    const added = await cli(['platform', 'add', ...moodle, '--url', first.url, '--data-dir', env.DATA_DIR]);
    assert.equal(added.code, 0, added.err);
    const before = await cli(['platform', 'list', '--url', first.url, '--data-dir', env.DATA_DIR, '--json']);
    assert.equal(JSON.parse(before.out).length, 1);
    assert.deepEqual(await first.stop('SIGTERM'), { code: 0, signal: null });
    assert.ok(first.logs().some((line) => line.msg === 'stopped'));

    const second = start();
    await second.healthy(20_000);
    const after = await cli(['platform', 'list', '--url', second.url, '--data-dir', env.DATA_DIR, '--json']);
    assert.deepEqual(JSON.parse(after.out), JSON.parse(before.out));
    assert.ok(second.logs().some((line) => line.msg === 'database schema is up to date'));
    assert.deepEqual(await second.stop('SIGINT'), { code: 0, signal: null });
  });

  if (BACKEND === 'pglite') {
    it('refuses to open an embedded database another process is using', async () => {
      const first = start();
      await first.healthy(20_000);
      const second = ServerProcess.start({ ...env, PORT: String(await freePort()) });
      assert.equal((await second.exited).code, 1);
      const fatal = second.logs().find((line) => line.level === 60);
      assert.match(String((fatal?.err as { message?: string })?.message), /another CoursePulse process \(pid \d+\) is using the embedded database/);
      assert.equal((await fetch(`${first.url}/healthz`)).status, 200);
    });
  }

  it('stops at start-up with one line when a setting is wrong', async () => {
    const s = ServerProcess.start({ ...env, PORT: String(port), VISIT_TIMEOUT_MINUTES: '1' });
    assert.deepEqual(await s.exited, { code: 78, signal: null });
    assert.deepEqual(s.stderr, [
      'Configuration error: VISIT_TIMEOUT_MINUTES="1" is not allowed; expected a whole number of minutes from 5 to 240.',
    ]);
  });
});

describe('the Node.js options of the server', () => {
  it('are the ones npm start runs it with, which the tests and benchmarks that start it use too', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { scripts: { start: string } };
    assert.equal(manifest.scripts.start, `node scripts/build-if-needed.mjs && node ${SERVER_NODE_ARGS.join(' ')} dist/main.js`);
  });
});
