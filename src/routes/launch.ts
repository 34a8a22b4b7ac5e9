/**
 * POST /lti/launch after ltijs has validated it (its onConnect): read the claims, let teachers in
 * and nobody else, record the launch, load the roster, and answer the course's overview. A launch
 * without a teaching role gets the refusal page, and is recorded as the launcher's activity
 * (src/ingest/launch-event.ts).
 */
import type { LtiHandler } from 'ltijs';
import type { Logger } from 'pino';
import { recordStudentLaunch } from '../ingest/launch-event.js';
import type { RollupSettings } from '../ingest/recompute.js';
import { readLaunchClaims, verifiedIdTokenClaims, type LaunchClaims } from '../lti/launch-claims.js';
import { forbiddenPage, noCoursePage } from '../lti/launch-pages.js';
import type { LtijsDatabase } from '../lti/ltijs-database.js';
import { isStaff } from '../lti/roles.js';
import type { Database } from '../models/database.js';
import { telemetryOf } from '../observability/telemetry.js';
import { recordLaunch } from '../models/record-launch.js';
import { reportViewLogOf } from '../models/report-view-log.js';
import type { ReportReads } from '../reports/report-reads.js';
import { renderView } from '../views/render.js';
import { overviewView } from './course-overview.js';
import { DEFAULT_INGEST_SETTINGS } from './xapi-statements.js';

export interface LaunchDeps {
  db: Database;
  plugin: LtijsDatabase;
  logger: Logger;
  now: () => Date;
  /** Runs after a teacher's launch is recorded, before the page (the roster read). */
  afterStaffLaunch?: (launch: LaunchClaims) => Promise<void>;
  /** Time zone, G and T of the figures a student's launch adds to (the configuration's). */
  rollup?: RollupSettings;
  /** PUBLIC_URL, which the overview of a course without activity tells an administrator. */
  publicUrl: string;
  /** The reports' remembered reads: a launch changes its course (title, members, counted activity). */
  reports: ReportReads;
}

export function launchHandler({ db, plugin, logger, now, afterStaffLaunch, rollup = DEFAULT_INGEST_SETTINGS, publicUrl, reports }: LaunchDeps): LtiHandler {
  return (token: { platformId: string; user: string }, req, res, next) => {
    (async () => {
      const idToken = verifiedIdTokenClaims(req.body);
      const claims = readLaunchClaims(token, res.locals.context, idToken);
      if (claims === 'no-course' || claims === 'malformed') {
        logger.warn({ platformId: token.platformId, problem: claims }, 'launch without a usable course context');
        return void res.status(400).type('html').send(noCoursePage());
      }
      const where = { platformId: claims.platformId, contextId: claims.contextId };
      if (!isStaff(claims.roles)) {
        logger.info({ ...where, roles: claims.roles }, 'launch refused: not a teacher of the course');
        // ltijs has stored this launch's context token; without it the ltik opens nothing.
        await plugin.Delete('contexttoken', { contextId: (res.locals.context as { contextId: string }).contextId, user: token.user });
        // The refusal stands whatever happens to the record: a failure is logged, not shown.
        try {
          const launch = { claims, idToken, at: now(), launchPath: req.originalUrl.split('?')[0] ?? req.path };
          const recorded = await recordStudentLaunch(db, launch, rollup);
          reports.forget(where);
          if (!recorded) logger.warn(where, 'refused launch not recorded: its id_token has no nonce');
          else if (!recorded.result.ok) logger.error({ ...where, error: recorded.result.error }, 'refused launch not recorded');
          else logger.info({ ...where, memberAdded: recorded.memberAdded, notCounted: recorded.result.events[0]?.notCounted ?? null }, 'refused launch recorded as activity');
          if (recorded?.result.ok) telemetryOf(res)?.ingested('launch', recorded.result.events);
        } catch (err) {
          logger.error({ ...where, err }, 'refused launch not recorded');
        }
        return void res.status(403).type('html').send(forbiddenPage());
      }
      await recordLaunch(db, claims, now());
      await afterStaffLaunch?.(claims);
      reports.forget(where);
      logger.info(where, 'launch');
      const session = {
        platformId: claims.platformId,
        contextId: claims.contextId,
        userId: claims.userId,
        roles: claims.roles,
        courseTitle: claims.course.title,
        locale: claims.locale,
        ltik: String(res.locals.ltik),
      };
      // The launch is the overview's first view: the whole course, by name — and in the audit log
      // as such (report-view-audit.ts writes the report routes' views; this one answers here).
      const view = await overviewView({ db, now, settings: rollup, publicUrl, reports }, session, {}, req.get('Accept-Language'));
      const record = { platformId: session.platformId, contextId: session.contextId, viewedAt: now(), viewerUserId: session.userId, viewerRoles: session.roles, studentUserId: null, view: 'overview-page' as const, requestId: String(req.id) };
      await reportViewLogOf(db).record(record).catch((err: unknown) => logger.error({ ...where, err }, 'report view not written to the audit log'));
      renderView(req, res, view);
    })().catch(next);
  };
}
