/**
 * What one event is, for every figure of activity-reports.md: the kinds a statement, a Caliper
 * event or a launch maps to (xapi-mapping.md, "Which kind").
 */

/**
 * - `visit`: opened the course or the tool; opens or extends a visit, not an action.
 * - `resource`, `activity`: viewed content / something to do; actions.
 * - `thread`: started a discussion thread; one action, one communication, and in the totals one
 *   thread started and one discussion post.
 * - `post`: a discussion post or reply, or a message; one action, one communication.
 * - `comment`: a comment on a bulletin or announcement; one action, one communication.
 * - `other`: edits, deletions, unknown verbs; opens or extends a visit, not an action.
 */
export type EventKind = 'visit' | 'resource' | 'activity' | 'thread' | 'post' | 'comment' | 'other';

export const EVENT_KINDS: readonly EventKind[] = ['visit', 'resource', 'activity', 'thread', 'post', 'comment', 'other'];

/** Kinds that are actions (activity-reports.md, "Actions"). */
export const ACTION_KINDS: ReadonlySet<EventKind> = new Set(['resource', 'activity', 'thread', 'post', 'comment']);

/** Kinds that are communications. */
export const COMMUNICATION_KINDS: ReadonlySet<EventKind> = new Set(['thread', 'post', 'comment']);
