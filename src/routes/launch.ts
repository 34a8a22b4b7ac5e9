/**
 * POST /lti/launch after ltijs has validated it (its onConnect): read the claims, let teachers in
 * and nobody else, record the launch, load the roster, and answer the course's overview.
 */
import type { LtiHandler } from 'ltijs';
import type { Logger } from 'pino';
import { readLaunchClaims, verifiedIdTokenClaims, type LaunchClaims } from '../lti/launch-claims.js';
import { forbiddenPage, noCoursePage } from '../lti/launch-pages.js';
import type { LtijsDatabase } from '../lti/ltijs-database.js';
import { isStaff } from '../lti/roles.js';
import type { Database } from '../models/database.js';
import { recordLaunch } from '../models/record-launch.js';
import { renderView } from '../views/render.js';
import { overviewView } from './course-overview.js';

export interface LaunchDeps {
  db: Database;
  plugin: LtijsDatabase;
  logger: Logger;
  now: () => Date;
  /** Runs after a teacher's launch is recorded, before the page (the roster read). */
  afterStaffLaunch?: (launch: LaunchClaims) => Promise<void>;
}

export function launchHandler({ db, plugin, logger, now, afterStaffLaunch }: LaunchDeps): LtiHandler {
  return (token: { platformId: string; user: string }, req, res, next) => {
    (async () => {
      const claims = readLaunchClaims(token, res.locals.context, verifiedIdTokenClaims(req.body));
      if (claims === 'no-course' || claims === 'malformed') {
        logger.warn({ platformId: token.platformId, problem: claims }, 'launch without a usable course context');
        return void res.status(400).type('html').send(noCoursePage());
      }
      const where = { platformId: claims.platformId, contextId: claims.contextId };
      if (!isStaff(claims.roles)) {
        logger.info({ ...where, roles: claims.roles }, 'launch refused: not a teacher of the course');
        // ltijs has stored this launch's context token; without it the ltik opens nothing.
        await plugin.Delete('contexttoken', { contextId: (res.locals.context as { contextId: string }).contextId, user: token.user });
        return void res.status(403).type('html').send(forbiddenPage());
      }
      await recordLaunch(db, claims, now());
      await afterStaffLaunch?.(claims);
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
      renderView(req, res, await overviewView(db, session));
    })().catch(next);
  };
}
