import assert from 'node:assert/strict';
import pg from 'pg';
import { activityByStudent } from '../bench/activity-generator.js';
import { figuresDifference, overviewFromRawEvents } from '../bench/raw-overview.js';
import { generatorOptions, loadReportsCourse, reportsNow, type ReportsCourseOptions } from '../bench/reports-course.js';
import { dataIdentity, freshDatabase, readMarker, sameIdentity, writeMarker, type LoadMarker } from '../bench/reports-database.js';
import { timeReports } from '../bench/reports-timing.js';
import type { Database } from '../src/models/database.js';
import { BACKEND, SERVER_URL, testDatabase } from './support/databases.js';

const options: ReportsCourseOptions = {
  seed: 5,
  students: 4,
  days: 10,
  visitsPerDay: 2,
  settings: { timezone: 'Europe/Oslo', visitTimeoutMinutes: 30, lastEventCreditSeconds: 60 },
  // The progress bars are the command's, not the test's.
  progressStream: { write: () => true },
};

describe('the reports benchmark (npm run bench:reports), tiny', () => {
  let db: Database;
  before(async () => {
    db = await testDatabase();
  });
  after(async () => {
    await db?.close();
  });

  it('loads the course, times every report URL after a real launch, and the raw-events overview equals the API’s', async function () {
    // ltijs makes a 4096-bit key for the platform: seconds on a busy machine.
    this.timeout(180_000);
    const generated = [...activityByStudent(generatorOptions(options))];
    const statements = generated.reduce((n, s) => n + s.events.length, 0);

    const load = await loadReportsCourse(db, options);
    assert.deepStrictEqual(
      { statements: load.statements, events: load.events, activeStudents: load.activeStudents },
      { statements, events: statements, activeStudents: generated.filter((s) => s.events.length > 0).length },
    );

    const now = reportsNow(options.days);
    const timing = await timeReports(db, { samples: 3, warmup: 1, seed: options.seed, students: options.students, settings: options.settings, now, progress: () => undefined });
    assert.deepStrictEqual(
      { launchStatus: timing.launchStatus, endpoints: timing.endpoints.map((e) => ({ name: e.name, samples: e.samples, statuses: e.statuses })) },
      {
        launchStatus: 200,
        endpoints: [
          'GET /api/overview',
          'GET /api/overview?group=…',
          'GET /api/students/:id',
          'GET /reports/overview (HTML)',
          'GET /reports/students/:id (HTML)',
        ].map((name) => ({ name, samples: 3, statuses: { 200: 3 } })),
      },
    );
    for (const e of timing.endpoints) {
      assert.ok(e.serverMs.p50 > 0 && e.serverMs.p50 <= e.serverMs.p95 && e.serverMs.p95 <= e.serverMs.max && e.bytes > 0 && e.decodedBytes > 0, JSON.stringify(e));
      // Asked as a browser asks, answered as the app answers browsers: compressed (and decoded above for the check).
      assert.ok(e.encodings.length > 0 && e.encodings.every((x) => ['br', 'gzip', 'deflate'].includes(x)), `${e.name}: ${e.encodings.join()}`);
    }

    const raw = await overviewFromRawEvents(db, load.course, options.settings, now);
    assert.equal(raw.events, statements);
    assert.equal(figuresDifference(raw.figures, timing.overviewAnswer), null);
    // The comparison can fail: one visit fewer is a difference.
    const changed = structuredClone(raw.figures);
    changed.list[0]!.totalVisits -= 1;
    assert.match(figuresDifference(changed, timing.overviewAnswer) ?? '', /totalVisits/);
  });

  it('reuses a kept database only after a complete load of the same data', async function () {
    if (BACKEND === 'pglite') this.skip(); // the kept database lives on the PostgreSQL server (the benchmark runs there only)
    const name = `coursepulse_bench_reports_test_${process.pid}`;
    const identity = dataIdentity(options);
    try {
      assert.equal(await readMarker(SERVER_URL!, name), undefined);
      await (await freshDatabase(SERVER_URL!, name)).close();
      // Created but not (yet) loaded: an interrupted load is never reused.
      assert.equal(await readMarker(SERVER_URL!, name), null);
      const marker: LoadMarker = {
        identity,
        loadedAt: '2026-01-01T00:00:00.000Z',
        load: { statements: 10, events: 10, activeStudents: 2, seconds: { setup: 1, store: 2, rebuild: 3, analyze: 4, total: 10 } },
      };
      await writeMarker(SERVER_URL!, name, marker);
      assert.deepStrictEqual(await readMarker(SERVER_URL!, name), marker);
      assert.ok(sameIdentity(marker.identity, dataIdentity({ ...options })));
      assert.ok(!sameIdentity(marker.identity, dataIdentity({ ...options, visitsPerDay: 3 })));
      assert.ok(!sameIdentity(marker.identity, dataIdentity({ ...options, settings: { ...options.settings, visitTimeoutMinutes: 45 } })));
    } finally {
      const client = new pg.Client({ connectionString: SERVER_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    }
  });
});
