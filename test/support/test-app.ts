/** The whole CoursePulse app on a fresh test database, with ltijs, for supertest. */
import type { Express } from 'express';
import type { Logger } from 'pino';
import { createApp } from '../../src/app.js';
import { createLogger } from '../../src/logger.js';
import { createLti, type Lti } from '../../src/lti/provider.js';
import type { Database } from '../../src/models/database.js';
import { testDatabase } from './databases.js';

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789';
export const TEST_LTI_KEY = 'test-lti-key-0123456789-0123456789-0123456789';

export interface TestApp {
  app: Express;
  db: Database;
  lti: Lti;
  logger: Logger;
  close(): Promise<void>;
}

export interface TestAppOptions {
  publicUrl?: string;
  ltiAutoActivate?: boolean;
  canvasGroupRosters?: boolean;
  /** LTI_REGISTRATION_ALLOW_PRIVATE: true by default here, since the test LMS is on 127.0.0.1. */
  ltiRegistrationAllowPrivate?: boolean;
  /**
   * Read the roster on each teacher's launch, as CoursePulse does. Off unless a test asks: the
   * roster tests call syncRoster themselves and count the platform's requests exactly.
   */
  rosterOnLaunch?: boolean;
  now?: () => Date;
}

export async function testApp(options: TestAppOptions = {}): Promise<TestApp> {
  const logger = createLogger(process.env.TEST_LOG_LEVEL === 'debug' ? 'debug' : 'silent');
  const db = await testDatabase();
  const config = {
    publicUrl: options.publicUrl ?? 'http://127.0.0.1',
    ltiAutoActivate: options.ltiAutoActivate ?? true,
    canvasGroupRosters: options.canvasGroupRosters ?? false,
    ltiRegistrationAllowPrivate: options.ltiRegistrationAllowPrivate ?? true,
  };
  const lti = await createLti({ config, db, ltiKey: TEST_LTI_KEY, logger, now: options.now, rosterOnLaunch: options.rosterOnLaunch ?? false });
  const app = createApp({ db, lti, adminToken: TEST_ADMIN_TOKEN, logger, publicUrl: config.publicUrl, now: options.now });
  return {
    app,
    db,
    lti,
    logger,
    async close() {
      await lti.close();
      await db.close();
    },
  };
}
