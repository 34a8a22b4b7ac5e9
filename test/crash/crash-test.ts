/**
 * `npm run test:crash`: does CoursePulse keep every statement it acknowledged, counted once, when
 * its process is killed (SIGKILL) while statements pour in? Runs crash-run.ts on the embedded
 * database (PGlite) and on a PostgreSQL server, prints what was sent, acknowledged, refused and
 * cut, the kills and restarts and every check, and exits 1 when a check failed.
 *
 *   --database pglite|postgres|both   default: both when a PostgreSQL server answers at
 *                                     DATABASE_URL (or postgres://postgres@127.0.0.1:5432/postgres),
 *                                     else pglite alone (said so); `both` or `postgres` require it.
 *                                     The run makes a database of its own beside DATABASE_URL's.
 *   --kills N     kills under load per database (default 4, at least 3); one more comes during a start-up
 *   --clients N   concurrent clients (default 4)
 *   --students N  students of the course (default 25)
 *   --seed N      the statements' and the kills' random choices (default: random, printed)
 *
 * Not part of `npm test` (it runs real processes for a minute or two); CI runs it after the suite.
 */
import { parseArgs } from 'node:util';
import { buildIfNeeded } from '../support/server-process.js';
import { crashRun, type Backend, type CrashRunResult } from './crash-run.js';
import { serverAnswers } from '../../bench/bench-databases.js';

const LOCAL_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

const { values } = parseArgs({
  options: {
    database: { type: 'string' },
    kills: { type: 'string' },
    clients: { type: 'string' },
    students: { type: 'string' },
    seed: { type: 'string' },
  },
  strict: true,
});

function whole(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) {
    process.stderr.write(`--${name}: ${value} is not a whole number of at least ${min}\n`);
    process.exit(2);
  }
  return n;
}

const kills = whole('kills', values.kills, 4, 3);
const clients = whole('clients', values.clients, 4, 1);
const students = whole('students', values.students, 25, 1);
const seed = whole('seed', values.seed, Math.floor(Math.random() * 2 ** 31), 0);
const chosen = values.database ?? 'default';
if (!['pglite', 'postgres', 'both', 'default'].includes(chosen)) {
  process.stderr.write(`--database: ${chosen} is not one of pglite, postgres, both\n`);
  process.exit(2);
}

const serverUrl = process.env.DATABASE_URL || LOCAL_SERVER_URL;
const needServer = chosen === 'postgres' || chosen === 'both';
const serverUp = chosen === 'pglite' ? false : await serverAnswers(serverUrl);
if (needServer && !serverUp) {
  process.stderr.write(`--database ${chosen}: no PostgreSQL server answers at ${process.env.DATABASE_URL ? 'DATABASE_URL' : LOCAL_SERVER_URL}\n`);
  process.exit(1);
}
const backends: Backend[] = chosen === 'pglite' ? ['pglite'] : chosen === 'postgres' ? ['postgres'] : serverUp ? ['pglite', 'postgres'] : ['pglite'];
const progress = (line: string) => process.stderr.write(`${line}\n`);
if (chosen === 'default' && !serverUp) progress(`no PostgreSQL server answers at ${process.env.DATABASE_URL ? 'DATABASE_URL' : LOCAL_SERVER_URL}: the server half is skipped`);

progress(`crash test: seed ${seed}, ${kills} kills under load and 1 during a start-up per database, ${clients} clients, ${students} students`);
buildIfNeeded();
const results: CrashRunResult[] = [];
for (const backend of backends) results.push(await crashRun({ backend, serverUrl, seed, kills, clients, students, progress }));

const lines: string[] = [''];
for (const r of results) {
  const statuses = Object.entries(r.refusedStatuses).map(([status, n]) => `${n}× ${status}`).join(', ');
  const ready = [...r.readyMs].sort((a, b) => a - b);
  lines.push(
    `Crash test on ${r.backend === 'pglite' ? 'PGlite (embedded)' : 'the PostgreSQL server'} — ${r.seconds.toFixed(1)} s, seed ${seed}`,
    `  statements sent        ${r.statementsSent} in ${r.requests} requests (and ${r.statementsResent} re-sends of acknowledged ones)`,
    `  acknowledged           ${r.acknowledgedStatements} statements, ${r.acknowledgedRequests} requests`,
    `  refused                ${r.refusedRequests} requests${statuses ? ` (${statuses})` : ''}`,
    `  connection errors      ${r.connectionErrors} requests cut or refused by a killed server`,
    `  kills                  ${r.kills} (SIGKILL; ${r.startupKills} during a start-up)`,
    `  restarts               ${r.restarts} (ready in ${ready.length ? `${(ready[0]! / 1000).toFixed(1)}–${(ready.at(-1)! / 1000).toFixed(1)} s` : '—'}, the first start included)`,
    `  checks                 ${r.checks.filter((c) => c.ok).length} of ${r.checks.length} passed`,
    ...r.checks.map((c) => `    ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`),
    ...(r.kept ? [`  kept for a look: ${r.kept}`] : []),
    '',
  );
}
const passed = results.reduce((n, r) => n + r.checks.filter((c) => c.ok).length, 0);
const failed = results.reduce((n, r) => n + r.checks.filter((c) => !c.ok).length, 0);
// The closing line in the suite's form, which .ci/run adds up with the suites' own.
lines.push(`${passed} passed, ${failed} failed`);
process.stdout.write(`${lines.join('\n')}\n`);
process.exit(failed > 0 ? 1 : 0);
