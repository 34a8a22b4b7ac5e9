import assert from 'node:assert/strict';
import fs from 'node:fs';
import { validateStatement, type Statement } from '../../src/ingest/statement-validation.js';
import { deriveStatementId } from '../../src/ingest/statement-id.js';
import { MAX_EVENT_DURATION_SECONDS, normaliseStatement } from '../../src/ingest/xapi-event.js';

const MOODLE = JSON.parse(fs.readFileSync(new URL('../fixtures/moodle/moodle-4.3-logstore-xapi-statements.json', import.meta.url), 'utf8')) as unknown[];
const platform = { issuer: 'http://127.0.0.1:8080' };
const storedAt = new Date('2026-11-28T19:10:00.000Z');

function valid(raw: unknown): Statement {
  const result = validateStatement(raw, '1.0.3');
  assert.ok(result.ok, result.ok ? '' : result.error);
  return result.statement;
}

describe('an xAPI statement as a normalised event', () => {
  it("gives Moodle's page view its derived id, time, student, course and kind", () => {
    const statement = valid(MOODLE[3]);
    assert.deepEqual(normaliseStatement(statement, storedAt, platform), {
      source: 'xapi',
      sourceId: deriveStatementId(statement),
      at: '2026-11-28T19:06:56.000Z',
      person: { accountName: '4', accountHomePage: 'http://127.0.0.1:8080' },
      course: { contextId: '2', rule: 'course-url' },
      objectId: 'http://127.0.0.1:8080/mod/page/view.php?id=3',
      kind: 'resource',
    });
  });

  it('recognises a re-send of an id-less statement by its content', () => {
    const first = normaliseStatement(valid(MOODLE[3]), storedAt, platform);
    const again = normaliseStatement(valid(structuredClone(MOODLE[3])), new Date('2026-11-29T00:00:00Z'), platform);
    assert.equal(again.sourceId, first.sourceId);
  });

  const base = {
    actor: { mbox: 'mailto:sam@example.edu' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
    object: { id: 'https://lms.example.edu/page/1', definition: { type: 'http://id.tincanapi.com/activitytype/resource' } },
  };

  it('takes the time it was stored only when the statement has no timestamp, and keeps a sent id (lower case)', () => {
    const event = normaliseStatement(valid({ ...base, id: '9D2A7A6E-7D3B-4C8E-9F0A-1B2C3D4E5F60' }), storedAt, platform);
    assert.equal(event.at, '2026-11-28T19:10:00.000Z');
    assert.equal(event.sourceId, '9d2a7a6e-7d3b-4c8e-9f0a-1b2c3d4e5f60');
    assert.equal(event.course, undefined);
  });

  it('reads result.duration in seconds, capped at 4 hours, and ignores a zero one', () => {
    const timed = (duration: string) => normaliseStatement(valid({ ...base, timestamp: '2026-11-28T10:00:00Z', result: { duration } }), storedAt, platform);
    assert.equal(timed('PT1M30.5S').durationSeconds, 90.5);
    assert.equal(timed('PT9H').durationSeconds, MAX_EVENT_DURATION_SECONDS);
    assert.equal('durationSeconds' in timed('PT0S'), false);
  });

  it('names the statement a voiding statement voids', () => {
    const event = normaliseStatement(
      valid({ ...base, verb: { id: 'http://adlnet.gov/expapi/verbs/voided' }, object: { objectType: 'StatementRef', id: 'AAAAAAAA-7D3B-4C8E-9F0A-1B2C3D4E5F60' } }),
      storedAt,
      platform,
    );
    assert.equal(event.voidsSourceId, 'aaaaaaaa-7d3b-4c8e-9f0a-1b2c3d4e5f60');
    assert.deepEqual('ignored' in event && event.ignored, 'voiding');
    assert.equal(event.objectId, undefined);
  });
});
