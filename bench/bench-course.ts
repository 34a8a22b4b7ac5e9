/**
 * The setting of one benchmark phase, made the way production makes it: the real app (createApp
 * with ltijs, as src/server.ts starts it) on a fresh database and a free port, a Moodle platform
 * registered as an admin registers one (addPlatform; done once in the template database, see
 * registerBenchPlatform), a course brought into being by a teacher's
 * launch (recordLaunch; the launch handler's resolvePending has nothing to do in a fresh database)
 * and a roster read (upsertRosterMembers), and an ingest credential of the platform
 * (issueIngestCredential).
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { createApp } from '../src/app.js';
import { issueIngestCredential } from '../src/ingest/credential-secret.js';
import type { RollupSettings } from '../src/ingest/recompute.js';
import type { StatementSender } from '../src/ingest/store-statements.js';
import { createLogger } from '../src/logger.js';
import { addPlatform } from '../src/lti/platforms.js';
import { createLti } from '../src/lti/provider.js';
import type { CourseKey } from '../src/models/course-key.js';
import type { Database } from '../src/models/database.js';
import { recordLaunch } from '../src/models/record-launch.js';
import { upsertRosterMembers, type RosterMember } from '../src/models/upsert-roster.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
const PUBLIC_URL = 'http://coursepulse.bench.example';

/** The LTI user id of the generator's student `n` (its statements name `account.name` = 1000 + n, Moodle's user id). */
export const studentUserId = (n: number): string => String(1000 + n);

export interface BenchCourseOptions {
  /** The LMS base URL: the platform's issuer, and the base of the statements' course URLs. */
  lmsUrl: string;
  /** The Moodle course id = the LTI context id. */
  courseId: string;
  /** Students 1..students are on the roster. */
  students: number;
  settings: RollupSettings;
  /** The database the app uses (possibly wrapped for profiling). */
  db: Database;
}

export interface BenchCourse {
  /** Base URL of the listening app. */
  url: string;
  course: CourseKey;
  /** `Basic …` of the ingest credential. */
  authorization: string;
  /** The sender the importer is given (what the xAPI endpoint makes of the credential). */
  sender: StatementSender;
  /** Stops the app (the database stays open: the caller owns it). */
  close(): Promise<void>;
}

/** ltijs's key in the benchmark: fixed, so a platform registered in a template database stays readable in its copies. */
const BENCH_LTI_KEY = 'coursepulse-bench-lti-key-0123456789abcdef';

function benchLti(db: Database, logger: Logger, settings: RollupSettings) {
  const config = { publicUrl: PUBLIC_URL, ltiAutoActivate: true, canvasGroupRosters: false };
  return createLti({ config, db, ltiKey: BENCH_LTI_KEY, logger, rosterOnLaunch: false, rollup: settings });
}

const platformInput = (lmsUrl: string) => ({
  issuer: lmsUrl,
  clientId: 'coursepulse-bench',
  name: 'Bench Moodle',
  authUrl: `${lmsUrl}/mod/lti/auth.php`,
  tokenUrl: `${lmsUrl}/mod/lti/token.php`,
  jwksUrl: `${lmsUrl}/mod/lti/certs.php`,
});

/**
 * Registers the bench platform in `db` (a template): ltijs makes a 4096-bit RSA key for every
 * platform, which takes seconds, so the phases' databases are copied with it already registered.
 */
export async function registerBenchPlatform(db: Database, lmsUrl: string, settings: RollupSettings): Promise<void> {
  const lti = await benchLti(db, createLogger('silent'), settings);
  try {
    await addPlatform(lti.provider, platformInput(lmsUrl));
  } finally {
    await lti.close();
  }
}

export async function benchCourse(o: BenchCourseOptions): Promise<BenchCourse> {
  const now = new Date();
  // Production logs a line per request at info: keep that cost, send it nowhere.
  const logger = createLogger('info', pino.destination({ dest: '/dev/null', sync: false }));
  const lti = await benchLti(o.db, logger, o.settings);
  // The rate limit is off: the benchmark is the one client and measures the pipeline, not the limiter.
  const ingest = { ...o.settings, ingestMaxBytes: 5_242_880, ingestRatePerMinute: 0 };
  const app = createApp({ db: o.db, lti, adminToken: crypto.randomBytes(16).toString('hex'), logger, publicUrl: PUBLIC_URL, ingest });
  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await lti.close();
  };
  try {
    // Registered in the template already (registerBenchPlatform), or now.
    const registered = await addPlatform(lti.provider, platformInput(o.lmsUrl));
    const platformId = 'added' in registered ? registered.added.id : registered.exists.id;
    const course = { platformId, contextId: o.courseId };

    await recordLaunch(
      o.db,
      {
        platformId,
        deploymentId: '1',
        contextId: o.courseId,
        userId: '2',
        roles: [`${LIS}Instructor`],
        course: { title: 'Bench course', label: 'BENCH' },
        person: { name: 'Teacher', givenName: null, familyName: null, email: 'teacher@bench.example', picture: null },
        sourcedId: null,
        resourceLinkId: 'bench-link',
        membershipsUrl: null,
        groupsService: null,
        locale: 'en',
        returnUrl: null,
        custom: {},
      },
      now,
    );
    const members: RosterMember[] = Array.from({ length: o.students }, (_, i) => ({
      userId: studentUserId(i + 1),
      name: `Student ${i + 1}`,
      givenName: null,
      familyName: null,
      email: `student${i + 1}@bench.example`,
      picture: null,
      roles: [`${LIS}Learner`],
      status: 'Active',
      sourcedId: null,
    }));
    await o.db.transaction((tx) => upsertRosterMembers(tx, course, members, now));

    const { credential, secret } = await issueIngestCredential(o.db, platformId, 'bench', now);
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      course,
      authorization: `Basic ${Buffer.from(`${credential.key}:${secret}`).toString('base64')}`,
      sender: { platformId, credentialKey: credential.key, issuer: o.lmsUrl, authorityHomePage: PUBLIC_URL },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
