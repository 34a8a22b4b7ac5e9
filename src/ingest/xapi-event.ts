/**
 * An xAPI statement, validated, as one normalised event: its id (sent, or derived from its
 * content so Moodle's id-less re-sends are recognised), its time (the statement's timestamp;
 * only a statement without one takes the time it was stored), who, which course, what kind.
 */
import { classifyStatement } from './classify.js';
import { courseOfStatement, type CoursePlatform } from './course-reference.js';
import { isoDurationToSeconds } from './iso-duration.js';
import type { NormalisedEvent } from './normalised-event.js';
import { personOfStatement } from './person-reference.js';
import { deriveStatementId } from './statement-id.js';
import type { Statement } from './statement-validation.js';

/** activity-reports.md: a `result.duration` counts for at most 4 hours. */
export const MAX_EVENT_DURATION_SECONDS = 4 * 3600;

export function normaliseStatement(statement: Statement, storedAt: Date, platform: CoursePlatform): NormalisedEvent {
  const object = statement.object as { objectType?: string; id?: string };
  const isActivity = object.objectType === undefined || object.objectType === 'Activity';
  const duration = statement.result?.duration === undefined ? null : isoDurationToSeconds(statement.result.duration);
  const classification = classifyStatement(statement);
  return {
    source: 'xapi',
    sourceId: (statement.id ?? deriveStatementId(statement)).toLowerCase(),
    at: statement.timestamp ? new Date(statement.timestamp).toISOString() : storedAt.toISOString(),
    person: personOfStatement(statement),
    course: courseOfStatement(statement, platform),
    objectId: isActivity ? object.id : undefined,
    ...(duration !== null && duration > 0 ? { durationSeconds: Math.min(duration, MAX_EVENT_DURATION_SECONDS) } : {}),
    ...('ignored' in classification && classification.ignored === 'voiding' && object.objectType === 'StatementRef' && object.id
      ? { voidsSourceId: object.id.toLowerCase() }
      : {}),
    ...classification,
  };
}
