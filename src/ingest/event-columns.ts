/** The source_events columns every source (xAPI, Caliper, launches) fills the same way from its NormalisedEvent. */
import type { NormalisedEvent } from './normalised-event.js';

/** The columns every source fills the same way: what the mapping made of the event, and where it was resolved. */
export function mappedColumns(event: NormalisedEvent, contextId: string | null, userId: string | null) {
  return {
    activityId: event.objectId ?? null,
    kind: 'kind' in event ? event.kind : null,
    ignored: 'ignored' in event ? event.ignored : null,
    durationSeconds: event.durationSeconds ?? null,
    courseRef: event.course ?? null,
    personRef: event.person,
    contextId,
    userId,
  };
}

