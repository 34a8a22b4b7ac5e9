/**
 * A database as production leaves it, for the rebuild tests that run real processes on it:
 * moodle-course-database.ts's Moodle platform, course 7 and students 1001 and 1002 on its roster, their statements stored by the ingestion pipeline with G = 30, and those settings
 * recorded. Closed when returned, so the process under test has it to itself.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { openLocalDatabase } from '../../src/cli/local-database.js';
import { derivedSettingsOf } from '../../src/ingest/derived-settings.js';
import type { RollupSettings } from '../../src/ingest/recompute.js';
import { storeStatements } from '../../src/ingest/store-statements.js';
import { readDerivedSettings, writeDerivedSettings } from '../../src/models/derived-settings.js';
import { LMS, moodleCourseDatabase, PUBLIC_URL } from './moodle-course-database.js';

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
  return moodleCourseDatabase({ clientId: 'cli-rebuild', students: 2, studentName: (userId) => `Student ${userId}` }, async ({ env, platformId, local, now }) => {
    const body = [view('1001', '0900'), view('1001', '0910'), view('1001', '0920'), view('1002', '1000'), view('1002', '1030')];
    const sender = { platformId, credentialKey: 'cli-rebuild-key', issuer: LMS, authorityHomePage: PUBLIC_URL };
    const stored = await storeStatements(local.db, { method: 'POST', body, version: '1.0.3' }, sender, G30, now);
    assert.ok(stored.ok && stored.recomputedStudents === 2, JSON.stringify(stored));
    await writeDerivedSettings(local.db, derivedSettingsOf(G30), now);
    return env;
  });
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
