/**
 * A course's roster from the platform (NRPS), then its groups: read every page, check it, and
 * store it in one transaction — or, when anything in the read fails, store nothing but the reason.
 * Run on an instructor launch and by the background refresher (roster-refresher.ts).
 */
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { resolvePending, type RollupSettings } from '../ingest/recompute.js';
import { DEFAULT_INGEST_SETTINGS } from '../routes/xapi-statements.js';
import type { CourseServices } from '../models/course-services.js';
import type { Database } from '../models/database.js';
import { lockCourse } from '../models/course-lock.js';
import { courseStudentIds } from '../models/course-students.js';
import { replacePlatformGroups, type PlatformGroup, type PlatformGroupSource } from '../models/replace-platform-groups.js';
import { recordRosterRead } from '../models/roster-status.js';
import { markAbsentMembersLeft, upsertRosterMembers } from '../models/upsert-roster.js';
import { NRPS_READ, firstMembershipsPage, mergePages } from './nrps.js';
import { canvasGroupIds, courseGroupsService, readCanvasGroups, readCourseGroupsService } from './platform-groups.js';
import { PlatformServices, type PlatformServiceOptions } from './platform-services.js';
import type { Lti } from './provider.js';

export interface RosterDeps {
  db: Database;
  /** ltijs: the platform registry and its access tokens; and the reports' remembered reads, which a sync makes stale. */
  lti: Pick<Lti, 'provider' | 'plugin' | 'reports'>;
  logger: Logger;
  config: Pick<Config, 'canvasGroupRosters'>;
  now?: () => Date;
  /** Timeouts and page bounds of the service calls (tests shorten them). */
  services?: PlatformServiceOptions;
  /** Time zone, G and T of the figures: events waiting for this roster are counted with them. */
  rollup?: RollupSettings;
}

export type GroupsSyncResult =
  | { source: PlatformGroupSource; ok: true; groups: number; memberships: number }
  | { source: PlatformGroupSource; ok: false; reason: string };

export type RosterSyncResult =
  | {
      ok: true;
      /** Members in the read (each user once). */
      members: number;
      /** Members marked as left by this read: absent from it, or Inactive/Deleted in it. */
      markedLeft: number;
      /** Members who had left and are Active again. */
      rejoined: number;
      /** One entry per group source the course has (none when it has none). */
      groups: GroupsSyncResult[];
    }
  | { ok: false; reason: string };

const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Reads the course's whole roster and stores it: members upserted, members not in the read marked
 * as left, `roster_synced_at` and `roster_attempted_at` stamped and `roster_error` cleared, all in one transaction. A failed
 * read (an HTTP error, a timeout, a malformed page, too many pages) stores only its reason in
 * `roster_error`. After a stored roster the course's groups are read; a groups failure is
 * reported in the result and logged, and leaves the roster and the other source's groups as they are.
 */
export async function syncRoster(deps: RosterDeps, course: CourseServices): Promise<RosterSyncResult> {
  try {
    return await readAndStoreRoster(deps, course);
  } finally {
    // Whatever it stored (members, groups, waiting events counted, the roster line's error) shows in the next report.
    deps.lti.reports.forget(course);
  }
}

async function readAndStoreRoster(deps: RosterDeps, course: CourseServices): Promise<RosterSyncResult> {
  const { db, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const log = logger.child({ component: 'roster', platformId: course.platformId, contextId: course.contextId });

  const failed = async (reason: string): Promise<RosterSyncResult> => {
    log.warn({ reason }, 'roster read failed; the stored roster is unchanged');
    try {
      await recordRosterRead(db, course, now(), reason);
    } catch (err) {
      log.error({ err }, 'could not record the roster failure');
    }
    return { ok: false, reason };
  };

  if (!course.membershipsUrl) return failed('the platform gave no Names and Role Provisioning endpoint for this course');
  const services = new PlatformServices(deps.lti, course.platformId, deps.services);
  let members;
  try {
    members = mergePages(await services.readAllPages(firstMembershipsPage(course.membershipsUrl), NRPS_READ));
  } catch (err) {
    return failed(errorMessage(err));
  }
  // The launching teacher is a member, so a course's roster is never empty; an empty answer is a
  // platform fault, and storing it would mark every student as left.
  if (members.length === 0) return failed('the platform answered an empty roster');

  let stored;
  try {
    stored = await db.transaction(async (tx) => {
      const at = now();
      await lockCourse(tx, course);
      const upserted = await upsertRosterMembers(tx, course, members, at);
      const absent = await markAbsentMembersLeft(
        tx,
        course,
        members.map((m) => m.userId),
        at,
      );
      await recordRosterRead(tx, course, at, null);
      return { markedLeft: upserted.newlyLeft + absent, rejoined: upserted.rejoined };
    });
  } catch (err) {
    log.error({ err }, 'could not store the roster');
    return failed(`storing the roster failed: ${errorMessage(err)}`);
  }

  // Statements that named students unknown until now count from this roster on.
  try {
    await resolvePending(db, course, deps.rollup ?? DEFAULT_INGEST_SETTINGS);
  } catch (err) {
    log.error({ err }, 'could not resolve the waiting events after the roster read');
  }
  const groups = await syncGroups(deps, services, course, log);
  return { ok: true, members: members.length, ...stored, groups };
}

/** Reads and stores the groups of each source the course has; each source whole or not at all. */
async function syncGroups(deps: RosterDeps, services: PlatformServices, course: CourseServices, log: Logger): Promise<GroupsSyncResult[]> {
  const now = deps.now ?? (() => new Date());
  const reads: Array<{ source: PlatformGroupSource; read: () => Promise<PlatformGroup[]> }> = [];
  const claim = courseGroupsService(course.groupsService);
  if (claim) {
    reads.push({ source: 'lti-gs', read: async () => readCourseGroupsService(services, claim, await courseStudentIds(deps.db, course)) });
  }
  const canvasIds = canvasGroupIds(course.custom);
  if (deps.config.canvasGroupRosters && course.membershipsUrl && canvasIds) {
    const membershipsUrl = course.membershipsUrl;
    reads.push({ source: 'canvas', read: () => readCanvasGroups(services, membershipsUrl, canvasIds) });
  }

  const results: GroupsSyncResult[] = [];
  for (const { source, read } of reads) {
    try {
      const stored = await replacePlatformGroups(deps.db, course, source, await read(), now());
      results.push({ source, ok: true, ...stored });
    } catch (err) {
      const reason = errorMessage(err);
      log.warn({ source, reason }, 'groups read failed; the stored groups are unchanged');
      results.push({ source, ok: false, reason });
    }
  }
  return results;
}
