/**
 * One rebuild at a time across processes (src/models/rebuild-lock.ts), each process played by a
 * pool of its own on one server database: while one holds the rebuild, another's start-up check
 * and another `coursepulse rebuild` wait for it, say so, and then find nothing to do or rebuild
 * after it. Server only: the embedded database has one process.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { derivedSettingsOf } from '../../src/ingest/derived-settings.js';
import { rebuildDerived, rebuildIfSettingsChanged } from '../../src/ingest/rebuild.js';
import type { RollupSettings } from '../../src/ingest/recompute.js';
import { createLogger } from '../../src/logger.js';
import type { Database } from '../../src/models/database.js';
import { readDerivedSettings, writeDerivedSettings } from '../../src/models/derived-settings.js';
import { openPostgres } from '../../src/models/postgres-database.js';
import { withRebuildLock } from '../../src/models/rebuild-lock.js';
import { BACKEND, SERVER_URL, newServerDatabase } from '../support/databases.js';

const NOW = new Date('2026-03-20T12:00:00Z');
const G30: RollupSettings = { timezone: 'UTC', visitTimeoutMinutes: 30, lastEventCreditSeconds: 60 };
const G5: RollupSettings = { ...G30, visitTimeoutMinutes: 5 };
const WAITING = 'another CoursePulse process is rebuilding the derived data; waiting for it to finish';

/** Whether `promise` is still pending after `ms` (a process waiting on a lock stays pending). */
async function pendingAfter(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  void promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((r) => setTimeout(r, ms));
  return !settled;
}

describe('one rebuild at a time across processes (rebuild-lock.ts)', function () {
  let processes: Database[] = [];

  before(function () {
    if (BACKEND !== 'postgres') this.skip(); // PGlite is one process's database: there is no second one to wait for
  });
  beforeEach(async () => {
    const url = new URL(SERVER_URL!);
    url.pathname = `/${await newServerDatabase()}`;
    processes = [await openPostgres({ connectionString: url.toString(), max: 3 }), await openPostgres({ connectionString: url.toString(), max: 3 })];
    await writeDerivedSettings(processes[0]!, derivedSettingsOf(G30), NOW);
  });
  afterEach(async () => {
    await Promise.all(processes.map((db) => db.close()));
  });

  /**
   * `db` takes the rebuild lock and holds it until `release()`, then does `then` (what its
   * rebuild writes) and lets go; `held` resolves once it holds the lock.
   */
  function holdRebuild(db: Database, then: () => Promise<void>): { held: Promise<void>; release(): void; done: Promise<void> } {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let markHeld!: () => void;
    const held = new Promise<void>((resolve) => (markHeld = resolve));
    const done = withRebuildLock(db, async () => {
      markHeld();
      await released;
      await then();
    });
    return { held, release, done };
  }

  it('a starting process waits for the rebuild of another, then finds the settings up to date', async () => {
    const [first, second] = processes as [Database, Database];
    const other = holdRebuild(first, () => writeDerivedSettings(first, derivedSettingsOf(G5), NOW));
    await other.held;

    const lines: string[] = [];
    const logger = createLogger('info', new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }));
    const messages = () => lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    const start = rebuildIfSettingsChanged(second, G5, logger, () => NOW);
    assert.equal(await pendingAfter(start, 500), true, 'the start waits while the other process rebuilds');
    assert.deepEqual(messages(), [WAITING]);

    other.release();
    await other.done;
    assert.deepEqual(await start, { action: 'none' });
    assert.deepEqual(messages(), [WAITING]);
  });

  it('`coursepulse rebuild` waits for a rebuild in progress elsewhere, then rebuilds after it', async () => {
    const [first, second] = processes as [Database, Database];
    const order: string[] = [];
    const other = holdRebuild(first, async () => void order.push('first done'));
    await other.held;
    let waited = 0;
    const forced = rebuildDerived(second, { settings: G5, remap: false, now: () => NOW, onWait: () => waited++ }).then((result) => {
      order.push('second done');
      return result;
    });
    assert.equal(await pendingAfter(forced, 500), true, 'the rebuild waits while the other process rebuilds');
    other.release();
    await other.done;
    assert.deepEqual(await forced, { courses: 0, students: 0, eventsRead: 0, eventsRemapped: 0 });
    assert.deepEqual({ waited, order }, { waited: 1, order: ['first done', 'second done'] });
    assert.deepEqual((await readDerivedSettings(second))?.settings, derivedSettingsOf(G5));
  });

  it('a rebuild on a pool of one connection is refused rather than left waiting for itself', async () => {
    const url = new URL(SERVER_URL!);
    url.pathname = `/${await newServerDatabase()}`;
    const single = await openPostgres({ connectionString: url.toString(), max: 1 });
    try {
      await assert.rejects(rebuildDerived(single, { settings: G5, remap: false }), { message: 'a rebuild needs a database pool of two connections or more' });
    } finally {
      await single.close();
    }
  });
});
