/**
 * The setting of an Activity Overview test: an xAPI world (the tool on a real port, a test LMS
 * with NRPS and Course Groups, an ingest credential, a frozen clock), courses opened the way
 * production opens them (a teacher's launch, whose ltik the test keeps; the course's own time
 * zone before any statement; a roster read; the waiting events resolved), and Moodle-shaped
 * statements at local times of the course's days, POSTed to /xapi/statements.
 */
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { resolvePending } from '../../src/ingest/recompute.js';
import { syncRoster } from '../../src/lti/roster.js';
import { addDays, localDay, localDayStart, roundHalfAwayFromZero, type Day, type OverviewDay, type StudentDay } from '../../src/metrics/index.js';
import type { CourseKey } from '../../src/models/course-key.js';
import { setCourseTimezone } from './course-timezone.js';
import { ltikOf } from './lti-world.js';
import { moodleStatement, type StatementKind } from './moodle-statements.js';
import { instructor } from './roster-members.js';
import { GROUPS_CLAIM, GROUPS_SCOPE, type TestGroup } from './test-platform-groups.js';
import type { ContextClaim, Member } from './test-platform.js';
import { SETTINGS, xapiWorld, type XapiWorld } from './xapi-world.js';

/** The 7 days ending `today` as the report's chart lists them, with [visits, visitors, duration seconds] on the days given by offset from today. */
export function overviewChart(today: Day, visits: Record<number, [number, number, number]> = {}): OverviewDay[] {
  return [-6, -5, -4, -3, -2, -1, 0].map((offset) => {
    const [v, visitors, duration] = visits[offset] ?? [0, 0, 0];
    return { date: addDays(today, offset), visits: v, visitors, durationSeconds: duration, averageVisitSeconds: v === 0 ? null : roundHalfAwayFromZero(duration / v) };
  });
}

/** A student's 7 small bars ending `today`, with [visits, duration seconds] on the days given by offset from today. */
export function studentBars(today: Day, days: Record<number, [number, number]> = {}): StudentDay[] {
  return [-6, -5, -4, -3, -2, -1, 0].map((offset) => {
    const [visits, durationSeconds] = days[offset] ?? [0, 0];
    return { date: addDays(today, offset), visits, durationSeconds };
  });
}

/** One event: who, what, when (an instant, e.g. from {@link OverviewWorld.at}). */
export type OverviewEvent = [userId: string, kind: StatementKind, at: string];

export interface OverviewWorld {
  x: XapiWorld;
  /**
   * Opens a course with `members` (and the launching instructor) on its roster, `groups` from the
   * LMS's Course Groups service and its own `timezone` (null: the TIMEZONE setting); its teacher's ltik.
   */
  openCourse(context: ContextClaim, members: Member[], options?: { groups?: TestGroup[]; timezone?: string | null }): Promise<string>;
  /** Reads the course's roster again (members joined or left) and resolves what that changes. */
  rereadRoster(context: ContextClaim, members: Member[]): Promise<void>;
  /** Moves the frozen clock forward (less than a day, so ltiks stay valid) to the next 12:00 in `timezone`; today there. */
  noonIn(timezone: string): Day;
  /** The instant `time` (`HH:MM` or `HH:MM:SS`) after the start of the local day `today + dayOffset` in `timezone`, as ISO. */
  at(today: Day, dayOffset: number, time: string, timezone: string): string;
  send(contextId: string, events: OverviewEvent[]): Promise<void>;
  key(contextId: string): CourseKey;
  close(): Promise<void>;
}

export async function overviewWorld(): Promise<OverviewWorld> {
  const x = await xapiWorld();
  x.platform.grantableScopes.add(GROUPS_SCOPE);
  const key = (contextId: string): CourseKey => ({ platformId: x.platformId, contextId });

  async function readRoster(context: ContextClaim, members: Member[]): Promise<void> {
    x.platform.setMembers(context, [instructor, ...members]);
    const roster = await syncRoster(x.w.deps(), await x.w.course(context.id));
    assert.ok(roster.ok, `roster read failed: ${JSON.stringify(roster)}`);
    await resolvePending(x.w.t.db, key(context.id), SETTINGS);
  }

  let objects = 0;
  return {
    x,
    async openCourse(context, members, options = {}) {
      x.platform.setMembers(context, [instructor, ...members]);
      if (options.groups) x.w.groups.setGroups(context.id, { groups: options.groups });
      const claims = options.groups ? { [GROUPS_CLAIM]: x.w.groups.claim(context.id, { sets: false }) } : {};
      const { response } = await x.platform.launch(supertest.agent(x.w.t.app), { context, claims });
      assert.equal(response.status, 200, response.text);
      if (options.timezone !== undefined) await setCourseTimezone(x.w.t.db, key(context.id), options.timezone);
      await readRoster(context, members);
      return ltikOf(response.text);
    },
    rereadRoster: readRoster,
    noonIn(timezone) {
      const now = x.w.clock.now().getTime();
      let today = localDay(now, timezone);
      let noon = localDayStart(today, timezone) + 12 * 3_600_000;
      if (noon <= now) {
        today = addDays(today, 1);
        noon = localDayStart(today, timezone) + 12 * 3_600_000;
      }
      x.w.clock.advance((noon - now) / 1000);
      assert.equal(localDay(x.w.clock.now().getTime(), timezone), today);
      return today;
    },
    at(today, dayOffset, time, timezone) {
      const [h = 0, m = 0, s = 0] = time.split(':').map(Number);
      return new Date(localDayStart(addDays(today, dayOffset), timezone) + ((h * 60 + m) * 60 + s) * 1000).toISOString();
    },
    async send(contextId, events) {
      const statements = events.map(([userId, kind, at]) => moodleStatement({ issuer: x.platform.issuer, contextId, userId, kind, at, objectKey: (objects += 1) }));
      const res = await x.post(statements);
      assert.equal(res.status, 200, res.text);
    },
    key,
    close: () => x.close(),
  };
}
