/**
 * The Caliper endpoint over HTTP: each status code, Canvas- and Blackboard-shaped envelopes (the
 * golden fixtures of test/fixtures/caliper) ending in the student's day rows, re-sends, 409,
 * unusable items, and tenant isolation.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import express from 'express';
import supertest from 'supertest';
import { normaliseCaliperEnvelope } from '../../src/ingest/caliper.js';
import { syncRoster } from '../../src/lti/roster.js';
import { errorHandler, notFound } from '../../src/routes/http-error.js';
import { routes } from '../../src/routes/index.js';
import { DEFAULT_INGEST_SETTINGS } from '../../src/routes/xapi-statements.js';
import { BACKEND } from '../support/databases.js';
import { instructor } from '../support/roster-members.js';
import type { NrpsMember } from '../support/test-platform-groups.js';
import { TEST_ADMIN_TOKEN } from '../support/test-app.js';
import { ROLES, type ContextClaim, type TestPlatform } from '../support/test-platform.js';
import { xapiWorld, type Credential, type XapiWorld } from '../support/xapi-world.js';

const CUSTOM_CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/custom';
const V1P1 = 'http://purl.imsglobal.org/ctx/caliper/v1p1';

type Envelope = { sensor: string; sendTime: string; dataVersion: string; data: Array<Record<string, unknown>> };

const fixture = (name: string): Envelope => JSON.parse(readFileSync(new URL(`../fixtures/caliper/${name}.json`, import.meta.url), 'utf8')) as Envelope;

/** One envelope with the events of several fixtures, as a sensor batching them would send. */
function envelopeOf(names: string[]): Envelope {
  const envelopes = names.map(fixture);
  return { ...envelopes[0]!, data: envelopes.flatMap((e) => e.data) };
}

const CANVAS = [
  'canvas-logged-in',
  'canvas-asset-accessed-course-home',
  'canvas-asset-accessed-wiki-page',
  'canvas-asset-accessed-assignment',
  'canvas-discussion-topic-created',
  'canvas-discussion-entry-created',
  'canvas-system-actor',
];
const BLACKBOARD = [
  'blackboard-view-content-file',
  'blackboard-assignment-submitted',
  'blackboard-forum-thread-created',
  'blackboard-lti-link-launched',
  'blackboard-session-timed-out',
  'blackboard-group-assignment-started',
  'blackboard-grade-nightly',
];

const CANVAS_COURSE: ContextClaim = { id: 'f6b1c0a9e2d34c8e', label: 'BIO101', title: 'Biology (Canvas)', type: ['http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering'] };
const BLACKBOARD_COURSE: ContextClaim = { id: '5a6b7c8d9e0f4a1b2c3d4e5f6a7b8c9d', label: 'BIO-101-2024S', title: 'Biology (Learn)', type: ['http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering'] };

const student = (userId: string, sourcedId: string): NrpsMember => ({ user_id: userId, roles: [ROLES.learner], status: 'Active', name: `Student ${userId}`, lis_person_sourcedid: sourcedId });

describe(`POST /caliper (${BACKEND})`, () => {
  let x: XapiWorld;
  beforeEach(async () => {
    x = await xapiWorld();
  });
  afterEach(async () => {
    await x.close();
  });

  const post = (body: unknown, credential: Credential = x.credential) =>
    supertest(x.w.t.app).post('/caliper').set('Authorization', `Bearer ${credential.key}:${credential.secret}`).send(body as object);
  const count = async (): Promise<number> => Number((await x.rows('select count(*) as n from source_events'))[0]!.n);
  const days = (platformId = x.platformId) => x.rows('select * from student_days where platform_id = $1 order by context_id, user_id, day', [platformId]);

  /** A teacher's launch (with the custom claim the LMS sends) and a roster read, as in production. */
  async function openCourse(context: ContextClaim, custom: Record<string, string>, members: NrpsMember[], on: { platform: TestPlatform; platformId: string } = x) {
    on.platform.setMembers(context, [instructor, ...members]);
    const { response } = await on.platform.launch(supertest.agent(x.w.t.app), { context, claims: { [CUSTOM_CLAIM]: custom } });
    assert.equal(response.status, 200, response.text);
    const roster = await syncRoster(x.w.deps(), await x.w.course(context.id, on.platformId));
    assert.ok(roster.ok, 'the roster read');
  }

  describe('status codes', () => {
    it('200: a summary of what became of each item', async () => {
      const res = await post(fixture('canvas-asset-accessed-wiki-page')).expect(200);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      assert.deepEqual(res.body, {
        received: 1,
        stored: 1,
        unchanged: 0,
        notCounted: [{ id: 'urn:uuid:6f1d2c3b-4a5e-4f60-8a71-92b3c4d5e6f7', reason: 'course-not-launched', groupId: 'urn:instructure:canvas:course:31000000000000777' }],
        unusable: [],
      });
      assert.equal(await count(), 1);
    });

    it('401: no credential, an unknown one, a wrong secret', async () => {
      const body = fixture('canvas-asset-accessed-wiki-page');
      const none = await supertest(x.w.t.app).post('/caliper').send(body).expect(401);
      assert.match(none.body.error, /^missing credentials/);
      await supertest(x.w.t.app).post('/caliper').set('Authorization', 'Bearer cpk_nobody:secret').send(body).expect(401);
      const wrong = await post(body, { key: x.credential.key, secret: 'wrong' }).expect(401);
      assert.equal(wrong.body.error, 'unknown or revoked credentials');
      await supertest(x.w.t.app).post('/caliper').set('Authorization', `Bearer ${x.credential.key}`).send(body).expect(401);
      assert.equal(await count(), 0);
    });

    it('415: a body that is not JSON', async () => {
      const res = await post('sensor=x').type('form').expect(415);
      assert.equal(res.body.error, 'Content-Type: send the Caliper envelope as application/json');
      await post('<envelope/>').type('application/xml').expect(415);
      assert.equal(await count(), 0);
    });

    it('400: not an envelope, naming what is wrong; malformed JSON; no body', async () => {
      const extra = await post(fixture('caliper-envelope-extra-key')).expect(400);
      assert.match(extra.body.error, /^not a Caliper envelope \{sensor, sendTime, dataVersion, data\}: .*Unrecognized key/);
      const noData = await post({ sensor: 's', sendTime: '2024-03-04T09:15:02.120Z', dataVersion: V1P1 }).expect(400);
      assert.match(noData.body.error, /: data: /);
      const array = await post([fixture('canvas-asset-accessed-wiki-page')]).expect(400);
      assert.match(array.body.error, /^not a Caliper envelope/);
      const broken = await supertest(x.w.t.app).post('/caliper').set('Authorization', `Bearer ${x.credential.key}:${x.credential.secret}`).type('json').send('{"sensor": ').expect(400);
      assert.equal(broken.body.error, 'the request body is not valid JSON');
      const empty = await supertest(x.w.t.app).post('/caliper').set('Authorization', `Bearer ${x.credential.key}:${x.credential.secret}`).expect(400);
      assert.match(empty.body.error, /^the request has no body/);
      assert.equal(await count(), 0);
    });

    it('400: one id twice in an envelope with different content; nothing stored', async () => {
      const envelope = fixture('canvas-asset-accessed-wiki-page');
      const event = envelope.data[0]!;
      const res = await post({ ...envelope, data: [event, { ...event, eventTime: '2024-03-04T09:16:00.000Z' }] }).expect(400);
      assert.equal(res.body.error, 'data[1].id: urn:uuid:6f1d2c3b-4a5e-4f60-8a71-92b3c4d5e6f7 is also the id of data[0], with different content');
      assert.equal(await count(), 0);
    });

    it('422: a dataVersion it does not read', async () => {
      const res = await post(fixture('caliper-unsupported-data-version')).expect(422);
      assert.match(res.body.error, /^dataVersion http:\/\/purl\.imsglobal\.org\/ctx\/caliper\/v1\/Context is not one of /);
      assert.equal(await count(), 0);
    });

    it('413: a body over INGEST_MAX_BYTES', async () => {
      const app = express();
      app.use(routes({ db: x.w.t.db, lti: x.w.t.lti, adminToken: TEST_ADMIN_TOKEN, publicUrl: x.w.tool.url, now: x.w.clock.now, ingest: { ...DEFAULT_INGEST_SETTINGS, ingestMaxBytes: 2048 } }));
      app.use(notFound, errorHandler);
      const big = envelopeOf(CANVAS);
      assert.ok(JSON.stringify(big).length > 2048);
      const res = await supertest(app).post('/caliper').set('Authorization', `Bearer ${x.credential.key}:${x.credential.secret}`).send(big).expect(413);
      assert.equal(res.body.error, 'the request body is larger than the limit of 2048 bytes');
      assert.equal(await count(), 0);
    });

    it('429 with Retry-After: a burst beyond the credential rate', async () => {
      const app = express();
      app.use(routes({ db: x.w.t.db, lti: x.w.t.lti, adminToken: TEST_ADMIN_TOKEN, publicUrl: x.w.tool.url, now: x.w.clock.now, ingest: { ...DEFAULT_INGEST_SETTINGS, ingestRatePerMinute: 2 } }));
      app.use(notFound, errorHandler);
      const send = () => supertest(app).post('/caliper').set('Authorization', `Bearer ${x.credential.key}:${x.credential.secret}`).send({ ...fixture('canvas-logged-in'), data: [] });
      await send().expect(200);
      await send().expect(200);
      const limited = await send().expect(429);
      assert.equal(limited.headers['retry-after'], '30');
      assert.match(limited.body.error, /^too many requests for this credential/);
      x.w.clock.advance(30);
      await send().expect(200);
    });

    it('GET answers the versions and the size it takes (with the credential)', async () => {
      const res = await supertest(x.w.t.app).get('/caliper').set('Authorization', `Bearer ${x.credential.key}:${x.credential.secret}`).expect(200);
      assert.deepEqual(res.body, { caliperSupportedVersions: [V1P1, 'http://purl.imsglobal.org/ctx/caliper/v1p2'], caliperMaximumPayloadSize: 5120, caliperSupportedExtensions: {} });
      await supertest(x.w.t.app).get('/caliper').expect(401);
    });
  });

  describe('from envelope to figures', () => {
    it("Canvas: events sent before the course's first launch count once a launch carries $Canvas.course.id and the roster names the student", async () => {
      for (const name of CANVAS) await post(fixture(name)).expect(200);
      assert.deepEqual(
        await x.rows('select source, source_id, kind, ignored, context_id, user_id from source_events order by event_at'),
        [
          ['urn:uuid:4e5f6071-8293-44a5-b6c7-d8e9f0a1b2c3', null, 'login'],
          ['urn:uuid:0a1b2c3d-4e5f-4061-8273-8495a6b7c8d9', 'visit', null],
          ['urn:uuid:6f1d2c3b-4a5e-4f60-8a71-92b3c4d5e6f7', 'resource', null],
          ['urn:uuid:1b2c3d4e-5f60-4172-8384-95a6b7c8d9e0', 'activity', null],
          ['urn:uuid:2c3d4e5f-6071-4283-9495-a6b7c8d9e0f1', 'thread', null],
          ['urn:uuid:3d4e5f60-7182-4394-a5b6-c7d8e9f0a1b2', 'post', null],
        ].map(([source_id, kind, ignored]) => ({ source: 'caliper', source_id, kind, ignored, context_id: null, user_id: null })),
      );
      assert.deepEqual(await days(), []);

      // Canvas's launch gives the local course id; Caliper carries the global one (shard 3).
      await openCourse(CANVAS_COURSE, { canvas_course_id: '777' }, [student('canvas-opaque-sub-42', 'SIS-042')]);
      assert.deepEqual(await days(), [
        {
          platform_id: x.platformId,
          context_id: CANVAS_COURSE.id,
          user_id: 'canvas-opaque-sub-42',
          day: '2024-03-04',
          visits: 1,
          // 09:00:00 to 09:41:12.345 and the last event's 60 s.
          duration_seconds: 2532,
          actions: 4,
          resources: 1,
          activities: 1,
          communication: 2,
          threads: 1,
          posts: 2,
          comments: 0,
          first_event_at: new Date('2024-03-04T09:00:00.000Z'),
          last_event_at: new Date('2024-03-04T09:41:12.345Z'),
        },
      ]);
      // The login names no course (Canvas sends it account-wide): stored, and never counted.
      assert.deepEqual(await x.rows('select context_id, user_id, ignored, course_ref from source_events where kind is null'), [{ context_id: null, user_id: null, ignored: 'login', course_ref: null }]);
    });

    it('Blackboard: one envelope for a launched course (its course_batch_uid custom parameter) is counted at once', async () => {
      await openCourse(BLACKBOARD_COURSE, { course_batch_uid: 'BIO-101-2024S' }, [student('bb-sub-4242', 'student-4242')]);
      const envelope = envelopeOf(BLACKBOARD);
      const res = await post(envelope).expect(200);
      const expected = normaliseCaliperEnvelope(envelope);
      assert.ok('results' in expected);
      assert.deepEqual(res.body, {
        received: 7,
        stored: 6,
        unchanged: 0,
        notCounted: [{ id: 'urn:uuid:e7a8c93a-4b5c-46d7-a8f9-a0b1c2d3e4f5', reason: 'ignored', ignored: 'logout' }],
        unusable: [{ index: 6, reason: 'actor-not-a-person', detail: (expected.results[6] as { detail: string }).detail, id: '09cadb5c-6d7e-48f9-8a0b-c2d3e4f5a6b7' }],
      });
      assert.deepEqual(await days(), [
        {
          platform_id: x.platformId,
          context_id: BLACKBOARD_COURSE.id,
          user_id: 'bb-sub-4242',
          day: '2024-03-05',
          // 14:02:11.5–15:00:00 (+60 s: 3529 s) and, after 70 minutes without events, 16:10 (60 s).
          visits: 2,
          duration_seconds: 3589,
          actions: 5,
          resources: 1,
          activities: 3,
          communication: 1,
          threads: 1,
          posts: 1,
          comments: 0,
          first_event_at: new Date('2024-03-05T14:02:11.500Z'),
          last_event_at: new Date('2024-03-05T16:10:00.000Z'),
        },
      ]);
    });

    it("an LTI federated session names the course and the student's LTI user id", async () => {
      await openCourse({ ...CANVAS_COURSE, id: 'ctx-cps435-01' }, {}, [{ user_id: 'lti-user-554433', roles: [ROLES.learner], status: 'Active' }]);
      const res = await post(fixture('caliper-tool-launch-federated-session')).expect(200);
      assert.deepEqual(res.body, { received: 1, stored: 1, unchanged: 0, notCounted: [], unusable: [] });
      const at = new Date('2024-03-07T10:15:00.000Z');
      assert.deepEqual(await days(), [
        { platform_id: x.platformId, context_id: 'ctx-cps435-01', user_id: 'lti-user-554433', day: '2024-03-07', visits: 1, duration_seconds: 60, actions: 1, resources: 0, activities: 1, communication: 0, threads: 0, posts: 0, comments: 0, first_event_at: at, last_event_at: at },
      ]);
    });
  });

  it('an identical re-send changes nothing, whatever the spelling of its UUID ids', async () => {
    const envelope = envelopeOf(BLACKBOARD);
    await post(envelope).expect(200);
    const before = await x.rows('select source_id, seq, stored_at, payload from source_events order by seq');
    x.w.clock.advance(60);
    // Blackboard's bare UUIDs in upper case and with the urn:uuid: prefix are the same ids.
    const respelt = { ...envelope, sendTime: '2024-03-05T17:00:00.000Z', data: envelope.data.map((e, i) => ({ ...e, id: i % 2 ? `urn:uuid:${String(e.id)}` : String(e.id).toUpperCase() })) };
    const res = await post(respelt).expect(200);
    assert.deepEqual({ stored: res.body.stored, unchanged: res.body.unchanged, unusable: res.body.unusable.length }, { stored: 0, unchanged: 6, unusable: 1 });
    assert.deepEqual(await x.rows('select source_id, seq, stored_at, payload from source_events order by seq'), before);
  });

  it('409: a different event under a stored id; nothing of that envelope is stored', async () => {
    const wiki = fixture('canvas-asset-accessed-wiki-page');
    await post(wiki).expect(200);
    const changed = { ...wiki.data[0]!, eventTime: '2024-03-04T10:15:00.100Z' };
    const res = await post({ ...wiki, data: [fixture('canvas-asset-accessed-assignment').data[0]!, changed] }).expect(409);
    assert.equal(res.body.error, 'data[1].id: a different event with the id urn:uuid:6f1d2c3b-4a5e-4f60-8a71-92b3c4d5e6f7 is already stored');
    assert.deepEqual(await x.rows('select source_id, event_at from source_events'), [{ source_id: 'urn:uuid:6f1d2c3b-4a5e-4f60-8a71-92b3c4d5e6f7', event_at: new Date('2024-03-04T09:15:00.100Z') }]);
  });

  it('unusable items (an entity, bad times, a malformed event, not an object) are reported, not stored, and the rest is', async () => {
    const envelope = fixture('caliper-mixed-batch');
    const res = await post(envelope).expect(200);
    const expected = normaliseCaliperEnvelope(envelope);
    assert.ok('results' in expected);
    const detail = (i: number) => (expected.results[i] as { detail: string }).detail;
    assert.deepEqual(res.body, {
      received: 7,
      stored: 3,
      unchanged: 0,
      notCounted: [
        { id: 'urn:uuid:71657137-8e6e-44f8-8499-e1c3df6810aa', reason: 'course-not-launched', groupId: 'https://lms.example.edu/terms/2024S/courses/7/sections/1' },
        { id: 'urn:uuid:ff9ec22a-fc59-4a55-9c6b-1d8a0c7d9e01', reason: 'course-not-launched', contextId: 'ctx-cps435-01' },
        { id: 'urn:uuid:0e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b', reason: 'course-not-launched', groupId: 'https://lms.example.edu/terms/2024S/courses/7/sections/1' },
      ],
      unusable: [
        { index: 2, reason: 'not-an-event', detail: detail(2), id: 'https://lms.example.edu/users/554433' },
        { index: 4, reason: 'bad-event-time', detail: detail(4), id: 'urn:uuid:1a2b3c4d-0000-4000-8000-00000000bad1' },
        { index: 5, reason: 'malformed-event', detail: detail(5), id: 'urn:uuid:1a2b3c4d-0000-4000-8000-0000000000a2' },
        { index: 6, reason: 'not-an-event', detail: 'not an object' },
      ],
    });
    assert.deepEqual(
      await x.rows('select source_id, course_ref, context_id from source_events order by source_id'),
      [
        { source_id: 'urn:uuid:0e1d2c3b-4a59-4687-9a0b-1c2d3e4f5a6b', course_ref: { rule: 'caliper-group', groupId: 'https://lms.example.edu/terms/2024S/courses/7/sections/1', groupType: 'CourseSection' }, context_id: null },
        { source_id: 'urn:uuid:71657137-8e6e-44f8-8499-e1c3df6810aa', course_ref: { rule: 'caliper-group', groupId: 'https://lms.example.edu/terms/2024S/courses/7/sections/1' }, context_id: null },
        { source_id: 'urn:uuid:ff9ec22a-fc59-4a55-9c6b-1d8a0c7d9e01', course_ref: { contextId: 'ctx-cps435-01', rule: 'lti-context-extension' }, context_id: null },
      ],
    );
  });

  it("tenant isolation: platform A's credential cannot write into platform B's course, even naming it", async () => {
    const b = await x.w.addPlatform({ clientId: 'other-client', name: 'Other LMS' });
    const course: ContextClaim = { ...CANVAS_COURSE, id: 'ctx-cps435-01' };
    await openCourse(course, { canvas_course_id: '777' }, [{ user_id: 'lti-user-554433', roles: [ROLES.learner], status: 'Active', lis_person_sourcedid: 'SIS-042' }], b);
    // Names B's context (federated session) and B's Canvas course id (group), and B's student.
    const res = await post(fixture('caliper-tool-launch-federated-session')).expect(200);
    assert.deepEqual(res.body.notCounted, [{ id: 'urn:uuid:a2e8b214-4d4a-4456-bb4c-0999457491aa', reason: 'course-not-launched', contextId: 'ctx-cps435-01' }]);
    await post(fixture('canvas-asset-accessed-wiki-page')).expect(200);
    assert.deepEqual(
      await x.rows('select platform_id, context_id, user_id, credential_key from source_events order by source_id'),
      [x.platformId, x.platformId].map((platform_id) => ({ platform_id, context_id: null, user_id: null, credential_key: x.credential.key })),
    );
    assert.deepEqual(await days(b.platformId), []);
    assert.deepEqual(await x.rows('select count(*)::int as n from source_events where platform_id = $1', [b.platformId]), [{ n: 0 }]);
  });
});
