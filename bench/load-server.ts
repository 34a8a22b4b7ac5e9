/**
 * The server under load: CoursePulse as a process of its own, started as `npm start` starts it
 * (build if needed, then `node <SERVER_NODE_ARGS> dist/main.js`), so that its memory is measured apart from the load
 * generator's and a crash of it is seen as a crash. It runs on a throw-away database: a PGlite
 * `DATA_DIR` in a temporary folder (created by its first start, as in production), or a database
 * created on the PostgreSQL server and dropped at the end. Its configuration is the production
 * default except the addresses and the secrets the benchmark must know (ADMIN_TOKEN for the admin
 * API and /metrics); LOG_LEVEL stays `info`, a JSON line per request, as production logs — the
 * benchmark keeps only the last few kilobytes of it, for a failure's message.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { onServer, urlOfDatabase } from './server-admin.js';
import type { Database } from '../src/models/database.js';
import { openDatabase } from '../src/models/open-database.js';
import { buildIfNeeded, freePort } from '../test/support/server-process.js';
import type { BenchBackend } from './bench-databases.js';
import { SERVER_NODE_ARGS } from '../src/server-node-args.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** How long a start may take: a first PGlite start creates the database (5–15 s, longer on a busy machine). */
const START_TIMEOUT_MS = 180_000;
/** The log kept for a failure's message. */
const LOG_TAIL_CHARS = 16_384;

/** What the server's /metrics says of the process at one scrape. */
export interface ServerSample {
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  /** Event loop lag since the previous scrape (the gauges reset at each scrape). */
  lagP99Ms: number;
  lagMaxMs: number;
  /** Queries waiting for a pool connection (a server database only; 0 otherwise). */
  poolWaiting: number;
}

export interface LoadServerOptions {
  backend: BenchBackend;
  /** The PostgreSQL server the throw-away database is created on (backend postgres). */
  serverUrl?: string;
  /** Added to the server's environment (e.g. INGEST_RATE_PER_MINUTE). */
  env?: Record<string, string>;
}

export interface LoadServer {
  url: string;
  adminToken: string;
  pid: number;
  /** Set when the process ended (a crash while the load runs). */
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** The last lines it wrote (stdout and stderr). */
  logTail(): string;
  /** Reads /metrics (with the admin token). */
  sample(): Promise<ServerSample>;
  /** SIGTERM, and the time it took to stop (it finishes the requests in flight and closes the database). */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  /** The server's database, opened by the benchmark once the server is stopped (PGlite is one process's). */
  openDatabase(): Promise<Database>;
  /** Stops it if needed and removes the database and the folder. */
  dispose(): Promise<void>;
}

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

/** The value of each unlabelled sample of a Prometheus text exposition, by metric name. */
export function gauges(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*) (\S+)$/.exec(line);
    if (match) values.set(match[1]!, Number(match[2]));
  }
  return values;
}

export async function startLoadServer(o: LoadServerOptions): Promise<LoadServer> {
  buildIfNeeded();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coursepulse-load-'));
  let databaseUrl: string | undefined;
  let databaseName: string | undefined;
  if (o.backend === 'postgres') {
    if (!o.serverUrl) throw new Error('the postgres backend needs a server URL');
    databaseName = `coursepulse_load_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
    await onServer(o.serverUrl, (c) => c.query(`create database ${databaseName}`));
    databaseUrl = urlOfDatabase(o.serverUrl, databaseName);
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const adminToken = crypto.randomBytes(24).toString('hex');
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    PUBLIC_URL: url,
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    ADMIN_TOKEN: adminToken,
    LTI_KEY: crypto.randomBytes(24).toString('hex'),
    LOG_LEVEL: 'info',
    ...o.env,
  };
  // To profile the server under load: BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  // The log goes to a file, as a production server's goes to a file or the journal. Piped to this
  // process (busy making the load), the server's synchronous log writes blocked whenever the pipe
  // was full: measured, 14 % of the server's CPU profile in writev and p99s near a second.
  const logFile = path.join(dataDir, 'server.log');
  const logFd = fs.openSync(logFile, 'a');
  const child: ChildProcess = spawn(process.execPath, [...SERVER_NODE_ARGS, ...nodeArgs, 'dist/main.js'], { cwd: ROOT, env, stdio: ['ignore', logFd, logFd] });
  fs.closeSync(logFd);
  const tailOfLog = (): string => {
    try {
      const text = fs.readFileSync(logFile, 'utf8');
      return text.slice(-LOG_TAIL_CHARS);
    } catch {
      return '';
    }
  };
  let exit: LoadServer['exit'];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    }),
  );
  let disposed = false;

  const server: LoadServer = {
    url,
    adminToken,
    pid: child.pid!,
    get exit() {
      return exit;
    },
    logTail: tailOfLog,
    async sample() {
      const res = await fetch(`${url}/metrics`, { headers: { Authorization: `Bearer ${adminToken}` } });
      if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
      const g = gauges(await res.text());
      const value = (name: string) => g.get(name) ?? 0;
      return {
        rssMb: mb(value('process_resident_memory_bytes')),
        heapUsedMb: mb(value('nodejs_heap_size_used_bytes')),
        heapTotalMb: mb(value('nodejs_heap_size_total_bytes')),
        externalMb: mb(value('nodejs_external_memory_bytes')),
        lagP99Ms: Math.round(value('nodejs_eventloop_lag_p99_seconds') * 10_000) / 10,
        lagMaxMs: Math.round(value('nodejs_eventloop_lag_max_seconds') * 10_000) / 10,
        poolWaiting: value('coursepulse_db_pool_waiting_requests'),
      };
    },
    async stop() {
      const started = performance.now();
      if (!exit) child.kill('SIGTERM');
      const result = await exited;
      return { ...result, ms: Math.round(performance.now() - started) };
    },
    openDatabase: () => openDatabase({ databaseUrl, dataDir }),
    async dispose() {
      if (disposed) return;
      disposed = true;
      if (!exit) {
        child.kill('SIGKILL');
        await exited;
      }
      if (databaseName) await onServer(o.serverUrl!, (c) => c.query(`drop database if exists ${databaseName} with (force)`));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };

  // Ready when /readyz says so: migrated, rebuilt, listening.
  const started = Date.now();
  try {
    for (;;) {
      if (exit) throw new Error(`the server exited (${exit.code ?? exit.signal}) before it was ready:\n${tailOfLog()}`);
      if (Date.now() - started > START_TIMEOUT_MS) throw new Error(`the server was not ready within ${START_TIMEOUT_MS / 1000} s:\n${tailOfLog()}`);
      const ready = await fetch(`${url}/readyz`).then(
        (res) => res.status === 200,
        () => false,
      );
      if (ready) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } catch (err) {
    await server.dispose();
    throw err;
  }
  return server;
}
