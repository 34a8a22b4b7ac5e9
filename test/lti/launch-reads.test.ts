/**
 * What course requests read about their launch is remembered for a few seconds
 * (src/lti/launch-reads.ts): the session's documents and the origins that may frame its pages.
 * The database is changed behind the app's back to show where the answers come from: within the
 * time the remembered answer holds, after it the database's, and a new launch forgets at once.
 */
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { LAUNCH_READS_TTL_MS } from '../../src/lti/launch-reads.js';
import { BACKEND } from '../support/databases.js';
import { ltikOf, ltiWorld, type LtiWorld } from '../support/lti-world.js';
import { ROLES } from '../support/test-platform.js';

describe(`what course requests read about their launch, remembered briefly (${BACKEND})`, () => {
  let w: LtiWorld;

  beforeEach(async () => {
    w = await ltiWorld();
  });
  afterEach(async () => {
    await w.close();
  });

  const overview = (ltik: string) => supertest(w.t.app).get('/reports/overview').set('Authorization', `Bearer ${ltik}`);
  const frameAncestors = (response: supertest.Response) => /frame-ancestors ([^;]*)/.exec(String(response.headers['content-security-policy']))?.[1];
  const demote = () =>
    w.t.db.query(`update lti_store set doc = jsonb_set(doc, '{roles}', $1::jsonb) where collection = 'contexttoken'`, [JSON.stringify([ROLES.learner])]);

  it('uses the session it read for the time it holds, then reads the documents again', async () => {
    const ltik = ltikOf((await w.launch()).text);
    await overview(ltik).expect(200);
    await demote();
    const statuses = [(await overview(ltik)).status];
    w.clock.advance(LAUNCH_READS_TTL_MS / 1000 - 1);
    statuses.push((await overview(ltik)).status);
    w.clock.advance(1);
    statuses.push((await overview(ltik)).status);
    assert.deepEqual(statuses, [200, 200, 403]);
  });

  it('forgets what it remembered at a launch, whoever launched', async () => {
    const ltik = ltikOf((await w.launch()).text);
    await overview(ltik).expect(200);
    await demote();
    await overview(ltik).expect(200);
    assert.equal((await w.launch({ sub: 'instructor-2' })).status, 200);
    assert.equal((await overview(ltik)).status, 403, 'read again after the launch: the first teacher is a learner now');
  });

  it('uses the frame origins it read for the time they hold', async () => {
    const ltik = ltikOf((await w.launch()).text);
    const before = frameAncestors(await overview(ltik).expect(200));
    await w.t.db.query(`insert into platform_origins (platform_id, origin, first_seen_at) values ($1, 'https://lms.example.edu', $2)`, [w.platformId, w.clock.now()]);
    const within = frameAncestors(await overview(ltik).expect(200));
    w.clock.advance(LAUNCH_READS_TTL_MS / 1000);
    const after = frameAncestors(await overview(ltik).expect(200));
    assert.deepEqual({ within, after }, { within: before, after: `${before} https://lms.example.edu` });
  });
});
