/**
 * The ingest benchmark's phases (run by bench/ingest.ts, and tiny by test/bench-ingest.test.ts).
 * For one database backend, each phase on a fresh database with its own app, platform, course,
 * roster and credential (bench-course.ts), the same seeded activity (activity-generator.ts):
 *
 * - bare insert: the rows ingestion would store, into a bare table (bare-insert.ts) — the yardstick;
 * - HTTP, batches of 1: the first N statements, one POST each, one client;
 * - HTTP, batches of 100: every statement, one client, with the acknowledged-to-visible probe
 *   after each POST (its time is not counted in the phase's seconds);
 * - HTTP, batches of 100 with several concurrent clients;
 * - import: the same statements as NDJSON through importStatements;
 * - import of a file `bigFactor` times larger (as many times the students), to show its memory is flat.
 *
 * After every phase the figures are checked (derived-figures.ts). Setting up a phase is not timed.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { deliveryBatches, type GeneratorOptions } from './activity-generator.js';
import { writeActivityFile, writeActivityFileApart } from './activity-file.js';
import { BARE_BATCH, bareRow, createBareTable, insertBareRows } from './bare-insert.js';
import type { BenchDatabases } from './bench-databases.js';
import { benchCourse, type BenchCourse } from './bench-course.js';
import { checkFigures, figuresDiffer, type DerivedFigures } from './derived-figures.js';
import { collectGarbage, withPeakMemory, type MemorySample } from './peak-memory.js';
import { profiledDatabase, QueryProfile, type ProfileEntry } from './query-profile.js';
import { importStatements } from '../src/ingest/import-statements.js';
import type { RollupSettings } from '../src/ingest/recompute.js';
import { prepareStatements, type PreparedStatement, type StatementSender } from '../src/ingest/store-statements.js';
import { localDay } from '../src/metrics/index.js';
import type { NewSourceEvent } from '../src/models/insert-source-events.js';
import type { Database } from '../src/models/database.js';

export interface IngestBenchOptions {
  seed: number;
  students: number;
  days: number;
  /** How many statements the batches-of-1 phase sends (it is slow). */
  batchOfOneStatements: number;
  /** Concurrent clients of the second batches-of-100 phase. */
  clients: number;
  /** The large import file has this many times the students (0: no large import). */
  bigFactor: number;
  /** Time the steps of storing and recomputing (query-profile.ts). */
  profile: boolean;
  settings: RollupSettings;
  /** Progress lines (stderr). */
  progress: (line: string) => void;
}

export interface LatencySummary {
  samples: number;
  p50: number;
  p95: number;
  max: number;
}

export interface PhaseResult {
  phase: string;
  database: string;
  statements: number;
  seconds: number;
  perSecond: number;
  /** perSecond / the bare insert's rate on the same database. */
  ratioToBare: number | null;
  startRssMb: number;
  peakRssMb: number;
  peakHeapMb: number;
  liveHeapMb: number;
  /** Acknowledged-to-visible, in ms. */
  latencyMs?: LatencySummary;
  /** Empty when the figures checked out. */
  problems: string[];
  profile?: ProfileEntry[];
}

export const PHASES = {
  prepare: 'validate + map only (JS)',
  bare: 'bare insert (yardstick)',
  http1: 'HTTP, batches of 1',
  http100: 'HTTP, batches of 100',
  http100Concurrent: (clients: number) => `HTTP, batches of 100, ${clients} clients`,
  import: 'import (NDJSON)',
  importBig: (factor: number) => `import, ${factor}x file`,
} as const;

/** The bench LMS: the platform's issuer and the base of the statements' URLs. */
export const LMS_URL = 'http://moodle.bench.example';
const START = new Date('2026-03-02T00:00:00Z');
/** How long the probe waits for an acknowledged statement's figures before calling it a failure. */
const VISIBLE_TIMEOUT_MS = 5000;

/** What the generated activity is, prepared once for every database. */
export interface BenchData {
  generator: GeneratorOptions;
  /** Delivery batches of up to 100, as JSON bodies, with their statement counts and a probe each. */
  batches: Array<{ body: string; count: number; probe: Probe | null }>;
  /** The batches-of-1 subset: one statement per body. */
  singles: Array<{ body: string; count: 1; probe: Probe | null }>;
  statements: number;
  /** Every delivered statement (re-sends too) in delivery order. */
  delivered: Array<Record<string, unknown>>;
  dir: string;
  /** Files written in `dir` so far, with their statement counts (each backend imports the same files). */
  files: Map<string, number>;
}

/** A statement of a batch that was new when the batch was sent: its figures must be visible after the 200. */
interface Probe {
  userId: string;
  at: Date;
  day: string;
}

function probeOf(batch: Array<Record<string, unknown>>, seen: Set<string>, timezone: string): Probe | null {
  let probe: Probe | null = null;
  for (const s of batch) {
    const key = JSON.stringify(s);
    if (seen.has(key)) continue;
    seen.add(key);
    const at = new Date(s.timestamp as string);
    probe = { userId: (s.actor as { account: { name: string } }).account.name, at, day: localDay(at.getTime(), timezone) };
  }
  return probe;
}

export function benchData(o: IngestBenchOptions): BenchData {
  const generator: GeneratorOptions = { seed: o.seed, lmsUrl: LMS_URL, courseId: '101', students: o.students, days: o.days, start: START };
  const seen = new Set<string>();
  const raw = [...deliveryBatches(generator, 100)];
  const batches = raw.map((b) => ({ body: JSON.stringify(b), count: b.length, probe: probeOf(b, seen, o.settings.timezone) }));
  const seenSingles = new Set<string>();
  const singles = [...deliveryBatches(generator, 1)]
    .flat()
    .slice(0, o.batchOfOneStatements)
    .map((s) => ({ body: JSON.stringify([s]), count: 1 as const, probe: probeOf([s], seenSingles, o.settings.timezone) }));
  return {
    generator,
    batches,
    singles,
    statements: raw.reduce((n, b) => n + b.length, 0),
    delivered: raw.flat(),
    dir: fs.mkdtempSync(path.join(os.tmpdir(), 'coursepulse-bench-data-')),
    files: new Map(),
  };
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

function summariseLatency(ms: number[]): LatencySummary | undefined {
  if (ms.length === 0) return undefined;
  const sorted = [...ms].sort((a, b) => a - b);
  return { samples: sorted.length, p50: round(percentile(sorted, 0.5), 1), p95: round(percentile(sorted, 0.95), 1), max: round(sorted.at(-1)!, 1) };
}

/** Prints a progress line every two seconds while a phase runs. */
function ticker(label: string, total: number, progress: (line: string) => void): { done(n: number): void; stop(): void } {
  let done = 0;
  const started = performance.now();
  const timer = setInterval(() => {
    const seconds = (performance.now() - started) / 1000;
    progress(`  ${label}: ${done.toLocaleString('en')}/${total.toLocaleString('en')} statements, ${Math.round(done / seconds).toLocaleString('en')}/s`);
  }, 2000);
  return {
    done: (n) => {
      done += n;
    },
    stop: () => clearInterval(timer),
  };
}

/** A keep-alive HTTP client POSTing xAPI statements with the course's credential. */
function statementPoster(c: BenchCourse, clients: number): { post(body: string): Promise<void>; close(): void } {
  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const url = new URL('/xapi/statements', c.url);
  return {
    post: (body) =>
      new Promise((resolve, reject) => {
        const req = http.request(
          url,
          {
            method: 'POST',
            agent,
            headers: {
              Authorization: c.authorization,
              'Content-Type': 'application/json',
              'Content-Length': Buffer.byteLength(body),
              'X-Experience-API-Version': '1.0.3',
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () => {
              if (res.statusCode === 200) resolve();
              else reject(new Error(`POST /xapi/statements answered ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 300)}`));
            });
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}

/** Whether the probe's statement shows in the student's day and the course's day. */
async function visible(db: Database, c: BenchCourse, p: Probe): Promise<boolean> {
  const [row] = await db.query<{ visible: boolean }>(
    `select exists(select 1 from student_days where platform_id = $1 and context_id = $2 and user_id = $3 and day = $4
                   and first_event_at <= $5 and last_event_at >= $5)
        and exists(select 1 from course_days where platform_id = $1 and context_id = $2 and day = $4 and (visits > 0 or actions > 0)) as visible`,
    [c.course.platformId, c.course.contextId, p.userId, p.day, p.at],
  );
  return row!.visible;
}

interface HttpRun {
  seconds: number;
  latencies: number[];
  problems: string[];
}

/**
 * Sends the bodies with `clients` concurrent clients (each takes the next body when its last one
 * is answered). With `probe`, after each 200 the statement's figures are polled until visible,
 * and that time is left out of the phase's seconds.
 */
async function sendAll(
  c: BenchCourse,
  db: Database,
  bodies: ReadonlyArray<{ body: string; count: number; probe: Probe | null }>,
  clients: number,
  probe: boolean,
  tick: { done(n: number): void },
): Promise<HttpRun> {
  const poster = statementPoster(c, clients);
  const latencies: number[] = [];
  const problems: string[] = [];
  let probeMs = 0;
  let next = 0;
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: clients }, async () => {
        while (next < bodies.length) {
          const item = bodies[next++]!;
          await poster.post(item.body);
          tick.done(item.count);
          if (!probe || !item.probe) continue;
          const acknowledged = performance.now();
          while (!(await visible(db, c, item.probe))) {
            if (performance.now() - acknowledged > VISIBLE_TIMEOUT_MS) {
              problems.push(`a statement of ${item.probe.userId} at ${item.probe.at.toISOString()} was not visible ${VISIBLE_TIMEOUT_MS} ms after its 200`);
              break;
            }
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
          const ms = performance.now() - acknowledged;
          latencies.push(ms);
          probeMs += ms;
        }
      }),
    );
  } finally {
    poster.close();
  }
  return { seconds: (performance.now() - started - probeMs) / 1000, latencies, problems: problems.slice(0, 5) };
}

/** The rows the bare insert writes: the statements prepared as ingestion prepares them (not timed). */
function bareRows(data: BenchData, sender: StatementSender): NewSourceEvent[][] {
  const chunks: NewSourceEvent[][] = [];
  const now = new Date();
  for (let i = 0; i < data.delivered.length; i += BARE_BATCH) {
    const chunk = data.delivered.slice(i, i + BARE_BATCH);
    const rows = chunk.map((s) => {
      const prepared = prepareStatements({ method: 'POST', body: s, version: '1.0.3' }, sender, now);
      if (!prepared.ok) throw new Error(`the generator made an invalid statement: ${prepared.error}`);
      const statement: PreparedStatement = prepared.statements[0]!;
      return bareRow(statement, data.generator.courseId, (s.actor as { account: { name: string } }).account.name);
    });
    chunks.push(rows);
  }
  return chunks;
}

interface Phase {
  name: string;
  /** Groups phases that ingest the same statements: their figures must be equal. */
  sameData: string | null;
  fromScratchCheck: boolean;
  students: number;
  courseId: string;
  run(c: BenchCourse, db: Database, raw: Database, tick: (total: number) => { done(n: number): void; stop(): void }): Promise<{ statements: number; seconds: number; latencies?: number[]; problems: string[] }>;
}

function phaseResult(name: string, database: string, statements: number, seconds: number, memory: MemorySample, problems: string[]): PhaseResult {
  return {
    phase: name,
    database,
    statements,
    seconds: round(seconds, 2),
    perSecond: Math.round(statements / seconds),
    ratioToBare: null,
    startRssMb: memory.startMb,
    peakRssMb: memory.peakMb,
    peakHeapMb: memory.peakHeapMb,
    liveHeapMb: memory.liveHeapMb,
    problems,
  };
}

/** How fast validation and mapping alone go (pure JS, no database): the same batches of 100. */
export function prepareOnly(data: BenchData): PhaseResult {
  const sender: StatementSender = { platformId: 'bench', credentialKey: 'bench', issuer: LMS_URL, authorityHomePage: 'http://coursepulse.bench.example' };
  const bodies = data.batches.map((b) => JSON.parse(b.body) as unknown);
  collectGarbage();
  const start = process.memoryUsage();
  const started = performance.now();
  for (const body of bodies) {
    const prepared = prepareStatements({ method: 'POST', body, version: '1.0.3' }, sender, new Date());
    if (!prepared.ok) throw new Error(prepared.error);
  }
  const seconds = (performance.now() - started) / 1000;
  const end = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 1048576);
  // Not sampled while it runs (it never yields): the figures after it.
  return phaseResult(PHASES.prepare, 'none', data.statements, seconds, { startMb: mb(start.rss), peakMb: mb(Math.max(start.rss, end.rss)), peakHeapMb: mb(Math.max(start.heapUsed, end.heapUsed)), liveHeapMb: mb(start.heapUsed) }, []);
}

/** Runs every phase on one backend; `reference` holds the figures of earlier phases (and backends) by data set. */
export async function runBackend(databases: BenchDatabases, data: BenchData, o: IngestBenchOptions, reference: Map<string, { label: string; figures: DerivedFigures }>): Promise<PhaseResult[]> {
  const backend = databases.backend;
  const results: PhaseResult[] = [];
  const profile = new QueryProfile();

  // The yardstick first: the bare insert of the same rows.
  {
    const rows = bareRows(data, { platformId: 'bench', credentialKey: 'bench', issuer: LMS_URL, authorityHomePage: 'http://coursepulse.bench.example' });
    const fresh = await databases.fresh();
    try {
      await createBareTable(fresh.db);
      o.progress(`${backend}: ${PHASES.bare}`);
      const { result: seconds, memory } = await withPeakMemory(async () => {
        const started = performance.now();
        for (const chunk of rows) await insertBareRows(fresh.db, 'bench', new Date(), chunk);
        return (performance.now() - started) / 1000;
      });
      const [stored] = await fresh.db.query<{ n: number }>(`select count(*) as n from bench_bare_events`);
      const problems = stored!.n === new Set(rows.flat().map((r) => r.sourceId)).size ? [] : [`the bare table holds ${stored!.n} rows`];
      results.push(phaseResult(PHASES.bare, backend, data.statements, seconds, memory, problems));
    } finally {
      await fresh.dispose();
    }
  }
  const bareRate = results[0]!.perSecond;
  results[0]!.ratioToBare = 1;

  const smallFile = path.join(data.dir, 'activity.ndjson');
  if (!data.files.has(smallFile)) data.files.set(smallFile, writeActivityFile(data.generator, smallFile));
  const importPhase = (name: string, file: string, count: number): Phase['run'] => async (c, db, _raw, tick) => {
    const t = tick(count);
    const started = performance.now();
    let done = 0;
    try {
      const summary = await importStatements(db, {
        platformId: c.course.platformId,
        filePath: file,
        settings: o.settings,
        sender: c.sender,
        onProgress: (p) => {
          t.done(p.statementsRead - done);
          done = p.statementsRead;
        },
      });
      const seconds = (performance.now() - started) / 1000;
      const problems: string[] = [];
      if (summary.statementsRead !== count) problems.push(`${name}: read ${summary.statementsRead} of ${count} statements`);
      if (summary.rejected > 0) problems.push(`${name}: rejected ${summary.rejected}: ${JSON.stringify(summary.rejectedReasons.slice(0, 2))}`);
      return { statements: summary.statementsRead, seconds, problems };
    } finally {
      t.stop();
    }
  };

  const phases: Phase[] = [
    {
      name: PHASES.http1,
      sameData: 'batches-of-1 subset',
      fromScratchCheck: true,
      students: o.students,
      courseId: data.generator.courseId,
      run: async (c, _db, raw, tick) => {
        const t = tick(data.singles.length);
        try {
          const r = await sendAll(c, raw, data.singles, 1, true, t);
          return { statements: data.singles.length, ...r };
        } finally {
          t.stop();
        }
      },
    },
    {
      name: PHASES.http100,
      sameData: 'all statements',
      fromScratchCheck: true,
      students: o.students,
      courseId: data.generator.courseId,
      run: async (c, _db, raw, tick) => {
        const t = tick(data.statements);
        try {
          const r = await sendAll(c, raw, data.batches, 1, true, t);
          return { statements: data.statements, ...r };
        } finally {
          t.stop();
        }
      },
    },
    {
      name: PHASES.http100Concurrent(o.clients),
      sameData: 'all statements',
      fromScratchCheck: true,
      students: o.students,
      courseId: data.generator.courseId,
      run: async (c, _db, raw, tick) => {
        const t = tick(data.statements);
        try {
          const r = await sendAll(c, raw, data.batches, o.clients, false, t);
          return { statements: data.statements, seconds: r.seconds, problems: r.problems };
        } finally {
          t.stop();
        }
      },
    },
    {
      name: PHASES.import,
      sameData: 'all statements',
      fromScratchCheck: true,
      students: o.students,
      courseId: data.generator.courseId,
      run: importPhase(PHASES.import, smallFile, data.statements),
    },
  ];
  if (o.bigFactor > 1) {
    const bigGenerator = { ...data.generator, students: o.students * o.bigFactor, courseId: '102' };
    const bigFile = path.join(data.dir, `activity-${o.bigFactor}x.ndjson`);
    let bigCount = 0;
    phases.push({
      name: PHASES.importBig(o.bigFactor),
      sameData: `${o.bigFactor}x file`,
      // Recomputing every student of the large course from scratch takes longer than the import: the phases above check that.
      fromScratchCheck: false,
      students: bigGenerator.students,
      courseId: bigGenerator.courseId,
      run: async (c, db, raw, tick) => importPhase(PHASES.importBig(o.bigFactor), bigFile, bigCount)(c, db, raw, tick),
    });
    if (!data.files.has(bigFile)) {
      o.progress(`writing the ${o.bigFactor}x file (${bigGenerator.students} students) in a child process`);
      data.files.set(bigFile, await writeActivityFileApart(bigGenerator, bigFile));
    }
    bigCount = data.files.get(bigFile)!;
  }

  for (const phase of phases) {
    const fresh = await databases.fresh();
    const db = o.profile ? profiledDatabase(fresh.db, profile) : fresh.db;
    let course: BenchCourse | undefined;
    try {
      course = await benchCourse({ db, lmsUrl: LMS_URL, courseId: phase.courseId, students: phase.students, settings: o.settings });
      o.progress(`${backend}: ${phase.name}`);
      profile.reset();
      const tick = (total: number) => ticker(`${backend} ${phase.name}`, total, o.progress);
      const { result: run, memory } = await withPeakMemory(() => phase.run(course!, db, fresh.db, tick));
      const result = phaseResult(phase.name, backend, run.statements, run.seconds, memory, [...run.problems]);
      result.ratioToBare = round(result.perSecond / bareRate, 3);
      const latency = summariseLatency(run.latencies ?? []);
      if (latency) result.latencyMs = latency;
      if (o.profile) {
        const entries = profile.result();
        const inDatabase = entries.reduce((sum, e) => sum + e.ms, 0);
        entries.push({ step: 'outside transactions and queries (HTTP, JSON, validate, map)', calls: 0, ms: round(Math.max(0, run.seconds * 1000 - inDatabase), 1) });
        result.profile = entries;
        if (profile.unknown.size > 0) o.progress(`  unprofiled SQL: ${[...profile.unknown].join(' | ')}`);
      }

      o.progress(`${backend}: checking the figures of ${phase.name}`);
      const check = await checkFigures(fresh.db, course.course, o.settings, { fromScratch: phase.fromScratchCheck });
      result.problems.push(...check.problems);
      if (phase.sameData) {
        const label = `${backend} ${phase.name}`;
        const ref = reference.get(phase.sameData);
        if (!ref) reference.set(phase.sameData, { label, figures: check.figures });
        else {
          const differs = figuresDiffer(`${label} vs ${ref.label}`, check.figures, ref.figures);
          if (differs) result.problems.push(differs);
        }
      }
      for (const problem of result.problems) o.progress(`!!! MISMATCH ${backend} ${phase.name}: ${problem}`);
      results.push(result);
    } finally {
      await course?.close();
      await fresh.dispose();
    }
  }
  return results;
}

/** Removes the generated files. */
export function disposeData(data: BenchData): void {
  fs.rmSync(data.dir, { recursive: true, force: true });
}
