/**
 * Rebuilding the derived data when what it was made with changed (derived-settings.ts): G, T,
 * the caps or the time zone (the figures are recomputed), or the kind rules (every stored xAPI and
 * Caliper payload is mapped again first). The server does it at start when its configuration
 * differs from the stored `derived_settings` row; `coursepulse rebuild` does it by hand.
 *
 * Idempotent and safe to interrupt: re-mapping commits chunk by chunk and recomputing course by
 * course, each a pure function of the stored payloads and the settings, and the settings row is
 * written last — so an interrupted rebuild leaves the old row, and the next start does it again.
 *
 * One rebuild at a time across the processes of one server database (models/rebuild-lock.ts):
 * two instances starting together after a change rebuild once — the second waits, then finds
 * the settings row up to date. Ingestion goes on beside a rebuild: both write a course under its
 * course lock, each a pure function of the stored events.
 */
import type { Logger } from 'pino';
import { normaliseCaliperEvent } from './caliper.js';
import { derivedSettingsOf, describeDifferences, parseDerivedSettings, settingsChange, type DerivedSettings } from './derived-settings.js';
import type { NormalisedEvent } from './normalised-event.js';
import { recomputeStudents, resolvePending, type RollupSettings } from './recompute.js';
import type { Statement } from './statement-validation.js';
import { normaliseStatement } from './xapi-event.js';
import { courseDerivedStudents, derivedStudentCounts, type CourseStudentCount } from '../models/course-derived-students.js';
import { lockCourse } from '../models/course-lock.js';
import type { Database } from '../models/database.js';
import { hasDerivedData } from '../models/derived-data-present.js';
import { clearDerivedSettings, readDerivedSettings, writeDerivedSettings } from '../models/derived-settings.js';
import { lockPlatformIngest } from '../models/ingest-lock.js';
import { platformIssuers } from '../models/platform-issuers.js';
import { withRebuildLock } from '../models/rebuild-lock.js';
import { countMappableEvents, mappableEventsAfter, updateEventMappings, type EventMapping, type MappableEvent } from '../models/remap-source-events.js';

/** Rows re-mapped per transaction: large enough to amortise a round trip, small enough to hold the platform's ingest lock briefly. */
export const REMAP_CHUNK = 2000;

/**
 * Students recomputed per recomputeStudents call inside a course's transaction: it reads every
 * event of the students it is given at once, so a large course goes in slices to bound memory.
 */
const STUDENTS_PER_CALL = 200;

/** Where a rebuild is: events re-mapped (`remap`), then students recomputed (`recompute`). */
export interface RebuildProgress {
  phase: 'remap' | 'recompute';
  done: number;
  total: number;
  /** What `done` and `total` count. */
  unit: 'events' | 'students';
}

export interface RebuildOptions {
  settings: RollupSettings;
  /** Map every stored payload again before recomputing (the kind rules changed, or forced). */
  remap: boolean;
  /** Called at the start of each phase (done 0) and as it advances. */
  onProgress?: (progress: RebuildProgress) => void;
  /** Stops between chunks and courses (what is committed stays; the settings row is not written). */
  signal?: AbortSignal;
  /** The clock of the settings row's `updated_at`. */
  now?: () => Date;
  /** Told once when another process is rebuilding and this rebuild waits for it to finish. */
  onWait?: () => void;
}

export interface RebuildResult {
  /** Courses whose students were recomputed. */
  courses: number;
  students: number;
  /** Events read by the re-mapping (0 without it). */
  eventsRead: number;
  /** Of those, the ones whose mapping changed. */
  eventsRemapped: number;
}

/** What the current rules make of a stored row, or null to leave it as it is. */
function mappingOf(row: MappableEvent, issuer: string): EventMapping | null {
  let event: NormalisedEvent;
  try {
    if (row.source === 'xapi') event = normaliseStatement(row.payload as Statement, row.storedAt, { issuer });
    else {
      const result = normaliseCaliperEvent(row.payload);
      // Stored Caliper events were usable when they arrived; one the rules now refuse keeps its mapping rather than vanish.
      if (!('event' in result)) return null;
      event = result.event;
    }
  } catch {
    // A payload stored by an older version that the current code cannot read keeps its mapping:
    // one odd row must not stop every start of the server.
    return null;
  }
  return {
    source: row.source,
    sourceId: row.sourceId,
    kind: 'kind' in event ? event.kind : null,
    ignored: 'ignored' in event ? event.ignored : null,
    durationSeconds: event.durationSeconds ?? null,
    courseRef: event.course ?? null,
    personRef: event.person,
  };
}

/** Maps every xAPI and Caliper row of every registered platform again, then resolves what became pending. */
async function remapAll(
  db: Database,
  courses: readonly CourseStudentCount[],
  options: RebuildOptions,
): Promise<{ read: number; changed: number }> {
  // Events of a platform that is no longer registered keep their mapping: without its issuer its
  // course URLs cannot be read, and no launch can ever resolve them anyway.
  const issuers = [...(await platformIssuers(db)).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let total = 0;
  for (const [platformId] of issuers) total += await countMappableEvents(db, platformId);
  let read = 0;
  let changed = 0;
  options.onProgress?.({ phase: 'remap', done: 0, total, unit: 'events' });
  for (const [platformId, issuer] of issuers) {
    let after = 0;
    for (;;) {
      options.signal?.throwIfAborted();
      const rows = await db.transaction(async (tx) => {
        // Alone on the platform: no batch stores, voids or resolves its events meanwhile.
        await lockPlatformIngest(tx, platformId, 'exclusive');
        const chunk = await mappableEventsAfter(tx, platformId, after, REMAP_CHUNK);
        changed += await updateEventMappings(tx, platformId, chunk.flatMap((row) => mappingOf(row, issuer) ?? []));
        return chunk;
      });
      if (rows.length === 0) break;
      after = rows.at(-1)!.seq;
      read += rows.length;
      options.onProgress?.({ phase: 'remap', done: read, total: Math.max(total, read), unit: 'events' });
    }
    // Rows whose course or person reference changed are pending again: tie them as a launch would.
    for (const course of courses.filter((c) => c.platformId === platformId)) {
      options.signal?.throwIfAborted();
      await resolvePending(db, course, options.settings);
    }
  }
  return { read, changed };
}

/**
 * Rebuilds the derived data with `options.settings` (see the file's comment): re-maps when asked,
 * recomputes every student of every course, each course in its own transaction, and records the
 * settings last. Waits first for a rebuild another process is running.
 */
export async function rebuildDerived(db: Database, options: RebuildOptions): Promise<RebuildResult> {
  return withRebuildLock(db, () => rebuildHoldingLock(db, options), options.onWait);
}

async function rebuildHoldingLock(db: Database, options: RebuildOptions): Promise<RebuildResult> {
  const now = options.now ?? (() => new Date());
  let courses = await derivedStudentCounts(db);
  // Half-re-mapped data must not pass for data made with the recorded settings (a forced
  // re-mapping happens when they did not change): without a row, the next start redoes it all.
  if (options.remap) await clearDerivedSettings(db);
  const remapped = options.remap ? await remapAll(db, courses, options) : { read: 0, changed: 0 };
  // Re-mapping may have moved events between students and courses: count again.
  if (options.remap) courses = await derivedStudentCounts(db);

  const total = courses.reduce((sum, c) => sum + c.students, 0);
  let done = 0;
  let coursesDone = 0;
  options.onProgress?.({ phase: 'recompute', done, total, unit: 'students' });
  for (const course of courses) {
    if (course.students === 0) continue;
    options.signal?.throwIfAborted();
    await db.transaction(async (tx) => {
      // Locked before the students are read, so none added meanwhile is missed.
      await lockCourse(tx, course);
      const userIds = await courseDerivedStudents(tx, course);
      for (let i = 0; i < userIds.length; i += STUDENTS_PER_CALL) {
        const slice = userIds.slice(i, i + STUDENTS_PER_CALL).map((userId) => ({ ...course, userId }));
        // No `at`: each student's whole history is recomputed.
        await recomputeStudents(tx, slice, options.settings);
        done += slice.length;
        options.onProgress?.({ phase: 'recompute', done, total: Math.max(total, done), unit: 'students' });
      }
    });
    coursesDone++;
  }

  await writeDerivedSettings(db, derivedSettingsOf(options.settings), now());
  return { courses: coursesDone, students: done, eventsRead: remapped.read, eventsRemapped: remapped.changed };
}

/** The stored settings row as settings, null when there is none or it is unreadable. */
export async function storedDerivedSettings(db: Database): Promise<DerivedSettings | null> {
  const row = await readDerivedSettings(db);
  return row === null ? null : parseDerivedSettings(row.settings);
}

/** `1 course`, `3 courses`. */
export const counted = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** Logs a phase's progress at every tenth of it. */
function progressLogger(logger: Logger): (progress: RebuildProgress) => void {
  let lastTenth = -1;
  let lastPhase: RebuildProgress['phase'] | undefined;
  return (p) => {
    if (p.phase !== lastPhase) {
      lastPhase = p.phase;
      lastTenth = -1;
    }
    const tenth = p.total === 0 ? 10 : Math.floor((p.done / p.total) * 10);
    if (tenth <= lastTenth || (p.done === 0 && p.total > 0)) return;
    lastTenth = tenth;
    const what = p.phase === 'remap' ? 're-mapping events' : 'rebuilding visits and days';
    logger.info({ phase: p.phase, done: p.done, total: p.total, unit: p.unit }, `${what}: ${tenth * 10} % (${p.done} of ${p.total} ${p.unit})`);
  };
}

export type StartRebuild =
  /** Nothing derived yet: the settings were recorded. */
  | { action: 'recorded' }
  | { action: 'none' }
  | { action: 'rebuilt'; result: RebuildResult; ms: number };

/**
 * At server start: compares the stored settings with the configuration's and rebuilds when they
 * differ, before the server listens (the figures it serves must match its settings). A database
 * without a settings row and without derived data is recorded as made with the current settings;
 * one with data is rebuilt wholly (re-mapped too), since what it was made with is unknown.
 */
export async function rebuildIfSettingsChanged(
  db: Database,
  settings: RollupSettings,
  logger: Logger,
  now: () => Date = () => new Date(),
): Promise<StartRebuild> {
  // The comparison too is made holding the lock: an instance that waited for another's rebuild
  // then reads the row that rebuild wrote, and has nothing left to do.
  const waiting = () => logger.info('another CoursePulse process is rebuilding the derived data; waiting for it to finish');
  return withRebuildLock(db, () => rebuildIfChangedHoldingLock(db, settings, logger, now), waiting);
}

async function rebuildIfChangedHoldingLock(db: Database, settings: RollupSettings, logger: Logger, now: () => Date): Promise<StartRebuild> {
  const row = await readDerivedSettings(db);
  if (row === null && !(await hasDerivedData(db))) {
    await writeDerivedSettings(db, derivedSettingsOf(settings), now());
    return { action: 'recorded' };
  }
  const change = settingsChange(row === null ? null : parseDerivedSettings(row.settings), derivedSettingsOf(settings));
  if (change.rebuild === 'none') return { action: 'none' };

  const courses = (await derivedStudentCounts(db)).filter((c) => c.students > 0).length;
  const why =
    change.rebuild === 'remap' && change.unknown
      ? 'the settings the stored data was derived with are not recorded'
      : describeDifferences(change.differences);
  const work = change.rebuild === 'remap' ? `re-mapping the stored events and rebuilding visits and days of ${counted(courses, 'course')}` : `rebuilding visits and days of ${counted(courses, 'course')}`;
  logger.warn({ differences: change.differences, rebuild: change.rebuild, courses }, `${why}: ${work}`);
  const started = Date.now();
  const result = await rebuildHoldingLock(db, { settings, remap: change.rebuild === 'remap', onProgress: progressLogger(logger), now });
  const ms = Date.now() - started;
  logger.info({ ...result, ms }, `rebuilt visits and days of ${counted(result.courses, 'course')} (${counted(result.students, 'student')}) in ${(ms / 1000).toFixed(1)} s`);
  return { action: 'rebuilt', result, ms };
}
