import assert from 'node:assert/strict';
import { benchData, disposeData, PHASES, runBackend, type BenchData, type IngestBenchOptions } from '../bench/ingest-bench.js';
import type { BenchDatabases } from '../bench/bench-databases.js';
import type { Database } from '../src/models/database.js';
import { DEFAULT_INGEST_SETTINGS } from '../src/routes/xapi-statements.js';
import { BACKEND, testDatabase } from './support/databases.js';

const options: IngestBenchOptions = {
  seed: 7,
  students: 3,
  days: 3,
  batchOfOneStatements: 12,
  clients: 2,
  bigFactor: 0,
  profile: true,
  settings: { timezone: 'Europe/Oslo', visitTimeoutMinutes: DEFAULT_INGEST_SETTINGS.visitTimeoutMinutes, lastEventCreditSeconds: DEFAULT_INGEST_SETTINGS.lastEventCreditSeconds },
  progress: () => undefined,
};

/**
 * One database of the suite for every phase, emptied of ingested data between phases (instead of
 * the benchmark's copies of a template): ltijs makes a 4096-bit key per platform registration,
 * seconds a phase, and the smoke test must stay quick.
 */
function sharedDatabase(): BenchDatabases & { db?: Database } {
  return {
    backend: BACKEND,
    async fresh() {
      if (!this.db) this.db = await testDatabase();
      else await this.db.exec('truncate source_events, student_visits, student_days, course_days, import_runs');
      return { db: this.db, dispose: async () => {} };
    },
    async close() {
      await this.db?.close();
    },
  };
}

describe('the ingest benchmark (npm run bench:ingest), tiny', () => {
  let data: BenchData;
  const databases = sharedDatabase();
  before(() => {
    data = benchData(options);
  });
  after(async () => {
    disposeData(data);
    await databases.close();
  });

  it('runs every phase over real HTTP and the importer, and every phase ends with the same figures', async () => {
    const results = await runBackend(databases, data, options, new Map());

    const probed = (items: Array<{ probe: unknown }>) => items.filter((i) => i.probe !== null).length;
    assert.deepStrictEqual(
      results.map((r) => ({ phase: r.phase, database: r.database, statements: r.statements, problems: r.problems, latencySamples: r.latencyMs?.samples })),
      [
        { phase: PHASES.bare, database: BACKEND, statements: data.statements, problems: [], latencySamples: undefined },
        { phase: PHASES.http1, database: BACKEND, statements: 12, problems: [], latencySamples: probed(data.singles) },
        { phase: PHASES.http100, database: BACKEND, statements: data.statements, problems: [], latencySamples: probed(data.batches) },
        { phase: PHASES.http100Concurrent(2), database: BACKEND, statements: data.statements, problems: [], latencySamples: undefined },
        { phase: PHASES.import, database: BACKEND, statements: data.statements, problems: [], latencySamples: undefined },
      ],
    );
    for (const r of results) {
      assert.ok(r.perSecond > 0 && r.ratioToBare! > 0 && r.peakRssMb >= r.startRssMb, JSON.stringify(r));
      // The profile accounts for the phase's storing: its rows went in through one INSERT per batch.
      if (r.phase !== PHASES.bare) assert.ok(r.profile!.some((e) => e.step === 'insert source_events' && e.calls > 0), JSON.stringify(r.profile));
    }
  });
});
