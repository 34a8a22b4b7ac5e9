/**
 * `npm run bench:ingest`: how fast statements go in — over HTTP in batches of 1 and of 100 (one
 * client, then several), through the importer, and, as the yardstick, a bare batched insert of
 * the same rows — on PGlite and on a PostgreSQL server, with peak memory, acknowledged-to-visible
 * latency and a check that every phase ends with the same figures. See docs/PERFORMANCE.md.
 *
 *   --database pglite|postgres|both   default: both when DATABASE_URL (or the local server at
 *                                     postgres://postgres@127.0.0.1:5432/postgres) answers, else pglite
 *   --students N  --days N  --seed N  the generated course (default 200 students, 30 days, seed 1)
 *   --single N                        statements sent in batches of 1 (default 2000)
 *   --clients N                       concurrent clients of the second HTTP phase (default 4)
 *   --big-factor N                    the large import file has N times the students (default 10; 0: none)
 *   --quick                           a small smoke run (20 students, 7 days, 200 singles, 3x file)
 *   --profile                         time the steps of storing and recomputing
 * The same as environment variables: BENCH_DATABASE, BENCH_STUDENTS, BENCH_DAYS, BENCH_SEED,
 * BENCH_SINGLE, BENCH_CLIENTS, BENCH_BIG_FACTOR, BENCH_QUICK=1, BENCH_PROFILE=1 (flags win).
 *
 * Progress goes to stderr; the results table to stdout and, as JSON, to bench/results/.
 * Exits 1 when a check failed.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { LOCAL_SERVER_URL, pgliteDatabases, serverAnswers, serverDatabases, serverSettings, type BenchDatabases } from './bench-databases.js';
import { registerBenchPlatform } from './bench-course.js';
import { benchData, disposeData, LMS_URL, prepareOnly, runBackend, type IngestBenchOptions, type PhaseResult } from './ingest-bench.js';
import { latencyTable, problemLines, profileTable, resultsTable } from './ingest-report.js';
import type { Database } from '../src/models/database.js';
import { DEFAULT_INGEST_SETTINGS } from '../src/routes/xapi-statements.js';
import { whole } from './bench-option.js';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));

const { values } = parseArgs({
  options: {
    database: { type: 'string' },
    students: { type: 'string' },
    days: { type: 'string' },
    seed: { type: 'string' },
    single: { type: 'string' },
    clients: { type: 'string' },
    'big-factor': { type: 'string' },
    quick: { type: 'boolean' },
    profile: { type: 'boolean' },
  },
  strict: true,
});

const env = process.env;
const quick = values.quick ?? ['1', 'true', 'yes'].includes(env.BENCH_QUICK ?? '');
const options: IngestBenchOptions = {
  seed: whole('seed', values.seed, env.BENCH_SEED, 1, 0),
  students: whole('students', values.students, env.BENCH_STUDENTS, quick ? 20 : 200, 1),
  days: whole('days', values.days, env.BENCH_DAYS, quick ? 7 : 30, 1),
  batchOfOneStatements: whole('single', values.single, env.BENCH_SINGLE, quick ? 200 : 2000, 1),
  clients: whole('clients', values.clients, env.BENCH_CLIENTS, 4, 1),
  bigFactor: whole('big-factor', values['big-factor'], env.BENCH_BIG_FACTOR, quick ? 3 : 10, 0),
  profile: values.profile ?? ['1', 'true', 'yes'].includes(env.BENCH_PROFILE ?? ''),
  settings: { timezone: DEFAULT_INGEST_SETTINGS.timezone, visitTimeoutMinutes: DEFAULT_INGEST_SETTINGS.visitTimeoutMinutes, lastEventCreditSeconds: DEFAULT_INGEST_SETTINGS.lastEventCreditSeconds },
  progress: (line) => process.stderr.write(`${line}\n`),
};

const serverUrl = env.DATABASE_URL || LOCAL_SERVER_URL;
const serverUp = await serverAnswers(serverUrl);
const chosen = values.database ?? env.BENCH_DATABASE ?? (serverUp ? 'both' : 'pglite');
if (!['pglite', 'postgres', 'both'].includes(chosen)) {
  process.stderr.write(`--database: ${chosen} is not one of pglite, postgres, both\n`);
  process.exit(2);
}
if (chosen !== 'pglite' && !serverUp) {
  process.stderr.write(`--database ${chosen}: no PostgreSQL server answers at ${env.DATABASE_URL ? 'DATABASE_URL' : LOCAL_SERVER_URL}\n`);
  process.exit(2);
}
const backends = chosen === 'both' ? (['pglite', 'postgres'] as const) : ([chosen] as const);

const pgliteVersion = (JSON.parse(fs.readFileSync(fileURLToPath(new URL('../node_modules/@electric-sql/pglite/package.json', import.meta.url)), 'utf8')) as { version: string }).version;
const machine = {
  cpus: os.availableParallelism(),
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  pglite: pgliteVersion,
  postgres: serverUp ? await serverSettings(serverUrl) : null,
};

options.progress(`generating ${options.students} students x ${options.days} days (seed ${options.seed})`);
const data = benchData(options);
options.progress(`${data.statements.toLocaleString('en')} statements in ${data.batches.length} batches of up to 100`);
const results: PhaseResult[] = [prepareOnly(data)];
const reference = new Map();
try {
  for (const backend of backends) {
    const prepare = (db: Database) => registerBenchPlatform(db, LMS_URL, options.settings);
    const databases: BenchDatabases = backend === 'pglite' ? await pgliteDatabases(prepare) : await serverDatabases(serverUrl, prepare);
    try {
      results.push(...(await runBackend(databases, data, options, reference)));
    } finally {
      await databases.close();
    }
  }
} finally {
  disposeData(data);
}

const { progress: _progress, ...shownOptions } = options;
process.stdout.write(`\nIngest benchmark: ${options.students} students x ${options.days} days, seed ${options.seed}, ${data.statements.toLocaleString('en')} statements`);
process.stdout.write(` (${machine.cpus} CPUs, ${machine.memoryGb} GB, node ${machine.node}, PGlite ${machine.pglite}${machine.postgres ? `, PostgreSQL ${machine.postgres.server_version}, autovacuum ${machine.postgres.autovacuum}` : ''})\n\n`);
process.stdout.write(`${resultsTable(results)}\n\n${latencyTable(results)}\n`);
for (const r of results.filter((r) => r.profile)) process.stdout.write(`\n${profileTable(r)}\n`);
const problems = problemLines(results);
if (problems.length > 0) process.stdout.write(`\n${problems.join('\n')}\n`);

fs.mkdirSync(RESULTS_DIR, { recursive: true });
const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, '-');
const file = path.join(RESULTS_DIR, `ingest-${stamp}${quick ? '-quick' : ''}.json`);
fs.writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine, options: { ...shownOptions, databases: backends, statements: data.statements }, results }, null, 2)}\n`);
process.stdout.write(`\nwritten to ${path.relative(process.cwd(), file)}\n`);
process.exitCode = problems.length > 0 ? 1 : 0;
