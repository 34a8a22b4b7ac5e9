/**
 * One test per validation rule: a minimal statement breaking that rule, and the exact message.
 * References: xAPI-Data.md (Data §…), xAPI-Communication.md (Comm §…), ADL conformance suite
 * requirement ids (XAPI-…).
 */
import assert from 'node:assert/strict';
import {
  isIri,
  isLanguageTag,
  parseXapiVersionHeader,
  validateStatement,
  validateStatements,
  type Activity,
  type ValidateOptions,
  type XapiVersion,
} from '../../src/ingest/statement-validation.js';

type Json = Record<string, unknown>;

const MBOX = 'mailto:sam@example.com';
const ACTIVITY = 'http://example.com/activities/essay';
const UUID_A = '8f87ccde-bb56-4c2e-ab83-44982ef22df0';
const SHA256 = '495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a';

/** The smallest valid statement, with `patch` merged in at the top level. */
function statement(patch: Json = {}): Json {
  return { actor: { mbox: MBOX }, verb: { id: 'http://adlnet.gov/expapi/verbs/attended' }, object: { id: ACTIVITY }, ...patch };
}

function invalid(raw: unknown, error: string, version: XapiVersion = '1.0.3', options?: ValidateOptions): void {
  assert.deepEqual(validateStatement(raw, version, options), { ok: false, error });
}

function valid(raw: unknown, version: XapiVersion = '1.0.3', options?: ValidateOptions) {
  const result = validateStatement(raw, version, options);
  if (!result.ok) assert.fail(`expected valid, got: ${result.error}`);
  return result.statement;
}

const agentObject = { objectType: 'Agent', mbox: 'mailto:pat@example.com' };
const attachment = (patch: Json = {}): Json => ({
  usageType: 'http://example.com/attachment-usage/test',
  display: { 'en-US': 'A test attachment' },
  contentType: 'text/plain; charset=ascii',
  length: 27,
  sha2: SHA256,
  fileUrl: 'http://over.there.com/file.txt',
  ...patch,
});

describe('statement validation', () => {
  describe('formatting (Data §2.2)', () => {
    it('accepts the minimal statement and sets the version', () => {
      assert.deepEqual(valid(statement()), { ...statement(), version: '1.0.0' });
    });

    it('a statement is a JSON object', () => {
      invalid('hello', 'statement: must be a statement object');
      invalid([statement()], 'statement: must be a statement object');
      invalid(null, 'statement: must not be null');
    });

    for (const key of ['actor', 'verb', 'object']) {
      it(`requires "${key}" (XAPI-00003…5)`, () => {
        const s = statement();
        delete s[key];
        invalid(s, `statement.${key}: is required`);
      });
    }

    it('rejects properties the spec does not define (Data §2.2; 2.0 suite 4.1.6.1 posts a "dummy")', () => {
      invalid(statement({ dummy: 'dummy' }), 'statement.dummy: is not allowed');
    });

    it('rejects keys in the wrong case, naming the right one', () => {
      const s = statement({ Actor: { mbox: MBOX } });
      delete s.actor;
      invalid(s, 'statement.Actor: is not allowed (property names are case-sensitive: "actor")');
    });

    it('rejects unknown properties at any level', () => {
      invalid(statement({ verb: { id: 'http://example.com/v', foo: 1 } }), 'statement.verb.foo: is not allowed');
      invalid(statement({ object: { id: ACTIVITY, definition: { label: 'x' } } }), 'statement.object.definition.label: is not allowed');
    });

    it('rejects null values (XAPI-00001)', () => {
      invalid(statement({ actor: { mbox: MBOX, name: null } }), 'statement.actor.name: must not be null');
      invalid(statement({ context: { platform: null } }), 'statement.context.platform: must not be null');
      invalid(statement({ verb: { id: 'http://example.com/v', display: { en: null } } }), 'statement.verb.display.en: must not be null');
    });

    it('accepts null, empty strings and empty objects inside extensions (XAPI-00119)', () => {
      const ext = { 'http://example.com/null': null, 'http://example.com/empty': '', 'http://example.com/obj': {} };
      const s = valid(statement({ result: { extensions: ext }, context: { extensions: ext } }));
      assert.deepEqual(s.result?.extensions, ext);
      assert.deepEqual(s.context?.extensions, ext);
    });

    it('rejects a string where a number is required, even a numeric one (XAPI-00006)', () => {
      invalid(statement({ result: { score: { raw: '12' } } }), 'statement.result.score.raw: must be a number');
    });

    it('rejects a string where a boolean is required, even "true" (XAPI-00006)', () => {
      invalid(statement({ result: { success: 'true' } }), 'statement.result.success: must be true or false');
      invalid(statement({ result: { completion: 'false' } }), 'statement.result.completion: must be true or false');
    });

    it('rejects a non-string where a string is required', () => {
      invalid(statement({ result: { response: 12345 } }), 'statement.result.response: must be a string');
    });

    it('names keys that are not identifiers in brackets', () => {
      invalid(
        statement({ verb: { id: 'http://example.com/v', display: { 'en-US': 5 } } }),
        'statement.verb.display["en-US"]: must be a string',
      );
    });
  });

  describe('id (Data §2.4.1, XAPI-00027)', () => {
    it('must be a UUID in standard form', () => {
      for (const id of ['AA97B177-9383-4934-8543-0F91A7A028368', 'MA97B177-9383-4934-8543-0F91A7A02836', '', 12345, '{8f87ccde-bb56-4c2e-ab83-44982ef22df0}']) {
        invalid(statement({ id }), 'statement.id: must be a UUID (8-4-4-4-12 hex digits)');
      }
    });

    it('accepts any version and case, and stores it in lower case', () => {
      assert.equal(valid(statement({ id: 'AA97B177-9383-4934-8543-0F91A7A02836' })).id, 'aa97b177-9383-4934-8543-0f91a7a02836');
      assert.equal(valid(statement({ id: '12345678-1234-5678-1234-567812345678' })).id, '12345678-1234-5678-1234-567812345678');
    });
  });

  describe('actor: Agent (Data §2.4.2.1, §2.4.2.3, §2.4.2.4)', () => {
    it('needs an inverse functional identifier', () => {
      invalid(statement({ actor: { name: 'Sam' } }), 'statement.actor: an Agent needs one of mbox, mbox_sha1sum, openid or account');
    });

    it('has exactly one identifier', () => {
      invalid(
        statement({ actor: { mbox: MBOX, account: { homePage: 'http://example.com', name: '1' } } }),
        'statement.actor: an Agent has only one of mbox, mbox_sha1sum, openid or account, not both mbox and account',
      );
      invalid(
        statement({ actor: { openid: 'http://openid.example.org/1', mbox_sha1sum: 'cd9b00a5611f94eaa7b1661edab976068e364975' } }),
        'statement.actor: an Agent has only one of mbox, mbox_sha1sum, openid or account, not both mbox_sha1sum and openid',
      );
    });

    it('mbox is a mailto: IRI (XAPI-00038)', () => {
      invalid(statement({ actor: { mbox: 'http://should.fail.com' } }), 'statement.actor.mbox: must be a mailto: IRI');
      invalid(statement({ actor: { mbox: 'sam@example.com' } }), 'statement.actor.mbox: must be a mailto: IRI');
    });

    it('mbox holds an e-mail address', () => {
      for (const mbox of ['mailto:should.fail.com', 'mailto:', 'mailto:a b@example.com', 'mailto:@example.com', 'mailto:a@b@c']) {
        invalid(statement({ actor: { mbox } }), 'statement.actor.mbox: must be a mailto: IRI of an e-mail address (mailto:name@example.com)');
      }
    });

    it('mbox_sha1sum is 40 hex digits', () => {
      for (const sum of ['cd9b00a5611f94eaa7b1661edab976068e36497', 'zz9b00a5611f94eaa7b1661edab976068e364975']) {
        invalid(statement({ actor: { mbox_sha1sum: sum } }), 'statement.actor.mbox_sha1sum: must be the 40 hex digits of a SHA-1 hash');
      }
      invalid(statement({ actor: { mbox_sha1sum: 5 } }), 'statement.actor.mbox_sha1sum: must be a string');
      valid(statement({ actor: { mbox_sha1sum: 'CD9B00A5611F94EAA7B1661EDAB976068E364975' } }));
    });

    it('openid is a URI', () => {
      for (const openid of ['open.id.com/testUser', 'http://example.com/ü']) {
        invalid(statement({ actor: { openid } }), 'statement.actor.openid: must be a URI');
      }
    });

    it('account has homePage and name (XAPI-00040)', () => {
      invalid(statement({ actor: { account: { name: '1' } } }), 'statement.actor.account.homePage: is required');
      invalid(statement({ actor: { account: { homePage: 'http://example.com' } } }), 'statement.actor.account.name: is required');
    });

    it('account homePage is an IRL', () => {
      for (const homePage of ['homePage.com/testUser', 'ab=c://should.fail.com', 'urn:example:lms']) {
        invalid(statement({ actor: { account: { homePage, name: '1' } } }), 'statement.actor.account.homePage: must be an IRL');
      }
    });

    it('account name is a string', () => {
      invalid(statement({ actor: { account: { homePage: 'http://example.com', name: { key: 'invalid' } } } }), 'statement.actor.account.name: must be a string');
    });

    it('account has no other properties', () => {
      invalid(statement({ actor: { account: { homePage: 'http://example.com', name: '1', id: 2 } } }), 'statement.actor.account.id: is not allowed');
    });

    it('objectType is "Agent" or "Group", case-sensitively', () => {
      for (const objectType of ['agent', 'Person', 123]) {
        invalid(statement({ actor: { objectType, mbox: MBOX } }), 'statement.actor.objectType: must be "Agent" or "Group"');
      }
    });

    it('name is a string', () => {
      invalid(statement({ actor: { mbox: MBOX, name: 123 } }), 'statement.actor.name: must be a string');
    });

    it('an Agent has no members', () => {
      invalid(
        statement({ actor: { mbox: MBOX, member: [] } }),
        'statement.actor.member: is not allowed on an Agent (a Group has "objectType": "Group")',
      );
    });
  });

  describe('actor: Group (Data §2.4.2.2)', () => {
    it('an anonymous Group lists its members', () => {
      invalid(
        statement({ actor: { objectType: 'Group', name: 'Team' } }),
        'statement.actor.member: is required in an anonymous Group (one without mbox, mbox_sha1sum, openid or account)',
      );
      invalid(statement({ actor: { objectType: 'Group', member: [] } }), 'statement.actor.member: must list at least one Agent in an anonymous Group');
    });

    it('member is an array', () => {
      invalid(statement({ actor: { objectType: 'Group', member: { mbox: MBOX } } }), 'statement.actor.member: must be an array of Agents');
    });

    it('members are Agents, never Groups', () => {
      invalid(
        statement({ actor: { objectType: 'Group', member: [{ objectType: 'Group', mbox: 'mailto:team@example.com' }] } }),
        'statement.actor.member[0]: a Group cannot be a member of a Group',
      );
    });

    it('each member is a valid Agent', () => {
      invalid(
        statement({ actor: { objectType: 'Group', member: [{ mbox: MBOX }, { mbox: 'bob@example.com' }] } }),
        'statement.actor.member[1].mbox: must be a mailto: IRI',
      );
    });

    it('an identified Group has exactly one identifier and may omit members', () => {
      valid(statement({ actor: { objectType: 'Group', openid: 'http://openid.example.org/team' } }));
      invalid(
        statement({ actor: { objectType: 'Group', mbox: 'mailto:team@example.com', openid: 'http://openid.example.org/team' } }),
        'statement.actor: a Group has only one of mbox, mbox_sha1sum, openid or account, not both mbox and openid',
      );
    });
  });

  describe('verb (Data §2.4.3)', () => {
    it('has an id', () => {
      invalid(statement({ verb: { display: { en: 'attended' } } }), 'statement.verb.id: is required');
    });

    it('id is an IRI with a scheme (XAPI-00011)', () => {
      for (const id of ['adlnet.gov/expapi/verbs/attended', 'ab=c://should.fail.com', 'http://example.com/a b', '', '#attended']) {
        invalid(statement({ verb: { id } }), 'statement.verb.id: must be an IRI');
      }
    });

    it('display is a language map', () => {
      for (const display of ['a12345 attended', 12345, ['attended']]) {
        invalid(statement({ verb: { id: 'http://example.com/v', display } }), 'statement.verb.display: must be a language map (an object of language tag to string)');
      }
    });

    it('display keys are RFC 5646 language tags', () => {
      invalid(statement({ verb: { id: 'http://example.com/v', display: { a12345: 'attended' } } }), 'statement.verb.display: "a12345" is not an RFC 5646 language tag');
    });

    it('the voided verb takes a StatementRef as its object (Data §2.3.2, XAPI-00017)', () => {
      const voided = { id: 'http://adlnet.gov/expapi/verbs/voided', display: { 'en-US': 'voided' } };
      invalid(statement({ verb: voided }), 'statement.object: must be a StatementRef when the verb is http://adlnet.gov/expapi/verbs/voided');
      valid(statement({ verb: voided, object: { objectType: 'StatementRef', id: UUID_A } }));
    });
  });

  describe('object (Data §2.4.4)', () => {
    it('objectType is one of the five, case-sensitively', () => {
      for (const objectType of ['activity', 'statementref', 'substatement', 'agent', 'Person']) {
        invalid(
          statement({ object: { objectType, id: ACTIVITY } }),
          'statement.object.objectType: must be one of "Activity", "Agent", "Group", "StatementRef", "SubStatement"',
        );
      }
    });

    it('an Agent or Group as the object names its objectType (XAPI-00065)', () => {
      invalid(statement({ object: { mbox: MBOX } }), 'statement.object.objectType: is required when the object is an Agent or a Group');
      invalid(statement({ object: { member: [{ mbox: MBOX }] } }), 'statement.object.objectType: is required when the object is an Agent or a Group');
      assert.deepEqual(valid(statement({ object: agentObject })).object, agentObject);
      valid(statement({ object: { objectType: 'Group', member: [{ mbox: MBOX }] } }));
    });

    it('an Agent object is validated as an Agent', () => {
      invalid(statement({ object: { objectType: 'Agent', account: { homePage: 'http://example.com' } } }), 'statement.object.account.name: is required');
    });
  });

  describe('object: Activity (Data §2.4.4.1)', () => {
    it('has an id', () => {
      invalid(statement({ object: { objectType: 'Activity' } }), 'statement.object.id: is required');
    });

    it('id is an IRI', () => {
      for (const id of ['www.example.com/activity', 'ab=c://should.fail.com', 'http://example.com/%zz']) {
        invalid(statement({ object: { id } }), 'statement.object.id: must be an IRI');
      }
    });

    it('objectType defaults to Activity and is kept as sent', () => {
      assert.deepEqual(valid(statement()).object, { id: ACTIVITY });
      assert.deepEqual(valid(statement({ object: { objectType: 'Activity', id: ACTIVITY } })).object, { objectType: 'Activity', id: ACTIVITY });
    });

    it('has only objectType, id and definition', () => {
      invalid(statement({ object: { id: ACTIVITY, name: { en: 'x' } } }), 'statement.object.name: is not allowed');
    });

    it('definition is an object', () => {
      invalid(statement({ object: { id: ACTIVITY, definition: 'essay' } }), 'statement.object.definition: must be an object');
    });

    it('definition name and description are language maps', () => {
      invalid(statement({ object: { id: ACTIVITY, definition: { name: 'Essay' } } }), 'statement.object.definition.name: must be a language map (an object of language tag to string)');
      invalid(statement({ object: { id: ACTIVITY, definition: { description: { a12345678: 'x' } } } }), 'statement.object.definition.description: "a12345678" is not an RFC 5646 language tag');
    });

    it('definition type is an IRI and moreInfo an IRL', () => {
      invalid(statement({ object: { id: ACTIVITY, definition: { type: 'adlnet.gov/expapi/activities/meeting' } } }), 'statement.object.definition.type: must be an IRI');
      invalid(statement({ object: { id: ACTIVITY, definition: { moreInfo: 'virtualmeeting.example.com/345256' } } }), 'statement.object.definition.moreInfo: must be an IRL');
    });

    it('definition extension keys are IRIs (Data §4.1)', () => {
      invalid(
        statement({ object: { id: ACTIVITY, definition: { extensions: { 'not.valid.com/extension': 1234 } } } }),
        'statement.object.definition.extensions: key "not.valid.com/extension" is not an IRI',
      );
      invalid(statement({ object: { id: ACTIVITY, definition: { extensions: 'x' } } }), 'statement.object.definition.extensions: must be an object whose keys are IRIs');
    });

    it('interactionType is one of the ten, case-sensitively', () => {
      for (const interactionType of ['Choice', 'http://example.com/choice', 12345, { key: 'value' }, 'should fail']) {
        invalid(
          statement({ object: { id: ACTIVITY, definition: { interactionType } } }),
          'statement.object.definition.interactionType: must be one of true-false, choice, fill-in, long-fill-in, matching, performance, sequencing, likert, numeric, other',
        );
      }
    });

    it('interaction properties need an interactionType (XAPI-00064)', () => {
      for (const key of ['correctResponsesPattern', 'choices', 'scale', 'source', 'target', 'steps']) {
        invalid(
          statement({ object: { id: ACTIVITY, definition: { [key]: [] } } }),
          'statement.object.definition.interactionType: is required when correctResponsesPattern, choices, scale, source, target or steps is used',
        );
      }
    });

    it('each interactionType takes its own component lists only', () => {
      invalid(
        statement({ object: { id: ACTIVITY, definition: { interactionType: 'choice', scale: [] } } }),
        'statement.object.definition.scale: is not used with interactionType "choice" (it uses choices)',
      );
      invalid(
        statement({ object: { id: ACTIVITY, definition: { interactionType: 'matching', choices: [] } } }),
        'statement.object.definition.choices: is not used with interactionType "matching" (it uses source and target)',
      );
      invalid(
        statement({ object: { id: ACTIVITY, definition: { interactionType: 'true-false', choices: [] } } }),
        'statement.object.definition.choices: is not used with interactionType "true-false" (it has no component list)',
      );
    });

    it('accepts every interactionType with its lists (Appendix C)', () => {
      const c = [{ id: 'a', description: { en: 'A' } }, { id: 'b' }];
      const definitions: Json[] = [
        { interactionType: 'true-false', correctResponsesPattern: ['true'] },
        { interactionType: 'choice', correctResponsesPattern: ['a[,]b'], choices: c },
        { interactionType: 'fill-in', correctResponsesPattern: ['{case_matters=false}Bob'] },
        { interactionType: 'long-fill-in', correctResponsesPattern: ['{lang=en}Some long answer'] },
        { interactionType: 'matching', correctResponsesPattern: ['a[.]b'], source: c, target: c },
        { interactionType: 'performance', correctResponsesPattern: ['a[.]1[:]3'], steps: c },
        { interactionType: 'sequencing', correctResponsesPattern: ['b[,]a'], choices: c },
        { interactionType: 'likert', correctResponsesPattern: ['a'], scale: c },
        { interactionType: 'numeric', correctResponsesPattern: ['4[:]'] },
        { interactionType: 'other', correctResponsesPattern: ['(35.937432,-86.868896)'] },
      ];
      for (const definition of definitions) {
        const s = valid(statement({ object: { id: ACTIVITY, definition: { type: 'http://adlnet.gov/expapi/activities/cmi.interaction', ...definition } } }));
        assert.deepEqual((s.object as Activity).definition, { type: 'http://adlnet.gov/expapi/activities/cmi.interaction', ...definition });
      }
    });

    it('correctResponsesPattern is an array of strings', () => {
      invalid(statement({ object: { id: ACTIVITY, definition: { interactionType: 'numeric', correctResponsesPattern: '4' } } }), 'statement.object.definition.correctResponsesPattern: must be an array of strings');
      invalid(statement({ object: { id: ACTIVITY, definition: { interactionType: 'numeric', correctResponsesPattern: [4] } } }), 'statement.object.definition.correctResponsesPattern[0]: must be a string');
    });

    it('interaction components have an id, distinct within their list', () => {
      invalid(statement({ object: { id: ACTIVITY, definition: { interactionType: 'choice', choices: [{ description: { en: 'A' } }] } } }), 'statement.object.definition.choices[0].id: is required');
      invalid(
        statement({ object: { id: ACTIVITY, definition: { interactionType: 'likert', scale: [{ id: 'a' }, { id: 'b' }, { id: 'a' }] } } }),
        'statement.object.definition.scale[2].id: "a" is already the id of scale[0]',
      );
      invalid(statement({ object: { id: ACTIVITY, definition: { interactionType: 'choice', choices: [{ id: 'a', label: 'A' }] } } }), 'statement.object.definition.choices[0].label: is not allowed');
      invalid(statement({ object: { id: ACTIVITY, definition: { interactionType: 'choice', choices: [{ id: 'a', description: 'A' }] } } }), 'statement.object.definition.choices[0].description: must be a language map (an object of language tag to string)');
      invalid(statement({ object: { id: ACTIVITY, definition: { interactionType: 'choice', choices: 'a' } } }), 'statement.object.definition.choices: must be an array of interaction components');
    });
  });

  describe('object: StatementRef (Data §2.4.4.3)', () => {
    it('has a UUID id', () => {
      invalid(statement({ object: { objectType: 'StatementRef' } }), 'statement.object.id: is required');
      invalid(statement({ object: { objectType: 'StatementRef', id: 'not-a-uuid' } }), 'statement.object.id: must be a UUID (8-4-4-4-12 hex digits)');
      assert.deepEqual(valid(statement({ object: { objectType: 'StatementRef', id: UUID_A.toUpperCase() } })).object, { objectType: 'StatementRef', id: UUID_A });
    });

    it('has only objectType and id', () => {
      invalid(statement({ object: { objectType: 'StatementRef', id: UUID_A, definition: {} } }), 'statement.object.definition: is not allowed');
    });
  });

  describe('object: SubStatement (Data §2.4.4.3)', () => {
    const sub = (patch: Json = {}): Json => ({ objectType: 'SubStatement', ...statement(), ...patch });

    it('is validated as a statement', () => {
      valid(statement({ object: sub({ result: { success: true }, context: { platform: 'x' }, timestamp: '2030-01-01T00:00:00Z' }) }));
      invalid(statement({ object: sub({ actor: { mbox: 'sam@example.com' } }) }), 'statement.object.actor.mbox: must be a mailto: IRI');
    });

    for (const key of ['actor', 'verb', 'object']) {
      it(`requires "${key}"`, () => {
        const s = sub();
        delete s[key];
        invalid(statement({ object: s }), `statement.object.${key}: is required`);
      });
    }

    it('has no id, stored, version or authority', () => {
      const values: Json = { id: UUID_A, stored: '2024-01-01T00:00:00Z', version: '1.0.0', authority: { mbox: MBOX } };
      for (const [key, value] of Object.entries(values)) {
        invalid(statement({ object: sub({ [key]: value }) }), `statement.object.${key}: is not allowed in a SubStatement`);
      }
    });

    it('cannot contain another SubStatement', () => {
      invalid(statement({ object: sub({ object: sub() }) }), 'statement.object.object.objectType: a SubStatement cannot contain another SubStatement');
    });

    it('may have an Agent, Group or StatementRef as its object', () => {
      valid(statement({ object: sub({ object: agentObject }) }));
      valid(statement({ object: sub({ object: { objectType: 'Group', member: [{ mbox: MBOX }] } }) }));
      valid(statement({ object: sub({ object: { objectType: 'StatementRef', id: UUID_A } }) }));
    });
  });

  describe('result (Data §2.4.5)', () => {
    it('is an object', () => {
      invalid(statement({ result: 'passed' }), 'statement.result: must be an object');
    });

    it('score is an object', () => {
      invalid(statement({ result: { score: 12345 } }), 'statement.result.score: must be an object');
    });

    it('scaled is between -1 and 1 inclusive', () => {
      for (const scaled of [1.01, -1.01]) invalid(statement({ result: { score: { scaled } } }), 'statement.result.score.scaled: must be between -1 and 1');
      for (const scaled of [1, -1, 0.95, 0]) valid(statement({ result: { score: { scaled } } }));
    });

    it('min is less than max', () => {
      invalid(statement({ result: { score: { min: 10, max: 10 } } }), 'statement.result.score.min: must be less than max');
      invalid(statement({ result: { score: { min: 11, max: 10 } } }), 'statement.result.score.min: must be less than max');
    });

    it('raw is between min and max inclusive', () => {
      invalid(statement({ result: { score: { raw: -1, min: 0, max: 10 } } }), 'statement.result.score.raw: must not be less than min');
      invalid(statement({ result: { score: { raw: 11, min: 0, max: 10 } } }), 'statement.result.score.raw: must not be more than max');
      invalid(statement({ result: { score: { raw: 11, max: 10 } } }), 'statement.result.score.raw: must not be more than max');
      valid(statement({ result: { score: { raw: 0, min: 0, max: 10 } } }));
      valid(statement({ result: { score: { raw: 10, min: 0, max: 10 } } }));
      valid(statement({ result: { score: { raw: 1e6 } } }));
    });

    it('keeps decimal scores as sent (XAPI-00002)', () => {
      const score = { scaled: 0.12123434, raw: 12.125, min: 0.12123434, max: 45.45 };
      assert.deepEqual(valid(statement({ result: { score } })).result, { score });
    });

    it('duration is an ISO 8601 duration (Data §4.6)', () => {
      for (const duration of ['P4W1D', 'PA1H0M0S', '1 hour', 3600, 'P0003-01-29T04:35:59']) {
        invalid(statement({ result: { duration } }), 'statement.result.duration: must be an ISO 8601 duration (such as PT1H30M or PT5400S)');
      }
      // More than 0.01 s precision must not be rejected (2.0 suite 4.2.7) and is kept as sent.
      assert.equal(valid(statement({ result: { duration: 'P1DT12H36M0.12567S' } }), '2.0.0').result?.duration, 'P1DT12H36M0.12567S');
    });

    it('extension keys are IRIs', () => {
      invalid(statement({ result: { extensions: { 'should fail': true } } }), 'statement.result.extensions: key "should fail" is not an IRI');
      invalid(statement({ result: { extensions: 12345 } }), 'statement.result.extensions: must be an object whose keys are IRIs');
    });
  });

  describe('context (Data §2.4.6)', () => {
    it('registration is a UUID, stored in lower case', () => {
      invalid(statement({ context: { registration: 'should fail' } }), 'statement.context.registration: must be a UUID (8-4-4-4-12 hex digits)');
      assert.equal(valid(statement({ context: { registration: UUID_A.toUpperCase() } })).context?.registration, UUID_A);
    });

    it('instructor is an Agent or a Group', () => {
      invalid(statement({ context: { instructor: 'Terry' } }), 'statement.context.instructor: must be an object');
      invalid(statement({ context: { instructor: { key: 'value' } } }), 'statement.context.instructor.key: is not allowed');
      invalid(statement({ context: { instructor: { name: 'Terry' } } }), 'statement.context.instructor: an Agent needs one of mbox, mbox_sha1sum, openid or account');
      valid(statement({ context: { instructor: { objectType: 'Group', member: [{ mbox: MBOX }] } } }));
    });

    it('team is a Group', () => {
      invalid(statement({ context: { team: { mbox: 'mailto:team@example.com' } } }), 'statement.context.team: must be a Group ("objectType": "Group")');
      valid(statement({ context: { team: { objectType: 'Group', mbox: 'mailto:team@example.com' } } }));
    });

    it('contextActivities keys are parent, grouping, category and other', () => {
      invalid(
        statement({ context: { contextActivities: { parents: [{ id: ACTIVITY }] } } }),
        'statement.context.contextActivities.parents: is not allowed (the keys of contextActivities are parent, grouping, category and other)',
      );
      invalid(statement({ context: { contextActivities: 'should fail' } }), 'statement.context.contextActivities: must be an object');
    });

    it('contextActivities values are an Activity or an array of Activities', () => {
      invalid(statement({ context: { contextActivities: { parent: 'should fail' } } }), 'statement.context.contextActivities.parent: must be an Activity or an array of Activities');
      invalid(statement({ context: { contextActivities: { parent: ['should fail'] } } }), 'statement.context.contextActivities.parent[0]: must be an Activity');
      invalid(statement({ context: { contextActivities: { other: [{ objectType: 'Agent', id: ACTIVITY }] } } }), 'statement.context.contextActivities.other[0].objectType: must be "Activity"');
      invalid(statement({ context: { contextActivities: { grouping: [{ id: 'not an iri' }] } } }), 'statement.context.contextActivities.grouping[0].id: must be an IRI');
    });

    it('a single context Activity is stored as an array of one (Data §2.4.6.2, XAPI-00096)', () => {
      const s = valid(statement({ context: { contextActivities: { parent: { id: ACTIVITY }, category: [{ id: 'http://example.com/c' }] } } }));
      assert.deepEqual(s.context?.contextActivities, { parent: [{ id: ACTIVITY }], category: [{ id: 'http://example.com/c' }] });
    });

    it('revision and platform only when the object is an Activity', () => {
      for (const key of ['revision', 'platform']) {
        for (const object of [agentObject, { objectType: 'Group', member: [{ mbox: MBOX }] }, { objectType: 'StatementRef', id: UUID_A }]) {
          invalid(statement({ object, context: { [key]: 'x' } }), `statement.context.${key}: is only allowed when the object is an Activity`);
        }
        valid(statement({ context: { [key]: 'x' } }));
        invalid(statement({ context: { [key]: 12345 } }), `statement.context.${key}: must be a string`);
      }
    });

    it('language is an RFC 5646 tag', () => {
      for (const language of ['a12345', 'en_US', '']) invalid(statement({ context: { language } }), 'statement.context.language: must be an RFC 5646 language tag');
      invalid(statement({ context: { language: 12345 } }), 'statement.context.language: must be an RFC 5646 language tag');
    });

    it('statement is a StatementRef', () => {
      invalid(statement({ context: { statement: { objectType: 'statementref', id: UUID_A } } }), 'statement.context.statement.objectType: must be "StatementRef"');
      invalid(statement({ context: { statement: { id: UUID_A } } }), 'statement.context.statement.objectType: is required');
      invalid(statement({ context: { statement: { objectType: 'StatementRef', id: 'x' } } }), 'statement.context.statement.id: must be a UUID (8-4-4-4-12 hex digits)');
    });

    it('extension keys are IRIs', () => {
      invalid(statement({ context: { extensions: { 'not.valid.com/extension': 1 } } }), 'statement.context.extensions: key "not.valid.com/extension" is not an IRI');
    });

    it('has no other properties', () => {
      invalid(statement({ context: { course: 'x' } }), 'statement.context.course: is not allowed');
    });
  });

  describe('context agents and groups (xAPI 2.0 only)', () => {
    const contextAgent = (patch: Json = {}): Json => ({
      objectType: 'contextAgent',
      agent: { objectType: 'Agent', mbox: 'mailto:player-1@example.com' },
      relevantTypes: ['https://example.com/xapi/activity-types/quarterback'],
      ...patch,
    });
    const contextGroup = (patch: Json = {}): Json => ({
      objectType: 'contextGroup',
      group: { objectType: 'Group', mbox: 'mailto:team-1@example.com', member: [{ mbox: 'mailto:player-1@example.com' }] },
      relevantTypes: ['https://example.com/xapi/activity-types/team/a'],
      ...patch,
    });

    it('are accepted in 2.0.0', () => {
      const context = { contextAgents: [contextAgent(), contextAgent({ relevantTypes: undefined })], contextGroups: [contextGroup()] };
      const s = valid(statement({ context: JSON.parse(JSON.stringify(context)) }), '2.0.0');
      assert.deepEqual(s.context, JSON.parse(JSON.stringify(context)));
    });

    it('are extra properties in 1.0.x', () => {
      invalid(statement({ context: { contextAgents: [contextAgent()] } }), 'statement.context.contextAgents: is not allowed in xAPI 1.0.x (it is new in 2.0.0)');
      invalid(statement({ context: { contextGroups: [contextGroup()] } }), 'statement.context.contextGroups: is not allowed in xAPI 1.0.x (it is new in 2.0.0)');
    });

    it('contextAgents is an array', () => {
      invalid(statement({ context: { contextAgents: contextAgent() } }), 'statement.context.contextAgents: must be an array of contextAgent objects', '2.0.0');
    });

    it('a contextAgent has objectType "contextAgent"', () => {
      invalid(statement({ context: { contextAgents: [contextAgent({ objectType: 'Should fail' })] } }), 'statement.context.contextAgents[0].objectType: must be "contextAgent"', '2.0.0');
      const { objectType: _objectType, ...untyped } = contextAgent();
      invalid(statement({ context: { contextAgents: [untyped] } }), 'statement.context.contextAgents[0].objectType: is required', '2.0.0');
    });

    it('a contextAgent has a valid Agent', () => {
      invalid(statement({ context: { contextAgents: [contextAgent({ agent: { key: 'Should fail' } })] } }), 'statement.context.contextAgents[0].agent.key: is not allowed', '2.0.0');
      invalid(
        statement({ context: { contextAgents: [contextAgent({ agent: { objectType: 'Group', mbox: 'mailto:t@example.com' } })] } }),
        'statement.context.contextAgents[0].agent: must be an Agent (a Group goes in contextGroups)',
        '2.0.0',
      );
      const { agent: _agent, ...noAgent } = contextAgent();
      invalid(statement({ context: { contextAgents: [noAgent] } }), 'statement.context.contextAgents[0].agent: is required', '2.0.0');
    });

    it('relevantTypes is a non-empty array of IRIs', () => {
      invalid(statement({ context: { contextAgents: [contextAgent({ relevantTypes: [] })] } }), 'statement.context.contextAgents[0].relevantTypes: must list at least one IRI', '2.0.0');
      invalid(statement({ context: { contextAgents: [contextAgent({ relevantTypes: ['abc'] })] } }), 'statement.context.contextAgents[0].relevantTypes[0]: must be an IRI', '2.0.0');
      invalid(statement({ context: { contextGroups: [contextGroup({ relevantTypes: [] })] } }), 'statement.context.contextGroups[0].relevantTypes: must list at least one IRI', '2.0.0');
      invalid(statement({ context: { contextGroups: [contextGroup({ relevantTypes: 'x' })] } }), 'statement.context.contextGroups[0].relevantTypes: must be an array of IRIs', '2.0.0');
    });

    it('a contextGroup has objectType "contextGroup" and a Group', () => {
      invalid(statement({ context: { contextGroups: [contextGroup({ objectType: 'Should fail' })] } }), 'statement.context.contextGroups[0].objectType: must be "contextGroup"', '2.0.0');
      invalid(statement({ context: { contextGroups: [contextGroup({ group: { key: 'Should fail' } })] } }), 'statement.context.contextGroups[0].group.key: is not allowed', '2.0.0');
      invalid(statement({ context: { contextGroups: [contextGroup({ group: { mbox: MBOX } })] } }), 'statement.context.contextGroups[0].group: must be a Group ("objectType": "Group")', '2.0.0');
      invalid(statement({ context: { contextGroups: [contextGroup({ member: [] })] } }), 'statement.context.contextGroups[0].member: is not allowed', '2.0.0');
    });
  });

  describe('timestamp and stored (Data §2.4.7, §2.4.8, §4.5)', () => {
    it('is an ISO 8601 date and time in 1.0.x (XAPI-00123)', () => {
      for (const timestamp of ['should fail', '01/011/2015', '2015-01-01', 12345, '2015-01-01 12:00:00Z']) {
        invalid(statement({ timestamp }), 'statement.timestamp: must be an ISO 8601 date and time with a time zone (such as 2024-05-04T17:00:00.000Z)');
      }
    });

    it('is an RFC 3339 date and time in 2.0.0', () => {
      for (const timestamp of ['should fail', '20080915T155300Z', '2008-09-15T15:53Z', '2008-09-15T15:53:00+0200']) {
        invalid(statement({ timestamp }), 'statement.timestamp: must be an RFC 3339 date and time with a time zone (such as 2024-05-04T17:00:00.000Z)', '2.0.0');
      }
    });

    it('1.0.x also takes the ISO 8601 basic format and reduced precision', () => {
      assert.equal(valid(statement({ timestamp: '20080915T155300Z' })).timestamp, '2008-09-15T15:53:00.000Z');
      assert.equal(valid(statement({ timestamp: '2008-09-15T15:53+02:00' })).timestamp, '2008-09-15T13:53:00.000Z');
      assert.equal(valid(statement({ timestamp: '2008-09-15T15:53:00,5+02' })).timestamp, '2008-09-15T13:53:00.500Z');
    });

    it('has a time zone', () => {
      for (const version of ['1.0.3', '2.0.0'] as const) {
        invalid(statement({ timestamp: '2008-09-15T15:53:00.601' }), 'statement.timestamp: must include a time zone (Z or an offset such as +02:00)', version);
      }
    });

    it('never has the negative zero offset', () => {
      for (const timestamp of ['2008-09-15T15:53:00.601-00', '2008-09-15T15:53:00.601-0000', '2008-09-15T15:53:00.601-00:00']) {
        for (const version of ['1.0.3', '2.0.0'] as const) {
          invalid(statement({ timestamp }), 'statement.timestamp: must not use the offset -00:00 (UTC is Z or +00:00)', version);
        }
      }
    });

    it('is a real date and time', () => {
      for (const timestamp of ['2023-02-29T00:00:00Z', '2023-13-01T00:00:00Z', '2023-01-01T24:00:00Z', '2023-01-01T12:60:00Z', '2023-01-01T12:00:00+24:00']) {
        invalid(statement({ timestamp }), 'statement.timestamp: is not a valid date and time');
      }
      valid(statement({ timestamp: '2024-02-29T00:00:00Z' }));
    });

    it('is stored in UTC to the millisecond (2.0 suite 4.2.7: offsets converted, not rejected)', () => {
      assert.equal(valid(statement({ timestamp: '2023-05-04T12:00:00-05:00' }), '2.0.0').timestamp, '2023-05-04T17:00:00.000Z');
      assert.equal(valid(statement({ timestamp: '2008-09-15T15:53:00.601+00:00' }), '2.0.0').timestamp, '2008-09-15T15:53:00.601Z');
      assert.equal(valid(statement({ timestamp: '2008-09-15t15:53:00.6017894z' }), '2.0.0').timestamp, '2008-09-15T15:53:00.601Z');
      assert.equal(valid(statement({ timestamp: '2026-11-28T19:06:08.000Z' })).timestamp, '2026-11-28T19:06:08.000Z');
    });

    it('may be in the future', () => {
      valid(statement({ timestamp: '2999-01-01T00:00:00Z' }), '2.0.0');
    });

    it('stored is validated the same way (and left for the LRS to overwrite)', () => {
      invalid(statement({ stored: 'yesterday' }), 'statement.stored: must be an ISO 8601 date and time with a time zone (such as 2024-05-04T17:00:00.000Z)');
      assert.equal(valid(statement({ stored: '2024-05-04T19:00:00+02:00' })).stored, '2024-05-04T17:00:00.000Z');
    });

    it('"timestamp": null is an absent timestamp in 2.0.0 (2.0 suite 4.1.6.1) and an error in 1.0.x', () => {
      const s = valid(statement({ timestamp: null }), '2.0.0');
      assert.equal('timestamp' in s, false);
      invalid(statement({ timestamp: null }), 'statement.timestamp: must not be null');
    });

    it('a SubStatement timestamp follows the same rules', () => {
      invalid(statement({ object: { objectType: 'SubStatement', ...statement({ timestamp: '2008-09-15T15:53:00.601-00' }) } }), 'statement.object.timestamp: must not use the offset -00:00 (UTC is Z or +00:00)');
    });
  });

  describe('version (Data §2.4.10, XAPI-00101)', () => {
    it('1.0.x accepts 1.0 and 1.0.x and keeps it as sent', () => {
      assert.equal(valid(statement({ version: '1.0' })).version, '1.0');
      assert.equal(valid(statement({ version: '1.0.9' })).version, '1.0.9');
    });

    it('1.0.x rejects anything else', () => {
      for (const version of ['1.1.0', '0.9.9', '2.0.0', 'should fail', '1.0.0-rc1']) {
        invalid(statement({ version }), 'statement.version: must be 1.0.x in an xAPI 1.0.x request');
      }
      invalid(statement({ version: 1.0 }), 'statement.version: must be a string');
    });

    it('2.0.0 accepts 1.0.x and 2.0.x', () => {
      for (const version of ['2.0.0', '2.0', '1.0.3', '1.0']) assert.equal(valid(statement({ version }), '2.0.0').version, version);
      for (const version of ['1.1.0', '2.1.0', '3.0.0', '0.9.9']) invalid(statement({ version }), 'statement.version: must be 1.0.x or 2.0.x', '2.0.0');
    });

    it('a statement without a version gets the 1.0.0 or 2.0.0 data model version', () => {
      assert.equal(valid(statement(), '1.0.3').version, '1.0.0');
      assert.equal(valid(statement(), '1.0.1').version, '1.0.0');
      assert.equal(valid(statement(), '2.0.0').version, '2.0.0');
    });
  });

  describe('authority (Data §2.4.9)', () => {
    it('is an Agent, or an anonymous Group of two Agents (XAPI-00098, XAPI-00100)', () => {
      valid(statement({ authority: { objectType: 'Agent', account: { homePage: 'http://example.com', name: 'lms' } } }));
      valid(statement({ authority: { objectType: 'Group', member: [{ account: { homePage: 'http://example.com/xAPI/OAuth/Token', name: 'oauth_consumer_x75db' } }, { mbox: MBOX }] } }));
      const message = 'statement.authority: a Group authority must be an anonymous Group of exactly two Agents (3-legged OAuth)';
      invalid(statement({ authority: { objectType: 'Group', member: [{ mbox: MBOX }] } }), message);
      invalid(statement({ authority: { objectType: 'Group', member: [{ mbox: MBOX }, { mbox: 'mailto:a@example.com' }, { mbox: 'mailto:b@example.com' }] } }), message);
      invalid(statement({ authority: { objectType: 'Group', mbox: 'mailto:g@example.com', member: [{ mbox: MBOX }, { mbox: 'mailto:a@example.com' }] } }), message);
    });

    it('is validated as an Agent', () => {
      invalid(statement({ authority: { objectType: 'Agent' } }), 'statement.authority: an Agent needs one of mbox, mbox_sha1sum, openid or account');
    });
  });

  describe('attachments (Data §2.4.11, Comm §1.5)', () => {
    it('is an array of attachment objects (XAPI-00025)', () => {
      invalid(statement({ attachments: attachment() }), 'statement.attachments: must be an array of attachments');
      invalid(statement({ attachments: ['should fail'] }), 'statement.attachments[0]: must be an attachment object');
      assert.deepEqual(valid(statement({ attachments: [attachment({ description: { 'en-US': 'desc' } })] })).attachments, [attachment({ description: { 'en-US': 'desc' } })]);
    });

    for (const key of ['usageType', 'display', 'contentType', 'length', 'sha2']) {
      it(`requires "${key}"`, () => {
        const a = attachment();
        delete a[key];
        invalid(statement({ attachments: [a] }), `statement.attachments[0].${key}: is required`);
      });
    }

    it('usageType is an IRI, fileUrl an IRL', () => {
      invalid(statement({ attachments: [attachment({ usageType: 'should fail' })] }), 'statement.attachments[0].usageType: must be an IRI');
      invalid(statement({ attachments: [attachment({ fileUrl: 'over.there.com/file.txt' })] }), 'statement.attachments[0].fileUrl: must be an IRL');
    });

    it('display and description are language maps', () => {
      invalid(statement({ attachments: [attachment({ display: 'x' })] }), 'statement.attachments[0].display: must be a language map (an object of language tag to string)');
      invalid(statement({ attachments: [attachment({ description: { a12345: 'x' } })] }), 'statement.attachments[0].description: "a12345" is not an RFC 5646 language tag');
    });

    it('contentType is an Internet media type', () => {
      invalid(statement({ attachments: [attachment({ contentType: 12345 })] }), 'statement.attachments[0].contentType: must be a string');
      invalid(statement({ attachments: [attachment({ contentType: 'text' })] }), 'statement.attachments[0].contentType: must be an Internet media type (such as text/plain)');
    });

    it('length is a whole number of octets', () => {
      for (const length of ['27', -1, 2.5]) {
        invalid(statement({ attachments: [attachment({ length })] }), 'statement.attachments[0].length: must be a whole number of octets (0 or more)');
      }
    });

    it('sha2 is the hex of a SHA-2 hash', () => {
      invalid(statement({ attachments: [attachment({ sha2: 12345 })] }), 'statement.attachments[0].sha2: must be a string');
      invalid(statement({ attachments: [attachment({ sha2: 'abc' })] }), 'statement.attachments[0].sha2: must be the hex digits of a SHA-2 hash (SHA-224, -256, -384 or -512)');
    });

    it('needs a fileUrl in an application/json request, not in a multipart one (Comm §1.5.1, §1.5.2)', () => {
      const a = attachment();
      delete a.fileUrl;
      invalid(
        statement({ attachments: [a] }),
        'statement.attachments[0].fileUrl: is required in an application/json request (attachment data can only come in a multipart/mixed request)',
      );
      valid(statement({ attachments: [a] }), '1.0.3', { multipart: true });
    });

    it('a signature attachment is application/octet-stream (Data §2.6, XAPI-00115)', () => {
      const signature = attachment({ usageType: 'http://adlnet.gov/expapi/attachments/signature', contentType: 'text/plain; charset=ascii' });
      invalid(statement({ attachments: [signature] }), 'statement.attachments[0].contentType: must be application/octet-stream for a signature attachment');
      valid(statement({ attachments: [{ ...signature, contentType: 'application/octet-stream' }] }));
    });
  });

  describe('language tags (RFC 5646) and IRIs', () => {
    it('accepts well-formed tags in any case', () => {
      for (const tag of ['en', 'en-US', 'en-us', 'EN', 'es-419', 'zh-Hant-TW', 'sr-Latn-RS', 'de-CH-1901', 'sl-rozaj-biske', 'x-private', 'en-a-bbb-x-a-ccc', 'i-klingon', 'zh-min-nan', 'und', 'fil', 'zh-yue-HK']) {
        assert.equal(isLanguageTag(tag), true, tag);
      }
    });

    it('rejects malformed tags', () => {
      for (const tag of ['a12345', 'a12345678', 'en_US', '', 'en-', '-en', 'en--US', 'e', 'en-US-', 'toolonglanguage', 'en-x', 'en US']) {
        assert.equal(isLanguageTag(tag), false, tag);
      }
    });

    it('accepts absolute IRIs, including non-ASCII ones', () => {
      for (const iri of ['http://example.com/xapi/verbs#defenestrated', 'http://example.com/فعل/خواندن', 'urn:uuid:8f87ccde-bb56-4c2e-ab83-44982ef22df0', 'tag:example.com,2024:x', 'https://example.com/a%20b?x=1']) {
        assert.equal(isIri(iri), true, iri);
      }
    });

    it('rejects relative references and malformed IRIs', () => {
      for (const iri of ['ab=c://should.fail.com', 'example.com/x', '/x', '#frag', 'http://a b', 'http://x/%zz', 'http://x/<y>', 'http:', 'http://x#a#b', '1http://x']) {
        assert.equal(isIri(iri), false, iri);
      }
    });
  });

  describe('normalisation', () => {
    it('the result shares nothing with the input', () => {
      const input = statement({ context: { extensions: { 'http://example.com/e': { deep: [1] } } } });
      const s = valid(input);
      (s.context!.extensions!['http://example.com/e'] as { deep: number[] }).deep.push(2);
      assert.deepEqual((input.context as Json).extensions, { 'http://example.com/e': { deep: [1] } });
    });

    it('passes the whole of a rich statement through unchanged but for the normalised parts', () => {
      const rich = {
        id: UUID_A,
        actor: { objectType: 'Agent', name: 'Sam', account: { homePage: 'http://lms.example.com', name: '4' } },
        verb: { id: 'http://adlnet.gov/expapi/verbs/answered', display: { 'en-US': 'answered', de: 'beantwortet' } },
        object: { objectType: 'Activity', id: ACTIVITY, definition: { name: { en: 'Essay' }, type: 'http://adlnet.gov/expapi/activities/assessment', moreInfo: 'https://lms.example.com/x', extensions: { 'http://example.com/x': [1, 'a', null] } } },
        result: { score: { scaled: 0.7, raw: 85, min: 0, max: 100 }, success: true, completion: true, response: 'yes', duration: 'PT4H35M59.14S', extensions: { 'http://example.com/r': 1 } },
        context: {
          registration: UUID_A,
          instructor: { name: 'Terry', mbox: 'mailto:terry@example.com' },
          team: { objectType: 'Group', name: 'Team', member: [{ mbox: MBOX }] },
          contextActivities: { parent: [{ id: 'http://lms.example.com/course/1' }], grouping: [{ id: 'http://lms.example.com' }] },
          revision: 'r1',
          platform: 'Moodle',
          language: 'en-US',
          statement: { objectType: 'StatementRef', id: UUID_A },
          extensions: { 'http://example.com/c': { a: 1 } },
        },
        timestamp: '2024-05-04T17:00:00.000Z',
        version: '1.0.0',
        attachments: [attachment()],
      };
      assert.deepEqual(valid(JSON.parse(JSON.stringify(rich))), rich);
    });
  });

  describe('validateStatements: one statement or a batch (Comm §2.1.2)', () => {
    it('takes a single statement', () => {
      const r = validateStatements(statement(), '1.0.3');
      assert.equal(r.ok && r.statements.length, 1);
    });

    it('takes an empty array (Moodle sends one when nothing is queued)', () => {
      assert.deepEqual(validateStatements([], '1.0.3'), { ok: true, statements: [] });
    });

    it('names the index of the invalid statement', () => {
      assert.deepEqual(validateStatements([statement(), statement({ actor: { mbox: 'sam@example.com' } })], '1.0.3'), {
        ok: false,
        error: 'statement[1].actor.mbox: must be a mailto: IRI',
      });
      assert.deepEqual(validateStatements([statement(), 'x'], '2.0.0'), { ok: false, error: 'statement[1]: must be a statement object' });
    });

    it('rejects a batch that repeats an id, whatever its case', () => {
      assert.deepEqual(validateStatements([statement({ id: UUID_A }), statement(), statement({ id: UUID_A.toUpperCase() })], '1.0.3'), {
        ok: false,
        error: 'statement[2].id: is the id of statement[0] too (a request may not repeat an id)',
      });
    });

    it('rejects a body that is neither a statement nor an array', () => {
      for (const body of ['x', 5, null, true]) {
        assert.deepEqual(validateStatements(body, '1.0.3'), { ok: false, error: 'statement: must be a statement object or an array of statements' });
      }
    });
  });

  describe('X-Experience-API-Version header (Comm §3.3)', () => {
    it('reads the versions we serve', () => {
      assert.equal(parseXapiVersionHeader('1.0.3'), '1.0.3');
      assert.equal(parseXapiVersionHeader('1.0'), '1.0.0');
      assert.equal(parseXapiVersionHeader('1.0.9'), '1.0.9');
      assert.equal(parseXapiVersionHeader('2.0.0'), '2.0.0');
      assert.equal(parseXapiVersionHeader(' 2.0.1 '), '2.0.1');
    });

    it('refuses the others', () => {
      for (const header of [undefined, '', '0.95', '0.9', '1.1.0', '2.1.0', '3.0.0', '1.0.x', 'latest']) assert.equal(parseXapiVersionHeader(header), null, String(header));
    });

    it('validateStatement refuses a version it does not serve (a programming error)', () => {
      assert.throws(() => validateStatement(statement(), '1.1.0' as XapiVersion), TypeError);
    });
  });
});
