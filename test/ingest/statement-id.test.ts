/**
 * Derived statement ids (xapi-mapping.md, "Duplicates, voiding, time") and statement comparison
 * (xAPI-Data.md §2.3.1), on the real Moodle statements of shared/fixtures.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  canonicalMbox,
  deriveStatementId,
  ifiKey,
  identityEventName,
  sameStatement,
  STATEMENT_ID_NAMESPACE,
  uuidV5,
} from '../../src/ingest/statement-id.js';
import { validateStatement, validateStatements, type Statement, type XapiVersion } from '../../src/ingest/statement-validation.js';

type Json = Record<string, any>;

const FIXTURE = new URL('../fixtures/moodle/moodle-4.3-logstore-xapi-statements.json', import.meta.url);
const raw: Json[] = JSON.parse(readFileSync(FIXTURE, 'utf8'));

const INFO = 'http://lrs.learninglocker.net/define/extensions/info';

function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function validated(statement: unknown, version: XapiVersion = '1.0.3'): Statement {
  const result = validateStatement(statement, version);
  if (!result.ok) assert.fail(result.error);
  return result.statement;
}

function idOf(statement: unknown): string {
  return deriveStatementId(validated(statement));
}

/** The ids the fixture statements get. Fixed: a change here means every stored Moodle id changes. */
const FIXTURE_IDS = [
  '32d7527e-caf2-5b12-86f2-4b815517c5f2',
  '7fb6c07f-5dbf-5921-8fb0-e25bc71d23ff',
  '1fc14cd8-3db5-59e0-8891-a7816cdcc7e0',
  '84843357-4c70-5521-ae37-b9368236637e',
  '3179594b-692a-54aa-ba70-6a99e8231beb',
  '2ba48320-837a-5e3e-8d91-c13ff42f59a2',
  'e5d5e386-0705-5bcc-a876-d072669ae0e5',
  '076efeec-c792-5c91-822e-1b7f9f1ebe54',
  'ad40ff11-8f27-5e35-9499-e15780f0cb5f',
  'f7f6c5ac-186c-5b5e-9ad0-ab1db60a7e5d',
  '88ab7062-966e-5f98-abf0-e6387bcd5476',
  '4d68a4a4-2e7b-5310-8ae5-15958de9b806',
  'ec937767-39ec-5e9f-b670-b05e9519f15a',
  '8325af75-2f6c-59e6-ae11-98fef854f8e8',
];

describe('statement ids', () => {
  describe('the Moodle fixtures', () => {
    it('are 14 statements without ids', () => {
      assert.equal(raw.length, 14);
      for (const s of raw) assert.equal('id' in s, false);
    });

    for (const version of ['1.0.3', '2.0.0'] as const) {
      it(`all validate as one batch under xAPI ${version}`, () => {
        const result = validateStatements(copy(raw), version);
        if (!result.ok) assert.fail(result.error);
        assert.equal(result.statements.length, 14);
      });
    }

    it('each gets a stable id (the same in every run and release)', () => {
      assert.deepEqual(raw.map(idOf), FIXTURE_IDS);
    });

    it('the ids are version 5 UUIDs, all different', () => {
      for (const id of FIXTURE_IDS) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(new Set(FIXTURE_IDS).size, 14);
    });

    it('a re-send (an exact copy) gets the same id, under either version', () => {
      for (const [i, s] of raw.entries()) {
        assert.equal(idOf(copy(s)), FIXTURE_IDS[i]);
        assert.equal(deriveStatementId(validated(copy(s), '2.0.0')), FIXTURE_IDS[i]);
      }
    });

    it('reads Moodle’s event name', () => {
      assert.equal(identityEventName(validated(raw[0])), '\\core\\event\\course_module_created');
      assert.equal(identityEventName(validated(raw[12])), '\\mod_assign\\event\\submission_graded');
    });

    it('a fixture statement is the same statement as its copy', () => {
      for (const s of raw) assert.equal(sameStatement(validated(s), validated(copy(s))), true);
    });
  });

  describe('what the id depends on', () => {
    const base = raw[12]!; // the graded submission: has result, instructor, parents, category

    /** Each change to an identity field must give another id. */
    const identityChanges: [string, (s: Json) => void][] = [
      ['the actor’s account name', (s) => (s.actor.account.name = '5')],
      ['the actor’s account homePage', (s) => (s.actor.account.homePage = 'http://127.0.0.1:8081')],
      ['the actor’s identifier kind', (s) => (s.actor = { mbox: 'mailto:sam@example.com' })],
      ['the verb id', (s) => (s.verb.id = 'http://adlnet.gov/expapi/verbs/scored')],
      ['the object id', (s) => (s.object.id = 'http://127.0.0.1:8080/mod/assign/view.php?id=5#submission')],
      [
        'the object kind (an Agent with the same name)',
        (s) => {
          s.object = { objectType: 'Agent', account: { homePage: 'http://127.0.0.1:8080', name: '4' } };
          delete s.context.platform; // only with an Activity object
        },
      ],
      ['the timestamp, by one second', (s) => (s.timestamp = '2026-11-28T19:08:06.000Z')],
      ['the timestamp, by one millisecond', (s) => (s.timestamp = '2026-11-28T19:08:05.001Z')],
      ['no timestamp', (s) => delete s.timestamp],
      ['Moodle’s event name', (s) => (s.context.extensions[INFO].event_name = '\\mod_assign\\event\\submission_created')],
      ['no Moodle event name', (s) => delete s.context.extensions[INFO].event_name],
    ];
    for (const [what, change] of identityChanges) {
      it(`changes with ${what}`, () => {
        const changed = copy(base);
        change(changed);
        assert.notEqual(idOf(changed), idOf(base));
      });
    }

    /** Changes that leave the event the same: the id stays. */
    const sameEvent: [string, (s: Json) => void][] = [
      ['the timestamp written in another zone', (s) => (s.timestamp = '2026-11-28T20:08:05+01:00')],
      ['the timestamp without milliseconds', (s) => (s.timestamp = '2026-11-28T19:08:05Z')],
      [
        'key order',
        (s) => {
          const entries = Object.entries(s).reverse();
          for (const [key] of entries) delete s[key];
          for (const [key, value] of entries) s[key] = value;
        },
      ],
      ['the actor’s name', (s) => (s.actor.name = 'Samantha Student')],
      ['the verb’s display', (s) => (s.verb.display = { de: 'bewertet' })],
      ['the activity definition', (s) => (s.object.definition.name.en = 'Renamed')],
      ['the result', (s) => (s.result.score.raw = 90)],
      ['the registration', (s) => (s.context.registration = '00000000-0000-4000-8000-000000000000')],
      ['other context extensions', (s) => (s.context.extensions[INFO]['http://moodle.org'] = '4.4')],
      ['an explicit objectType Agent on the actor', (s) => (s.actor.objectType = 'Agent')],
      ['a statement version', (s) => (s.version = '1.0.0')],
      ['a stored time', (s) => (s.stored = '2026-11-28T19:10:00Z')],
    ];
    for (const [what, change] of sameEvent) {
      it(`does not change with ${what}`, () => {
        const changed = copy(base);
        change(changed);
        assert.equal(idOf(changed), idOf(base));
      });
    }

    it('an mbox is compared with its domain in lower case', () => {
      const a = { ...copy(base), actor: { mbox: 'mailto:Sam@Example.COM' } };
      const b = { ...copy(base), actor: { mbox: 'mailto:Sam@example.com' } };
      const c = { ...copy(base), actor: { mbox: 'mailto:sam@example.com' } };
      assert.equal(idOf(a), idOf(b));
      assert.notEqual(idOf(a), idOf(c));
    });

    it('an anonymous Group actor is identified by its members, in any order', () => {
      const group = (members: string[]) => ({ ...copy(base), actor: { objectType: 'Group', member: members.map((m) => ({ mbox: `mailto:${m}@example.com` })) } });
      assert.equal(idOf(group(['a', 'b'])), idOf(group(['b', 'a'])));
      assert.notEqual(idOf(group(['a', 'b'])), idOf(group(['a', 'c'])));
    });

    it('a StatementRef object is identified by its target, in any case', () => {
      const ref = (id: string) => {
        const s = copy(base);
        delete s.context.platform; // only with an Activity object
        return { ...s, object: { objectType: 'StatementRef', id } };
      };
      assert.equal(idOf(ref('8F87CCDE-BB56-4C2E-AB83-44982EF22DF0')), idOf(ref('8f87ccde-bb56-4c2e-ab83-44982ef22df0')));
      assert.notEqual(idOf(ref('8f87ccde-bb56-4c2e-ab83-44982ef22df0')), idOf(ref('8f87ccde-bb56-4c2e-ab83-44982ef22df1')));
    });

    it('is a function of the identity fields only (property: random names, displays, results)', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: raw.length - 1 }),
          fc.string(),
          fc.string(),
          fc.option(fc.boolean(), { nil: undefined }),
          (i, name, display, success) => {
            const s = copy(raw[i]!);
            s.actor.name = name;
            s.verb.display = { en: display };
            if (success !== undefined) s.result = { ...(s.result ?? {}), success };
            return idOf(s) === FIXTURE_IDS[i];
          },
        ),
      );
    });

    it('differs for different timestamps (property)', () => {
      fc.assert(
        fc.property(fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }), fc.integer({ min: 1, max: 10 ** 9 }), (t, dt) => {
          const a = { ...copy(raw[2]!), timestamp: new Date(t).toISOString() };
          const b = { ...copy(raw[2]!), timestamp: new Date(t + dt).toISOString() };
          return idOf(a) !== idOf(b);
        }),
      );
    });
  });

  describe('uuidV5 (RFC 4122 §4.3)', () => {
    it('matches the known vector', () => {
      // uuid5(NAMESPACE_DNS, "www.example.com"), as Python's uuid module computes it.
      assert.equal(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8'), '2ed6657d-e927-568b-95e1-2665a8aea6a2');
      assert.equal(uuidV5('https://example.com/ü', '6ba7b811-9dad-11d1-80b4-00c04fd430c8'), 'a17f7a1d-6bb5-51a9-9d32-f9d2fdeec8b6');
    });

    it('uses our fixed namespace by default', () => {
      assert.equal(uuidV5('x'), uuidV5('x', STATEMENT_ID_NAMESPACE));
      assert.notEqual(uuidV5('x'), uuidV5('y'));
    });
  });

  describe('identifiers', () => {
    it('ifiKey gives one canonical string per identifier', () => {
      assert.equal(ifiKey({ mbox: 'MAILTO:Sam@Example.com' }), 'mbox:mailto:Sam@example.com');
      assert.equal(ifiKey({ mbox_sha1sum: 'CD9B00A5611F94EAA7B1661EDAB976068E364975' }), 'mbox_sha1sum:cd9b00a5611f94eaa7b1661edab976068e364975');
      assert.equal(ifiKey({ openid: 'http://openid.example.org/1' }), 'openid:http://openid.example.org/1');
      assert.equal(ifiKey({ account: { homePage: 'http://127.0.0.1:8080', name: '4' } }), 'account:http://127.0.0.1:8080|4');
      assert.equal(ifiKey({ objectType: 'Group', member: [{ mbox: 'mailto:a@example.com' }] }), null);
    });

    it('canonicalMbox lowers the scheme and domain only', () => {
      assert.equal(canonicalMbox('mailto:John.Doe@EXAMPLE.org'), 'mailto:John.Doe@example.org');
    });
  });
});

describe('sameStatement (xAPI-Data.md §2.3.1, the 409 rule)', () => {
  const base = validated(copy(raw[12]));
  const variant = (change: (s: Json) => void, version: XapiVersion = '1.0.3'): Statement => {
    const s = copy(raw[12]!);
    change(s);
    return validated(s, version);
  };

  const same: [string, (s: Json) => void][] = [
    ['an id', (s) => (s.id = '8f87ccde-bb56-4c2e-ab83-44982ef22df0')],
    ['an authority', (s) => (s.authority = { mbox: 'mailto:lrs@example.com' })],
    ['a stored time', (s) => (s.stored = '2027-01-01T00:00:00Z')],
    ['a version', (s) => (s.version = '1.0.3')],
    ['the timestamp in another zone', (s) => (s.timestamp = '2026-11-28T14:08:05-05:00')],
    ['no timestamp (the LRS assigns one)', (s) => delete s.timestamp],
    ['the verb display', (s) => (s.verb.display = { 'en-US': 'graded' })],
    ['the object’s activity definition', (s) => (s.object.definition = { name: { fr: 'Devoir' } })],
    ['a context activity’s definition', (s) => delete s.context.contextActivities.parent[0].definition],
    ['attachments', (s) => (s.attachments = [{ usageType: 'http://example.com/u', display: { en: 'a' }, contentType: 'text/plain', length: 1, sha2: '495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a', fileUrl: 'http://example.com/f' }])],
    ['a single context activity instead of an array of one', (s) => (s.context.contextActivities.category = s.context.contextActivities.category[0])],
    ['an explicit objectType Activity', (s) => delete s.object.objectType],
    ['the registration in upper case', (s) => (s.context.registration = s.context.registration.toUpperCase())],
    ['the context language in another case', (s) => (s.context.language = 'EN')],
    ['extension keys in another order', (s) => (s.context.extensions[INFO] = Object.fromEntries(Object.entries(s.context.extensions[INFO]).reverse()))],
    ['the duration beyond 0.01 s', (s) => (s.result.duration = 'PT1M0.1299S')],
  ];
  for (const [what, change] of same) {
    it(`ignores ${what}`, () => {
      const withDuration = (s: Json) => {
        s.result.duration = 'PT1M0.12S';
      };
      const a = variant(withDuration);
      const b = variant((s) => {
        withDuration(s);
        change(s);
      });
      assert.equal(sameStatement(a, b), true);
      assert.equal(sameStatement(b, a), true);
    });
  }

  const different: [string, (s: Json) => void][] = [
    ['another actor', (s) => (s.actor.account.name = '5')],
    ['another actor name', (s) => (s.actor.name = 'Sam S.')],
    ['another verb', (s) => (s.verb.id = 'http://adlnet.gov/expapi/verbs/scored')],
    ['another object', (s) => (s.object.id = 'http://127.0.0.1:8080/mod/assign/view.php?id=4')],
    ['another instant', (s) => (s.timestamp = '2026-11-28T19:08:05.001Z')],
    ['another score', (s) => (s.result.score.raw = 86)],
    ['a result property more', (s) => (s.result.completion = true)],
    ['another registration', (s) => (s.context.registration = '2c3a84f7-1263-5b42-a13b-b412cb25d26e')],
    ['another instructor', (s) => (s.context.instructor.account.name = '6')],
    ['context activities in another order', (s) => s.context.contextActivities.parent.reverse()],
    ['another context activity', (s) => (s.context.contextActivities.parent[0].id = 'http://127.0.0.1:8080/x')],
    ['another platform', (s) => (s.context.platform = 'Totara')],
    ['another context extension value', (s) => (s.context.extensions[INFO].event_name = 'x')],
    ['the mbox local part in another case', (s) => (s.actor = { mbox: 'mailto:Sam@example.com' })],
  ];
  for (const [what, change] of different) {
    it(`notices ${what}`, () => {
      assert.equal(sameStatement(base, variant(change)), false);
    });
  }

  it('compares durations to 0.01 s', () => {
    const withDuration = (duration: string) => variant((s) => (s.result.duration = duration));
    assert.equal(sameStatement(withDuration('PT1M0.129S'), withDuration('PT1M0.12S')), true);
    assert.equal(sameStatement(withDuration('PT1M0.12S'), withDuration('PT1M0.13S')), false);
    assert.equal(sameStatement(withDuration('PT60S'), withDuration('PT1M')), false); // compared as strings (§2.3.1)
  });

  it('ignores the order of a Group’s members but not who they are', () => {
    const group = (...names: string[]) => variant((s) => (s.actor = { objectType: 'Group', member: names.map((n) => ({ mbox: `mailto:${n}@example.com` })) }));
    assert.equal(sameStatement(group('a', 'b'), group('b', 'a')), true);
    assert.equal(sameStatement(group('a', 'b'), group('a', 'c')), false);
  });

  it('treats the mbox domain case-insensitively', () => {
    const a = variant((s) => (s.actor = { mbox: 'mailto:sam@EXAMPLE.com' }));
    const b = variant((s) => (s.actor = { mbox: 'mailto:sam@example.com' }));
    assert.equal(sameStatement(a, b), true);
  });

  it('compares SubStatements, whose timestamps the LRS never assigns', () => {
    const sub = (timestamp?: string) =>
      variant((s) => {
        delete s.context.platform; // only with an Activity object
        s.object = { objectType: 'SubStatement', actor: s.actor, verb: { id: 'http://example.com/will-visit' }, object: { id: 'http://example.com/site' }, ...(timestamp ? { timestamp } : {}) };
      });
    assert.equal(sameStatement(sub('2030-01-01T00:00:00Z'), sub('2030-01-01T01:00:00+01:00')), true);
    assert.equal(sameStatement(sub('2030-01-01T00:00:00Z'), sub()), false);
  });

  it('compares the same statement received as 1.0.3 and as 2.0.0 as equal', () => {
    assert.equal(sameStatement(validated(copy(raw[3]), '1.0.3'), validated(copy(raw[3]), '2.0.0')), true);
  });
});
