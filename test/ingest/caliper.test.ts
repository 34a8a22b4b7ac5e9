/**
 * Caliper to NormalisedEvent: golden pairs (test/fixtures/caliper/<case>.json → <case>.expected.json,
 * Canvas-, Blackboard- and Caliper 1.2-shaped envelopes written for these tests), then details.
 * An expected file holds normaliseCaliperEnvelope's answer as JSON, without the `detail` texts
 * (they quote zod's messages), which are checked to be present instead.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { normaliseCaliperEnvelope, normaliseCaliperEvent, readCaliperEnvelope } from '../../src/ingest/caliper.js';
import type { NormalisedEvent } from '../../src/ingest/normalised-event.js';

const V12 = 'http://purl.imsglobal.org/ctx/caliper/v1p2';

/** The answer as JSON (undefined fields dropped), with every `detail` checked and removed. */
function comparable(value: unknown): unknown {
  const json = JSON.parse(JSON.stringify(value)) as unknown;
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (k === 'detail') {
          assert.ok(typeof x === 'string' && x.length > 0, 'detail is a non-empty text');
          continue;
        }
        out[k] = strip(x);
      }
      return out;
    }
    return v;
  };
  return strip(json);
}

describe('ingest: Caliper golden pairs (test/fixtures/caliper)', () => {
  const dir = new URL('../fixtures/caliper/', import.meta.url);
  const cases = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json')).map((f) => f.slice(0, -'.json'.length)).sort();

  it('has Canvas, Blackboard and generic Caliper 1.2 cases', () => {
    assert.ok(cases.filter((c) => c.startsWith('canvas-')).length >= 5);
    assert.ok(cases.filter((c) => c.startsWith('blackboard-')).length >= 5);
    assert.ok(cases.filter((c) => c.startsWith('caliper-')).length >= 3);
  });

  for (const name of cases) {
    it(name, () => {
      const body: unknown = JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8'));
      const expected: unknown = JSON.parse(readFileSync(new URL(`${name}.expected.json`, dir), 'utf8'));
      assert.deepEqual(comparable(normaliseCaliperEnvelope(body)), expected);
    });
  }
});

const person = { id: 'https://lms.example.edu/users/1', type: 'Person' };
const base = {
  '@context': V12,
  id: 'urn:uuid:00000000-0000-4000-8000-000000000001',
  type: 'ViewEvent',
  actor: person,
  action: 'Viewed',
  object: { id: 'https://lms.example.edu/docs/1', type: 'Document' },
  eventTime: '2024-03-07T10:25:00.000Z',
};
const outcome = (e: NormalisedEvent) => ('kind' in e ? { kind: e.kind } : { ignored: e.ignored });
const eventOf = (item: unknown) => {
  const result = normaliseCaliperEvent(item);
  assert.ok('event' in result, JSON.stringify(result));
  return result.event;
};

describe('ingest: readCaliperEnvelope', () => {
  it('accepts Caliper 1.1 and 1.2 envelopes', () => {
    for (const dataVersion of ['http://purl.imsglobal.org/ctx/caliper/v1p1', V12]) {
      const read = readCaliperEnvelope({ sensor: 's', sendTime: '2024-03-07T10:25:01.000Z', dataVersion, data: [] });
      assert.ok('envelope' in read);
    }
  });

  it('refuses a body that is not an envelope', () => {
    for (const body of [null, [], 'x', { sensor: 's', sendTime: 't', dataVersion: V12 }, { sensor: 's', sendTime: 't', dataVersion: V12, data: {} }, { sensor: '', sendTime: 't', dataVersion: V12, data: [] }]) {
      const read = readCaliperEnvelope(body);
      assert.ok('problem' in read && read.problem === 'malformed-envelope', JSON.stringify(body));
    }
  });
});

describe('ingest: normaliseCaliperEvent', () => {
  it('maps the common parts', () => {
    assert.deepEqual(eventOf(base), {
      source: 'caliper',
      sourceId: base.id,
      at: '2024-03-07T10:25:00.000Z',
      kind: 'resource',
      person: { actorId: person.id },
      course: undefined,
      objectId: 'https://lms.example.edu/docs/1',
    });
  });

  it('gives the event time in UTC with milliseconds', () => {
    assert.equal(eventOf({ ...base, eventTime: '2024-03-07T12:25:00+02:00' }).at, '2024-03-07T10:25:00.000Z');
    assert.equal(eventOf({ ...base, eventTime: '2024-03-07T10:25:00.123456Z' }).at, '2024-03-07T10:25:00.123Z');
  });

  it('refuses an event time without a time zone, or not a date-time', () => {
    for (const eventTime of ['2024-03-07T10:25:00', '2024-03-07', 'yesterday', '2024-13-07T10:25:00Z']) {
      const result = normaliseCaliperEvent({ ...base, eventTime });
      assert.ok('unusable' in result && result.unusable === 'bad-event-time', eventTime);
    }
  });

  it('an event without id, type, action, actor or object is malformed', () => {
    for (const key of ['id', 'type', 'actor', 'object', 'action'] as const) {
      const { [key]: _dropped, ...rest } = base;
      const result = normaliseCaliperEvent(rest);
      assert.ok('unusable' in result && result.unusable === 'malformed-event', key);
    }
  });

  it('the LTI context extension decides the course, as for xAPI', () => {
    const group = { id: 'https://lms.example.edu/sections/1', type: 'CourseSection' };
    const ext = 'https://purl.imsglobal.org/spec/lti/claim/context';
    assert.deepEqual(eventOf({ ...base, group, extensions: { [ext]: { id: 'ctx-1' } } }).course, { contextId: 'ctx-1', rule: 'lti-context-extension' });
    assert.equal(eventOf({ ...base, group, extensions: { [ext]: { title: 'no id' } } }).course, undefined);
    assert.deepEqual(eventOf({ ...base, group }).course, { rule: 'caliper-group', groupId: group.id, groupType: 'CourseSection' });
  });

  it('a group that is not a course and belongs to none gives no course', () => {
    assert.equal(eventOf({ ...base, group: { id: 'https://lms.example.edu/groups/5', type: 'Group' } }).course, undefined);
  });

  it('the duration of a generated Attempt, when valid', () => {
    const generated = { id: 'https://lms.example.edu/attempts/1', type: 'Attempt', duration: 'PT1H2M3S' };
    assert.equal(eventOf({ ...base, type: 'AssessmentEvent', action: 'Submitted', generated }).durationSeconds, 3723);
    assert.equal('durationSeconds' in eventOf({ ...base, generated: { ...generated, duration: 'an hour' } }), false);
  });

  it('an unknown action or object type is other; MarkedAsRead too', () => {
    assert.deepEqual(outcome(eventOf({ ...base, action: 'Bookmarked' })), { kind: 'other' });
    assert.deepEqual(outcome(eventOf({ ...base, type: 'ThreadEvent', action: 'MarkedAsRead', object: { id: 'https://lms.example.edu/threads/1', type: 'Thread' } })), { kind: 'other' });
    assert.deepEqual(outcome(eventOf({ ...base, object: { id: 'https://lms.example.edu/x/1', type: 'Widget' } })), { kind: 'other' });
  });

  it('one test is one activity: its per-question AssessmentItemEvents are other', () => {
    const test = { id: 'https://lms.example.edu/assessments/1', type: 'Assessment' };
    const item = { id: 'https://lms.example.edu/assessments/1/items/3', type: 'AssessmentItem', isPartOf: test };
    assert.deepEqual(outcome(eventOf({ ...base, type: 'AssessmentEvent', action: 'Submitted', object: test })), { kind: 'activity' });
    assert.deepEqual(outcome(eventOf({ ...base, type: 'AssessmentItemEvent', action: 'Completed', object: item })), { kind: 'other' });
    assert.deepEqual(outcome(eventOf({ ...base, type: 'AssessmentItemEvent', action: 'Started', object: item })), { kind: 'other' });
  });

  it('ForumEvent Subscribed is ignored (subscription)', () => {
    assert.deepEqual(outcome(eventOf({ ...base, type: 'ForumEvent', action: 'Subscribed', object: { id: 'https://lms.example.edu/forums/1', type: 'Forum' } })), { ignored: 'subscription' });
  });

  it('never throws', () => {
    for (const item of [null, 1, 'x', [], {}, { action: 'Viewed' }, { ...base, actor: 5 }, { ...base, group: 7, session: [], generated: 'x', federatedSession: { messageParameters: 'x' } }]) {
      assert.doesNotThrow(() => normaliseCaliperEvent(item));
    }
    const lenient = normaliseCaliperEvent({ ...base, group: 7, session: [], generated: 'x', federatedSession: { messageParameters: 'x' } });
    assert.ok('event' in lenient, 'malformed optional parts are left out, not fatal');
  });
});
