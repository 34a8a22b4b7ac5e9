/**
 * Moodle-shaped xAPI statements for tests through storage: Moodle 4.3's own statements
 * (test/fixtures/xapi, logstore_xapi 5.0.1) used as templates and re-aimed at a test LMS (its
 * issuer), a course (its course URL), a student (account name = LTI user id), an instant, and
 * optionally a sent id and a `result.duration`. So every kind reaches the store the way Moodle sends
 * it: without an id (the id is derived from the content), with the course named by its course URL
 * and the kind by Moodle's event name.
 *
 * Moodle has no comment fixture: the comment is a wiki comment built on the page-view template
 * with the verb and object type of xapi-mapping.md's comment row.
 */
import fs from 'node:fs';
import type { EventKind } from '../../src/ingest/event-kind.js';

/** What a built statement is: a kind of event, or one the reports ignore (a forum subscription). */
export type StatementKind = EventKind | 'ignored';

export const STATEMENT_KINDS: readonly StatementKind[] = ['visit', 'resource', 'activity', 'thread', 'post', 'comment', 'other', 'ignored'];

/** The base URL of the Moodle the fixtures were recorded on, and the course id they name. */
const FIXTURE_BASE = 'http://127.0.0.1:8080';
const FIXTURE_COURSE_URL = `${FIXTURE_BASE}/course/view.php?id=2`;
const MOODLE_INFO = 'http://lrs.learninglocker.net/define/extensions/info';

const TEMPLATE_FILES: Record<Exclude<StatementKind, 'comment'>, string> = {
  visit: 'moodle-course-viewed.json', // \core\event\course_viewed
  resource: 'moodle-page-viewed.json', // \mod_page\event\course_module_viewed
  activity: 'moodle-quiz-viewed.json', // \mod_quiz\event\course_module_viewed
  thread: 'moodle-discussion-created.json', // \mod_forum\event\discussion_created
  post: 'moodle-post-created.json', // \mod_forum\event\post_created
  other: 'moodle-course-module-created.json', // \core\event\course_module_created
  ignored: 'moodle-discussion-subscription-created.json', // \mod_forum\event\discussion_subscription_created
};

const templates = new Map<string, string>();
function template(file: string): string {
  let text = templates.get(file);
  if (text === undefined) {
    text = fs.readFileSync(new URL(`../fixtures/xapi/${file}`, import.meta.url), 'utf8');
    templates.set(file, text);
  }
  return text;
}

type Json = Record<string, unknown>;

export interface MoodleStatementOptions {
  /** The test LMS's issuer: Moodle's base URL, which course URLs start with. */
  issuer: string;
  contextId: string;
  /** The actor's account name: the member's LTI user id. */
  userId: string;
  kind: StatementKind;
  /** Event time: the statement's `timestamp`. */
  at: Date | number | string;
  /** A sent statement id (Moodle sends none; forwarders and LRSs do). */
  id?: string;
  /** `result.duration` in seconds, written as ISO 8601 `PT…S`. */
  durationSeconds?: number;
  /**
   * Makes the object id unique (a query parameter of the module URL), so that two id-less
   * statements of one student at one instant are two events. Ignored for `visit`, whose object is
   * the course itself.
   */
  objectKey?: string | number;
}

/** One Moodle statement of `kind`, as that Moodle would send it were it the test LMS. */
export function moodleStatement(options: MoodleStatementOptions): Json {
  const { issuer, contextId, userId, kind } = options;
  const courseUrl = `${issuer}/course/view.php?id=${encodeURIComponent(contextId)}`;
  const file = kind === 'comment' ? TEMPLATE_FILES.resource : TEMPLATE_FILES[kind];
  const statement = JSON.parse(template(file).replaceAll(FIXTURE_COURSE_URL, courseUrl).replaceAll(FIXTURE_BASE, issuer)) as Json;
  if (kind === 'comment') {
    const info = ((statement.context as Json).extensions as Json)[MOODLE_INFO] as Json;
    info.event_name = '\\mod_wiki\\event\\comment_created';
    info.event_function = '\\src\\transformer\\events\\mod_wiki\\comment_created';
    statement.verb = { id: 'http://adlnet.gov/expapi/verbs/commented', display: { en: 'Commented' } };
    statement.object = { objectType: 'Activity', id: `${issuer}/mod/wiki/view.php?id=7#comment`, definition: { type: 'http://activitystrea.ms/comment', name: { en: 'Comment' } } };
  }
  if (kind !== 'visit' && options.objectKey !== undefined) {
    const target = statement.object as Json;
    target.id = `${String(target.id)}${String(target.id).includes('?') ? '&' : '?'}cp=${encodeURIComponent(String(options.objectKey))}`;
  }
  statement.actor = { name: `Student ${userId}`, account: { homePage: issuer, name: userId } };
  statement.timestamp = new Date(options.at).toISOString();
  if (options.id !== undefined) statement.id = options.id;
  if (options.durationSeconds !== undefined) statement.result = { duration: `PT${options.durationSeconds}S` };
  return statement;
}

/** A voiding statement for `target` (xAPI-Data.md §2.3.2), sent by a teacher as Moodle's admin would. */
export function voidingStatement(target: string, options: { at: Date | number | string; id?: string }): Json {
  return {
    ...(options.id !== undefined ? { id: options.id } : {}),
    actor: { mbox: 'mailto:teacher@example.edu', name: 'Teacher' },
    verb: { id: 'http://adlnet.gov/expapi/verbs/voided', display: { en: 'voided' } },
    object: { objectType: 'StatementRef', id: target },
    timestamp: new Date(options.at).toISOString(),
  };
}
