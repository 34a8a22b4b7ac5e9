/**
 * The xAPI Statements resource over HTTP: one test per status code of api.md, the headers of
 * every answer, GET by id and with filters and `more` paging, and tenant isolation.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import express from 'express';
import supertest from 'supertest';
import { routes } from '../../src/routes/index.js';
import { errorHandler, notFound } from '../../src/routes/http-error.js';
import { DEFAULT_INGEST_SETTINGS } from '../../src/routes/xapi-statements.js';
import { TEST_ADMIN_TOKEN } from '../support/test-app.js';
import { xapiWorld, type XapiWorld } from '../support/xapi-world.js';

const VIEWED = 'http://id.tincanapi.com/verb/viewed';
const EXPERIENCED = 'http://adlnet.gov/expapi/verbs/experienced';

function statement(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    actor: { objectType: 'Agent', account: { homePage: 'https://lms.example.edu', name: 'student-1' } },
    verb: { id: VIEWED, display: { en: 'viewed' } },
    object: { id: 'https://lms.example.edu/page/1', definition: { type: 'https://w3id.org/xapi/acrossx/activities/page' } },
    timestamp: '2026-03-02T09:00:00.000Z',
    ...overrides,
  };
}

const newId = (): string => crypto.randomUUID();

describe('xAPI Statements resource', () => {
  let x: XapiWorld;
  beforeEach(async () => {
    x = await xapiWorld();
  });
  afterEach(async () => {
    await x.close();
  });

  const count = async (): Promise<number> => Number((await x.rows('select count(*) as n from source_events'))[0]!.n);

  describe('status codes', () => {
    it('200: POST answers the ids in request order, sent ids in lower case and derived ones for id-less statements', async () => {
      const id = newId().toUpperCase();
      const res = await x.post([statement({ id }), statement({ timestamp: '2026-03-02T09:05:00Z' })]).expect(200);
      assert.equal(res.body.length, 2);
      assert.equal(res.body[0], id.toLowerCase());
      assert.match(res.body[1], /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(res.headers['x-experience-api-version'], '1.0.3');
      assert.ok(!Number.isNaN(Date.parse(String(res.headers['x-experience-api-consistent-through']))));
      assert.match(String(res.headers['content-type']), /^application\/json/);
      assert.equal(await count(), 2);
    });

    it('200: a single statement (not an array) answers a one-id array', async () => {
      const id = newId();
      assert.deepEqual((await x.post(statement({ id })).expect(200)).body, [id]);
    });

    it('200 []: an empty array (Moodle with nothing queued)', async () => {
      const res = await x.post([]).expect(200);
      assert.deepEqual(res.body, []);
    });

    it('204: PUT stores the statement under statementId, with stored, authority and version assigned', async () => {
      const id = newId();
      const res = await x.put(id, statement()).expect(204);
      assert.equal(res.text, '');
      assert.equal(res.headers['x-experience-api-version'], '1.0.3');
      const got = await x.get({ statementId: id }).expect(200);
      assert.equal(got.body.id, id);
      assert.equal(got.body.stored, x.w.clock.now().toISOString());
      assert.deepEqual(got.body.authority, { objectType: 'Agent', account: { homePage: x.w.tool.url, name: x.credential.key } });
      assert.equal(got.body.version, '1.0.0');
      assert.equal(got.headers['last-modified'], x.w.clock.now().toUTCString());
    });

    it('400: a batch with one bad statement names the field and stores nothing (atomic)', async () => {
      const res = await x.post([statement({ id: newId() }), statement({ actor: { mbox: 'sam@example.edu' } })]).expect(400);
      assert.match(res.body.error, /^statement\[1\]\.actor\.mbox: /);
      assert.equal(await count(), 0);
    });

    it('400: the same id twice in one request, nothing stored', async () => {
      const id = newId();
      const res = await x.post([statement({ id }), statement({ id, timestamp: '2026-03-02T10:00:00Z' })]).expect(400);
      assert.match(res.body.error, /^statement\[1\]\.id: /);
      assert.equal(await count(), 0);
    });

    it('400: PUT without statementId, or with a body id that differs', async () => {
      const none = await supertest(x.w.t.app).put('/xapi/statements').auth(x.credential.key, x.credential.secret).set('X-Experience-API-Version', '1.0.3').send(statement()).expect(400);
      assert.match(none.body.error, /^statementId: /);
      const differs = await x.put(newId(), statement({ id: newId() })).expect(400);
      assert.match(differs.body.error, /^statement\.id: /);
    });

    it('400: a missing or unsupported X-Experience-API-Version', async () => {
      const missing = await x.post([statement()], { version: null }).expect(400);
      assert.match(missing.body.error, /^X-Experience-API-Version: /);
      const future = await x.post([statement()], { version: '1.1.0' }).expect(400);
      assert.match(future.body.error, /^X-Experience-API-Version: 1\.1\.0/);
      await x.get({}, { version: null }).expect(400);
      assert.equal(await count(), 0);
    });

    it('401: missing, unknown or wrong credentials (with the version header on the answer)', async () => {
      const none = await supertest(x.w.t.app).post('/xapi/statements').set('X-Experience-API-Version', '2.0.0').send([statement()]).expect(401);
      assert.equal(none.headers['x-experience-api-version'], '2.0.0');
      assert.ok(none.body.error);
      await supertest(x.w.t.app).post('/xapi/statements').auth(x.credential.key, 'wrong').set('X-Experience-API-Version', '1.0.3').send([statement()]).expect(401);
      await supertest(x.w.t.app).get('/xapi/statements').auth('cpk_nobody', 'x').set('X-Experience-API-Version', '1.0.3').expect(401);
      assert.equal(await count(), 0);
    });

    it('409: the same id with different content; nothing of that request is stored', async () => {
      const id = newId();
      await x.post([statement({ id })]).expect(200);
      const other = newId();
      const res = await x.post([statement({ id: other }), statement({ id, verb: { id: EXPERIENCED } })]).expect(409);
      assert.match(res.body.error, new RegExp(`^statement\\[1\\]\\.id: .*${id}`));
      await x.get({ statementId: other }).expect(404);
      await x.put(id, statement({ verb: { id: EXPERIENCED } })).expect(409);
    });

    it('200/204: an identical re-send changes nothing (sent ids, and Moodle-style id-less statements)', async () => {
      const id = newId();
      const batch = [statement({ id }), statement({ timestamp: '2026-03-02T09:07:00Z' })];
      const first = await x.post(batch).expect(200);
      const before = await x.rows('select source_id, seq, stored_at, payload from source_events order by seq');
      x.w.clock.advance(60);
      // Same statements; display and definitions may differ (not part of a statement's identity).
      const again = await x.post([{ ...batch[0], verb: { id: VIEWED, display: { 'en-GB': 'looked at' } } }, batch[1]]).expect(200);
      assert.deepEqual(again.body, first.body);
      await x.put(id, batch[0]).expect(204);
      assert.deepEqual(await x.rows('select source_id, seq, stored_at, payload from source_events order by seq'), before);
    });

    it('413: a body over INGEST_MAX_BYTES', async () => {
      const app = express();
      app.use(routes({ db: x.w.t.db, lti: x.w.t.lti, adminToken: TEST_ADMIN_TOKEN, publicUrl: x.w.tool.url, now: x.w.clock.now, ingest: { ...DEFAULT_INGEST_SETTINGS, ingestMaxBytes: 2048 } }));
      app.use(notFound, errorHandler);
      const big = Array.from({ length: 30 }, (_, i) => statement({ timestamp: `2026-03-02T09:${String(i).padStart(2, '0')}:00Z` }));
      assert.ok(JSON.stringify(big).length > 2048);
      const res = await supertest(app).post('/xapi/statements').auth(x.credential.key, x.credential.secret).set('X-Experience-API-Version', '1.0.3').send(big).expect(413);
      assert.match(res.body.error, /larger than the limit of 2048 bytes/);
      assert.equal(await count(), 0);
    });

    it('429 with Retry-After: a burst beyond the credential rate', async () => {
      const app = express();
      app.use(routes({ db: x.w.t.db, lti: x.w.t.lti, adminToken: TEST_ADMIN_TOKEN, publicUrl: x.w.tool.url, now: x.w.clock.now, ingest: { ...DEFAULT_INGEST_SETTINGS, ingestRatePerMinute: 2 } }));
      app.use(notFound, errorHandler);
      const send = () => supertest(app).post('/xapi/statements').auth(x.credential.key, x.credential.secret).set('X-Experience-API-Version', '1.0.3').send([]);
      await send().expect(200);
      await send().expect(200);
      const limited = await send().expect(429);
      assert.equal(limited.headers['retry-after'], '30');
      assert.ok(limited.body.error);
      x.w.clock.advance(30);
      await send().expect(200);
    });

    it('404: GET of an unknown statement id', async () => {
      const res = await x.get({ statementId: newId() }).expect(404);
      assert.match(res.body.error, /^statementId: /);
      await x.get({ voidedStatementId: newId() }).expect(404);
    });

    it('GET /xapi/about answers the versions without credentials or version header', async () => {
      const res = await supertest(x.w.t.app).get('/xapi/about').expect(200);
      assert.deepEqual(res.body.version, ['1.0.3', '2.0.0']);
      assert.equal(res.headers['x-experience-api-version'], '1.0.3');
    });

    it('echoes 2.0.0 to a 2.0 request and takes its statements (contextAgents is 2.0 only)', async () => {
      const agents = { contextAgents: [{ objectType: 'contextAgent', agent: { mbox: 'mailto:teacher@example.edu' }, relevantTypes: ['https://example.edu/types/teacher'] }] };
      const res = await x.post([statement({ context: agents })], { version: '2.0.0' }).expect(200);
      assert.equal(res.headers['x-experience-api-version'], '2.0.0');
      await x.post([statement({ context: agents, timestamp: '2026-03-02T11:00:00Z' })]).expect(400);
    });
  });

  describe('GET statements', () => {
    it('returns a statement by id; a voided one only by voidedStatementId, the voiding one normally', async () => {
      const target = newId();
      const voiding = newId();
      await x.post([statement({ id: target })]).expect(200);
      await x.post([{ id: voiding, actor: { mbox: 'mailto:teacher@example.edu' }, verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: target } }]).expect(200);
      await x.get({ statementId: target }).expect(404);
      assert.equal((await x.get({ voidedStatementId: target }).expect(200)).body.id, target);
      assert.equal((await x.get({ statementId: voiding }).expect(200)).body.id, voiding);
      const list = await x.get().expect(200);
      assert.deepEqual(list.body.statements.map((s: { id: string }) => s.id), [voiding]);
    });

    it('refuses unknown or mis-cased parameters and statementId with filters', async () => {
      assert.match((await x.get({ Verb: VIEWED }).expect(400)).body.error, /^Verb: /);
      assert.match((await x.get({ statementId: newId(), verb: VIEWED }).expect(400)).body.error, /^verb: not allowed with statementId/);
      await x.get({ statementId: newId(), voidedStatementId: newId() }).expect(400);
      await x.get({ attachments: 'yes' }).expect(400);
      await x.get({ format: 'full' }).expect(400);
    });

    it('filters by agent, verb, activity, registration, since and until, pages with more, and formats ids', async () => {
      const registration = newId();
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        const s = statement({
          id: newId(),
          actor: i % 2 === 0 ? { mbox: `mailto:even@Example.edu` } : { account: { homePage: 'https://lms.example.edu', name: 'odd' } },
          verb: { id: i < 3 ? VIEWED : EXPERIENCED },
          object: { id: `https://lms.example.edu/page/${i}` },
          context: { ...(i === 4 ? { registration } : {}), contextActivities: { parent: [{ id: 'https://lms.example.edu/course/7' }] } },
          timestamp: `2026-03-02T09:0${i}:00Z`,
        });
        ids.push(String(s.id));
        await x.post([s]).expect(200);
        x.w.clock.advance(10);
      }
      const idsOf = (res: supertest.Response) => (res.body.statements as Array<{ id: string }>).map((s) => s.id);

      // Newest first by default; `more` pages through with the same query.
      const first = await x.get({ limit: '2' }).expect(200);
      assert.deepEqual(idsOf(first), [ids[4], ids[3]]);
      assert.match(first.body.more, /^\/xapi\/statements\?more=/);
      const second = await supertest(x.w.t.app).get(first.body.more).auth(x.credential.key, x.credential.secret).set('X-Experience-API-Version', '1.0.3').expect(200);
      assert.deepEqual(idsOf(second), [ids[2], ids[1]]);
      const third = await supertest(x.w.t.app).get(second.body.more).auth(x.credential.key, x.credential.secret).set('X-Experience-API-Version', '1.0.3').expect(200);
      assert.deepEqual(idsOf(third), [ids[0]]);
      assert.equal(third.body.more, '');

      assert.deepEqual(idsOf(await x.get({ ascending: 'true', limit: '2' }).expect(200)), [ids[0], ids[1]]);
      assert.deepEqual(idsOf(await x.get({ agent: JSON.stringify({ mbox: 'mailto:even@example.edu' }) }).expect(200)), [ids[4], ids[2], ids[0]]);
      assert.deepEqual(idsOf(await x.get({ agent: JSON.stringify({ account: { homePage: 'https://lms.example.edu', name: 'odd' } }) }).expect(200)), [ids[3], ids[1]]);
      assert.deepEqual(idsOf(await x.get({ verb: EXPERIENCED }).expect(200)), [ids[4], ids[3]]);
      assert.deepEqual(idsOf(await x.get({ activity: 'https://lms.example.edu/page/2' }).expect(200)), [ids[2]]);
      assert.deepEqual(idsOf(await x.get({ activity: 'https://lms.example.edu/course/7' }).expect(200)), []);
      assert.equal(idsOf(await x.get({ activity: 'https://lms.example.edu/course/7', related_activities: 'true' }).expect(200)).length, 5);
      assert.deepEqual(idsOf(await x.get({ registration: registration.toUpperCase() }).expect(200)), [ids[4]]);
      const start = x.w.clock.now().getTime() - 50_000;
      const at = (n: number) => new Date(start + n * 10_000).toISOString();
      // stored: ids[i] at start + 10 s · i; since is exclusive, until inclusive.
      assert.deepEqual(idsOf(await x.get({ since: at(1), until: at(3) }).expect(200)), [ids[3], ids[2]]);
      await x.get({ since: 'yesterday' }).expect(400);

      const asIds = await x.get({ statementId: ids[1]!, format: 'ids' }).expect(200);
      assert.deepEqual(asIds.body.actor, { account: { homePage: 'https://lms.example.edu', name: 'odd' } });
      assert.deepEqual(asIds.body.verb, { id: VIEWED });
      assert.deepEqual(asIds.body.object, { id: 'https://lms.example.edu/page/1' });
    });
  });

  describe('GET formats, StatementRef filters and attachments (the ADL conformance suite)', () => {
    /** What the LRS adds to a statement sent at the frozen clock's now. */
    const assigned = (id: string) => ({
      id,
      stored: x.w.clock.now().toISOString(),
      authority: { objectType: 'Agent', account: { homePage: x.w.tool.url, name: x.credential.key } },
      version: '1.0.0',
    });
    const activity = {
      objectType: 'Activity',
      id: 'https://lms.example.edu/quiz/3',
      definition: {
        name: { 'en-US': 'Quiz', 'en-GB': 'Quiz (GB)', 'de-DE': 'Test' },
        description: { 'en-US': 'Third quiz', 'de-DE': 'Dritter Test' },
        type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
        interactionType: 'choice',
        correctResponsesPattern: ['a'],
        choices: [{ id: 'a', description: { 'en-US': 'Yes', 'de-DE': 'Ja' } }],
      },
    };
    const sub = {
      objectType: 'SubStatement',
      actor: { objectType: 'Group', name: 'Team', mbox: 'mailto:team@example.edu', member: [{ mbox: 'mailto:a@example.edu', name: 'A' }] },
      verb: { id: EXPERIENCED, display: { 'en-US': 'experienced', 'en-GB': 'experienced (GB)' } },
      object: activity,
      context: { contextActivities: { parent: [{ objectType: 'Activity', id: 'https://lms.example.edu/course/7', definition: { name: { 'en-US': 'Course', 'de-DE': 'Kurs' } } }] } },
    };
    const sent = (id: string) =>
      statement({
        id,
        actor: { objectType: 'Group', member: [{ name: 'B', mbox: 'mailto:b@example.edu' }, { objectType: 'Agent', account: { homePage: 'https://lms.example.edu', name: 'c' } }] },
        verb: { id: VIEWED, display: { 'en-US': 'viewed', 'de-DE': 'angesehen' } },
        object: sub,
        context: { contextActivities: { grouping: [{ id: 'https://lms.example.edu/course/7', definition: { description: { 'de-DE': 'Kurs', 'en-GB': 'Course' } } }] } },
      });

    it('format=ids: an activity is its id, an identified Group its IFI, an anonymous Group its members\' IFIs', async () => {
      const id = newId();
      await x.post(sent(id)).expect(200);
      const res = await x.get({ statementId: id, format: 'ids' }).expect(200);
      assert.deepStrictEqual(res.body, {
        ...assigned(id),
        actor: { objectType: 'Group', member: [{ mbox: 'mailto:b@example.edu' }, { objectType: 'Agent', account: { homePage: 'https://lms.example.edu', name: 'c' } }] },
        verb: { id: VIEWED },
        object: {
          objectType: 'SubStatement',
          actor: { objectType: 'Group', mbox: 'mailto:team@example.edu' },
          verb: { id: EXPERIENCED },
          object: { id: 'https://lms.example.edu/quiz/3' },
          context: { contextActivities: { parent: [{ id: 'https://lms.example.edu/course/7' }] } },
        },
        context: { contextActivities: { grouping: [{ id: 'https://lms.example.edu/course/7' }] } },
        timestamp: '2026-03-02T09:00:00.000Z',
      });
    });

    it('format=canonical: every verb display and activity language map in the one language Accept-Language prefers', async () => {
      const id = newId();
      await x.post(sent(id)).expect(200);
      const res = await x.get({ statementId: id, format: 'canonical' }).set('Accept-Language', 'fr;q=0.9, de, en-GB;q=0.5').expect(200);
      assert.equal(res.headers.vary, 'Accept-Language, Accept-Encoding');
      const german = {
        ...assigned(id),
        actor: sent(id).actor,
        verb: { id: VIEWED, display: { 'de-DE': 'angesehen' } },
        object: {
          ...sub,
          // No German and no French here: the third choice, en-GB.
          verb: { id: EXPERIENCED, display: { 'en-GB': 'experienced (GB)' } },
          object: { ...activity, definition: { ...activity.definition, name: { 'de-DE': 'Test' }, description: { 'de-DE': 'Dritter Test' }, choices: [{ id: 'a', description: { 'de-DE': 'Ja' } }] } },
          context: { contextActivities: { parent: [{ objectType: 'Activity', id: 'https://lms.example.edu/course/7', definition: { name: { 'de-DE': 'Kurs' } } }] } },
        },
        context: { contextActivities: { grouping: [{ id: 'https://lms.example.edu/course/7', definition: { description: { 'de-DE': 'Kurs' } } }] } },
        timestamp: '2026-03-02T09:00:00.000Z',
      };
      assert.deepStrictEqual(res.body, german);
      // In a list too; exact (the default) keeps every language.
      const list = await x.get({ format: 'canonical' }).set('Accept-Language', 'fr;q=0.9, de, en-GB;q=0.5').expect(200);
      assert.deepStrictEqual(list.body, { statements: [german], more: '' });
      assert.deepStrictEqual((await x.get({ statementId: id }).set('Accept-Language', 'de').expect(200)).body, { ...assigned(id), ...sent(id) });
    });

    it('a filter also matches a statement whose StatementRef targets a match (a voided one too, recursively); since/until apply to the referencing one', async () => {
      const verb = `https://example.edu/verbs/${newId()}`;
      const [voided, voiding, ref, refOfRef, other] = [newId(), newId(), newId(), newId(), newId()];
      const refTo = (id: string, target: string, v = EXPERIENCED) => ({ id, actor: { mbox: 'mailto:t@example.edu' }, verb: { id: v }, object: { objectType: 'StatementRef', id: target.toUpperCase() } });
      await x.post(statement({ id: voided, verb: { id: verb } })).expect(200);
      const afterFirst = x.w.clock.now().toISOString();
      x.w.clock.advance(10);
      await x.post(refTo(voiding, voided, 'http://adlnet.gov/expapi/verbs/voided')).expect(200);
      x.w.clock.advance(10);
      await x.post(refTo(ref, voided)).expect(200);
      await x.post([refTo(refOfRef, ref), statement({ id: other })]).expect(200);
      const idsOf = (res: supertest.Response) => (res.body.statements as Array<{ id: string }>).map((s) => s.id);

      assert.deepStrictEqual(idsOf(await x.get({ verb }).expect(200)), [refOfRef, ref, voiding]);
      assert.deepStrictEqual(idsOf(await x.get({ verb, since: afterFirst }).expect(200)), [refOfRef, ref, voiding]);
      assert.deepStrictEqual(idsOf(await x.get({ verb, until: afterFirst }).expect(200)), []);
      assert.deepStrictEqual(idsOf(await x.get({ verb, ascending: 'true', limit: '1' }).expect(200)), [voiding]);
      // The referencing statements match on their own verb as well; other filters still apply to the target.
      assert.deepStrictEqual(idsOf(await x.get({ verb: EXPERIENCED }).expect(200)), [refOfRef, ref]);
      assert.deepStrictEqual(idsOf(await x.get({ verb, activity: 'https://lms.example.edu/page/2' }).expect(200)), []);
    });

    it('attachments=true answers multipart/mixed with the JSON as its one part when the statements have no attachments (with data: xapi-attachments.test.ts)', async () => {
      const id = newId();
      await x.post(statement({ id })).expect(200);
      // superagent would read a multipart answer as a form: take it as text.
      const asText = (res: supertest.Response, done: (err: Error | null, body: string) => void) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done(null, text));
      };
      const exact = (await x.get({ statementId: id }).expect(200)).body;
      assert.deepStrictEqual(exact, { ...assigned(id), ...statement({ id }) });
      const one = await x.get({ statementId: id, attachments: 'true' }).parse(asText).expect(200);
      const boundary = /^multipart\/mixed; boundary=([A-Za-z0-9-]+)$/.exec(String(one.headers['content-type']))?.[1];
      assert.ok(boundary, String(one.headers['content-type']));
      assert.equal(one.body, `--${boundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(exact)}\r\n--${boundary}--\r\n`);
      const list = await x.get({ attachments: 'true' }).parse(asText).expect(200);
      const listBoundary = /boundary=(\S+)$/.exec(String(list.headers['content-type']))?.[1];
      assert.equal(list.body, `--${listBoundary}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify({ statements: [exact], more: '' })}\r\n--${listBoundary}--\r\n`);
      const none = await x.get({ attachments: 'false' }).expect(200);
      assert.match(String(none.headers['content-type']), /^application\/json/);
    });
  });

  describe('tenant isolation', () => {
    it("platform A's credential can neither read nor write platform B's statements; a statement naming B's issuer is still A's", async () => {
      const b = await x.w.addPlatform({ name: 'LMS B' });
      const clientB = await x.client(b.platformId);
      const id = newId();
      // A sends a statement whose course URL is B's.
      await x.post([statement({ id, context: { contextActivities: { parent: [{ id: `${b.platform.issuer}/course/view.php?id=2` }] } } })]).expect(200);
      const [row] = await x.rows('select platform_id, context_id, course_ref from source_events where source_id = $1', [id]);
      assert.equal(row!.platform_id, x.platformId);
      assert.equal(row!.context_id, null);
      assert.equal(row!.course_ref, null);

      // B cannot read it, by id or in lists.
      await clientB.get({ statementId: id }).expect(404);
      assert.deepEqual((await clientB.get().expect(200)).body.statements, []);
      // B storing its own statement under the same id touches nothing of A's.
      await clientB.put(id, statement({ verb: { id: EXPERIENCED } })).expect(204);
      assert.equal((await x.get({ statementId: id }).expect(200)).body.verb.id, VIEWED);
      assert.equal((await clientB.get({ statementId: id }).expect(200)).body.verb.id, EXPERIENCED);
      // B voiding that id voids only B's.
      await clientB.post([{ actor: { mbox: 'mailto:b@example.edu' }, verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id } }]).expect(200);
      await x.get({ statementId: id }).expect(200);
      await clientB.get({ statementId: id }).expect(404);
    });
  });
});
