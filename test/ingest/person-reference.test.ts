/** Which person (xapi-mapping.md): what the actor says, and the roster member it designates. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { matchPerson, personOfStatement, type RosterPerson } from '../../src/ingest/person-reference.js';

const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');
const withActor = (actor: unknown, extensions?: Record<string, unknown>) => ({
  actor,
  verb: { id: 'http://id.tincanapi.com/verb/viewed' },
  object: { id: 'https://lms.example.edu/x' },
  ...(extensions ? { context: { extensions } } : {}),
});

const roster: RosterPerson[] = [
  { userId: '4', email: 'Sam.Student@Example.edu', sourcedId: 'SIS-004' },
  { userId: 'a8f3-opaque', email: 'kim@example.edu', sourcedId: '4711' },
  { userId: '9', email: null, sourcedId: null },
];

describe('ingest: personOfStatement', () => {
  it('reads an account (Moodle\'s default)', () => {
    assert.deepEqual(personOfStatement(withActor({ name: 'Sam Student', account: { homePage: 'http://127.0.0.1:8080', name: '4' } })), { accountName: '4', accountHomePage: 'http://127.0.0.1:8080' });
  });

  it('reads mbox, mbox_sha1sum (lower-cased) and openid', () => {
    assert.deepEqual(personOfStatement(withActor({ objectType: 'Agent', mbox: 'mailto:Sam@Example.edu' })), { mbox: 'mailto:Sam@Example.edu' });
    assert.deepEqual(personOfStatement(withActor({ mbox_sha1sum: 'ABCDEF0123' })), { mboxSha1sum: 'abcdef0123' });
    assert.deepEqual(personOfStatement(withActor({ openid: 'https://id.example.edu/sam' })), { openid: 'https://id.example.edu/sam' });
  });

  it('reads Brightspace\'s user id from its actor extension', () => {
    const ext = { 'https://api.brightspace.com/xapi/extension_keys/context/actor': { userId: 171, impersonatingUserId: null, roleId: 110 } };
    assert.deepEqual(personOfStatement(withActor({ account: { homePage: 'https://t.lms.d2l.com/', name: 'urn:uuid:0f0e' } }, ext)), {
      accountName: 'urn:uuid:0f0e',
      accountHomePage: 'https://t.lms.d2l.com/',
      lmsUserId: '171',
    });
  });

  it('a Group, a missing or malformed actor: an empty reference', () => {
    assert.deepEqual(personOfStatement(withActor({ objectType: 'Group', member: [{ mbox: 'mailto:a@b.c' }] })), {});
    assert.deepEqual(personOfStatement({}), {});
    assert.deepEqual(personOfStatement(null), {});
    assert.deepEqual(personOfStatement(withActor({ account: 'x', mbox: 7 })), {});
  });
});

describe('ingest: matchPerson', () => {
  it('account.name = LTI user id', () => assert.equal(matchPerson({ accountName: '4' }, roster), '4'));

  it('mbox = mailto: + e-mail, case-insensitively', () => {
    assert.equal(matchPerson({ mbox: 'mailto:sam.student@example.EDU' }, roster), '4');
    assert.equal(matchPerson({ mbox: 'MAILTO:Kim@example.edu' }, roster), 'a8f3-opaque');
  });

  it('mbox_sha1sum = SHA-1 of mailto: + e-mail (as the roster spells it, or lower-cased), any hex case', () => {
    assert.equal(matchPerson({ mboxSha1sum: sha1('mailto:Sam.Student@Example.edu') }, roster), '4');
    assert.equal(matchPerson({ mboxSha1sum: sha1('mailto:sam.student@example.edu') }, roster), '4');
    assert.equal(matchPerson({ mboxSha1sum: sha1('mailto:kim@example.edu').toUpperCase() }, roster), 'a8f3-opaque');
    assert.equal(matchPerson({ mboxSha1sum: sha1('kim@example.edu') }, roster), undefined, 'the hash is of the mailto IRI, not of the bare address');
  });

  it('account.name = lis_person_sourcedid when no user id matches', () => {
    assert.equal(matchPerson({ accountName: 'SIS-004' }, roster), '4');
  });

  it('the user id rule comes first for the whole roster', () => {
    // "4711" is one member's sourcedid; another member's user id is "4711": the user id wins.
    const members = [...roster, { userId: '4711', email: null, sourcedId: null }];
    assert.equal(matchPerson({ accountName: '4711' }, members), '4711');
  });

  it('an LTI user id (Caliper federated session) and an SIS id (Canvas, Blackboard)', () => {
    assert.equal(matchPerson({ actorId: 'urn:instructure:canvas:user:1', ltiUserId: 'a8f3-opaque' }, roster), 'a8f3-opaque');
    assert.equal(matchPerson({ actorId: 'urn:instructure:canvas:user:1', sourcedId: '4711', lmsUserId: '1' }, roster), 'a8f3-opaque');
  });

  it('a rule that designates two members designates nobody; the next rule is tried', () => {
    const twins: RosterPerson[] = [
      { userId: 'u1', email: 'shared@example.edu', sourcedId: 'S1' },
      { userId: 'u2', email: 'Shared@example.edu', sourcedId: 'S2' },
    ];
    assert.equal(matchPerson({ mbox: 'mailto:shared@example.edu' }, twins), undefined);
    assert.equal(matchPerson({ mbox: 'mailto:shared@example.edu', accountName: 'S2' }, twins), 'u2');
  });

  it('nobody for an unknown or empty reference, or members without e-mail and sourcedid', () => {
    assert.equal(matchPerson({ accountName: 'nobody' }, roster), undefined);
    assert.equal(matchPerson({}, roster), undefined);
    assert.equal(matchPerson({ mbox: 'mailto:' }, roster), undefined);
    assert.equal(matchPerson({ accountName: '4' }, []), undefined);
  });

  it('does not compare account.homePage (the platform is the authenticated sender)', () => {
    assert.equal(matchPerson({ accountName: '4', accountHomePage: 'https://elsewhere.example' }, roster), '4');
  });

  it('statement to member, end to end', () => {
    const s = withActor({ name: 'Sam Student', mbox_sha1sum: sha1('mailto:sam.student@example.edu') });
    assert.equal(matchPerson(personOfStatement(s), roster), '4');
  });
});
