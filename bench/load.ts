/**
 * `npm run bench:load`: CoursePulse under mixed load for a fixed time (issue 6, "Load") — fresh
 * xAPI statements in batches of 100 at a fixed rate while teachers' report pages, their htmx
 * requests and the JSON API are asked for at a fixed rate, open-loop, over loopback, against the
 * server as its own process; throughput, latency per request class, the server's memory and event
 * loop lag over time, and at the end a check that every acknowledged statement is stored. See
 * bench/load-run.ts for what a run does and docs/PERFORMANCE.md ("Load") for how to read it.
 *
 *   --duration S           seconds of load (default 600)
 *   --ingest-rate N        statements a second, in requests of 100 (default 2000)
 *   --report-rate N        report requests a second (default 200)
 *   --report-class NAME    only this class of report requests (repeatable; bench/load-traffic.ts's names):
 *                          at a rate above what the server takes, the answered rate is what one kind costs
 *   --students N --days N  the report course: students, and days of activity preloaded (default 200 x 60)
 *   --ingest-courses N     courses the statements go to, the report course one of them (default 10)
 *   --seed N               the generator's seed (default 1)
 *   --database postgres|pglite   default postgres: DATABASE_URL's server, or postgres://postgres@127.0.0.1:5432/postgres
 *   --instances N          server processes on the one database (postgres; default 1), the load spread over them in turn
 *   --server-env NAME=value  a setting of the server's (repeatable; e.g. MAX_CONCURRENT_REQUESTS=64), to measure what it changes
 *   --quick                a 30-second smoke run (50 students x 14 days, 3 courses, 500 statements/s, 50 reports/s)
 * The same as environment variables: BENCH_DURATION, BENCH_INGEST_RATE, BENCH_REPORT_RATE, BENCH_REPORT_CLASSES
 * (names separated by commas),
 * BENCH_STUDENTS, BENCH_DAYS, BENCH_INGEST_COURSES, BENCH_SEED, BENCH_DATABASE, BENCH_INSTANCES, BENCH_SERVER_ENV (settings separated by spaces),
 * BENCH_QUICK=1 (flags win).
 *
 * Progress goes to stderr (a line every 10 s); the results to stdout and, as JSON, to
 * bench/results/load-<date>.json. Exits 1 when a check failed (an error other than 429, a
 * statement acknowledged but not stored, the server dying or not stopping cleanly); the goals are
 * reported, met or not.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LOCAL_SERVER_URL, serverAnswers, serverSettings } from './bench-databases.js';
import { whole } from './bench-option.js';
import { loadGoals, loadProblems } from './load-checks.js';
import { classTable, goalTable, ingestLines, memoryTable, trendLines } from './load-report.js';
import { runLoad, type LoadOptions } from './load-run.js';
import { reportClassesNamed } from './load-traffic.js';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

const { values } = parseArgs({
  options: {
    duration: { type: 'string' },
    'ingest-rate': { type: 'string' },
    'report-rate': { type: 'string' },
    'report-class': { type: 'string', multiple: true },
    students: { type: 'string' },
    days: { type: 'string' },
    'ingest-courses': { type: 'string' },
    seed: { type: 'string' },
    database: { type: 'string' },
    instances: { type: 'string' },
    'server-env': { type: 'string', multiple: true },
    quick: { type: 'boolean' },
  },
  strict: true,
});

const env = process.env;
const quick = values.quick ?? ['1', 'true', 'yes'].includes(env.BENCH_QUICK ?? '');
const backend = values.database ?? env.BENCH_DATABASE ?? 'postgres';
if (backend !== 'postgres' && backend !== 'pglite') {
  process.stderr.write(`--database: ${backend} is not one of postgres, pglite\n`);
  process.exit(2);
}
const serverUrl = env.DATABASE_URL || LOCAL_SERVER_URL;
if (backend === 'postgres' && !(await serverAnswers(serverUrl))) {
  process.stderr.write(`--database postgres: no PostgreSQL server answers at ${env.DATABASE_URL ? 'DATABASE_URL' : LOCAL_SERVER_URL} (--database pglite runs on the embedded database)\n`);
  process.exit(2);
}

const reportClasses = values['report-class'] ?? env.BENCH_REPORT_CLASSES?.split(',').map((name) => name.trim()).filter(Boolean);
if (reportClasses) {
  try {
    reportClassesNamed(reportClasses);
  } catch (error) {
    process.stderr.write(`--report-class: ${(error as Error).message}\n`);
    process.exit(2);
  }
}

// A setting of the server's own (MAX_CONCURRENT_REQUESTS=64, say), to measure what it changes.
const settings = values['server-env'] ?? env.BENCH_SERVER_ENV?.split(/\s+/).filter(Boolean);
const malformed = settings?.find((setting) => !/^[A-Z][A-Z0-9_]*=/.test(setting));
if (malformed !== undefined) {
  process.stderr.write(`--server-env: ${JSON.stringify(malformed)} is not NAME=value\n`);
  process.exit(2);
}
const serverEnv = settings && Object.fromEntries(settings.map((setting) => [setting.slice(0, setting.indexOf('=')), setting.slice(setting.indexOf('=') + 1)]));

const options: LoadOptions = {
  ...(reportClasses ? { reportClasses } : {}),
  backend,
  ...(backend === 'postgres' ? { serverUrl } : {}),
  durationSeconds: whole('duration', values.duration, env.BENCH_DURATION, quick ? 30 : 600, 1),
  ingestRate: whole('ingest-rate', values['ingest-rate'], env.BENCH_INGEST_RATE, quick ? 500 : 2000, 0),
  reportRate: whole('report-rate', values['report-rate'], env.BENCH_REPORT_RATE, quick ? 50 : 200, 0),
  students: whole('students', values.students, env.BENCH_STUDENTS, quick ? 50 : 200, 1),
  days: whole('days', values.days, env.BENCH_DAYS, quick ? 14 : 60, 1),
  ingestCourses: whole('ingest-courses', values['ingest-courses'], env.BENCH_INGEST_COURSES, quick ? 3 : 10, 1),
  seed: whole('seed', values.seed, env.BENCH_SEED, 1, 0),
  instances: whole('instances', values.instances, env.BENCH_INSTANCES, 1, 1),
  ...(serverEnv ? { serverEnv } : {}),
  sampleSeconds: 5,
  progressSeconds: 10,
  progress: (line) => process.stderr.write(`${line}\n`),
};

if (options.instances! > 1 && backend !== 'postgres') {
  process.stderr.write('--instances: several server processes share a PostgreSQL server database (PGlite is one process\'s); use --database postgres\n');
  process.exit(2);
}

const machine = {
  cpus: os.availableParallelism(),
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  postgres: backend === 'postgres' ? await serverSettings(serverUrl) : null,
};
const loadBefore = os.loadavg();
const result = await runLoad(options);
const loadAfter = os.loadavg();
const problems = loadProblems(result);
const goals = loadGoals(result);

const out = (text: string) => process.stdout.write(`${text}\n`);
out(
  `\nLoad benchmark: ${result.seconds} s on ${backend === 'postgres' ? `the PostgreSQL server (${machine.postgres?.server_version})` : 'PGlite'}, ` +
    `${options.ingestRate.toLocaleString('en')} statements/s over ${options.ingestCourses} course(s) and ${options.reportRate} report requests/s of a ${options.students}-student course with ${options.days} days preloaded, ` +
    `${options.instances === 1 ? 'one server process' : `${options.instances} server processes on one database`}${settings ? ` with ${settings.join(' ')}` : ''} ` +
    `(${result.setup.preload.statements.toLocaleString('en')} statements in ${result.setup.preload.seconds} s); ${machine.cpus} CPUs, ${machine.memoryGb} GB, node ${machine.node}; load average ${loadBefore[0]!.toFixed(2)} before, ${loadAfter[0]!.toFixed(2)} after\n`,
);
out('Latency from the instant each request was due (open loop), to its answer\'s last byte, as the client saw it:\n');
out(classTable(result));
out('');
for (const line of ingestLines(result)) out(line);
if (result.instances.length > 1) out(`answered (2xx) by each server process, in turn: ${result.instances.map((i) => `${i.url} ${i.answered.toLocaleString('en')}`).join(', ')}`);
out(`\nServer memory and event loop lag (from its /metrics${options.instances === 1 ? '' : ': memory summed over the processes, the lag the worst of them'}):\n`);
out(memoryTable(result.memory.samples));
out('');
for (const line of trendLines(result)) out(line);
out('');
out(goalTable(goals));
if (result.backlog > 0) out(`\n${result.backlog} requests were not sent: the client had ${'>'}2,000 in flight (the server had stalled)`);
if (problems.length > 0) out(`\nFAILED:\n${problems.map((p) => `- ${p}`).join('\n')}`);
if (result.server.logTail) out(`\nthe server's last output:\n${result.server.logTail}`);

fs.mkdirSync(RESULTS_DIR, { recursive: true });
const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, '-');
const file = path.join(RESULTS_DIR, `load-${stamp}${quick ? '-quick' : ''}.json`);
fs.writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, loadAverage: { before: loadBefore, after: loadAfter }, ...result, goals, problems }, null, 2)}\n`);
out(`\nwritten to ${path.relative(process.cwd(), file)}`);
process.exitCode = problems.length > 0 ? 1 : 0;
