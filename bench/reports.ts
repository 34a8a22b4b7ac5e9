/**
 * `npm run bench:reports`: how fast the reports answer on a large course (issue 5) — on the
 * PostgreSQL server, a course of 1,000 students with a year of activity (≈10 million events from
 * the ingest benchmark's generator): server time (median, p95) of GET /api/overview (whole course
 * and by group), /api/students/:id, and the two HTML pages, through real HTTP after a real LTI
 * launch; and, in the same run, the same overview computed straight from the raw events, with a
 * check that its figures equal the API's and the speed-up as a ratio. See docs/PERFORMANCE.md.
 *
 *   --students N  --days N  --seed N  the course (default 1,000 students, 365 days, seed 1)
 *   --visits-per-day N                 visits on each day a student visits (default 6: ≈10 M events)
 *   --samples N                        timed rounds, one request per URL each (default 200)
 *   --warmup N                         rounds before them, not timed (default 20)
 *   --raw-runs N                       runs of the raw-events baseline (default 3)
 *   --reload                           load the course again even when the kept database holds it
 *   --quick                            a small smoke run (20 students, 30 days, 2 visits a day, 20 samples)
 * The same as environment variables: BENCH_STUDENTS, BENCH_DAYS, BENCH_SEED, BENCH_VISITS_PER_DAY,
 * BENCH_SAMPLES, BENCH_WARMUP, BENCH_RAW_RUNS, BENCH_RELOAD=1, BENCH_QUICK=1 (flags win).
 *
 * The server is DATABASE_URL's or the local one (postgres://postgres@127.0.0.1:5432/postgres). The
 * course is loaded once into a database of its own on that server (`coursepulse_bench_reports`
 * for the default course; other sizes get their own name) and reused while it holds the same
 * data. Progress goes to stderr; the results to stdout and, as JSON, to bench/results/.
 * Exits 1 when the raw-events figures differ from the API's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LOCAL_SERVER_URL, serverAnswers, serverSettings } from './bench-databases.js';
import { overviewFromRawEvents, figuresDifference } from './raw-overview.js';
import { loadReportsCourse, REPORTS_COURSE_ID, reportsNow, type LoadResult, type ReportsCourseOptions } from './reports-course.js';
import { dataIdentity, freshDatabase, openLoadedDatabase, readMarker, reportsDatabaseName, sameIdentity, writeMarker } from './reports-database.js';
import { baselineLines, requestTable, SPEED_UP_TARGET, targetMs, type RawBaseline } from './reports-report.js';
import { summarise, timeReports } from './reports-timing.js';
import { rebuildDerived, rebuildIfSettingsChanged } from '../src/ingest/rebuild.js';
import { createLogger } from '../src/logger.js';
import type { Database } from '../src/models/database.js';
import { MigrationError } from '../src/models/migrate.js';
import { DEFAULT_INGEST_SETTINGS } from '../src/routes/xapi-statements.js';
import { whole } from './bench-option.js';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const progress = (line: string) => process.stderr.write(`${line}\n`);

const { values } = parseArgs({
  options: {
    students: { type: 'string' },
    days: { type: 'string' },
    seed: { type: 'string' },
    'visits-per-day': { type: 'string' },
    samples: { type: 'string' },
    warmup: { type: 'string' },
    'raw-runs': { type: 'string' },
    reload: { type: 'boolean' },
    quick: { type: 'boolean' },
  },
  strict: true,
});

const env = process.env;
const yes = (v: string | undefined) => ['1', 'true', 'yes'].includes(v ?? '');
const quick = values.quick ?? yes(env.BENCH_QUICK);
const reload = values.reload ?? yes(env.BENCH_RELOAD);
const settings = { timezone: DEFAULT_INGEST_SETTINGS.timezone, visitTimeoutMinutes: DEFAULT_INGEST_SETTINGS.visitTimeoutMinutes, lastEventCreditSeconds: DEFAULT_INGEST_SETTINGS.lastEventCreditSeconds };
const course: ReportsCourseOptions = {
  seed: whole('seed', values.seed, env.BENCH_SEED, 1, 0),
  students: whole('students', values.students, env.BENCH_STUDENTS, quick ? 20 : 1000, 1),
  days: whole('days', values.days, env.BENCH_DAYS, quick ? 30 : 365, 7),
  visitsPerDay: whole('visits-per-day', values['visits-per-day'], env.BENCH_VISITS_PER_DAY, quick ? 2 : 6, 1),
  settings,
  progressStream: process.stderr,
};
const samples = whole('samples', values.samples, env.BENCH_SAMPLES, quick ? 20 : 200, 1);
const warmup = whole('warmup', values.warmup, env.BENCH_WARMUP, quick ? 5 : 20, 0);
const rawRuns = whole('raw-runs', values['raw-runs'], env.BENCH_RAW_RUNS, quick ? 2 : 3, 1);

const serverUrl = env.DATABASE_URL || LOCAL_SERVER_URL;
if (!(await serverAnswers(serverUrl))) {
  process.stderr.write(`no PostgreSQL server answers at ${env.DATABASE_URL ? 'DATABASE_URL' : LOCAL_SERVER_URL}: the reports benchmark runs on a server\n`);
  process.exit(2);
}
const machine = { cpus: os.availableParallelism(), cpuModel: os.cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, postgres: await serverSettings(serverUrl) };

const identity = dataIdentity(course);
const isDefault = course.seed === 1 && course.students === 1000 && course.days === 365 && course.visitsPerDay === 6;
const name = reportsDatabaseName(identity, isDefault);
const now = reportsNow(course.days);

/** The kept database: reused when it holds this data, else loaded now. */
async function database(): Promise<{ db: Database; load: LoadResult; loadedAt: string; reused: boolean }> {
  const marker = reload ? undefined : await readMarker(serverUrl, name);
  if (marker && sameIdentity(marker.identity, identity)) {
    try {
      const { db, applied } = await openLoadedDatabase(serverUrl, name);
      progress(`reusing database ${name}: loaded ${marker.loadedAt} (${marker.load.events.toLocaleString('en')} events, in ${Math.round(marker.load.seconds.total)} s); --reload loads it again`);
      if (applied.length > 0) {
        progress(`applied migrations ${applied.join(', ')}: deriving the figures again`);
        await rebuildDerived(db, { settings, remap: false, now: () => now });
        await db.exec('vacuum analyze');
      }
      // As the server does at start: a change of the kind rules (or settings) re-derives the figures.
      const rebuilt = await rebuildIfSettingsChanged(db, settings, createLogger('silent'), () => now);
      if (rebuilt.action === 'rebuilt') {
        progress(`the derived data was made with other settings or kind rules: rebuilt in ${Math.round(rebuilt.ms / 1000)} s`);
        await db.exec('vacuum analyze');
      }
      return { db, load: marker.load, loadedAt: marker.loadedAt, reused: true };
    } catch (err) {
      if (!(err instanceof MigrationError)) throw err;
      progress(`database ${name} cannot be migrated (${err.message}): loading it again`);
    }
  } else if (reload) progress(`--reload: loading database ${name} again`);
  else if (marker === undefined) progress(`database ${name} does not exist yet: loading it`);
  else if (marker === null) progress(`database ${name} holds an incomplete load: loading it again`);
  else progress(`database ${name} holds other data (${JSON.stringify(marker.identity)}): loading it again`);

  const db = await freshDatabase(serverUrl, name);
  progress(`loading ${course.students.toLocaleString('en')} students x ${course.days} days, ${course.visitsPerDay} visit(s) on each day they visit, seed ${course.seed}`);
  const { course: _key, ...load } = await loadReportsCourse(db, course);
  const loadedAt = new Date().toISOString();
  await writeMarker(serverUrl, name, { identity, loadedAt, load });
  progress(`loaded in ${Math.round(load.seconds.total)} s (store ${Math.round(load.seconds.store)} s, rebuild ${Math.round(load.seconds.rebuild)} s, vacuum analyze ${Math.round(load.seconds.analyze)} s)`);
  return { db, load, loadedAt, reused: false };
}

const { db, load, loadedAt, reused } = await database();
let problems = 0;
try {
  const [row] = await db.query<{ platform_id: string }>(`select platform_id from courses where context_id = $1`, [REPORTS_COURSE_ID]);
  const key = { platformId: row!.platform_id, contextId: REPORTS_COURSE_ID };
  const [sizes] = await db.query<Record<string, string>>(
    `select pg_size_pretty(pg_total_relation_size('source_events')) as source_events, pg_size_pretty(pg_total_relation_size('student_days')) as student_days,
            pg_size_pretty(pg_total_relation_size('student_visits')) as student_visits, pg_size_pretty(pg_database_size(current_database())) as database,
            (select count(*) from student_days) as student_days_rows, (select count(*) from student_visits) as student_visits_rows`,
  );

  const loadBefore = os.loadavg();
  progress(`timing (load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')})`);
  const timing = await timeReports(db, { samples, warmup, seed: course.seed, students: course.students, settings, now, progress });
  const loadAfter = os.loadavg();

  progress(`the overview from raw events, ${rawRuns} runs`);
  const rawMs: number[] = [];
  let difference: string | null = null;
  let events = 0;
  for (let run = 0; run < rawRuns; run++) {
    const started = performance.now();
    const raw = await overviewFromRawEvents(db, key, settings, now);
    rawMs.push(performance.now() - started);
    events = raw.events;
    if (run === 0) difference = figuresDifference(raw.figures, timing.overviewAnswer);
    progress(`  run ${run + 1}: ${Math.round(rawMs.at(-1)!).toLocaleString('en')} ms`);
  }
  const raw: RawBaseline = { runs: rawRuns, events, ms: { ...summarise(rawMs), min: Math.round(Math.min(...rawMs)) }, difference };
  if (difference !== null) problems++;
  const loadEnd = os.loadavg();

  const overview = timing.endpoints[0]!;
  const out = (text: string) => process.stdout.write(`${text}\n`);
  out(
    `\nReports benchmark: ${course.students.toLocaleString('en')} students x ${course.days} days, ${course.visitsPerDay} visit(s) a visiting day, seed ${course.seed}: ` +
      `${load.events.toLocaleString('en')} events (${load.activeStudents.toLocaleString('en')} students with visits); ${sizes!.student_days_rows} student_days, ${sizes!.student_visits_rows} student_visits rows`,
  );
  out(`database ${name} (${sizes!.database}; source_events ${sizes!.source_events}, student_days ${sizes!.student_days}, student_visits ${sizes!.student_visits}), ${reused ? `reused, loaded ${loadedAt}` : 'loaded by this run'} in ${Math.round(load.seconds.total)} s`);
  out(`(${machine.cpus} CPUs, ${machine.memoryGb} GB, node ${machine.node}, PostgreSQL ${machine.postgres.server_version}; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')} before timing, ${loadAfter.map((l) => l.toFixed(2)).join(' ')} after, ${loadEnd.map((l) => l.toFixed(2)).join(' ')} at the end)`);
  out(`launch ${timing.launchMs} ms${timing.launchStatus === 200 ? '' : ` (its page answered ${timing.launchStatus})`}; ${samples} samples per URL after ${warmup} warm-up rounds; asked as a browser asks (Accept-Encoding: gzip, deflate, br); server time = request received → response finished, in the process\n`);
  out(requestTable(timing.endpoints));
  out('');
  for (const line of baselineLines(raw, overview)) out(line);

  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, '-');
  const file = path.join(RESULTS_DIR, `reports-${stamp}${quick ? '-quick' : ''}.json`);
  const targets = [
    ...timing.endpoints.map((e) => ({ what: `${e.name} p95`, target: `≤ ${targetMs(e.name)} ms`, measured: `${e.serverMs.p95} ms`, met: e.serverMs.p95 <= targetMs(e.name) })),
    { what: 'speed-up over raw events', target: `≥ ${SPEED_UP_TARGET}x`, measured: `${Math.round(raw.ms.p50 / overview.serverMs.p50)}x`, met: raw.ms.p50 / overview.serverMs.p50 >= SPEED_UP_TARGET },
  ];
  fs.writeFileSync(
    file,
    `${JSON.stringify(
      { date: new Date().toISOString(), machine, loadAverage: { beforeTiming: loadBefore, afterTiming: loadAfter, end: loadEnd }, options: { ...identity, samples, warmup, rawRuns, quick, database: name, now: now.toISOString() }, load: { ...load, reused, loadedAt }, sizes, timing: { launchMs: timing.launchMs, launchStatus: timing.launchStatus, endpoints: timing.endpoints }, raw, targets },
      null,
      2,
    )}\n`,
  );
  out(`\nwritten to ${path.relative(process.cwd(), file)}`);
} finally {
  await db.close();
}
process.exitCode = problems > 0 ? 1 : 0;
