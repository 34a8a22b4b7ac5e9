/**
 * A database as production leaves it, for the rebuild tests that run real processes on it: a
 * Moodle platform registered through ltijs, course 7 launched, students 1001 and 1002 on its
 * roster, their statements stored by the ingestion pipeline with G = 30, and those settings
 * recorded. Closed when returned, so the process under test has it to itself.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { openLocalDatabase } from '../../src/cli/local-database.js';
import { derivedSettingsOf } from '../../src/ingest/derived-settings.js';
import type { RollupSettings } from '../../src/ingest/recompute.js';
import { storeStatements } from '../../src/ingest/store-statements.js';
import { createLogger } from '../../src/logger.js';
import { addPlatform } from '../../src/lti/platforms.js';
import { createLti } from '../../src/lti/provider.js';
import { readDerivedSettings, writeDerivedSettings } from '../../src/models/derived-settings.js';
import { recordLaunch } from '../../src/models/record-launch.js';
import { upsertRosterMembers } from '../../src/models/upsert-roster.js';
import { processDatabaseEnv } from './databases.js';

export const LMS = 'https://moodle.example.edu';
const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';
export const PUBLIC_URL = 'https://coursepulse.example.edu';
export const G30: RollupSettings = { timezone: 'UTC', visitTimeoutMinutes: 30, lastEventCreditSeconds: 60 };

/** A view of the course (Moodle's course URL, so the issuer matters) by `user` at 2026-03-02 `hhmm` UTC. */
const view = (user: string, hhmm: string) => ({
  id: crypto.randomUUID(),
  actor: { account: { homePage: LMS, name: user } },
  verb: { id: 'http://id.tincanapi.com/verb/viewed' },
  object: { id: `${LMS}/mod/page/view.php?id=${hhmm}`, definition: { type: 'https://w3id.org/xapi/acrossx/activities/page' } },
  context: { contextActivities: { parent: [{ id: `${LMS}/course/view.php?id=7` }] } },
  timestamp: `2026-03-02T${hhmm.slice(0, 2)}:${hhmm.slice(2)}:00Z`,
});

/** A fresh DATA_DIR (and, on the server backend, database) prepared as above; its environment. */
export async function preparedDatabase(): Promise<Record<string, string>> {
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
      clientId: 'cli-rebuild',
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
    const members = ['1001', '1002'].map((userId) => ({
      userId,
      name: `Student ${userId}`,
      givenName: null,
      familyName: null,
      email: null,
      picture: null,
      roles: [`${LIS}Learner`],
      status: 'Active' as const,
      sourcedId: null,
    }));
    await local.db.transaction((tx) => upsertRosterMembers(tx, { platformId, contextId: '7' }, members, now));
    const body = [view('1001', '0900'), view('1001', '0910'), view('1001', '0920'), view('1002', '1000'), view('1002', '1030')];
    const sender = { platformId, credentialKey: 'cli-rebuild-key', issuer: LMS, authorityHomePage: PUBLIC_URL };
    const stored = await storeStatements(local.db, { method: 'POST', body, version: '1.0.3' }, sender, G30, now);
    assert.ok(stored.ok && stored.recomputedStudents === 2, JSON.stringify(stored));
    await writeDerivedSettings(local.db, derivedSettingsOf(G30), now);
    return env;
  } finally {
    await lti.close();
    await local.close();
  }
}

/** What the database holds after the command: the settings row and the visits per student. */
export async function stateOf(env: Record<string, string>) {
  const local = await openLocalDatabase(env);
  try {
    return {
      settings: (await readDerivedSettings(local.db))?.settings,
      visits: await local.db.query('select user_id, count(*) as visits from student_visits group by user_id order by user_id'),
    };
  } finally {
    await local.close();
  }
}
