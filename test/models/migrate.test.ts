import assert from 'node:assert/strict';
import type { Database } from '../../src/models/database.js';
import { MigrationError, migrate, readMigrations } from '../../src/models/migrate.js';
import { BACKEND, emptyTestDatabase } from '../support/databases.js';

const tables = (db: Database) =>
  db
    .query<{ table_name: string }>(
      "select table_name from information_schema.tables where table_schema = 'public' order by table_name",
    )
    .then((rows) => rows.map((r) => r.table_name));

describe(`migrations (${BACKEND})`, () => {
  let db: Database;
  beforeEach(async () => {
    db = await emptyTestDatabase();
  });
  afterEach(async () => {
    await db.close();
  });

  it('creates the whole schema on an empty database, then finds nothing to do', async () => {
    const all = readMigrations().map((m) => m.name);
    assert.deepEqual(await migrate(db), all);
    assert.deepEqual(await tables(db), ['course_days', 'courses', 'derived_settings', 'group_members', 'groups', 'import_runs', 'ingest_credentials', 'launches', 'lti_store', 'members', 'platform_origins', 'report_views', 'schema_migrations', 'source_events', 'statement_attachments', 'student_days', 'student_totals', 'student_visits']);
    assert.deepEqual(await migrate(db), []);
    const applied = await db.query<{ name: string }>('select name from schema_migrations order by name');
    assert.deepEqual(
      applied.map((r) => r.name),
      all,
    );
  });

  it('applies each migration once when two runs start at the same moment', async () => {
    const results = await Promise.all([migrate(db), migrate(db)]);
    assert.deepEqual(results.flat().sort(), readMigrations().map((m) => m.name));
    const [{ n }] = await db.query<{ n: number }>('select count(*)::int as n from schema_migrations') as [{ n: number }];
    assert.equal(n, readMigrations().length);
  });

  it('applies nothing of a migration that fails, and names it', async () => {
    const good = { name: '9000_good', sql: 'create table good_one (id int);', checksum: 'a' };
    const bad = { name: '9001_bad', sql: 'create table bad_one (id int); select * from no_such_table;', checksum: 'b' };
    await assert.rejects(migrate(db, [...readMigrations(), good, bad]), /no_such_table/);
    assert.deepEqual(await tables(db), []);
  });

  it('refuses a migration edited after it was applied', async () => {
    await migrate(db);
    const edited = readMigrations().map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
    await assert.rejects(migrate(db, edited), (err: unknown) => err instanceof MigrationError && /was changed after it was applied/.test(err.message));
  });

  it('refuses to run on a database migrated by a newer version', async () => {
    await migrate(db, [...readMigrations(), { name: '9999_future', sql: 'select 1;', checksum: 'f' }]);
    await assert.rejects(migrate(db), /newer CoursePulse/);
  });
});
