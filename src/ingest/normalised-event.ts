/**
 * One event as ingestion hands it on, whatever its source (xAPI statement, Caliper event, LTI
 * launch): when, who, which course, what kind. Sessions and reports read only this shape.
 */
import type { Classification } from './kind-rules.js';
import type { CourseMatch } from './course-reference.js';
import type { PersonReference } from './person-reference.js';

export type EventSource = 'xapi' | 'caliper' | 'lti-launch';

/**
 * Which course, as far as the source tells without the database:
 * - a `CourseMatch` (`contextId` + rule) when the source names the LTI context: xAPI by
 *   course-reference.ts's rules, Caliper by an LTI context extension or the LTI claims of its
 *   federated session (`lti-federated-session`), a launch by its context claim (`lti-launch`);
 * - `caliper-group` when a Caliper event names only the LMS's course (its `group`): the LTI
 *   context is found later by joining the LMS course id (e.g. Canvas `$Canvas.course.id`).
 */
export type CourseReference =
  | CourseMatch
  | { contextId: string; rule: 'lti-federated-session' }
  /** A student's LTI launch: its own context claim. */
  | { contextId: string; rule: 'lti-launch' }
  | {
      rule: 'caliper-group';
      /** The group's id as sent (`urn:instructure:canvas:course:565`, a Blackboard course IRI). */
      groupId: string;
      /** `CourseOffering` or `CourseSection`, when the event says. */
      groupType?: string;
      /** `courseNumber` of the course (Blackboard: the course batch_uid). */
      courseNumber?: string;
      /** The LMS's own course id (Canvas `entity_id` extension). */
      lmsCourseId?: string;
    };

interface NormalisedEventBase {
  source: EventSource;
  /** The source's id of the event: xAPI statement id (sent or derived), Caliper event id. */
  sourceId: string;
  /** The event time, ISO 8601 in UTC with milliseconds (`2024-03-01T09:00:00.000Z`). */
  at: string;
  /** Who did it. */
  person: PersonReference;
  /** Which course, when the source tells; undefined: stored unresolved. */
  course: CourseReference | undefined;
  /** What it was done to (xAPI object id, Caliper object id). */
  objectId: string | undefined;
  /** Length of activity that ended at `at` (xAPI `result.duration`, Caliper `Attempt.duration`), in seconds. */
  durationSeconds?: number;
  /** The LMS's session id, when the source sends one (Canvas: a real user session). */
  sessionId?: string;
  /** For a voiding statement: the id of the statement it voids. */
  voidsSourceId?: string;
}

/** An event: its base and either `kind` (an EventKind) or `ignored` (a reason). */
export type NormalisedEvent = NormalisedEventBase & Classification;
