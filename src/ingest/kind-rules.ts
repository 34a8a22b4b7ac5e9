/**
 * The classification table: which kind of event (EventKind) a statement or Caliper event is, or
 * why it is ignored — as data, evaluated by classify.ts in the order of xapi-mapping.md ("Which
 * kind"). Sources: xapi-mapping.md's kind table and the reference's §3.5 table (part of the
 * contract), §3.1 (Moodle), §3.2 (Canvas), §3.3 (Blackboard), §3.4 (Brightspace), §4 (Caliper).
 *
 * Everything derived from a classification (stored kinds, rollups) carries KIND_RULES_VERSION;
 * any change to a table below must bump it so that derived data is rebuilt.
 */
import type { EventKind } from './event-kind.js';

/**
 * Version of the rules below. History:
 * 1 — first table (Moodle logstore_xapi 5.0.1 events, §3.5 verbs and types, Caliper 1.1/1.2).
 */
export const KIND_RULES_VERSION = 1;

/**
 * Why a statement makes neither a visit nor an action. Not an EventKind: an ignored statement is
 * stored but never reaches the reports.
 * - `voiding`: an xAPI voiding statement (its effect, removing its target, is applied elsewhere).
 * - `login`, `logout`: sessions of the LMS itself (also Caliper `TimedOut`), not course-scoped.
 * - `subscription`: forum/discussion subscriptions.
 * - `enrolment`: enrolments, unenrolments and group membership changes, made by staff or the system.
 * - `grading`: a grade or score given to the actor by someone else (Moodle puts the student as
 *   actor of `submission_graded`, at the time the teacher grades).
 * - `award`: badges and certificates issued to or revoked from the actor.
 * - `automatic`: state the LMS computes (completion, overdue attempts), not something done.
 * - `calendar`: calendar entries and subscriptions.
 * - `impersonated`: done by someone acting as the actor (Brightspace `impersonatingUserId`).
 */
export type IgnoredReason =
  | 'voiding'
  | 'login'
  | 'logout'
  | 'subscription'
  | 'enrolment'
  | 'grading'
  | 'award'
  | 'automatic'
  | 'calendar'
  | 'impersonated';

export const IGNORED_REASONS: readonly IgnoredReason[] = [
  'voiding', 'login', 'logout', 'subscription', 'enrolment', 'grading', 'award', 'automatic', 'calendar', 'impersonated',
];

/** What a statement is: one kind of event, or ignored with a reason. */
export type Classification = { kind: EventKind } | { ignored: IgnoredReason };

const kind = (k: EventKind): Classification => ({ kind: k });
const ignored = (reason: IgnoredReason): Classification => ({ ignored: reason });

// ---------------------------------------------------------------------------------------------
// Normalisation

const ACTIVITY_STREAMS_SCHEMA = 'http://activitystrea.ms/schema/1.0/';
const ACTIVITY_STREAMS = 'http://activitystrea.ms/';

/**
 * One spelling per IRI: `http://activitystrea.ms/schema/1.0/X` ≡ `http://activitystrea.ms/X`
 * (xapi-mapping.md; Moodle's plugin mixes both). Applied to verbs and to activity types alike
 * (§3.5 lists `…/comment` in both spellings too). Surrounding white space is dropped; nothing
 * else changes (IRIs are case-sensitive).
 */
export function normaliseIri(iri: string): string {
  const trimmed = iri.trim();
  return trimmed.startsWith(ACTIVITY_STREAMS_SCHEMA) ? ACTIVITY_STREAMS + trimmed.slice(ACTIVITY_STREAMS_SCHEMA.length) : trimmed;
}

/**
 * Caliper terms in one spelling: Caliper 1.0 wrote types and actions as IRIs
 * (`http://purl.imsglobal.org/caliper/v1/NavigationEvent`,
 * `http://purl.imsglobal.org/vocab/caliper/v1/action#NavigatedTo`), Blackboard its own types as
 * IRIs (`http://caliper.blackboard.com/caliper/v1/LTIEvent`); 1.1/1.2 use the bare term. The term
 * is what follows the last `#` or `/` of such an IRI.
 */
export function caliperTerm(value: string): string {
  const trimmed = value.trim();
  if (!/^[a-z][a-z0-9+.-]*:/i.test(trimmed)) return trimmed;
  const cut = Math.max(trimmed.lastIndexOf('#'), trimmed.lastIndexOf('/'));
  return cut >= 0 ? trimmed.slice(cut + 1) : trimmed;
}

// ---------------------------------------------------------------------------------------------
// Verbs (xAPI verb IRIs, normalised) and Caliper actions (terms)

/**
 * What a verb says the actor did, before the object is known:
 * - `view`: looked at something (the object decides: course → visit, resource, activity);
 * - `interact`: started, submitted, attempted, completed, launched… something (activity; course → visit);
 * - `create`: created something (a discussion → thread; a post → post; else an edit: other);
 * - `reply`: posted in a discussion (post; a comment object → comment);
 * - `comment`: commented, or sent a course message (comment);
 * - `edit`: edited or deleted (other: opens a visit, never an action, never subtracts).
 */
export type VerbClass = 'view' | 'interact' | 'create' | 'reply' | 'comment' | 'edit';

/** A verb's class, or the reason statements with that verb are ignored whatever their object. */
export type VerbRule = VerbClass | { ignored: IgnoredReason };

const BRIGHTSPACE_VERB = 'https://api.brightspace.com/xapi/verbs/';
const ADL_VERB = 'http://adlnet.gov/expapi/verbs/';
const EDLM_VERB = 'https://xapi.edlm/profiles/edlm-lms/concepts/verbs/';

/** Verb IRIs (after normaliseIri) and Caliper actions (terms) → class or ignored. */
export const VERB_RULES: Readonly<Record<string, VerbRule>> = {
  // view — xapi-mapping.md visit/resource rows; §3.5 visit-signal and resource rows
  'http://id.tincanapi.com/verb/viewed': 'view',
  [`${ADL_VERB}experienced`]: 'view',
  'http://activitystrea.ms/access': 'view',
  'http://activitystrea.ms/read': 'view',
  'http://id.tincanapi.com/verb/downloaded': 'view',
  [`${BRIGHTSPACE_VERB}accessed`]: 'view',
  [`${BRIGHTSPACE_VERB}viewed`]: 'view',
  [`${BRIGHTSPACE_VERB}downloaded`]: 'view',
  [`${BRIGHTSPACE_VERB}read`]: 'view',
  NavigatedTo: 'view',
  Viewed: 'view',

  // interact — §3.5 "Activity interaction" (rolled into activities)
  'http://activitystrea.ms/start': 'interact',
  'http://activitystrea.ms/submit': 'interact',
  [`${ADL_VERB}attempted`]: 'interact',
  [`${ADL_VERB}answered`]: 'interact',
  [`${ADL_VERB}completed`]: 'interact',
  [`${ADL_VERB}passed`]: 'interact',
  [`${ADL_VERB}failed`]: 'interact',
  [`${ADL_VERB}launched`]: 'interact',
  [`${ADL_VERB}initialized`]: 'interact',
  [`${ADL_VERB}terminated`]: 'interact',
  [`${ADL_VERB}interacted`]: 'interact',
  [`${BRIGHTSPACE_VERB}started`]: 'interact',
  [`${BRIGHTSPACE_VERB}submitted`]: 'interact',
  [`${BRIGHTSPACE_VERB}launched`]: 'interact',
  Started: 'interact',
  Submitted: 'interact',
  Completed: 'interact',
  Launched: 'interact',
  Used: 'interact',

  // create — §3.5 "thread started" (with a discussion object)
  'http://activitystrea.ms/create': 'create',
  [`${BRIGHTSPACE_VERB}created`]: 'create',
  Created: 'create',

  // reply — xapi-mapping.md post row; §3.5 "post"
  'http://id.tincanapi.com/verb/replied': 'reply',
  [`${BRIGHTSPACE_VERB}replied`]: 'reply',
  'https://w3id.org/xapi/acrossx/verbs/posted': 'reply',
  'http://activitystrea.ms/post': 'reply',
  Posted: 'reply',

  // comment — xapi-mapping.md comment row; §3.5 "comment / bulletin comment" (incl. course messages)
  [`${ADL_VERB}commented`]: 'comment',
  'http://activitystrea.ms/send': 'comment',
  Commented: 'comment',

  // edit — §3.5 "Edits / deletes"; xapi-mapping.md and activity-reports.md: other, not actions
  'https://w3id.org/xapi/acrossx/verbs/edited': 'edit',
  'http://activitystrea.ms/update': 'edit',
  'http://activitystrea.ms/delete': 'edit',
  [`${BRIGHTSPACE_VERB}updated`]: 'edit',
  [`${BRIGHTSPACE_VERB}deleted`]: 'edit',
  [`${BRIGHTSPACE_VERB}recycled`]: 'edit',
  Modified: 'edit',
  Deleted: 'edit',

  // ignored — xapi-mapping.md ignored row; §3.5 "Ignore for reports"
  [`${ADL_VERB}voided`]: { ignored: 'voiding' },
  [`${EDLM_VERB}login`]: { ignored: 'login' },
  [`${EDLM_VERB}logout`]: { ignored: 'logout' },
  'https://w3id.org/xapi/adl/verbs/logged-in': { ignored: 'login' },
  'https://w3id.org/xapi/adl/verbs/logged-out': { ignored: 'logout' },
  [`${BRIGHTSPACE_VERB}logged_in`]: { ignored: 'login' },
  [`${BRIGHTSPACE_VERB}logged_out`]: { ignored: 'logout' },
  [`${BRIGHTSPACE_VERB}timed_out`]: { ignored: 'logout' },
  LoggedIn: { ignored: 'login' },
  LoggedOut: { ignored: 'logout' },
  TimedOut: { ignored: 'logout' },
  [`${EDLM_VERB}subscribed`]: { ignored: 'subscription' },
  [`${EDLM_VERB}unsubscribed`]: { ignored: 'subscription' },
  Subscribed: { ignored: 'subscription' },
  Unsubscribed: { ignored: 'subscription' },
  [`${EDLM_VERB}enrolled`]: { ignored: 'enrolment' },
  [`${EDLM_VERB}unenrolled`]: { ignored: 'enrolment' },
  [`${BRIGHTSPACE_VERB}enrolled`]: { ignored: 'enrolment' },
  [`${BRIGHTSPACE_VERB}unenrolled`]: { ignored: 'enrolment' },
  [`${BRIGHTSPACE_VERB}awarded`]: { ignored: 'award' },
  [`${BRIGHTSPACE_VERB}revoked`]: { ignored: 'award' },
  [`${BRIGHTSPACE_VERB}impersonation_started`]: { ignored: 'impersonated' },
  [`${BRIGHTSPACE_VERB}impersonation_ended`]: { ignored: 'impersonated' },
  Graded: { ignored: 'grading' },
};

/** The verb that voids (xAPI-Data.md §2.3.2); recognised before any other rule. */
export const VOIDED_VERB = `${ADL_VERB}voided`;

// ---------------------------------------------------------------------------------------------
// Objects: xAPI activity types (normalised), Caliper entity types (terms), Canvas asset types

/**
 * What an object is, as far as the kind goes:
 * - `course`: the course itself (its home page, a course-level list page);
 * - `resource`: content to read or watch; `activity`: something to do;
 * - `discussion`: a discussion thread or topic (viewing it: activity; creating it: thread);
 * - `post`: a post or reply in a discussion; `comment`: a comment; `message`: a chat message.
 */
export type ObjectCategory = 'course' | 'resource' | 'activity' | 'discussion' | 'post' | 'comment' | 'message';

const ADL_ACTIVITY = 'http://adlnet.gov/expapi/activities/';
const TINCAN_TYPE = 'http://id.tincanapi.com/activitytype/';
const EDLM_TYPE = 'https://xapi.edlm/profiles/edlm-lms/concepts/activity-types/';
const BRIGHTSPACE_TYPE = 'https://api.brightspace.com/xapi/activities/';

/** The cmi5 course type, which Moodle also gives its `imscp` module (§3.1). */
export const CMI5_COURSE_TYPE = 'https://w3id.org/xapi/cmi5/activitytype/course';
/** The media type, which Moodle gives both `lti` and `h5pactivity` (§3.5 footnote). */
export const MEDIA_TYPE = `${ADL_ACTIVITY}media`;

/** Activity types (after normaliseIri) and Caliper entity types (terms) → category. */
export const OBJECT_TYPE_RULES: Readonly<Record<string, ObjectCategory>> = {
  // course — §3.5 visit-signal row
  [CMI5_COURSE_TYPE]: 'course',
  [`${ADL_ACTIVITY}course`]: 'course',
  [`${BRIGHTSPACE_TYPE}organization/course_offering`]: 'course',
  [`${TINCAN_TYPE}section`]: 'course',
  CourseOffering: 'course',
  CourseSection: 'course',

  // resource — §3.5 resource row; §3.1 Moodle resource modules' types
  'https://w3id.org/xapi/acrossx/activities/page': 'resource',
  'https://w3id.org/xapi/acrossx/activities/webpage': 'resource',
  [`${TINCAN_TYPE}resource`]: 'resource',
  [`${ADL_ACTIVITY}link`]: 'resource',
  [`${ADL_ACTIVITY}file`]: 'resource',
  [`${TINCAN_TYPE}book`]: 'resource',
  [`${TINCAN_TYPE}chapter`]: 'resource',
  'http://activitystrea.ms/collection': 'resource',
  [MEDIA_TYPE]: 'resource',
  'https://w3id.org/xapi/video/activity-type/video': 'resource',
  [`${BRIGHTSPACE_TYPE}tools/content/topic`]: 'resource',
  Document: 'resource',
  WebPage: 'resource',
  Page: 'resource',
  Chapter: 'resource',
  Frame: 'resource',
  DigitalResource: 'resource',
  DigitalResourceCollection: 'resource',
  MediaObject: 'resource',
  VideoObject: 'resource',
  AudioObject: 'resource',
  ImageObject: 'resource',

  // activity — §3.5 activity row; §3.1 Moodle activity modules' types
  [`${ADL_ACTIVITY}assessment`]: 'activity',
  [`${ADL_ACTIVITY}lesson`]: 'activity',
  [`${ADL_ACTIVITY}lesson-content-page`]: 'activity',
  [`${ADL_ACTIVITY}module`]: 'activity',
  [`${ADL_ACTIVITY}meeting`]: 'activity',
  [`${ADL_ACTIVITY}cmi.interaction`]: 'activity',
  [`${ADL_ACTIVITY}attempt`]: 'activity',
  [`${EDLM_TYPE}assignment`]: 'activity',
  [`${EDLM_TYPE}forum`]: 'activity',
  [`${EDLM_TYPE}glossary`]: 'activity',
  [`${EDLM_TYPE}wiki`]: 'activity',
  [`${EDLM_TYPE}workshop`]: 'activity',
  [`${EDLM_TYPE}feedback`]: 'activity',
  [`${EDLM_TYPE}submission`]: 'activity',
  [`${TINCAN_TYPE}survey`]: 'activity',
  [`${TINCAN_TYPE}chat-channel`]: 'activity',
  [`${TINCAN_TYPE}lms/module`]: 'activity',
  'http://xapi.org.au/contentprofile/activitytype/database': 'activity',
  'https://w3id.org/xapi/acrossx/activities/face-to-face-discussion': 'activity',
  [`${BRIGHTSPACE_TYPE}tools/discussion/forum`]: 'activity',
  Assessment: 'activity',
  AssessmentItem: 'activity',
  AssignableDigitalResource: 'activity',
  Forum: 'activity',
  LtiLink: 'activity',
  SoftwareApplication: 'activity',

  // discussion — viewing: activity (§3.5 activity row); creating: thread (§3.5 thread row)
  [`${TINCAN_TYPE}discussion`]: 'discussion',
  [`${BRIGHTSPACE_TYPE}tools/discussion/topic`]: 'discussion',
  [`${BRIGHTSPACE_TYPE}tools/discussion/thread`]: 'discussion',
  Thread: 'discussion',

  // post — §3.5 post row (the Brightspace post type is marked [unverified] there)
  [`${TINCAN_TYPE}forum-reply`]: 'post',
  [`${BRIGHTSPACE_TYPE}tools/discussion/post`]: 'post',
  Message: 'post',

  // comment, message — §3.5 comment row
  'http://activitystrea.ms/comment': 'comment',
  [`${TINCAN_TYPE}chat-message`]: 'message',
};

/**
 * Types that stand for more than one thing: the object URL's Moodle module (`/mod/<name>/`) decides
 * when there is one, else the category here. cmi5 course is also Moodle's `imscp` (a resource);
 * media is Moodle's `lti` and `h5pactivity` (activities) and otherwise a resource (§3.5).
 */
export const AMBIGUOUS_OBJECT_TYPES: Readonly<Record<string, ObjectCategory>> = {
  [CMI5_COURSE_TYPE]: 'course',
  [MEDIA_TYPE]: 'resource',
};

/**
 * Canvas `asset_accessed` objects (Caliper type `Entity` or varying): the Canvas `asset_type` in
 * `object.extensions["com.instructure.canvas"]` decides (§3.2). `course` covers the course home
 * and its list pages (every `asset_subtype`).
 */
export const CANVAS_ASSET_TYPES: Readonly<Record<string, ObjectCategory>> = {
  course: 'course',
  wiki_page: 'resource',
  attachment: 'resource',
  assignment: 'activity',
  quiz: 'activity',
  'quizzes:quiz': 'activity',
  discussion_topic: 'discussion',
  context_external_tool: 'activity',
  collaboration: 'activity',
  web_conference: 'activity',
};

/** Where Canvas puts its own data in Caliper entities. */
export const CANVAS_EXTENSION = 'com.instructure.canvas';

// ---------------------------------------------------------------------------------------------
// Verb × object

/** The kind for a verb class and an object category; `otherwise` when the object is not known. */
export const KIND_MATRIX: Readonly<Record<VerbClass, { byCategory: Partial<Record<ObjectCategory, EventKind>>; otherwise: EventKind }>> = {
  view: {
    byCategory: { course: 'visit', resource: 'resource', activity: 'activity', discussion: 'activity', post: 'activity' },
    otherwise: 'other',
  },
  interact: { byCategory: { course: 'visit' }, otherwise: 'activity' },
  create: { byCategory: { discussion: 'thread', post: 'post', comment: 'comment', message: 'comment' }, otherwise: 'other' },
  reply: { byCategory: { comment: 'comment', message: 'comment' }, otherwise: 'post' },
  comment: { byCategory: {}, otherwise: 'comment' },
  edit: { byCategory: {}, otherwise: 'other' },
};

// ---------------------------------------------------------------------------------------------
// Moodle

/** Moodle's resource modules (`MOD_ARCHETYPE_RESOURCE`, moodle/moodle course/resources.php). */
export const MOODLE_RESOURCE_MODULES: ReadonlySet<string> = new Set(['book', 'folder', 'imscp', 'label', 'page', 'resource', 'url']);

/**
 * Moodle's activity modules as logstore_xapi knows them (§3.1). Every module not in
 * MOODLE_RESOURCE_MODULES is an activity, listed here or not.
 */
export const MOODLE_ACTIVITY_MODULES: ReadonlySet<string> = new Set([
  'assign', 'bigbluebuttonbn', 'chat', 'choice', 'data', 'facetoface', 'feedback', 'forum', 'glossary', 'h5pactivity',
  'lesson', 'lti', 'questionnaire', 'quiz', 'scorm', 'survey', 'wiki', 'workshop',
]);

/** The category of a Moodle module. */
export function moodleModuleCategory(module: string): 'resource' | 'activity' {
  return MOODLE_RESOURCE_MODULES.has(module) ? 'resource' : 'activity';
}

/** A Moodle module's URL: `<wwwroot>/mod/<name>/…` (the module name is a Moodle plugin name). */
export const MODULE_URL_PATTERN = /\/mod\/([a-z][a-z0-9_]*)\//;

/** Where the Moodle plugin puts the event name (§3.1). */
export const MOODLE_INFO_EXTENSION = 'http://lrs.learninglocker.net/define/extensions/info';

/**
 * A rule for Moodle event names. `event` is a whole event name (`\mod_forum\event\post_created`)
 * or, with `suffix`, the end of one (`\event\course_module_viewed`: every component's). `verb`
 * narrows the rule to statements with that verb (one Moodle event can make several statements).
 * `outcome: 'module'` means resource or activity by the module: the object URL's `/mod/<name>/`,
 * else the event's component (`\mod_<name>\…`), else activity.
 */
export interface MoodleEventRule {
  event: string;
  suffix?: true;
  verb?: string;
  outcome: Classification | 'module';
  /** Why, when it is not evident. */
  note?: string;
}

/** Moodle event rules, first match wins. Events not listed fall through to verb × object. */
export const MOODLE_EVENT_RULES: readonly MoodleEventRule[] = [
  // visits
  { event: '\\core\\event\\course_viewed', outcome: kind('visit') },
  { event: '\\core\\event\\course_resources_list_viewed', outcome: kind('visit'), note: '§3.1: a course list page; its webpage type would say resource' },
  { event: '\\core\\event\\notes_viewed', outcome: kind('visit'), note: 'the course notes page; its webpage type would say resource' },
  // module views
  { event: '\\event\\course_module_viewed', suffix: true, outcome: 'module' },
  { event: '\\core_h5p\\event\\h5p_viewed', outcome: 'module' },
  { event: '\\mod_book\\event\\chapter_viewed', outcome: kind('resource') },
  { event: '\\mod_forum\\event\\discussion_viewed', outcome: kind('activity') },
  { event: '\\mod_glossary\\event\\entry_viewed', outcome: kind('activity') },
  { event: '\\mod_wiki\\event\\page_viewed', outcome: kind('activity') },
  { event: '\\mod_wiki\\event\\comments_viewed', outcome: kind('activity') },
  { event: '\\mod_assign\\event\\feedback_viewed', outcome: kind('activity') },
  { event: '\\mod_quiz\\event\\attempt_reviewed', outcome: kind('activity'), note: 'the student reviews their attempt (verb "receive")' },
  // communication
  { event: '\\mod_forum\\event\\discussion_created', outcome: kind('thread') },
  { event: '\\mod_forum\\event\\post_created', outcome: kind('post') },
  { event: '\\mod_forum\\event\\post_updated', outcome: kind('other') },
  { event: '\\mod_forum\\event\\post_deleted', outcome: kind('other') },
  { event: '\\mod_glossary\\event\\comment_created', outcome: kind('comment') },
  { event: '\\mod_wiki\\event\\comment_created', outcome: kind('comment') },
  { event: '\\mod_glossary\\event\\comment_deleted', outcome: kind('other') },
  { event: '\\mod_wiki\\event\\comment_deleted', outcome: kind('other') },
  { event: '\\core\\event\\message_sent', outcome: kind('comment'), note: '§3.5: course-scoped messages are comments' },
  { event: '\\core\\event\\group_message_sent', outcome: kind('comment'), note: '§3.5: course-scoped messages are comments' },
  // one Moodle event, several statements: the per-question/per-item "answered" statements are not
  // further actions (a 20-question quiz is one submission, not 21 activities)
  { event: '\\mod_quiz\\event\\attempt_submitted', verb: `${ADL_VERB}answered`, outcome: kind('other') },
  { event: '\\mod_quiz\\event\\attempt_submitted', outcome: kind('activity') },
  { event: '\\mod_feedback\\event\\response_submitted', verb: `${ADL_VERB}answered`, outcome: kind('other') },
  { event: '\\mod_feedback\\event\\response_submitted', outcome: kind('activity') },
  // ignored
  { event: '\\core\\event\\user_loggedin', outcome: ignored('login') },
  { event: '\\core\\event\\user_loggedinas', outcome: ignored('login') },
  { event: '\\core\\event\\user_loggedout', outcome: ignored('logout') },
  { event: '\\mod_forum\\event\\subscription_created', outcome: ignored('subscription') },
  { event: '\\mod_forum\\event\\subscription_deleted', outcome: ignored('subscription') },
  { event: '\\mod_forum\\event\\discussion_subscription_created', outcome: ignored('subscription') },
  { event: '\\mod_forum\\event\\discussion_subscription_deleted', outcome: ignored('subscription') },
  { event: '\\core\\event\\user_enrolment_created', outcome: ignored('enrolment') },
  { event: '\\core\\event\\user_enrolment_updated', outcome: ignored('enrolment') },
  { event: '\\core\\event\\user_enrolment_deleted', outcome: ignored('enrolment') },
  { event: '\\core\\event\\group_member_added', outcome: ignored('enrolment'), note: 'actor is the member, the teacher adds them' },
  { event: '\\core\\event\\group_member_removed', outcome: ignored('enrolment') },
  { event: '\\core\\event\\user_created', outcome: ignored('enrolment'), note: 'actor is the new user' },
  { event: '\\totara_program\\event\\program_assigned', outcome: ignored('enrolment') },
  { event: '\\mod_assign\\event\\submission_graded', outcome: ignored('grading'), note: 'actor is the student, the teacher grades' },
  { event: '\\mod_quiz\\event\\question_manually_graded', outcome: ignored('grading'), note: 'actor is the student, the teacher grades' },
  { event: '\\mod_lesson\\event\\essay_assessed', outcome: ignored('grading') },
  { event: '\\mod_assign\\event\\submission_locked', outcome: ignored('grading') },
  { event: '\\mod_assign\\event\\submission_unlocked', outcome: ignored('grading') },
  { event: '\\mod_facetoface\\event\\take_attendance', outcome: ignored('grading'), note: 'actor is the attendee, the teacher takes attendance' },
  { event: '\\core\\event\\badge_awarded', outcome: ignored('award') },
  { event: '\\core\\event\\badge_revoked', outcome: ignored('award') },
  { event: '\\tool_certificate\\event\\certificate_issued', outcome: ignored('award') },
  { event: '\\tool_certificate\\event\\certificate_revoked', outcome: ignored('award') },
  { event: '\\core\\event\\course_completed', outcome: ignored('automatic') },
  { event: '\\core\\event\\course_module_completion_updated', outcome: ignored('automatic'), note: 'mostly automatic; a manual tick comes with the view that made it' },
  { event: '\\mod_quiz\\event\\attempt_becameoverdue', outcome: ignored('automatic') },
  { event: '\\mod_quiz\\event\\attempt_abandoned', outcome: ignored('automatic') },
  { event: '\\core\\event\\calendar_event_created', outcome: ignored('calendar') },
  { event: '\\core\\event\\calendar_event_updated', outcome: ignored('calendar') },
  { event: '\\core\\event\\calendar_event_deleted', outcome: ignored('calendar') },
  { event: '\\core\\event\\calendar_subscription_created', outcome: ignored('calendar') },
  { event: '\\core\\event\\calendar_subscription_updated', outcome: ignored('calendar') },
  { event: '\\core\\event\\calendar_subscription_deleted', outcome: ignored('calendar') },
];

// ---------------------------------------------------------------------------------------------
// Caliper event types (before action × object, like Moodle event names for xAPI)

/** A rule for a Caliper event type (term), optionally narrowed to one action. */
export interface CaliperEventRule {
  eventType: string;
  action?: string;
  outcome: Classification;
  note?: string;
}

export const CALIPER_EVENT_RULES: readonly CaliperEventRule[] = [
  { eventType: 'GradeEvent', outcome: ignored('grading') },
  { eventType: 'CalculatedGradeSnapshotEvent', outcome: ignored('grading'), note: 'Blackboard, nightly' },
  { eventType: 'AssessmentItemEvent', outcome: kind('other'), note: 'one per question; the test itself is its AssessmentEvent (as Moodle quiz answers)' },
  { eventType: 'ForumEvent', action: 'Created', outcome: kind('thread'), note: 'Blackboard: "post a thread" (§3.3, §3.5)' },
  { eventType: 'LTIEvent', action: 'LoggedIn', outcome: kind('activity'), note: 'Blackboard: clicking an LTI link' },
  { eventType: 'LTIEvent', action: 'LoggedOut', outcome: kind('other'), note: 'Blackboard: returning from an LTI link' },
];

// ---------------------------------------------------------------------------------------------
// Impersonation

/** Context extensions whose field, when set, says someone else acted as the actor (§3.4). */
export const IMPERSONATION_MARKERS: readonly { extension: string; field: string }[] = [
  { extension: 'https://api.brightspace.com/xapi/extension_keys/context/actor', field: 'impersonatingUserId' },
];
