/**
 * A Caliper envelope as a batch for store-events.ts, and the summary `POST /caliper` answers.
 * Pure. caliper.ts maps each item; this step gives each event its identity, sets aside the items
 * that give no event (entity describes, system actors, malformed items: reported, not stored, and
 * they do not fail the envelope) and refuses an envelope that is not one (400) or of a Caliper
 * version we do not read (422).
 *
 * Identity: the event's `id`. Caliper 1.1/1.2 ids are `urn:uuid:` UUIDs, and Blackboard sends the
 * bare UUID; both spellings, in any case, are one id, kept as `urn:uuid:<lower case>`. Other ids
 * (IRIs) are kept as sent. A re-send is the same event when everything but the spelling of its id
 * is equal; an envelope naming one id twice with different content is refused whole.
 */
import { isDeepStrictEqual } from 'node:util';
import { normaliseCaliperEnvelope, type CaliperUnusableReason } from './caliper.js';
import type { EventNotCounted, EventOutcome, PreparedEvent } from './store-events.js';

export interface CaliperUnusable {
  /** Its index in the envelope's `data`. */
  index: number;
  reason: CaliperUnusableReason;
  detail: string;
  /** Its id, when it has one. */
  id?: string;
}

export interface CaliperBatch {
  /** Items in `data`. */
  received: number;
  /** The distinct events, in envelope order. */
  events: PreparedEvent[];
  /** Items of `data` that repeat an event of the same envelope (identical: stored once). */
  repeated: number;
  unusable: CaliperUnusable[];
}

export type CaliperBatchResult = { ok: true; batch: CaliperBatch } | { ok: false; status: 400 | 422; error: string };

const UUID_ID = /^(?:urn:uuid:)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/** The identity of a Caliper event id: `urn:uuid:<lower case>` for a UUID, any other id as sent. */
export function caliperEventId(id: string): string {
  const uuid = UUID_ID.exec(id.trim())?.[1];
  return uuid === undefined ? id : `urn:uuid:${uuid.toLowerCase()}`;
}

const withoutId = (item: unknown): unknown => {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return item;
  const { id: _id, '@id': _atId, ...rest } = item as Record<string, unknown>;
  return rest;
};

/** Whether two Caliper events (as sent) are the same event: equal but for how their (equal) ids are spelt. */
export function sameCaliperEvent(stored: unknown, incoming: unknown): boolean {
  return isDeepStrictEqual(withoutId(stored), withoutId(incoming));
}

/** The envelope of a request body as a batch, or why it is refused. */
export function prepareCaliperEnvelope(body: unknown): CaliperBatchResult {
  const normalised = normaliseCaliperEnvelope(body);
  if ('problem' in normalised) {
    return normalised.problem === 'unsupported-data-version'
      ? { ok: false, status: 422, error: normalised.detail }
      : { ok: false, status: 400, error: `not a Caliper envelope {sensor, sendTime, dataVersion, data}: ${normalised.detail}` };
  }
  const data = (body as { data: unknown[] }).data;
  const events = new Map<string, PreparedEvent>();
  const unusable: CaliperUnusable[] = [];
  let repeated = 0;
  for (const [index, result] of normalised.results.entries()) {
    if ('unusable' in result) {
      unusable.push({ index, reason: result.unusable, detail: result.detail, ...(result.sourceId !== undefined ? { id: result.sourceId } : {}) });
      continue;
    }
    const sourceId = caliperEventId(result.event.sourceId);
    const path = `data[${index}]`;
    const first = events.get(sourceId);
    if (first) {
      if (!sameCaliperEvent(first.payload, data[index])) {
        return { ok: false, status: 400, error: `${path}.id: ${sourceId} is also the id of ${first.path}, with different content` };
      }
      repeated += 1;
      continue;
    }
    events.set(sourceId, { path, payload: data[index], event: { ...result.event, sourceId } });
  }
  return { ok: true, batch: { received: data.length, events: [...events.values()], repeated, unusable } };
}

/** What `POST /caliper` answers once the batch is committed. */
export interface CaliperSummary {
  received: number;
  /** Events new to CoursePulse. */
  stored: number;
  /** Events it had already (identical re-sends, and repeats within the envelope). */
  unchanged: number;
  /** Stored events that do not count in the figures (yet), and why. */
  notCounted: Array<{ id: string } & EventNotCounted>;
  /** Items that gave no event: not stored. */
  unusable: CaliperUnusable[];
}

export function caliperSummary(batch: CaliperBatch, outcomes: readonly EventOutcome[]): CaliperSummary {
  return {
    received: batch.received,
    stored: outcomes.filter((o) => o.outcome === 'stored').length,
    unchanged: outcomes.filter((o) => o.outcome === 'unchanged').length + batch.repeated,
    notCounted: outcomes.flatMap((o) => (o.notCounted ? [{ id: o.sourceId, ...o.notCounted }] : [])),
    unusable: batch.unusable,
  };
}
