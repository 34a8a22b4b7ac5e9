/**
 * The background roster refresh: every tick, each course in use whose roster is older than
 * ROSTER_REFRESH_MINUTES is claimed and read again, one course at a time. Several CoursePulse
 * processes on one PostgreSQL server may run it together: a course is claimed by one of them
 * (courses-due-for-roster.ts), so it is never read twice at once.
 */
import type { Logger } from 'pino';
import type { CourseKey } from '../models/course-key.js';
import { claimRosterRead, coursesDueForRoster, type RosterDue } from '../models/courses-due-for-roster.js';
import { syncRoster, type RosterDeps } from './roster.js';

/**
 * A course is in use while a teacher launched it or read its reports within this window. Rosters
 * are read for someone looking at them: after an hour without a teacher nobody sees the roster,
 * so asking the LMS every few minutes would only load it; the next launch reads the roster anyway.
 */
export const IN_USE_WINDOW_MINUTES = 60;
/** How often the refresher looks for due courses: a due course waits at most this long. */
export const REFRESHER_TICK_SECONDS = 60;

export interface RosterRefresherOptions {
  /** ROSTER_REFRESH_MINUTES: a roster read longer ago than this is due. */
  intervalMinutes: number;
  tickSeconds?: number;
  /** Told what each pass did, or null when it failed as a whole (/metrics counts them). */
  onPass?: (summary: RefreshSummary | null) => void;
}

/** What one pass did. */
export interface RefreshSummary {
  synced: number;
  failed: number;
  /** Due when listed, but claimed or read meanwhile by another process. */
  takenElsewhere: number;
}

export interface RosterRefresher {
  /** Runs a pass now, after the one in progress if any; resolves with what it did. */
  runOnce(): Promise<RefreshSummary>;
  /** Stops the timer and waits for the course being read, if any (the rest of its pass is dropped). */
  stop(): Promise<void>;
}

const minutesBefore = (at: Date, minutes: number): Date => new Date(at.getTime() - minutes * 60_000);

export function startRosterRefresher(deps: RosterDeps, options: RosterRefresherOptions): RosterRefresher {
  const now = deps.now ?? (() => new Date());
  const log: Logger = deps.logger.child({ component: 'roster-refresher' });
  const tickMs = (options.tickSeconds ?? REFRESHER_TICK_SECONDS) * 1000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  async function pass(): Promise<RefreshSummary> {
    const summary: RefreshSummary = { synced: 0, failed: 0, takenElsewhere: 0 };
    if (stopped) return summary;
    const at = now();
    const due: RosterDue = { usedSince: minutesBefore(at, IN_USE_WINDOW_MINUTES), readBefore: minutesBefore(at, options.intervalMinutes) };
    const started = Date.now();
    for (const key of await coursesDueForRoster(deps.db, due)) {
      if (stopped) break;
      const course = await claimRosterRead(deps.db, key, due, now());
      if (!course) {
        summary.takenElsewhere++;
        continue;
      }
      const courseStarted = Date.now();
      const result = await syncRoster(deps, course);
      logCourse(key, result.ok ? { ok: true, members: result.members, markedLeft: result.markedLeft } : { ok: false, reason: result.reason }, courseStarted);
      if (result.ok) summary.synced++;
      else summary.failed++;
    }
    if (summary.synced || summary.failed) log.info({ ...summary, ms: Date.now() - started }, 'rosters refreshed');
    return summary;
  }

  function logCourse({ platformId, contextId }: CourseKey, outcome: Record<string, unknown>, startedAt: number): void {
    log.debug({ platformId, contextId, ...outcome, ms: Date.now() - startedAt }, 'roster refresh of a course');
  }

  function runOnce(): Promise<RefreshSummary> {
    const next = running.then(pass, pass);
    next.then((summary) => options.onPass?.(summary), () => options.onPass?.(null));
    running = next.catch(() => undefined);
    return next;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((err: unknown) => log.error({ err }, 'roster refresh pass failed'))
        .finally(schedule);
    }, tickMs);
    // A pending refresh never keeps the process alive.
    timer.unref();
  }

  schedule();
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
