/**
 * One load run (bench/load.ts runs it; test/bench-load.test.ts runs a tiny one): the server as its
 * own process on a throw-away database (load-server.ts), its courses set up and the report course
 * preloaded through it (load-course.ts), then for `durationSeconds` an open-loop mix
 * (load-scheduler.ts) of ingest requests — fresh statements in batches of 100 over the ingest
 * courses and credentials in turn (load-statements.ts) — and report requests of the report course
 * (load-traffic.ts), with the server's memory and event loop lag read from /metrics every few
 * seconds and a progress line every `progressSeconds`. Then the requests in flight are awaited,
 * the server is stopped (SIGTERM: it must stop cleanly), and its database is opened to count the
 * stored statements against the acknowledged ones. The result is what load-checks.ts judges and
 * load-report.ts prints.
 */
import http from 'node:http';
import { setUpLoadCourses, BATCH_SIZE, type PreloadResult } from './load-course.js';
import { send } from './load-client.js';
import { memoryTrend, type MemoryTrend } from './load-memory.js';
import { isSuccess, LoadRecorder, type ClassStats, type LatencySummary } from './load-recorder.js';
import { openLoop } from './load-scheduler.js';
import { startLoadServer, type ServerSample } from './load-server.js';
import { LiveStatements } from './load-statements.js';
import { storedStatements } from './load-stored.js';
import { INGEST_CLASS, REPORT_CLASSES, reportClassesNamed, reportRequests } from './load-traffic.js';
import type { BenchBackend } from './bench-databases.js';

export interface LoadOptions {
  backend: BenchBackend;
  /** The PostgreSQL server (backend postgres). */
  serverUrl?: string;
  durationSeconds: number;
  /** Statements a second, sent in requests of 100. */
  ingestRate: number;
  /** Report requests a second. */
  reportRate: number;
  /** Only these report classes (load-traffic.ts's names), by their weights; default all. */
  reportClasses?: readonly string[];
  students: number;
  days: number;
  /** Courses the live statements go to (the report course is one of them). */
  ingestCourses: number;
  seed: number;
  /** How often /metrics is read. */
  sampleSeconds: number;
  /** How often a progress line is written. */
  progressSeconds: number;
  /** Added to the server's environment. */
  serverEnv?: Record<string, string>;
  /** Server processes on the one database (postgres only), the load spread over them in turn as a balancer would; default 1. */
  instances?: number;
  progress: (line: string) => void;
}

export interface MemorySample extends ServerSample {
  /** Since the load started. */
  seconds: number;
}

export interface IntervalLine {
  seconds: number;
  ingestStatementsPerSecond: number;
  reportsPerSecond: number;
  ingest: LatencySummary;
  reports: LatencySummary;
  perClass: Array<{ name: string; p50: number; p99: number; count: number }>;
  errors: Record<string, number>;
  memory: MemorySample | undefined;
}

export interface LoadResult {
  startedAt: string;
  options: Omit<LoadOptions, 'progress' | 'serverUrl'> & { ingestRequestsPerSecond: number; credentials: number };
  setup: { serverStartSeconds: number; launchMs: number; preload: PreloadResult; courses: string[] };
  /** The load's length as run (shorter when the server died). */
  seconds: number;
  classes: ClassStats[];
  /** Every report request as one class. */
  reports: ClassStats;
  ingest: {
    requests: number;
    statementsSent: number;
    statementsAcknowledged: number;
    /** Refused with 429: not stored, not acknowledged. */
    statementsRateLimited: number;
    /** Their request failed otherwise (5xx, no answer): maybe stored, maybe not. */
    statementsUncertain: number;
    acknowledgedPerSecond: number;
    courseDays: number;
  };
  intervals: IntervalLine[];
  memory: { samples: MemorySample[]; rss: MemoryTrend; heapUsed: MemoryTrend };
  /** Per course: statements that must be stored (acknowledged, and the preload) and at most could be (plus the uncertain), and what is. */
  stored: Array<{ courseId: string; expected: number; atMost: number; stored: number }>;
  server: { crashed: boolean; exit: { code: number | null; signal: string | null }; stopMs: number; logTail: string };
  /** Report requests not sent because the client was too far behind (see MAX_IN_FLIGHT). */
  backlog: number;
  /** Each server process's address and the requests it answered 2xx (one entry with one process). */
  instances: Array<{ url: string; answered: number }>;
}

/** Requests in flight beyond which a due one is not sent (and counted as `backlog`): the client's memory stays bounded when the server stalls. */
const MAX_IN_FLIGHT = 2000;
/** How long the requests in flight at the end may take before the run gives up on them. */
const DRAIN_MS = 35_000;

const XAPI_HEADERS = { 'Content-Type': 'application/json', 'X-Experience-API-Version': '1.0.3' };
const round1 = (n: number) => Math.round(n * 10) / 10;
/** A wait that does not keep the process alive once the race it is in is decided. */
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const startedAt = new Date().toISOString();
  const ingestPerSecond = o.ingestRate / BATCH_SIZE;
  // Each credential at half the default rate limit (600 a minute): the load is not meant to hit it.
  const credentials = Math.max(1, Math.ceil(ingestPerSecond / 5));
  const serverStarted = performance.now();
  const instances = o.instances ?? 1;
  o.progress(instances === 1 ? `starting the server (${o.backend}) as its own process` : `starting ${instances} server processes on one ${o.backend} database`);
  const server = await startLoadServer({ backend: o.backend, instances, ...(o.serverUrl ? { serverUrl: o.serverUrl } : {}), ...(o.serverEnv ? { env: o.serverEnv } : {}) });
  const serverStartSeconds = round1((performance.now() - serverStarted) / 1000);
  let courses: Awaited<ReturnType<typeof setUpLoadCourses>> | undefined;
  const reportAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const ingestAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  try {
    courses = await setUpLoadCourses(server.url, server.adminToken, { seed: o.seed, students: o.students, days: o.days, ingestCourses: o.ingestCourses, credentials, progress: o.progress });
    const { ltik, authorizations, courseIds } = courses;
    // Each stream takes the instances in turn, as a round-robin balancer would.
    const bases = server.urls.map((url) => new URL(url));
    const answered = bases.map(() => 0);
    let ingestTurn = 0;
    let reportTurn = 0;
    /** Sends to the next instance in turn; counts the 2xx answers each gave. */
    const sendInTurn = (turn: number, agent: http.Agent, request: Parameters<typeof send>[2]) =>
      send(bases[turn % bases.length]!, agent, request).then((answer) => {
        if (isSuccess(String(answer.status))) answered[turn % bases.length]!++;
        return answer;
      });
    const live = new LiveStatements(courses.activity, courseIds, courses.now, BATCH_SIZE, courses.identities);
    const classes = o.reportClasses ? reportClassesNamed(o.reportClasses) : REPORT_CLASSES;
    const nextReport = reportRequests(o.seed, o.students, ltik, classes);
    const reportNames = classes.map((c) => c.name);
    const recorder = new LoadRecorder([INGEST_CLASS, ...reportNames]);
    const perCourse = new Map(courseIds.map((id) => [id, { acknowledged: 0, uncertain: 0 }]));
    const ingest = { requests: 0, sent: 0, acknowledged: 0, rateLimited: 0, uncertain: 0 };
    let inFlight = 0;
    let backlog = 0;
    let credential = 0;
    const pending = new Set<Promise<void>>();
    const track = (p: Promise<void>) => {
      pending.add(p);
      void p.finally(() => pending.delete(p));
    };

    o.progress(
      `load for ${o.durationSeconds} s: ${o.ingestRate.toLocaleString('en')} statements/s (${round1(ingestPerSecond)} requests/s of ${BATCH_SIZE}, ${courseIds.length} course(s), ${credentials} credential(s)) and ${o.reportRate} report requests/s${instances === 1 ? '' : `, over ${instances} server processes in turn`}`,
    );
    const loop = openLoop(
      [
        {
          ratePerSecond: ingestPerSecond,
          fire: (dueAt) => {
            const batch = live.next();
            ingest.requests++;
            ingest.sent += batch.count;
            const course = perCourse.get(batch.courseId)!;
            if (inFlight >= MAX_IN_FLIGHT) {
              backlog++;
              ingest.sent -= batch.count;
              recorder.record(INGEST_CLASS, 0, 'backlog');
              return;
            }
            inFlight++;
            const authorization = authorizations[credential++ % authorizations.length]!;
            track(
              sendInTurn(ingestTurn++, ingestAgent, { method: 'POST', path: '/xapi/statements', headers: { ...XAPI_HEADERS, Authorization: authorization }, body: batch.body }).then((answer) => {
                inFlight--;
                recorder.record(INGEST_CLASS, performance.now() - dueAt, answer.status);
                if (answer.status === 200) {
                  ingest.acknowledged += batch.count;
                  course.acknowledged += batch.count;
                } else if (answer.status === 429) {
                  ingest.rateLimited += batch.count;
                } else if (typeof answer.status !== 'number' || answer.status >= 500) {
                  // No answer, or a server error: stored or not, the database says.
                  ingest.uncertain += batch.count;
                  course.uncertain += batch.count;
                }
                // Any other 4xx refused the request whole: nothing stored (and a failed check).
              }),
            );
          },
        },
        {
          ratePerSecond: o.reportRate,
          fire: (dueAt) => {
            const request = nextReport();
            if (inFlight >= MAX_IN_FLIGHT) {
              backlog++;
              recorder.record(request.className, 0, 'backlog');
              return;
            }
            inFlight++;
            track(
              sendInTurn(reportTurn++, reportAgent, { method: 'GET', path: request.path, headers: request.headers }).then((answer) => {
                inFlight--;
                recorder.record(request.className, performance.now() - dueAt, answer.status);
              }),
            );
          },
        },
      ],
      o.durationSeconds * 1000,
    );

    // Memory every sampleSeconds, a progress line every progressSeconds; a dead server ends the load.
    const samples: MemorySample[] = [];
    const intervals: IntervalLine[] = [];
    const elapsed = () => (performance.now() - loop.startedAt) / 1000;
    let lastProgress = 0;
    let acknowledgedAtLastProgress = 0;
    const sampler = (async () => {
      let sampling = true;
      void loop.done.then(() => (sampling = false));
      while (sampling) {
        await Promise.race([sleep(o.sampleSeconds * 1000), loop.done]);
        if (server.exit) {
          loop.stop();
          return;
        }
        try {
          samples.push({ seconds: round1(elapsed()), ...(await server.sample()) });
        } catch {
          // A scrape that failed under load is a missing sample, not a result; a dead server is seen above.
        }
        const now = elapsed();
        if (now - lastProgress >= o.progressSeconds - 0.01 || !sampling) {
          const span = now - lastProgress;
          const { classes: interval, combined } = recorder.takeInterval(reportNames);
          const line: IntervalLine = {
            seconds: round1(now),
            ingestStatementsPerSecond: Math.round((ingest.acknowledged - acknowledgedAtLastProgress) / span),
            reportsPerSecond: round1(combined.count / span),
            ingest: interval.find((c) => c.name === INGEST_CLASS)!.latency,
            reports: combined,
            perClass: interval.map((c) => ({ name: c.name, p50: c.latency.p50, p99: c.latency.p99, count: c.latency.count })),
            errors: errorsOf(interval.map((c) => c.statuses)),
            memory: samples.at(-1),
          };
          intervals.push(line);
          o.progress(progressLine(line));
          lastProgress = now;
          acknowledgedAtLastProgress = ingest.acknowledged;
        }
      }
    })();
    await loop.done;
    const seconds = round1(Math.min(elapsed(), o.durationSeconds));
    await sampler;
    // The answers still due: awaited, within reason.
    await Promise.race([Promise.all([...pending]), sleep(DRAIN_MS)]);
    // One more reading after the drain, unless the last is that recent (the lag gauges would read a second's nothing).
    if (!server.exit && elapsed() - (samples.at(-1)?.seconds ?? 0) >= 1) {
      try {
        samples.push({ seconds: round1(elapsed()), ...(await server.sample()) });
      } catch {
        // as above
      }
    }

    const crashed = server.exit !== undefined;
    o.progress(crashed ? `!!! the server exited during the load (${server.exit!.code ?? server.exit!.signal})` : 'stopping the server (SIGTERM)');
    const stopped = await server.stop();
    // Stopped (or dead): PGlite may now be opened by this process.
    const db = await server.openDatabase();
    let stored: Record<string, number>;
    try {
      stored = await storedStatements(db, courses.platformId, courseIds);
    } finally {
      await db.close();
    }
    return {
      startedAt,
      options: {
        backend: o.backend,
        durationSeconds: o.durationSeconds,
        ingestRate: o.ingestRate,
        reportRate: o.reportRate,
        students: o.students,
        days: o.days,
        ingestCourses: o.ingestCourses,
        seed: o.seed,
        sampleSeconds: o.sampleSeconds,
        progressSeconds: o.progressSeconds,
        ...(o.serverEnv ? { serverEnv: o.serverEnv } : {}),
        ingestRequestsPerSecond: ingestPerSecond,
        credentials,
      },
      setup: { serverStartSeconds, launchMs: courses.launchMs, preload: courses.preload, courses: courseIds },
      seconds,
      classes: recorder.summary(seconds),
      reports: recorder.combined('every report request', reportNames, seconds),
      ingest: {
        requests: ingest.requests,
        statementsSent: ingest.sent,
        statementsAcknowledged: ingest.acknowledged,
        statementsRateLimited: ingest.rateLimited,
        statementsUncertain: ingest.uncertain,
        acknowledgedPerSecond: Math.round(ingest.acknowledged / seconds),
        courseDays: live.courseDays,
      },
      intervals,
      memory: {
        samples,
        rss: memoryTrend(samples.map((s) => ({ seconds: s.seconds, mb: s.rssMb }))),
        heapUsed: memoryTrend(samples.map((s) => ({ seconds: s.seconds, mb: s.heapUsedMb }))),
      },
      stored: courseIds.map((id, i) => {
        const c = perCourse.get(id)!;
        const expected = c.acknowledged + (i === 0 ? courses!.preload.statements : 0);
        return { courseId: id, expected, atMost: expected + c.uncertain, stored: stored[id] ?? 0 };
      }),
      server: { crashed, exit: { code: stopped.code, signal: stopped.signal }, stopMs: stopped.ms, logTail: crashed || stopped.code !== 0 ? server.logTail() : '' },
      backlog,
      instances: server.urls.map((url, i) => ({ url, answered: answered[i]! })),
    };
  } finally {
    reportAgent.destroy();
    ingestAgent.destroy();
    await courses?.close();
    await server.dispose();
  }
}

function errorsOf(statuses: Array<Record<string, number>>): Record<string, number> {
  const errors: Record<string, number> = {};
  for (const s of statuses) for (const [status, n] of Object.entries(s)) if (!/^2\d\d$/.test(status)) errors[status] = (errors[status] ?? 0) + n;
  return errors;
}

function progressLine(l: IntervalLine): string {
  const m = l.memory;
  const errors = Object.entries(l.errors).map(([status, n]) => `${status}x${n}`).join(' ') || 'none';
  const classes = l.perClass.filter((c) => c.count > 0).map((c) => `${c.name} ${c.p50}/${c.p99}`).join(', ');
  return (
    `[${String(Math.round(l.seconds)).padStart(4)} s] ingest ${l.ingestStatementsPerSecond.toLocaleString('en')} st/s p50 ${l.ingest.p50} p99 ${l.ingest.p99} ms | ` +
    `reports ${l.reportsPerSecond}/s p50 ${l.reports.p50} p99 ${l.reports.p99} ms | ` +
    (m ? `rss ${Math.round(m.rssMb)} MB heap ${Math.round(m.heapUsedMb)} MB lag p99 ${m.lagP99Ms} ms | ` : '') +
    `errors ${errors}\n         p50/p99 ms: ${classes}`
  );
}
