/**
 * One database's crash run: CoursePulse started as `npm start` starts it on a fresh DATA_DIR (and,
 * for the server, a fresh database), a course set up through it, clients sending statements while
 * the process is killed with SIGKILL — at random moments under load, and once during a start-up —
 * and started again on the same data; then a clean stop, the checks of crash-checks.ts on the
 * database, and `coursepulse rebuild`, which must leave every figure as it was.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import type { CourseKey } from '../../src/models/course-key.js';
import { openDatabase } from '../../src/models/open-database.js';
import { coursepulse } from '../support/cli-run.js';
import { freePort } from '../support/server-process.js';
import { checkAgainstRecompute, checkStatements, figureDifferences, figuresOf, type Check } from './crash-checks.js';
import { setUpCourse, type CrashCourse } from './crash-course.js';
import { CrashServer, ServerFailure } from './crash-server.js';
import { StatementSource } from './crash-statements.js';
import { startIngestClients } from './ingest-clients.js';
import { RequestLedger } from './request-ledger.js';
import { throwawayDatabase, type ThrowawayDatabase } from './throwaway-database.js';

export type Backend = 'pglite' | 'postgres';

export interface CrashRunOptions {
  backend: Backend;
  /** The PostgreSQL server beside whose database the run makes its own (postgres only). */
  serverUrl?: string;
  seed: number;
  /** Kills under load; one more comes during a start-up. */
  kills: number;
  clients: number;
  students: number;
  progress: (line: string) => void;
}

export interface CrashRunResult {
  backend: Backend;
  seconds: number;
  requests: number;
  /** Distinct statements sent, and re-sends of acknowledged ones. */
  statementsSent: number;
  statementsResent: number;
  acknowledgedRequests: number;
  acknowledgedStatements: number;
  refusedRequests: number;
  /** Statuses of the refused requests, with their counts. */
  refusedStatuses: Record<string, number>;
  connectionErrors: number;
  kills: number;
  startupKills: number;
  /** Starts after the first one. */
  restarts: number;
  /** Milliseconds from spawn to /readyz 200 of each start that got there. */
  readyMs: number[];
  checks: Check[];
  /** Where the data was kept for a look, when a check failed. */
  kept?: string;
}

const READY_TIMEOUT_MS = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function crashRun(options: CrashRunOptions): Promise<CrashRunResult> {
  const { backend, progress } = options;
  const say = (line: string) => progress(`[${backend}] ${line}`);
  const started = Date.now();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `coursepulse-crash-${backend}-`));
  let database: ThrowawayDatabase | undefined;
  if (backend === 'postgres') database = await throwawayDatabase(options.serverUrl!);
  const port = await freePort();
  const serverUrl = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    PORT: String(port),
    PUBLIC_URL: serverUrl,
    DATA_DIR: dataDir,
    ...(database ? { DATABASE_URL: database.url } : {}),
    ADMIN_TOKEN: 'crash-test-admin-token-0123456789',
    LTI_KEY: 'crash-test-lti-key-0123456789-0123456789-0123456789',
    // The clients send as fast as the server answers; the rate limit would refuse most of it.
    INGEST_RATE_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
  };
  const server = new CrashServer(env, serverUrl);
  const ledger = new RequestLedger();
  const checks: Check[] = [];
  let course: CrashCourse | undefined;
  let startupKills = 0;

  try {
    say(`starting on ${database ? `database ${database.name}` : dataDir}`);
    say(`ready in ${(await server.start(READY_TIMEOUT_MS)) / 1000} s (first start)`);
    course = await setUpCourse(serverUrl, env.ADMIN_TOKEN!, options.students);
    const source = new StatementSource(course.platform.issuer, course.context.id, course.studentIds, options.seed);
    const clients = startIngestClients(server, course, source, ledger, options.clients);

    let restartProblem: string | undefined;
    try {
      for (let k = 1; k <= options.kills; k++) {
        await sleep(source.between(1_500, 4_000));
        const inFlight = clients.inFlight();
        await server.kill();
        say(`kill ${server.kills} under load (${inFlight} requests in flight, ${ledger.entries.length} answered or cut so far)`);
        if (k === 2) {
          // Once, a kill while the process starts: during crash recovery, migrations or the start-up rebuild check.
          server.spawn();
          const after = source.between(100, 1_500);
          await sleep(after);
          await server.kill();
          startupKills += 1;
          say(`kill ${server.kills} during a start-up, ${after} ms after the spawn`);
        }
        say(`ready again in ${(await server.start(READY_TIMEOUT_MS)) / 1000} s`);
      }
      await sleep(2_000);
    } catch (err) {
      if (!(err instanceof ServerFailure)) throw err;
      restartProblem = err.message;
      server.giveUp(err);
    }
    await clients.stop();
    const exit = await server.stop();
    const restartsOk = restartProblem === undefined && exit.code === 0 && exit.signal === null;
    checks.push({
      name: 'the server started again after every kill, and stopped cleanly at the end',
      ok: restartsOk,
      detail: restartProblem ?? (restartsOk ? `${server.kills} kills, ${server.starts.length - 1} restarts` : `the clean stop ended with ${JSON.stringify(exit)}`),
    });
    const answeredBadly = ledger.entries.filter((e) => e.outcome.kind === 'refused');
    checks.push({
      name: 'every answer the server gave was an acknowledgement (200 with the ids sent, or 204)',
      ok: answeredBadly.length === 0,
      detail: answeredBadly.length === 0
        ? `${ledger.count('acknowledged')} acknowledged, ${ledger.count('connection-error')} cut by kills`
        : answeredBadly.slice(0, 3).map((e) => `request ${e.n} (${e.method}): ${e.outcome.kind === 'refused' ? `${e.outcome.status} ${e.outcome.detail}` : ''}`).join('; '),
    });

    if (restartProblem === undefined) checks.push(...(await checkDatabase(env, { platformId: course.platformId, contextId: course.context.id }, ledger, say)));
  } catch (err) {
    checks.push({ name: 'the run completed', ok: false, detail: (err as Error).stack ?? String(err) });
    await server.stop().catch(() => undefined);
  } finally {
    await course?.platform.close();
  }
  if (server.errors.length > 0) say(`the server logged errors:\n  ${server.errors.slice(0, 10).join('\n  ')}`);

  const failed = checks.some((c) => !c.ok);
  let kept: string | undefined;
  if (failed) {
    kept = database ? `database ${database.name} (and ${dataDir})` : dataDir;
  } else {
    fs.rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
  }
  const refusedStatuses: Record<string, number> = {};
  for (const e of ledger.entries) if (e.outcome.kind === 'refused') refusedStatuses[e.outcome.status] = (refusedStatuses[e.outcome.status] ?? 0) + 1;
  const newEntries = ledger.entries.filter((e) => !e.resend);
  return {
    backend,
    seconds: (Date.now() - started) / 1000,
    requests: ledger.entries.length,
    statementsSent: newEntries.reduce((n, e) => n + e.ids.length, 0),
    statementsResent: ledger.entries.filter((e) => e.resend).reduce((n, e) => n + e.ids.length, 0),
    acknowledgedRequests: ledger.count('acknowledged'),
    acknowledgedStatements: ledger.acknowledged().size,
    refusedRequests: ledger.count('refused'),
    refusedStatuses,
    connectionErrors: ledger.count('connection-error'),
    kills: server.kills,
    startupKills,
    restarts: server.starts.length - 1,
    readyMs: server.starts.flatMap((s) => (s.readyMs === undefined ? [] : [s.readyMs])),
    checks,
    ...(kept ? { kept } : {}),
  };
}

/** The checks on the database of the stopped server, then `coursepulse rebuild` and the figures again. */
async function checkDatabase(env: Record<string, string>, course: CourseKey, ledger: RequestLedger, say: (line: string) => void): Promise<Check[]> {
  const config = loadConfig(env);
  const checks: Check[] = [];
  const db = await openDatabase(config);
  let before;
  try {
    checks.push(...(await checkStatements(db, course, ledger)));
    const recomputed = await checkAgainstRecompute(db, course, config);
    checks.push(recomputed.check);
    before = recomputed.stored;
  } finally {
    await db.close();
  }

  say('running coursepulse rebuild');
  const rebuild = await coursepulse(['rebuild'], env);
  const reopened = await openDatabase(config);
  let problems: string[];
  try {
    problems = rebuild.code === 0 ? figureDifferences(await figuresOf(reopened, course), before) : [`exit code ${rebuild.code}: ${rebuild.stderr.trim()}`];
  } finally {
    await reopened.close();
  }
  checks.push({
    name: 'coursepulse rebuild leaves every figure as it was',
    ok: problems.length === 0,
    detail: problems.length === 0 ? rebuild.stdout.trim().split('\n').at(-1) ?? '' : problems.slice(0, 5).join('; '),
  });
  return checks;
}
