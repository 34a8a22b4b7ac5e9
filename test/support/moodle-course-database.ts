/**
 * A fresh DATA_DIR (and, on the server backend, database) prepared as production prepares it, for
 * the tests that run real processes on it: a Moodle platform registered through ltijs, course 7
 * launched by its teacher (user 2) and `students` students (1001, 1002, …) on its roster.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { openLocalDatabase, type LocalDatabase } from '../../src/cli/local-database.js';
import { createLogger } from '../../src/logger.js';
import { addPlatform } from '../../src/lti/platforms.js';
import { createLti } from '../../src/lti/provider.js';
import { recordLaunch } from '../../src/models/record-launch.js';
import { upsertRosterMembers } from '../../src/models/upsert-roster.js';
import { processDatabaseEnv } from './databases.js';

export const LMS = 'https://moodle.example.edu';
const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
export const PUBLIC_URL = 'https://coursepulse.example.edu';

export interface MoodleCourse {
  env: Record<string, string>;
  platformId: string;
  /** The open database; closed (with ltijs) once `more` has finished. */
  local: LocalDatabase;
  /** When the launch and the roster read were recorded. */
  now: Date;
}

export interface MoodleCourseOptions {
  /** The platform's client id. */
  clientId: string;
  students: number;
  /** A student's name on the roster; `Student 1`, `Student 2`, … unless given. */
  studentName?: (userId: string, index: number) => string;
}

/**
 * Prepares the database, runs `more` on it (ltijs and the database still open), then closes both,
 * so that the process under test has it to itself; returns what `more` returns.
 */
export async function moodleCourseDatabase<T>(options: MoodleCourseOptions, more: (course: MoodleCourse) => Promise<T>): Promise<T> {
  const { clientId, students, studentName = (_userId, index) => `Student ${index + 1}` } = options;
  const env = (await processDatabaseEnv()) as Record<string, string>;
  const local = await openLocalDatabase(env);
  const lti = await createLti({
    config: { publicUrl: PUBLIC_URL, ltiAutoActivate: true, canvasGroupRosters: false },
    db: local.db,
    ltiKey: crypto.randomBytes(32).toString('hex'),
    logger: createLogger('silent'),
    rosterOnLaunch: false,
  });
  try {
    const added = await addPlatform(lti.provider, {
      issuer: LMS,
      clientId,
      name: 'Moodle',
      authUrl: `${LMS}/mod/lti/auth.php`,
      tokenUrl: `${LMS}/mod/lti/token.php`,
      jwksUrl: `${LMS}/mod/lti/certs.php`,
    });
    assert.ok('added' in added);
    const platformId = added.added.id;
    const now = new Date();
    await recordLaunch(
      local.db,
      {
        platformId,
        deploymentId: '1',
        contextId: '7',
        userId: '2',
        roles: [`${LIS}Instructor`],
        course: { title: 'Biology', label: 'BIO' },
        person: { name: 'Teacher', givenName: null, familyName: null, email: 'teacher@example.edu', picture: null },
        sourcedId: null,
        resourceLinkId: 'link',
        membershipsUrl: null,
        groupsService: null,
        locale: 'en',
        returnUrl: null,
        custom: {},
      },
      now,
    );
    const members = Array.from({ length: students }, (_, i) => {
      const userId = String(1001 + i);
      return {
        userId,
        name: studentName(userId, i),
        givenName: null,
        familyName: null,
        email: null,
        picture: null,
        roles: [`${LIS}Learner`],
        status: 'Active' as const,
        sourcedId: null,
      };
    });
    await local.db.transaction((tx) => upsertRosterMembers(tx, { platformId, contextId: '7' }, members, now));
    return await more({ env, platformId, local, now });
  } finally {
    await lti.close();
    await local.close();
  }
}
