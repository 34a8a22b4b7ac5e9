/**
 * Which kind (xapi-mapping.md): every row of its kind table and every verb and type of the
 * reference's §3.5 table, each as a minimal statement (or Caliper parts) with its expected kind;
 * the order of the rules; the Moodle golden pairs (test/fixtures/xapi, copied from the shared
 * Moodle 4.3 fixture), each asserted whole.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { classifyParts, classifyStatement, explainStatement, moodleEventName, type ClassificationInput } from '../../src/ingest/classify.js';
import { courseOfStatement } from '../../src/ingest/course-reference.js';
import { EVENT_KINDS } from '../../src/ingest/event-kind.js';
import * as rules from '../../src/ingest/kind-rules.js';
import { personOfStatement } from '../../src/ingest/person-reference.js';

const { KIND_RULES_VERSION, IGNORED_REASONS } = rules;

// IRIs, spelled out as the tables of the spec and the reference spell them.
const AS = 'http://activitystrea.ms/';
const AS_SCHEMA = 'http://activitystrea.ms/schema/1.0/';
const ADL_VERB = 'http://adlnet.gov/expapi/verbs/';
const ADL_ACT = 'http://adlnet.gov/expapi/activities/';
const TINCAN_VERB = 'http://id.tincanapi.com/verb/';
const TINCAN_TYPE = 'http://id.tincanapi.com/activitytype/';
const EDLM_VERB = 'https://xapi.edlm/profiles/edlm-lms/concepts/verbs/';
const EDLM_TYPE = 'https://xapi.edlm/profiles/edlm-lms/concepts/activity-types/';
const D2L_VERB = 'https://api.brightspace.com/xapi/verbs/';
const D2L_TYPE = 'https://api.brightspace.com/xapi/activities/';
const VIEWED = `${TINCAN_VERB}viewed`;
const MOODLE = 'http://127.0.0.1:8080';
const INFO = 'http://lrs.learninglocker.net/define/extensions/info';

/** A minimal statement: actor, verb, object (with a type when given), and a Moodle event name when given. */
function statement(verb: string, type?: string, options: { id?: string; event?: string; extensions?: Record<string, unknown> } = {}): Record<string, unknown> {
  const extensions = { ...(options.event ? { [INFO]: { event_name: options.event } } : {}), ...options.extensions };
  return {
    actor: { account: { homePage: MOODLE, name: '4' } },
    verb: { id: verb },
    object: { objectType: 'Activity', id: options.id ?? 'https://lms.example.edu/things/1', ...(type ? { definition: { type } } : {}) },
    ...(Object.keys(extensions).length ? { context: { extensions } } : {}),
  };
}

const kindOf = (verb: string, type?: string, options?: Parameters<typeof statement>[2]) => classifyStatement(statement(verb, type, options));
const caliper = (input: ClassificationInput) => classifyParts(input).outcome;
const short = (iri: string) => iri.replace(/^https?:\/\/[^/]+\//, '');

describe('ingest: classifyStatement — xapi-mapping.md kind table', () => {
  describe('visit-only', () => {
    for (const type of ['https://w3id.org/xapi/cmi5/activitytype/course', `${ADL_ACT}course`]) {
      for (const verb of [VIEWED, `${ADL_VERB}launched`]) {
        it(`${short(verb)} × ${short(type)} → visit`, () => assert.deepEqual(kindOf(verb, type), { kind: 'visit' }));
      }
    }
    it('Caliper NavigatedTo × CourseOffering → visit', () => assert.deepEqual(caliper({ verb: 'NavigatedTo', objectType: 'CourseOffering' }), { kind: 'visit' }));
  });

  describe('resource', () => {
    const types = [
      'https://w3id.org/xapi/acrossx/activities/page',
      'https://w3id.org/xapi/acrossx/activities/webpage',
      `${TINCAN_TYPE}resource`,
      `${ADL_ACT}link`,
      `${ADL_ACT}file`,
      `${TINCAN_TYPE}book`,
      `${TINCAN_TYPE}chapter`,
      `${AS}collection`,
      'https://w3id.org/xapi/video/activity-type/video',
    ];
    for (const type of types) it(`viewed × ${short(type)} → resource`, () => assert.deepEqual(kindOf(VIEWED, type), { kind: 'resource' }));
    for (const verb of [`${ADL_VERB}experienced`, `${AS}read`, `${TINCAN_VERB}downloaded`, `${D2L_VERB}read`, `${D2L_VERB}downloaded`]) {
      it(`${short(verb)} × file → resource`, () => assert.deepEqual(kindOf(verb, `${ADL_ACT}file`), { kind: 'resource' }));
    }
    for (const module of ['book', 'folder', 'imscp', 'label', 'page', 'resource', 'url']) {
      it(`Moodle ${module} module viewed → resource`, () =>
        assert.deepEqual(kindOf(VIEWED, undefined, { event: `\\mod_${module}\\event\\course_module_viewed`, id: `${MOODLE}/mod/${module}/view.php?id=9` }), { kind: 'resource' }));
    }
  });

  describe('activity', () => {
    const types = [
      `${ADL_ACT}assessment`, `${ADL_ACT}lesson`, `${ADL_ACT}module`, `${ADL_ACT}meeting`, `${ADL_ACT}cmi.interaction`, `${ADL_ACT}attempt`,
      `${EDLM_TYPE}assignment`, `${EDLM_TYPE}forum`, `${EDLM_TYPE}wiki`, `${EDLM_TYPE}glossary`, `${EDLM_TYPE}workshop`,
      `${TINCAN_TYPE}survey`, `${TINCAN_TYPE}discussion`,
    ];
    for (const type of types) it(`viewed × ${short(type)} → activity`, () => assert.deepEqual(kindOf(VIEWED, type), { kind: 'activity' }));
    for (const verb of [`${AS}start`, `${AS}submit`, `${ADL_VERB}attempted`, `${ADL_VERB}completed`, `${ADL_VERB}launched`]) {
      it(`${short(verb)} × assessment → activity`, () => assert.deepEqual(kindOf(verb, `${ADL_ACT}assessment`), { kind: 'activity' }));
    }
    const modules = ['assign', 'quiz', 'forum', 'lesson', 'scorm', 'lti', 'h5pactivity', 'wiki', 'glossary', 'workshop', 'choice', 'data', 'feedback', 'chat', 'survey', 'questionnaire', 'bigbluebuttonbn', 'facetoface', 'someplugin'];
    for (const module of modules) {
      it(`Moodle ${module} module viewed → activity (every module not a resource)`, () =>
        assert.deepEqual(kindOf(VIEWED, undefined, { event: `\\mod_${module}\\event\\course_module_viewed`, id: `${MOODLE}/mod/${module}/view.php?id=9` }), { kind: 'activity' }));
    }
  });

  describe('communication', () => {
    it('create × discussion → thread', () => assert.deepEqual(kindOf(`${AS}create`, `${TINCAN_TYPE}discussion`), { kind: 'thread' }));
    it('Moodle discussion_created → thread', () => assert.deepEqual(kindOf(`${AS}create`, `${TINCAN_TYPE}discussion`, { event: '\\mod_forum\\event\\discussion_created' }), { kind: 'thread' }));
    it('replied × forum-reply → post', () => assert.deepEqual(kindOf(`${TINCAN_VERB}replied`, `${TINCAN_TYPE}forum-reply`), { kind: 'post' }));
    it('acrossx posted × forum-reply → post', () => assert.deepEqual(kindOf('https://w3id.org/xapi/acrossx/verbs/posted', `${TINCAN_TYPE}forum-reply`), { kind: 'post' }));
    it('Caliper Posted × Message → post', () => assert.deepEqual(caliper({ verb: 'Posted', objectType: 'Message', caliperEventType: 'MessageEvent' }), { kind: 'post' }));
    it('commented × comment → comment', () => assert.deepEqual(kindOf(`${ADL_VERB}commented`, `${AS}comment`), { kind: 'comment' }));
  });

  describe('other (visit signal)', () => {
    it('edited → other', () => assert.deepEqual(kindOf('https://w3id.org/xapi/acrossx/verbs/edited', `${TINCAN_TYPE}forum-reply`), { kind: 'other' }));
    it('deleted → other', () => assert.deepEqual(kindOf(`${AS}delete`, `${TINCAN_TYPE}forum-reply`), { kind: 'other' }));
    it('an unknown verb → other, even on a known type', () => assert.deepEqual(kindOf('https://example.com/verbs/juggled', `${ADL_ACT}assessment`), { kind: 'other' }));
    it('no verb at all → other', () => assert.deepEqual(classifyStatement({ object: { id: 'https://x.example/1' } }), { kind: 'other' }));
  });

  describe('ignored', () => {
    const cases: Array<[string, string]> = [
      [`${ADL_VERB}voided`, 'voiding'],
      [`${EDLM_VERB}login`, 'login'],
      [`${EDLM_VERB}logout`, 'logout'],
      ['https://w3id.org/xapi/adl/verbs/logged-in', 'login'],
      ['https://w3id.org/xapi/adl/verbs/logged-out', 'logout'],
      [`${EDLM_VERB}subscribed`, 'subscription'],
      [`${EDLM_VERB}unsubscribed`, 'subscription'],
    ];
    for (const [verb, reason] of cases) it(`${short(verb)} → ignored ${reason}`, () => assert.deepEqual(kindOf(verb, `${TINCAN_TYPE}discussion`), { ignored: reason }));
    for (const event of ['\\mod_forum\\event\\discussion_subscription_created', '\\mod_forum\\event\\discussion_subscription_deleted', '\\mod_forum\\event\\subscription_created', '\\mod_forum\\event\\subscription_deleted']) {
      it(`Moodle ${event} → ignored subscription`, () => assert.deepEqual(kindOf(`${EDLM_VERB}subscribed`, undefined, { event }), { ignored: 'subscription' }));
    }
    it('a voiding statement (object a StatementRef) → ignored voiding', () =>
      assert.deepEqual(classifyStatement({ actor: { mbox: 'mailto:a@b.c' }, verb: { id: `${ADL_VERB}voided` }, object: { objectType: 'StatementRef', id: 'e05aa883-acaf-40ad-bf54-02c8ce485fb0' } }), { ignored: 'voiding' }));
  });
});

describe('ingest: classify — every verb and type of the reference §3.5 table', () => {
  const row = (name: string, verbs: string[], types: string[], expected: object, extra: Parameters<typeof statement>[2] = {}) => {
    describe(name, () => {
      for (const verb of verbs) for (const type of types) {
        it(`${short(verb)} × ${short(type)}`, () => assert.deepEqual(kindOf(verb, type, extra), expected));
      }
    });
  };
  const caliperRow = (name: string, actions: string[], types: string[], expected: object, eventType?: string) => {
    describe(name, () => {
      for (const action of actions) for (const type of types) {
        it(`Caliper ${eventType ?? ''} ${action} × ${type}`, () => assert.deepEqual(caliper({ verb: action, objectType: type, caliperEventType: eventType }), expected));
      }
    });
  };
  const canvasRow = (name: string, assetTypes: string[], expected: object) => {
    describe(name, () => {
      for (const asset of assetTypes) {
        it(`Canvas NavigatedTo asset_type=${asset}`, () => assert.deepEqual(caliper({ verb: 'NavigatedTo', objectType: 'Entity', canvasAssetType: asset, caliperEventType: 'NavigationEvent' }), expected));
      }
    });
  };

  const courseTypes = ['https://w3id.org/xapi/cmi5/activitytype/course', `${ADL_ACT}course`, `${D2L_TYPE}organization/course_offering`];
  row('visit signal', [VIEWED, `${D2L_VERB}accessed`, `${AS_SCHEMA}access`, `${AS}access`], courseTypes, { kind: 'visit' });
  caliperRow('visit signal (Caliper)', ['NavigatedTo'], ['CourseOffering', 'CourseSection'], { kind: 'visit' });
  canvasRow('visit signal (Canvas)', ['course'], { kind: 'visit' });

  const viewVerbs = [VIEWED, `${ADL_VERB}experienced`, `${D2L_VERB}viewed`, `${D2L_VERB}downloaded`, `${D2L_VERB}read`];
  const resourceTypes = [
    'https://w3id.org/xapi/acrossx/activities/page', 'https://w3id.org/xapi/acrossx/activities/webpage', `${TINCAN_TYPE}resource`, `${ADL_ACT}link`,
    `${ADL_ACT}file`, `${TINCAN_TYPE}book`, `${TINCAN_TYPE}chapter`, `${AS}collection`, `${ADL_ACT}media`,
    'https://w3id.org/xapi/video/activity-type/video', `${D2L_TYPE}tools/content/topic`,
  ];
  row('resource viewed', viewVerbs, resourceTypes, { kind: 'resource' });
  caliperRow('resource viewed (Caliper)', ['Viewed', 'NavigatedTo'], ['Document', 'WebPage', 'Page', 'Chapter', 'Frame', 'DigitalResource', 'DigitalResourceCollection', 'MediaObject', 'VideoObject', 'AudioObject', 'ImageObject'], { kind: 'resource' });
  canvasRow('resource viewed (Canvas)', ['wiki_page', 'attachment'], { kind: 'resource' });
  describe('media (footnote): by URL', () => {
    it('media at /mod/lti/ → activity', () => assert.deepEqual(kindOf(VIEWED, `${ADL_ACT}media`, { id: `${MOODLE}/mod/lti/view.php?id=7` }), { kind: 'activity' }));
    it('media at /mod/h5pactivity/ → activity', () => assert.deepEqual(kindOf(VIEWED, `${ADL_ACT}media`, { id: `${MOODLE}/mod/h5pactivity/view.php?id=7` }), { kind: 'activity' }));
    it('media elsewhere → resource', () => assert.deepEqual(kindOf(VIEWED, `${ADL_ACT}media`, { id: 'https://videos.example.com/v/1' }), { kind: 'resource' }));
  });

  const activityTypes = [
    `${ADL_ACT}assessment`, `${ADL_ACT}lesson`, `${ADL_ACT}module`, `${ADL_ACT}meeting`, `${ADL_ACT}cmi.interaction`, `${ADL_ACT}attempt`,
    ...['assignment', 'forum', 'glossary', 'wiki', 'workshop', 'feedback', 'submission'].map((t) => `${EDLM_TYPE}${t}`),
    ...['discussion', 'survey', 'chat-channel'].map((t) => `${TINCAN_TYPE}${t}`),
    'http://xapi.org.au/contentprofile/activitytype/database',
    ...['forum', 'topic', 'thread'].map((t) => `${D2L_TYPE}tools/discussion/${t}`),
  ];
  row('activity viewed', viewVerbs, activityTypes, { kind: 'activity' });
  caliperRow('activity viewed (Caliper)', ['Viewed', 'NavigatedTo'], ['Assessment', 'AssignableDigitalResource', 'Forum', 'Thread', 'LtiLink', 'SoftwareApplication'], { kind: 'activity' });
  canvasRow('activity viewed (Canvas)', ['assignment', 'quiz', 'discussion_topic', 'context_external_tool'], { kind: 'activity' });

  const interactionVerbs = [
    `${AS_SCHEMA}start`, `${AS}start`, `${AS_SCHEMA}submit`, `${AS}submit`,
    ...['attempted', 'answered', 'completed', 'passed', 'failed', 'launched', 'initialized', 'terminated'].map((v) => `${ADL_VERB}${v}`),
    ...['started', 'submitted', 'launched'].map((v) => `${D2L_VERB}${v}`),
  ];
  row('activity interaction', interactionVerbs, [`${ADL_ACT}assessment`, `${EDLM_TYPE}submission`, `${ADL_ACT}module`], { kind: 'activity' });
  caliperRow('activity interaction (Caliper)', ['Started', 'Submitted', 'Launched', 'Used'], ['Assessment', 'SoftwareApplication'], { kind: 'activity' });

  row('thread started', [`${AS}create`, `${AS_SCHEMA}create`, `${D2L_VERB}created`], [`${TINCAN_TYPE}discussion`, `${D2L_TYPE}tools/discussion/thread`, `${D2L_TYPE}tools/discussion/topic`], { kind: 'thread' });
  caliperRow('thread started (Canvas discussion_topic_created)', ['Created'], ['Thread'], { kind: 'thread' }, 'ThreadEvent');
  it('thread started (Blackboard ForumEvent "post a thread")', () => assert.deepEqual(caliper({ verb: 'Created', objectType: 'Thread', caliperEventType: 'ForumEvent' }), { kind: 'thread' }));

  row('post', [`${TINCAN_VERB}replied`, `${D2L_VERB}replied`, 'https://w3id.org/xapi/acrossx/verbs/posted', `${AS_SCHEMA}post`, `${AS}post`], [`${TINCAN_TYPE}forum-reply`, `${D2L_TYPE}tools/discussion/post`], { kind: 'post' });
  caliperRow('post (Caliper)', ['Posted'], ['Message'], { kind: 'post' }, 'MessageEvent');

  row('comment', [`${ADL_VERB}commented`, `${AS}send`, `${AS_SCHEMA}send`], [`${AS}comment`, `${AS_SCHEMA}comment`, `${TINCAN_TYPE}chat-message`], { kind: 'comment' });

  row(
    'edits and deletes: other (activity-reports.md: not actions, never subtract)',
    ['https://w3id.org/xapi/acrossx/verbs/edited', `${AS}update`, `${AS_SCHEMA}update`, `${AS}delete`, `${AS_SCHEMA}delete`, `${D2L_VERB}updated`, `${D2L_VERB}deleted`, `${D2L_VERB}recycled`],
    [`${TINCAN_TYPE}forum-reply`, 'https://w3id.org/xapi/acrossx/activities/page'],
    { kind: 'other' },
  );
  caliperRow('edits and deletes (Caliper)', ['Modified', 'Deleted'], ['Document', 'Message'], { kind: 'other' }, 'ResourceManagementEvent');

  describe('ignored', () => {
    const cases: Array<[string, string]> = [
      [`${ADL_VERB}voided`, 'voiding'],
      [`${EDLM_VERB}subscribed`, 'subscription'],
      [`${EDLM_VERB}unsubscribed`, 'subscription'],
      [`${EDLM_VERB}login`, 'login'],
      ['https://w3id.org/xapi/adl/verbs/logged-in', 'login'],
      [`${D2L_VERB}logged_in`, 'login'],
      [`${D2L_VERB}logged_out`, 'logout'],
      [`${EDLM_VERB}enrolled`, 'enrolment'],
      [`${D2L_VERB}enrolled`, 'enrolment'],
      [`${D2L_VERB}unenrolled`, 'enrolment'],
    ];
    for (const [verb, reason] of cases) it(`${short(verb)} → ${reason}`, () => assert.deepEqual(kindOf(verb, `${ADL_ACT}course`), { ignored: reason }));
    for (const action of ['LoggedIn', 'LoggedOut', 'TimedOut', 'Subscribed', 'Unsubscribed']) {
      it(`Caliper ${action} → ignored`, () => assert.ok('ignored' in caliper({ verb: action, objectType: 'SoftwareApplication' })));
    }
    const moodle: Array<[string, string]> = [
      ['\\core\\event\\user_enrolment_created', 'enrolment'],
      ['\\core\\event\\badge_awarded', 'award'],
      ['\\core\\event\\calendar_event_created', 'calendar'],
      ['\\core\\event\\user_loggedout', 'logout'],
    ];
    for (const [event, reason] of moodle) it(`Moodle ${event} → ${reason}`, () => assert.deepEqual(kindOf(`${AS}create`, undefined, { event }), { ignored: reason }));
  });
});

describe('ingest: classify — order and details', () => {
  it('normalises activitystrea.ms/schema/1.0/X to activitystrea.ms/X (verbs and types)', () => {
    assert.equal(rules.normaliseIri(` ${AS_SCHEMA}submit `), `${AS}submit`);
    assert.equal(rules.normaliseIri(`${ADL_VERB}completed`), `${ADL_VERB}completed`);
    assert.deepEqual(kindOf(`${AS_SCHEMA}create`, `${TINCAN_TYPE}discussion`), { kind: 'thread' });
  });

  it('the Moodle event name comes first: a course list page is a visit although its type says resource', () => {
    const s = statement(VIEWED, 'https://w3id.org/xapi/acrossx/activities/webpage', { event: '\\core\\event\\course_resources_list_viewed', id: `${MOODLE}/course/resources.php?id=2` });
    assert.deepEqual(explainStatement(s), { outcome: { kind: 'visit' }, step: 'source-event' });
  });

  it('course_module_viewed: the module comes from the object URL, else from the event name', () => {
    // The URL says page although the event names quiz: the URL wins (the brief's rule).
    assert.deepEqual(kindOf(VIEWED, undefined, { event: '\\mod_quiz\\event\\course_module_viewed', id: `${MOODLE}/mod/page/view.php?id=3` }), { kind: 'resource' });
    assert.deepEqual(kindOf(VIEWED, undefined, { event: '\\mod_book\\event\\course_module_viewed', id: 'urn:x:not-a-url' }), { kind: 'resource' });
    assert.deepEqual(kindOf(VIEWED, undefined, { event: '\\core_h5p\\event\\h5p_viewed', id: `${MOODLE}/mod/h5pactivity/view.php?id=3` }), { kind: 'activity' });
  });

  it('verb × type comes before the object URL', () => {
    const s = statement(VIEWED, 'https://w3id.org/xapi/acrossx/activities/page', { id: `${MOODLE}/mod/quiz/view.php?id=5` });
    assert.deepEqual(explainStatement(s), { outcome: { kind: 'resource' }, step: 'verb-object-type' });
  });

  it('the object URL gives the object when the type is missing or unknown', () => {
    assert.deepEqual(explainStatement(statement(VIEWED, undefined, { id: `${MOODLE}/mod/quiz/view.php?id=5` })), { outcome: { kind: 'activity' }, step: 'object-url' });
    assert.deepEqual(explainStatement(statement(VIEWED, 'https://example.com/types/x', { id: `${MOODLE}/mod/url/view.php?id=5` })), { outcome: { kind: 'resource' }, step: 'object-url' });
    assert.deepEqual(explainStatement(statement(VIEWED, undefined, { id: 'https://example.com/x' })), { outcome: { kind: 'other' }, step: 'verb-default' });
  });

  it('the object URL does not turn an edit into a view', () => {
    assert.deepEqual(kindOf('https://w3id.org/xapi/acrossx/verbs/edited', undefined, { id: `${MOODLE}/mod/page/view.php?id=3` }), { kind: 'other' });
  });

  it('cmi5 course at /mod/imscp/ is an IMS content package (resource); elsewhere the course (visit)', () => {
    assert.deepEqual(kindOf(VIEWED, 'https://w3id.org/xapi/cmi5/activitytype/course', { id: `${MOODLE}/mod/imscp/view.php?id=8` }), { kind: 'resource' });
    assert.deepEqual(kindOf(VIEWED, 'https://w3id.org/xapi/cmi5/activitytype/course', { id: `${MOODLE}/course/view.php?id=2` }), { kind: 'visit' });
  });

  it('verb defaults when the object is unknown: start… → activity, replied → post, commented → comment', () => {
    assert.deepEqual(kindOf(`${AS}start`), { kind: 'activity' });
    assert.deepEqual(kindOf(`${TINCAN_VERB}replied`), { kind: 'post' });
    assert.deepEqual(kindOf(`${ADL_VERB}commented`), { kind: 'comment' });
    assert.deepEqual(kindOf(`${AS}create`, 'https://w3id.org/xapi/acrossx/activities/page'), { kind: 'other' });
  });

  it('voiding comes before everything, even a Moodle event name', () => {
    assert.deepEqual(explainStatement(statement(`${ADL_VERB}voided`, undefined, { event: '\\mod_forum\\event\\post_created' })), { outcome: { ignored: 'voiding' }, step: 'voiding' });
  });

  it('an impersonated statement (Brightspace impersonatingUserId) is ignored', () => {
    const actorExt = 'https://api.brightspace.com/xapi/extension_keys/context/actor';
    assert.deepEqual(kindOf(`${D2L_VERB}viewed`, `${D2L_TYPE}tools/content/topic`, { extensions: { [actorExt]: { userId: 171, impersonatingUserId: 3 } } }), { ignored: 'impersonated' });
    assert.deepEqual(kindOf(`${D2L_VERB}viewed`, `${D2L_TYPE}tools/content/topic`, { extensions: { [actorExt]: { userId: 171, impersonatingUserId: null } } }), { kind: 'resource' });
  });

  it('one Moodle quiz submission is one activity: its per-question "answered" statements are other', () => {
    const event = '\\mod_quiz\\event\\attempt_submitted';
    assert.deepEqual(kindOf(`${ADL_VERB}completed`, `${ADL_ACT}attempt`, { event }), { kind: 'activity' });
    assert.deepEqual(kindOf(`${ADL_VERB}answered`, `${ADL_ACT}cmi.interaction`, { event }), { kind: 'other' });
  });

  it('events done to the student by someone else are ignored, not visits', () => {
    for (const [event, reason] of [
      ['\\mod_assign\\event\\submission_graded', 'grading'],
      ['\\mod_quiz\\event\\question_manually_graded', 'grading'],
      ['\\core\\event\\course_module_completion_updated', 'automatic'],
      ['\\core\\event\\group_member_added', 'enrolment'],
    ] as const) {
      assert.deepEqual(kindOf('https://w3id.org/xapi/tla/verbs/scored', undefined, { event }), { ignored: reason }, event);
    }
  });

  it('an unknown Moodle event falls through to verb × type', () => {
    assert.deepEqual(explainStatement(statement(VIEWED, `${ADL_ACT}assessment`, { event: '\\mod_custom\\event\\thing_happened' })), { outcome: { kind: 'activity' }, step: 'verb-object-type' });
  });

  it('never throws, whatever the input', () => {
    for (const input of [null, undefined, 42, 'statement', [], {}, { verb: 'x' }, { verb: { id: 7 } }, { object: [] }, { context: { extensions: { [INFO]: 'x' } } }]) {
      assert.deepEqual(classifyStatement(input), { kind: 'other' });
    }
  });

  it('reads the Moodle event name', () => {
    assert.equal(moodleEventName(statement(VIEWED, undefined, { event: '\\core\\event\\course_viewed' })), '\\core\\event\\course_viewed');
    assert.equal(moodleEventName(statement(VIEWED, undefined, { event: 'core\\event\\course_viewed' })), '\\core\\event\\course_viewed');
    assert.equal(moodleEventName(statement(VIEWED)), undefined);
  });
});

describe('ingest: kind rules table', () => {
  it('every outcome in the tables is an EventKind or an ignored reason', () => {
    const valid = (o: rules.Classification) => ('kind' in o ? EVENT_KINDS.includes(o.kind) : IGNORED_REASONS.includes(o.ignored));
    for (const rule of rules.MOODLE_EVENT_RULES) if (rule.outcome !== 'module') assert.ok(valid(rule.outcome), rule.event);
    for (const rule of rules.CALIPER_EVENT_RULES) assert.ok(valid(rule.outcome), rule.eventType);
    for (const [verb, rule] of Object.entries(rules.VERB_RULES)) if (typeof rule !== 'string') assert.ok(valid(rule), verb);
    for (const row of Object.values(rules.KIND_MATRIX)) {
      assert.ok(EVENT_KINDS.includes(row.otherwise));
      for (const k of Object.values(row.byCategory)) assert.ok(EVENT_KINDS.includes(k!));
    }
  });

  it('keys are in normalised form (no activitystrea.ms/schema/1.0/ spelling)', () => {
    for (const key of [...Object.keys(rules.VERB_RULES), ...Object.keys(rules.OBJECT_TYPE_RULES)]) assert.equal(rules.normaliseIri(key), key);
  });

  it('a change to the rules comes with a new KIND_RULES_VERSION (then update the fingerprint here)', () => {
    const data = JSON.stringify({
      verbs: rules.VERB_RULES,
      types: rules.OBJECT_TYPE_RULES,
      ambiguous: rules.AMBIGUOUS_OBJECT_TYPES,
      canvas: rules.CANVAS_ASSET_TYPES,
      matrix: rules.KIND_MATRIX,
      resourceModules: [...rules.MOODLE_RESOURCE_MODULES],
      moduleUrl: rules.MODULE_URL_PATTERN.source,
      moodle: rules.MOODLE_EVENT_RULES.map(({ note: _note, ...rule }) => rule),
      caliper: rules.CALIPER_EVENT_RULES.map(({ note: _note, ...rule }) => rule),
      impersonation: rules.IMPERSONATION_MARKERS,
    });
    const fingerprint = createHash('sha256').update(data).digest('hex').slice(0, 16);
    assert.deepEqual({ version: KIND_RULES_VERSION, fingerprint }, { version: 1, fingerprint: '5c01e7f7ac77fc7f' });
  });
});

describe('ingest: Moodle 4.3 golden pairs (test/fixtures/xapi)', () => {
  const dir = new URL('../fixtures/xapi/', import.meta.url);
  const cases = readdirSync(dir).filter((f) => f.endsWith('.json') && !f.endsWith('.expected.json')).map((f) => f.slice(0, -'.json'.length)).sort();
  const platform = { issuer: 'http://127.0.0.1:8080' };

  it('has one pair for each of the 14 statements of the shared Moodle fixture', () => assert.equal(cases.length, 14));

  for (const name of cases) {
    it(name, () => {
      const s: unknown = JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8'));
      const expected = JSON.parse(readFileSync(new URL(`${name}.expected.json`, dir), 'utf8')) as Record<string, unknown>;
      assert.deepEqual(
        {
          moodleEventName: moodleEventName(s),
          classification: classifyStatement(s),
          course: courseOfStatement(s, platform) ?? null,
          person: personOfStatement(s),
        },
        expected,
      );
    });
  }
});
