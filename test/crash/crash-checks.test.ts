/**
 * The crash test's checks (crash-checks.ts) can fail: on a course whose statements came through
 * /xapi/statements, against a ledger as the crash test's clients keep it, they pass when the
 * database matches the ledger and name what is wrong when it does not — an acknowledged statement
 * lost, a request stored in part, figures that a full recompute does not give.
 */
import assert from 'node:assert/strict';
import { checkAgainstRecompute, checkStatements, type Check } from './crash-checks.js';
import type { SentStatement } from './crash-statements.js';
import { RequestLedger } from './request-ledger.js';
import { BACKEND } from '../support/databases.js';
import { moodleStatement, voidingStatement, type StatementKind } from '../support/moodle-statements.js';
import { DEFAULT_CONTEXT } from '../support/test-platform.js';
import { SETTINGS, learner, xapiWorld, type XapiWorld } from '../support/xapi-world.js';

const ID = {
  a1: '00000000-0000-4000-8000-0000000000a1',
  a2: '00000000-0000-4000-8000-0000000000a2',
  b1: '00000000-0000-4000-8000-0000000000b1',
  c1: '00000000-0000-4000-8000-0000000000c1',
  c2: '00000000-0000-4000-8000-0000000000c2',
  d1: '00000000-0000-4000-8000-0000000000d1',
};

describe(`the crash test's checks (${BACKEND})`, () => {
  let x: XapiWorld;
  let ledger: RequestLedger;
  const course = () => ({ platformId: x.platformId, contextId: DEFAULT_CONTEXT.id });
  const sent = (id: string, userId: string, kind: StatementKind, at: string): SentStatement => ({
    id,
    userId,
    kind,
    body: moodleStatement({ issuer: x.platform.issuer, contextId: DEFAULT_CONTEXT.id, userId, kind, at, id, objectKey: id }),
  });
  const post = async (statements: SentStatement[]) => {
    await x.post(statements.map((s) => s.body)).expect(200);
  };
  const names = (checks: Check[]) => checks.map((c) => [c.name, c.ok]);

  // A: two statements acknowledged; B: one stored but its answer cut; C: two cut before they were stored.
  beforeEach(async () => {
    x = await xapiWorld();
    await x.openCourse([learner('s1'), learner('s2')]);
    ledger = new RequestLedger();
    const a = [sent(ID.a1, 's1', 'resource', '2026-03-02T09:00:00Z'), sent(ID.a2, 's2', 'post', '2026-03-02T09:05:00Z')];
    const b = [sent(ID.b1, 's1', 'activity', '2026-03-02T09:10:00Z')];
    const c = [sent(ID.c1, 's2', 'resource', '2026-03-02T09:20:00Z'), sent(ID.c2, 's2', 'visit', '2026-03-02T09:21:00Z')];
    for (const batch of [a, b, c]) ledger.sending(batch);
    await post(a);
    ledger.record({ client: 1, method: 'POST', resend: false, ids: [ID.a1, ID.a2], outcome: { kind: 'acknowledged', status: 200 } });
    await post(b);
    ledger.record({ client: 2, method: 'POST', resend: false, ids: [ID.b1], outcome: { kind: 'connection-error', detail: 'ECONNRESET' } });
    ledger.record({ client: 1, method: 'POST', resend: false, ids: [ID.c1, ID.c2], outcome: { kind: 'connection-error', detail: 'ECONNREFUSED' } });
  });
  afterEach(async () => {
    await x.close();
  });

  it('pass, saying what they counted, when the database holds what the ledger says', async () => {
    const checks = [...(await checkStatements(x.w.t.db, course(), ledger)), (await checkAgainstRecompute(x.w.t.db, course(), SETTINGS)).check];
    assert.deepEqual(checks, [
      { name: 'every acknowledged statement is stored exactly once, and nothing else', ok: true, detail: '2 acknowledged, 3 stored (1 of them from requests cut before their answer)' },
      { name: 'every request not acknowledged is stored whole or not at all', ok: true, detail: '2 such requests: 1 stored whole, 1 not at all' },
      { name: 'every acknowledged statement counts: resolved to the course and its student, with its kind, unless voided', ok: true, detail: '2 statements, 0 of them voided' },
      { name: 'the figures count every stored counted event once (Σ visit events, Σ day actions per student)', ok: true, detail: '3 counted events (3 actions) of 2 students' },
      { name: 'the stored figures equal a full recompute (in a rolled-back transaction)', ok: true, detail: "2 visits, 2 student days, 1 course days, 2 students' totals" },
    ]);
  });

  it('fail when an acknowledged statement is missing, and when the figures count an event that is not stored', async () => {
    await x.rows(`delete from source_events where platform_id = $1 and source_id = $2`, [x.platformId, ID.a2]);
    const checks = await checkStatements(x.w.t.db, course(), ledger);
    assert.deepEqual(names(checks), [
      ['every acknowledged statement is stored exactly once, and nothing else', false],
      ['every request not acknowledged is stored whole or not at all', true],
      ['every acknowledged statement counts: resolved to the course and its student, with its kind, unless voided', true],
      ['the figures count every stored counted event once (Σ visit events, Σ day actions per student)', false],
    ]);
    assert.equal(checks[0]!.detail, `acknowledged ${ID.a2} is stored 0 times`);
    assert.equal(checks[3]!.detail, 's2 has figures but no counted events');
  });

  it('fail when a request is stored in part, or something is stored that was never sent', async () => {
    const c1 = ledger.statements.get(ID.c1)!;
    const stranger = sent('00000000-0000-4000-8000-0000000000ff', 's1', 'resource', '2026-03-02T09:30:00Z');
    await post([c1, stranger]);
    const checks = await checkStatements(x.w.t.db, course(), ledger);
    assert.deepEqual(checks.slice(0, 2), [
      { name: 'every acknowledged statement is stored exactly once, and nothing else', ok: false, detail: `${stranger.id} is stored but was never sent` },
      { name: 'every request not acknowledged is stored whole or not at all', ok: false, detail: 'request 3 (POST, connection-error) has 1 of its 2 statements stored' },
    ]);
  });

  it('expect a statement voided exactly when a stored voiding statement names it, acknowledged or not', async () => {
    const voiding = { id: ID.d1, userId: 's2', kind: 'voiding' as const, voids: ID.a2, body: voidingStatement(ID.a2, { at: '2026-03-03T10:00:00Z', id: ID.d1 }) };
    ledger.sending([voiding]);
    await post([voiding]);
    ledger.record({ client: 3, method: 'POST', resend: false, ids: [ID.d1], outcome: { kind: 'connection-error', detail: 'ECONNRESET' } });
    const checks = await checkStatements(x.w.t.db, course(), ledger);
    assert.deepEqual(checks.map((c) => [c.ok, c.detail]), [
      [true, '2 acknowledged, 4 stored (2 of them from requests cut before their answer)'],
      [true, '3 such requests: 2 stored whole, 1 not at all'],
      [true, '2 statements, 1 of them voided'],
      [true, '2 counted events (2 actions) of 1 students'],
    ]);

    await x.rows(`update source_events set voided = false where platform_id = $1 and source_id = $2`, [x.platformId, ID.a2]);
    const counted = (await checkStatements(x.w.t.db, course(), ledger))[2]!;
    assert.equal(counted.ok, false);
    assert.equal(
      counted.detail,
      `${ID.a2} (post of s2) is stored as {"context":"course-1","user":"s2","kind":"post","ignored":null,"voids":null,"voided":false}`,
    );
  });

  it('fail when a stored figure is not what a full recompute gives', async () => {
    await x.rows(`update student_days set actions = actions + 1 where platform_id = $1 and context_id = $2 and user_id = 's1'`, [x.platformId, DEFAULT_CONTEXT.id]);
    const counting = (await checkStatements(x.w.t.db, course(), ledger))[3]!;
    assert.deepEqual(counting, {
      name: 'the figures count every stored counted event once (Σ visit events, Σ day actions per student)',
      ok: false,
      detail: 's1: 2 actions stored, the days count 3',
    });
    const { check } = await checkAgainstRecompute(x.w.t.db, course(), SETTINGS);
    assert.equal(check.ok, false);
    assert.match(check.detail, /^days: missing \{"context_id":"course-1","user_id":"s1","day":"2026-03-02","visits":1,"duration_seconds":\d+,"actions":2,.*; days: unexpected \{"context_id":"course-1","user_id":"s1","day":"2026-03-02","visits":1,"duration_seconds":\d+,"actions":3,/);
  });
});
