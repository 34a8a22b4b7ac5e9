/**
 * `coursepulse backup` and `coursepulse restore` as real processes on real DATA_DIRs: a database
 * made as production makes it (platform, launch, roster, statements through the ingestion
 * pipeline) round-trips whole — statements, figures, roster, ltijs's documents — into a new
 * DATA_DIR; bad files are refused before anything is touched; an existing database is replaced
 * only with --force and kept aside; a server database gets the pg_dump commands instead.
 * The embedded database is the subject, so most of this runs on the PGlite backend; on the
 * server backend the refusal with pg_dump/pg_restore is what there is to test.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { openLocalDatabase } from '../src/cli/local-database.js';
import { lockDataDir } from '../src/data-dir.js';
import { execFileSync } from 'node:child_process';
import { SERVER_BACKUP_HINT } from '../src/cli/backup-command.js';
import { BACKEND, newUnmigratedServerDatabase, SERVER_URL } from './support/databases.js';
import { coursepulse } from './support/cli-run.js';
import { derivedRows } from './support/derived-rows.js';
import { preparedDatabase } from './support/rebuild-database.js';
import { buildIfNeeded } from './support/server-process.js';

/** Everything a restore must bring back, as whole rows. */
async function contentOf(env: Record<string, string>) {
  const local = await openLocalDatabase(env);
  try {
    const rows = (sql: string) => local.db.query<Record<string, unknown>>(sql);
    const [platform] = await rows(`select doc->>'kid' as id from lti_store where collection = 'platform'`);
    return {
      statements: await rows(
        `select platform_id, source, source_id, seq, payload, stored_at, event_at, kind, context_id, user_id from source_events order by seq`,
      ),
      figures: await derivedRows(local.db, String(platform!.id)),
      totals: await rows(`select * from student_totals order by user_id collate "C"`),
      members: await rows(`select platform_id, context_id, user_id, name, roles, status from members order by user_id collate "C"`),
      courses: await rows(`select platform_id, context_id, title, first_launch_at from courses`),
      ltiStore: await rows(`select collection, doc from lti_store order by id`),
      migrations: await rows(`select name, checksum from schema_migrations order by name`),
    };
  } finally {
    await local.close();
  }
}

const seconds = (text: string) => text.replace(/ in \d+\.\d s\./, ' in N s.').replace(/\(\d+(\.\d)? (kB|MB)\)/g, '(SIZE)');
const REMINDER =
  'The backup holds the database only: keep LTI_KEY (or DATA_DIR/lti-key) with it — without that key the platforms\' keys in it cannot be read — and ADMIN_TOKEN (or DATA_DIR/admin-token).';

describe('coursepulse backup and restore', function () {
  this.timeout(300_000);
  const dirs: string[] = [];
  const tmp = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coursepulse-backup-'));
    dirs.push(dir);
    return dir;
  };
  before(function () {
    this.timeout(300_000);
    buildIfNeeded();
  });
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('the embedded database', function () {
    before(function () {
      if (BACKEND !== 'pglite') this.skip();
    });

    it('round-trips a database whole into a new DATA_DIR, with size and time on the way', async () => {
      const env = await preparedDatabase();
      dirs.push(env.DATA_DIR!);
      const before = await contentOf(env);
      assert.equal(before.statements.length, 5);
      assert.equal(before.figures.visits.length, 2);
      const file = path.join(tmp(), 'coursepulse.backup');

      const backup = await coursepulse(['backup', file], env);
      assert.equal(backup.code, 0, backup.stderr);
      assert.equal(
        seconds(backup.stdout),
        [`Backing up the embedded database in ${path.join(env.DATA_DIR!, 'pglite')} …`, `Backed up to ${file} (SIZE) in N s.`, REMINDER, ''].join('\n'),
      );
      assert.equal(backup.stderr, '');
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      // Compressed: a gzip stream.
      assert.deepEqual([...fs.readFileSync(file).subarray(0, 2)], [0x1f, 0x8b]);

      const restoredDir = tmp();
      const restore = await coursepulse(['restore', file], { DATA_DIR: restoredDir });
      assert.equal(restore.code, 0, restore.stderr);
      const migrations = before.migrations.length;
      assert.equal(
        seconds(restore.stdout),
        [`Checking ${file} (SIZE) …`, `Restored ${file} into ${path.join(restoredDir, 'pglite')} (${migrations} migrations applied).`, REMINDER, ''].join('\n'),
      );
      assert.deepEqual(fs.readdirSync(restoredDir).sort(), ['pglite']);
      assert.deepEqual(await contentOf({ DATA_DIR: restoredDir }), before);
    });

    it('refuses a missing file, a file that is not a backup and a truncated one, changing nothing', async () => {
      const dataDir = tmp();
      const dir = tmp();
      const missing = path.join(dir, 'nothing-here.backup');
      const garbage = path.join(dir, 'garbage.backup');
      fs.writeFileSync(garbage, 'this is not a backup at all');
      const notTar = path.join(dir, 'not-a-tar.backup');
      fs.writeFileSync(notTar, zlib.gzipSync(Buffer.alloc(2048, 7)));
      const noDatabase = path.join(dir, 'empty-archive.backup');
      fs.writeFileSync(noDatabase, zlib.gzipSync(Buffer.alloc(1024)));

      const env = await preparedDatabase();
      dirs.push(env.DATA_DIR!);
      const good = path.join(dir, 'good.backup');
      assert.equal((await coursepulse(['backup', good], env)).code, 0);
      const truncated = path.join(dir, 'truncated.backup');
      fs.writeFileSync(truncated, fs.readFileSync(good).subarray(0, 4000));

      const expected: Array<[string, string]> = [
        [missing, `${missing} does not exist`],
        [garbage, `${garbage} is not a CoursePulse backup: the archive ends in the middle (is the file complete?)`],
        [notTar, `${notTar} is not a CoursePulse backup: not a tar archive (bad header at byte 0)`],
        [noDatabase, `${noDatabase} is not a CoursePulse backup: it holds no PostgreSQL data folder`],
        [truncated, `${truncated} is damaged: its compressed data ends too early (is the file complete?)`],
      ];
      for (const [file, message] of expected) {
        const run = await coursepulse(['restore', file], { DATA_DIR: dataDir });
        assert.deepEqual(run, { code: 1, stdout: '', stderr: `coursepulse: ${message}; nothing was changed\n` }, file);
      }
      assert.deepEqual(fs.readdirSync(dataDir), []);
    });

    it('refuses to replace an existing database without --force; with it, keeps the old one renamed beside the restored one', async () => {
      const source = await preparedDatabase();
      dirs.push(source.DATA_DIR!);
      const file = path.join(tmp(), 'coursepulse.backup');
      assert.equal((await coursepulse(['backup', file], source)).code, 0);
      const wanted = await contentOf(source);

      // Another database, with other data, in the DATA_DIR to restore into.
      const target = await preparedDatabase();
      dirs.push(target.DATA_DIR!);
      const existing = await contentOf(target);
      assert.notDeepEqual(existing.ltiStore, wanted.ltiStore);
      const targetDb = path.join(target.DATA_DIR!, 'pglite');

      const refused = await coursepulse(['restore', file], target);
      assert.deepEqual(refused, {
        code: 1,
        stdout: '',
        stderr: `coursepulse: there is a database in ${targetDb} already; nothing was changed. Add --force to replace it (it is kept, renamed, beside the restored one).\n`,
      });
      assert.deepEqual(await contentOf(target), existing);

      const forced = await coursepulse(['restore', file, '--force'], target);
      assert.equal(forced.code, 0, forced.stderr);
      const kept = fs.readdirSync(target.DATA_DIR!).filter((name) => name.startsWith('pglite.before-restore-'));
      assert.equal(kept.length, 1);
      assert.match(kept[0]!, /^pglite\.before-restore-\d{8}T\d{6}Z$/);
      assert.ok(forced.stdout.includes(`The database that was there is kept in ${path.join(target.DATA_DIR!, kept[0]!)}; delete it once the restored one is checked.\n`), forced.stdout);
      assert.deepEqual(await contentOf(target), wanted);
      // The old one is whole: opened in its kept folder, it is what was there.
      fs.mkdirSync(path.join(target.DATA_DIR!, 'old'));
      fs.renameSync(path.join(target.DATA_DIR!, kept[0]!), path.join(target.DATA_DIR!, 'old', 'pglite'));
      assert.deepEqual(await contentOf({ DATA_DIR: path.join(target.DATA_DIR!, 'old') }), existing);
    });

    it('refuses while a server holds DATA_DIR, refuses to overwrite a file without --force, and has nothing to back up in an empty DATA_DIR', async () => {
      const env = await preparedDatabase();
      dirs.push(env.DATA_DIR!);
      const file = path.join(tmp(), 'coursepulse.backup');
      const release = lockDataDir(env.DATA_DIR!);
      let locked;
      try {
        locked = await coursepulse(['backup', file], env);
      } finally {
        release();
      }
      assert.deepEqual(locked, {
        code: 1,
        stdout: '',
        stderr:
          `coursepulse: cannot back up now: another CoursePulse process (pid ${process.pid}) is using the embedded database in ${env.DATA_DIR}; stop it or choose another DATA_DIR. ` +
          'PGlite cannot be read while another process has it open; stop the server, back up, and start it again.\n',
      });
      assert.equal(fs.existsSync(file), false);

      fs.writeFileSync(file, 'an older backup');
      assert.deepEqual(await coursepulse(['backup', file], env), {
        code: 1,
        stdout: '',
        stderr: `coursepulse: ${file} exists already; choose another file, or add --force to overwrite it\n`,
      });
      assert.equal(fs.readFileSync(file, 'utf8'), 'an older backup');
      assert.equal((await coursepulse(['backup', file, '--force'], env)).code, 0);
      assert.deepEqual([...fs.readFileSync(file).subarray(0, 2)], [0x1f, 0x8b]);

      const empty = tmp();
      assert.deepEqual(await coursepulse(['backup', path.join(empty, 'x.backup')], { DATA_DIR: empty }), {
        code: 1,
        stdout: '',
        stderr: `coursepulse: there is no embedded database in ${path.join(empty, 'pglite')} to back up (is DATA_DIR right?)\n`,
      });
    });
  });

  it('with DATABASE_URL, refuses and gives the pg_dump and pg_restore commands (never the URL, which holds the password)', async () => {
    const env = { DATA_DIR: tmp(), DATABASE_URL: 'postgres://pulse:s3cret@db.example.edu:5432/coursepulse' };
    const hint = [
      "With DATABASE_URL the data is on a PostgreSQL server: back it up and restore it with PostgreSQL's tools, beside a running CoursePulse:",
      '',
      '  pg_dump --format=custom --file=coursepulse.dump "$DATABASE_URL"',
      '  pg_restore --clean --if-exists --no-owner --dbname="$DATABASE_URL" coursepulse.dump',
      '',
      '(pg_restore into an empty database, or with --clean over the same one with CoursePulse stopped; see docs/OPERATIONS.md.)',
      '',
    ].join('\n');
    assert.deepEqual(await coursepulse(['backup', 'x.backup'], env), { code: 1, stdout: '', stderr: `coursepulse: backup is for the embedded database.\n${hint}` });
    assert.deepEqual(await coursepulse(['restore', 'x.backup'], env), { code: 1, stdout: '', stderr: `coursepulse: restore is for the embedded database.\n${hint}` });
  });

  it('on a server database, the pg_dump and pg_restore commands it gives round-trip the database whole', async function () {
    if (BACKEND !== 'postgres') this.skip();
    const env = await preparedDatabase();
    dirs.push(env.DATA_DIR!);
    const before = await contentOf(env);
    const target = new URL(SERVER_URL!);
    target.pathname = `/${await newUnmigratedServerDatabase()}`;
    const [dump, restore] = SERVER_BACKUP_HINT.split('\n').filter((line) => line.startsWith('  pg_')).map((line) => line.trim());
    const cwd = tmp();
    // Exactly as printed, through a shell, with DATABASE_URL the source and then the (empty) target.
    execFileSync('sh', ['-c', dump!], { cwd, env: { PATH: process.env.PATH, DATABASE_URL: env.DATABASE_URL } });
    execFileSync('sh', ['-c', restore!], { cwd, env: { PATH: process.env.PATH, DATABASE_URL: target.toString() } });
    assert.deepEqual(await contentOf({ DATA_DIR: env.DATA_DIR!, DATABASE_URL: target.toString() }), before);
  });

  it('usage: one file', async () => {
    const run = await coursepulse(['backup'], { DATA_DIR: tmp() });
    assert.equal(run.code, 2);
    assert.equal(run.stderr.split('\n')[0], 'coursepulse: backup takes one file (got none)');
    const two = await coursepulse(['restore', 'a', 'b'], { DATA_DIR: tmp() });
    assert.equal(two.code, 2);
    assert.equal(two.stderr.split('\n')[0], 'coursepulse: restore takes one file (got "a b")');
  });
});
