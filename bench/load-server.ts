/**
 * The server under load: CoursePulse as a process of its own (or several on one PostgreSQL
 * database, as behind a balancer: `instances`), each started as `npm start` starts it
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
  /** Server processes on the one database (postgres only; default 1), each on its own port, as behind a balancer. */
  instances?: number;
}

export interface LoadServer {
  /** The first instance's address: the PUBLIC_URL every instance is told, where the courses are set up. */
  url: string;
  /** Every instance's address: the load spreads over them, as a balancer would. */
  urls: string[];
  adminToken: string;
  /** Set when a process ended (a crash while the load runs). */
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  /** The last lines they wrote (stdout and stderr). */
  logTail(): string;
  /** Reads /metrics (with the admin token): memory and waiting queries summed over the instances, the event loop lag the worst of them. */
  sample(): Promise<ServerSample>;
  /** SIGTERM to each, and the time they took to stop (they finish the requests in flight and close the database). */
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

/** One server process of the run. */
interface Instance {
  url: string;
  child: ChildProcess;
  dataDir: string;
  logFile: string;
  exit: LoadServer['exit'];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startLoadServer(o: LoadServerOptions): Promise<LoadServer> {
  buildIfNeeded();
  const count = o.instances ?? 1;
  if (count < 1 || (count > 1 && o.backend !== 'postgres')) throw new Error('several instances need the postgres backend (PGlite is one process\'s)');
  let databaseUrl: string | undefined;
  let databaseName: string | undefined;
  if (o.backend === 'postgres') {
    if (!o.serverUrl) throw new Error('the postgres backend needs a server URL');
    databaseName = `coursepulse_load_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
    await onServer(o.serverUrl, (c) => c.query(`create database ${databaseName}`));
    databaseUrl = urlOfDatabase(o.serverUrl, databaseName);
  }
  const adminToken = crypto.randomBytes(24).toString('hex');
  // What several instances of one database share (OPERATIONS.md, "Several instances"): the secrets, in the environment.
  const shared = { DATABASE_URL: databaseUrl, ADMIN_TOKEN: adminToken, LTI_KEY: crypto.randomBytes(24).toString('hex'), LOG_LEVEL: 'info', ...o.env };
  // To profile the server under load: BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const ports = [];
  for (let i = 0; i < count; i++) ports.push(await freePort());
  // The first instance's address is the one LMSs are told (the balancer's, in production).
  const publicUrl = `http://127.0.0.1:${ports[0]}`;

  const instances: Instance[] = ports.map((port) => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coursepulse-load-'));
    const env: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), PUBLIC_URL: publicUrl, DATA_DIR: dataDir, ...shared };
    // The log goes to a file, as a production server's goes to a file or the journal. Piped to this
    // process (busy making the load), the server's synchronous log writes blocked whenever the pipe
    // was full: measured, 14 % of the server's CPU profile in writev and p99s near a second.
    const logFile = path.join(dataDir, 'server.log');
    const logFd = fs.openSync(logFile, 'a');
    const child: ChildProcess = spawn(process.execPath, [...SERVER_NODE_ARGS, ...nodeArgs, 'dist/main.js'], { cwd: ROOT, env, stdio: ['ignore', logFd, logFd] });
    fs.closeSync(logFd);
    const instance: Instance = { url: `http://127.0.0.1:${port}`, child, dataDir, logFile, exit: undefined, exited: undefined as never };
    instance.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        instance.exit = { code, signal };
        resolve(instance.exit);
      }),
    );
    return instance;
  });
  const tailOf = (instance: Instance): string => {
    try {
      return fs.readFileSync(instance.logFile, 'utf8').slice(-LOG_TAIL_CHARS);
    } catch {
      return '';
    }
  };
  const tailOfLog = () => (count === 1 ? tailOf(instances[0]!) : instances.map((instance, i) => `--- instance ${i + 1} (${instance.url})\n${tailOf(instance)}`).join('\n'));
  let disposed = false;

  const server: LoadServer = {
    url: publicUrl,
    urls: instances.map((instance) => instance.url),
    adminToken,
    get exit() {
      return instances.find((instance) => instance.exit)?.exit;
    },
    logTail: tailOfLog,
    async sample() {
      const each = await Promise.all(instances.map((instance) => sampleOf(instance.url, adminToken)));
      const sum = (pick: (s: ServerSample) => number) => Math.round(each.reduce((total, s) => total + pick(s), 0) * 10) / 10;
      const max = (pick: (s: ServerSample) => number) => Math.max(...each.map(pick));
      return {
        rssMb: sum((s) => s.rssMb),
        heapUsedMb: sum((s) => s.heapUsedMb),
        heapTotalMb: sum((s) => s.heapTotalMb),
        externalMb: sum((s) => s.externalMb),
        lagP99Ms: max((s) => s.lagP99Ms),
        lagMaxMs: max((s) => s.lagMaxMs),
        poolWaiting: sum((s) => s.poolWaiting),
      };
    },
    async stop() {
      const started = performance.now();
      for (const instance of instances) if (!instance.exit) instance.child.kill('SIGTERM');
      const results = await Promise.all(instances.map((instance) => instance.exited));
      // The first that did not stop cleanly, else the first's.
      const result = results.find((r) => r.code !== 0) ?? results[0]!;
      return { ...result, ms: Math.round(performance.now() - started) };
    },
    openDatabase: () => openDatabase({ databaseUrl, dataDir: instances[0]!.dataDir }),
    async dispose() {
      if (disposed) return;
      disposed = true;
      for (const instance of instances) if (!instance.exit) instance.child.kill('SIGKILL');
      await Promise.all(instances.map((instance) => instance.exited));
      if (databaseName) await onServer(o.serverUrl!, (c) => c.query(`drop database if exists ${databaseName} with (force)`));
      for (const instance of instances) fs.rmSync(instance.dataDir, { recursive: true, force: true });
    },
  };

  // Ready when each /readyz says so: migrated (the first to start does it, the others wait), rebuilt, listening.
  const started = Date.now();
  try {
    for (const instance of instances) {
      for (;;) {
        if (instance.exit) throw new Error(`the server exited (${instance.exit.code ?? instance.exit.signal}) before it was ready:\n${tailOf(instance)}`);
        if (Date.now() - started > START_TIMEOUT_MS) throw new Error(`the server was not ready within ${START_TIMEOUT_MS / 1000} s:\n${tailOf(instance)}`);
        const ready = await fetch(`${instance.url}/readyz`).then(
          (res) => res.status === 200,
          () => false,
        );
        if (ready) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } catch (err) {
    await server.dispose();
    throw err;
  }
  return server;
}

/** One instance's /metrics (with the admin token), as a sample. */
async function sampleOf(url: string, adminToken: string): Promise<ServerSample> {
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
}
