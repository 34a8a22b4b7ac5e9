/**
 * Tenant isolation through storage: two LMSs (platforms A and B) registered with one tool, each
 * with its own ingest credential and courses — one context id (`course-1`, with a student `s1`)
 * on both, and `b-course` on B only. A's credential can neither write into B's courses and
 * figures, nor read B's statements (by id, by voided id, by agent, in lists), nor void them.
 * test/routes/xapi-statements.test.ts covers the HTTP side for a statement naming B's issuer; here
 * the statements name B's courses and students, and B's stored rows and figures are compared whole.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type supertest from 'supertest';
import { notCountedReason } from '../../src/ingest/store-statements.js';
import { derivedRows, type Row } from '../support/derived-rows.js';
import { moodleStatement, voidingStatement } from '../support/moodle-statements.js';
import { DEFAULT_CONTEXT, type ContextClaim, type TestPlatform } from '../support/test-platform.js';
import { learner, xapiWorld, type XapiClient, type XapiWorld } from '../support/xapi-world.js';

const LTI_CONTEXT = 'https://purl.imsglobal.org/spec/lti/claim/context';
const SHARED: ContextClaim = DEFAULT_CONTEXT; // course-1, on both platforms
const B_ONLY: ContextClaim = { ...DEFAULT_CONTEXT, id: 'b-course', label: 'B101', title: 'A course of LMS B' };

/** A page view of `actor` in the course `contextId` names by the LTI context extension (the generic form). */
function pageView(actor: Record<string, unknown>, contextId: string, at: string, id: string = crypto.randomUUID()): Record<string, unknown> {
  return {
    id,
    actor,
    verb: { id: 'http://id.tincanapi.com/verb/viewed' },
    object: { id: `https://lms.example.edu/page/${id}`, definition: { type: 'https://w3id.org/xapi/acrossx/activities/page' } },
    context: { extensions: { [LTI_CONTEXT]: { id: contextId } } },
    timestamp: at,
  };
}

const idsOf = (res: supertest.Response): string[] => (res.body.statements as Array<{ id: string }>).map((s) => s.id);

describe('tenant isolation through storage', function () {
  this.timeout(120_000);

  let x: XapiWorld;
  let b: { platform: TestPlatform; platformId: string };
  let clientB: XapiClient;
  /** B's statements, stored by B: two in b-course (the first voided by B), one of s1 in course-1. */
  let bIds: { bCourse: string; voided: string; shared: string };
  /** B's student as B's Moodle names them (the agent filter matches the account, not the name). */
  let bStudent: Record<string, unknown>;

  beforeEach(async () => {
    x = await xapiWorld();
    const added = await x.w.addPlatform({ name: 'LMS B' });
    b = { platform: added.platform, platformId: added.platformId };
    clientB = await x.client(b.platformId);
    await x.openCourse([learner('s1')], SHARED);
    await x.openCourse([learner('s1'), learner('b-student')], SHARED, b);
    await x.openCourse([learner('b-student')], B_ONLY, b);

    bStudent = { objectType: 'Agent', account: { homePage: b.platform.issuer, name: 'b-student' } };
    bIds = { bCourse: crypto.randomUUID(), voided: crypto.randomUUID(), shared: crypto.randomUUID() };
    const issuer = b.platform.issuer;
    await clientB
      .post([
        moodleStatement({ issuer, contextId: B_ONLY.id, userId: 'b-student', kind: 'visit', at: '2026-03-02T09:00:00Z', id: bIds.bCourse }),
        moodleStatement({ issuer, contextId: B_ONLY.id, userId: 'b-student', kind: 'resource', at: '2026-03-02T09:10:00Z', id: bIds.voided }),
        moodleStatement({ issuer, contextId: SHARED.id, userId: 's1', kind: 'activity', at: '2026-03-02T10:00:00Z', id: bIds.shared }),
      ])
      .expect(200);
    await clientB.post([voidingStatement(bIds.voided, { at: '2026-03-02T12:00:00Z' })]).expect(200);
  });
  afterEach(async () => {
    await x.close();
  });

  /** Everything stored for platform `platformId`: its events (every column that storage writes) and its figures. */
  async function stateOf(platformId: string): Promise<{ events: Row[]; visits: Row[]; days: Row[]; courseDays: Row[] }> {
    const events = await x.rows(
      `select source, source_id, seq, payload, stored_at, event_at, credential_key, verb_id, actor_key, activity_id, voids, voided, kind,
              ignored, duration_seconds, course_ref, person_ref, context_id, user_id
       from source_events where platform_id = $1 order by seq`,
      [platformId],
    );
    return { events, ...(await derivedRows(x.w.t.db, platformId)) };
  }

  it("A's credential cannot write into B's course: a statement naming B's context and student is A's, unresolved; B's rows and figures are unchanged", async () => {
    const before = await stateOf(b.platformId);
    // B's figures as B's own statements made them: b-student's visit in b-course (its page view voided), s1's in course-1.
    assert.deepEqual(
      before.days.map((d) => [d.context_id, d.user_id, d.day, d.visits, d.actions]),
      [
        [B_ONLY.id, 'b-student', '2026-03-02', 1, 0],
        [SHARED.id, 's1', '2026-03-02', 1, 1],
      ],
    );

    const intoB = crypto.randomUUID();
    const intoShared = crypto.randomUUID();
    const res = await x.post([
      // B's context id and B's student, in the generic form…
      pageView(bStudent, B_ONLY.id, '2026-03-02T09:05:00Z', intoB),
      // …and a context id that both platforms have, with a student of that name on both.
      pageView({ account: { homePage: x.platform.issuer, name: 's1' } }, SHARED.id, '2026-03-02T10:05:00Z', intoShared),
    ]);
    assert.equal(res.status, 200, res.text);

    // Both are A's. The first names a course A has never launched: kept, unresolved, with its reason.
    const aRows = await x.rows(`select platform_id, source_id, context_id, user_id, course_ref, voided, ignored from source_events where source_id = any($1::text[]) order by event_at`, [[intoB, intoShared]]);
    assert.deepEqual(aRows, [
      { platform_id: x.platformId, source_id: intoB, context_id: null, user_id: null, course_ref: { contextId: B_ONLY.id, rule: 'lti-context-extension' }, voided: false, ignored: null },
      { platform_id: x.platformId, source_id: intoShared, context_id: SHARED.id, user_id: 's1', course_ref: { contextId: SHARED.id, rule: 'lti-context-extension' }, voided: false, ignored: null },
    ]);
    assert.deepEqual(notCountedReason({ ignored: null, voided: false, courseRef: { contextId: B_ONLY.id }, contextId: null, userId: null }), { reason: 'course-not-launched', contextId: B_ONLY.id });
    // The second counts in A's course-1, for A's s1 only.
    const a = await derivedRows(x.w.t.db, x.platformId);
    assert.deepEqual(a.visits, [
      { context_id: SHARED.id, user_id: 's1', started_at: new Date('2026-03-02T10:05:00Z'), last_event_at: new Date('2026-03-02T10:05:00Z'), day: '2026-03-02', events: 1, duration_seconds: 60, capped: false },
    ]);
    assert.deepEqual(
      a.days.map((d) => [d.context_id, d.user_id, d.day, d.visits, d.duration_seconds, d.actions, d.resources]),
      [[SHARED.id, 's1', '2026-03-02', 1, 60, 1, 1]],
    );

    // B: every stored row and every figure as before.
    assert.deepEqual(await stateOf(b.platformId), before);
  });

  it("A's credential cannot read B's statements: not by statementId, voidedStatementId or agent, nor in lists", async () => {
    // B sees its own.
    await clientB.get({ statementId: bIds.bCourse }).expect(200);
    assert.equal((await clientB.get({ voidedStatementId: bIds.voided }).expect(200)).body.id, bIds.voided);
    const bS1 = JSON.stringify({ account: { homePage: b.platform.issuer, name: 's1' } });
    assert.deepEqual(idsOf(await clientB.get({ agent: bS1 }).expect(200)), [bIds.shared]);

    // A stores one statement with the very same agent as B's student.
    const aSame = crypto.randomUUID();
    await x.post([pageView(bStudent, B_ONLY.id, '2026-03-02T09:30:00Z', aSame)]).expect(200);

    for (const id of Object.values(bIds)) {
      const res = await x.get({ statementId: id }).expect(404);
      assert.match(res.body.error, /^statementId: /);
      await x.get({ voidedStatementId: id }).expect(404);
    }
    assert.deepEqual(idsOf(await x.get({ agent: JSON.stringify(bStudent) }).expect(200)), [aSame]);
    assert.deepEqual(idsOf(await x.get({ agent: bS1 }).expect(200)), []);
    assert.deepEqual(idsOf(await x.get().expect(200)), [aSame]);
    const bActivity = `${b.platform.issuer}/mod/quiz/view.php?id=5`;
    assert.deepEqual(idsOf(await clientB.get({ activity: bActivity }).expect(200)), [bIds.shared]);
    assert.deepEqual(idsOf(await x.get({ activity: bActivity }).expect(200)), []);
    // And B does not see A's.
    await clientB.get({ statementId: aSame }).expect(404);
  });

  it("A's voiding statement cannot void B's statement of the same id; it voids A's own when A stores one under that id", async () => {
    const before = await stateOf(b.platformId);
    await x.post([voidingStatement(bIds.bCourse, { at: '2026-03-02T13:00:00Z' })]).expect(200);

    // B's statement stands: readable by B, not voided, and B's figures unchanged.
    assert.equal((await clientB.get({ statementId: bIds.bCourse }).expect(200)).body.id, bIds.bCourse);
    await clientB.get({ voidedStatementId: bIds.bCourse }).expect(404);
    assert.deepEqual(await stateOf(b.platformId), before);

    // A's own statement under that id arrives later: the voiding applies to it (within A).
    await x.post([pageView({ account: { homePage: x.platform.issuer, name: 's1' } }, SHARED.id, '2026-03-02T11:00:00Z', bIds.bCourse)]).expect(200);
    await x.get({ statementId: bIds.bCourse }).expect(404);
    assert.equal((await x.get({ voidedStatementId: bIds.bCourse }).expect(200)).body.id, bIds.bCourse);
    assert.deepEqual(await derivedRows(x.w.t.db, x.platformId), { visits: [], days: [], courseDays: [] });
    assert.deepEqual(
      await x.rows('select platform_id, voided from source_events where source_id = $1 order by platform_id = $2', [bIds.bCourse, x.platformId]),
      [
        { platform_id: b.platformId, voided: false },
        { platform_id: x.platformId, voided: true },
      ],
    );
    assert.deepEqual(await stateOf(b.platformId), before);
  });
});
