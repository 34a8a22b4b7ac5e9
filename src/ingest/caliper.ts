/**
 * IMS Caliper (1.1 and 1.2; Canvas and Blackboard send 1.1) to NormalisedEvent: the envelope, and
 * each event of its `data` — what kind (classify.ts's rules), who, which course, when. Pure and
 * database-free; zod checks only the parts used. An item that cannot be used gives a typed reason.
 *
 * Entities may be whole objects or bare IRIs ("thinned" events); `@id`/`@type` (Caliper 1.0,
 * JSON-LD) are read like `id`/`type`, and IRI-form types and actions like their terms.
 */
import { z } from 'zod';
import { classifyParts } from './classify.js';
import { LTI_CONTEXT_EXTENSION } from './course-reference.js';
import { isoDurationToSeconds } from './iso-duration.js';
import { CANVAS_EXTENSION, caliperTerm } from './kind-rules.js';
import type { CourseReference, NormalisedEvent } from './normalised-event.js';
import { compactReference, type PersonReference } from './person-reference.js';

/** The Caliper data versions accepted in an envelope (Canvas and Blackboard send 1.1). */
export const CALIPER_DATA_VERSIONS: readonly string[] = [
  'http://purl.imsglobal.org/ctx/caliper/v1p1',
  'http://purl.imsglobal.org/ctx/caliper/v1p2',
];

export interface CaliperEnvelope {
  sensor: string;
  sendTime: string;
  dataVersion: string;
  data: unknown[];
}

/** Why an envelope is refused: 400 (`malformed-envelope`) or 422 (`unsupported-data-version`) at the endpoint. */
export type CaliperEnvelopeProblem = 'malformed-envelope' | 'unsupported-data-version';

/**
 * Why one item of `data` gives no event:
 * - `not-an-event`: an entity "describe" (no `action`, no `eventTime`), or not an object at all;
 * - `malformed-event`: an event without a usable `id`, `type`, `action`, `actor` or `object`;
 * - `bad-event-time`: `eventTime` is not an ISO 8601 date-time with a time zone;
 * - `actor-not-a-person`: the actor is a `SoftwareApplication` or another non-person (system events).
 */
export type CaliperUnusableReason = 'not-an-event' | 'malformed-event' | 'bad-event-time' | 'actor-not-a-person';

export type CaliperResult = { event: NormalisedEvent } | { unusable: CaliperUnusableReason; detail: string; sourceId?: string };

const text = z.string().trim().min(1);
const optionalText = text.optional().catch(undefined);
const record = z.record(z.string(), z.unknown());
const optionalRecord = record.optional().catch(undefined);

/**
 * The envelope: exactly `sensor`, `sendTime`, `dataVersion` and `data` (Caliper 1.2 §5; custom
 * keys are refused), `data` an array.
 */
const envelopeSchema = z.strictObject({
  sensor: text,
  sendTime: text,
  dataVersion: text,
  data: z.array(z.unknown()),
});

const describe = (error: z.ZodError): string =>
  error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');

/** The envelope of a request body, or why it is refused. */
export function readCaliperEnvelope(body: unknown): { envelope: CaliperEnvelope } | { problem: CaliperEnvelopeProblem; detail: string } {
  const parsed = envelopeSchema.safeParse(body);
  if (!parsed.success) return { problem: 'malformed-envelope', detail: describe(parsed.error) };
  if (!CALIPER_DATA_VERSIONS.includes(parsed.data.dataVersion)) {
    return { problem: 'unsupported-data-version', detail: `dataVersion ${parsed.data.dataVersion} is not one of ${CALIPER_DATA_VERSIONS.join(', ')}` };
  }
  return { envelope: parsed.data };
}

/** Every item of an envelope, normalised; or why the envelope is refused. */
export function normaliseCaliperEnvelope(body: unknown): { results: CaliperResult[] } | { problem: CaliperEnvelopeProblem; detail: string } {
  const read = readCaliperEnvelope(body);
  if ('problem' in read) return read;
  return { results: read.envelope.data.map(normaliseCaliperEvent) };
}

// ---------------------------------------------------------------------------------------------
// Entities

interface Entity {
  id?: string;
  type?: string;
  extensions?: Record<string, unknown>;
  fields: Record<string, unknown>;
}

/** An entity as an object or a bare IRI; `@id`/`@type` read as `id`/`type`; type as a term. */
const entity = z
  .union([
    text.transform((id): Entity => ({ id, fields: {} })),
    z
      .looseObject({ id: optionalText, '@id': optionalText, type: optionalText, '@type': optionalText, extensions: optionalRecord })
      .transform((e): Entity => {
        const id = e.id ?? e['@id'];
        const type = e.type ?? e['@type'];
        return {
          ...(id !== undefined ? { id } : {}),
          ...(type !== undefined ? { type: caliperTerm(type) } : {}),
          ...(e.extensions !== undefined ? { extensions: e.extensions } : {}),
          fields: e,
        };
      }),
  ]);

const optionalEntity = entity.optional().catch(undefined);

const eventSchema = z.object({
  id: optionalText,
  '@id': optionalText,
  type: optionalText,
  '@type': optionalText,
  action: text,
  actor: entity,
  object: entity,
  eventTime: text,
  group: optionalEntity,
  session: optionalEntity,
  federatedSession: optionalEntity,
  generated: optionalEntity,
  extensions: optionalRecord,
});

type CaliperEvent = z.infer<typeof eventSchema>;

const isoDateTime = z.iso.datetime({ offset: true });

/** A string field of an entity's vendor extension (`extensions[vendor][field]`, or `extensions[field]`). */
function extensionText(e: Entity | undefined, field: string, vendor?: string): string | undefined {
  const holder = vendor === undefined ? e?.extensions : e?.extensions?.[vendor];
  if (!holder || typeof holder !== 'object') return undefined;
  const value = (holder as Record<string, unknown>)[field];
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

const fieldText = (e: Entity | undefined, field: string): string | undefined => {
  const value = e?.fields[field];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
};

// ---------------------------------------------------------------------------------------------
// Who

/** Where sources put the actor's LMS id and SIS id (Canvas §3.2, Blackboard §3.3). */
export const CALIPER_ACTOR_IDS: readonly { vendor?: string; field: string; as: 'lmsUserId' | 'sourcedId' }[] = [
  { vendor: CANVAS_EXTENSION, field: 'entity_id', as: 'lmsUserId' },
  { vendor: CANVAS_EXTENSION, field: 'user_sis_id', as: 'sourcedId' },
  { field: 'bb:user.id', as: 'lmsUserId' },
  { field: 'bb:user.externalId', as: 'sourcedId' },
];

const LTI_LIS_CLAIM = 'https://purl.imsglobal.org/spec/lti/claim/lis';

function messageParameters(event: CaliperEvent): Record<string, unknown> | undefined {
  const parameters = event.federatedSession?.fields.messageParameters;
  return parameters && typeof parameters === 'object' && !Array.isArray(parameters) ? (parameters as Record<string, unknown>) : undefined;
}

function personOfCaliperEvent(event: CaliperEvent): PersonReference {
  const ref: { [K in keyof PersonReference]?: string | undefined } = { actorId: event.actor.id };
  for (const { vendor, field, as } of CALIPER_ACTOR_IDS) ref[as] ??= extensionText(event.actor, field, vendor);
  const lti = messageParameters(event);
  if (lti) {
    const sub = text.safeParse(lti.sub);
    if (sub.success) ref.ltiUserId = sub.data;
    const email = text.safeParse(lti.email);
    if (email.success) ref.mbox = `mailto:${email.data}`;
    const lis = z.object({ person_sourcedid: text }).safeParse(lti[LTI_LIS_CLAIM]);
    if (lis.success) ref.sourcedId ??= lis.data.person_sourcedid;
  }
  return compactReference(ref);
}

// ---------------------------------------------------------------------------------------------
// Which course

const COURSE_TYPES = new Set(['CourseOffering', 'CourseSection']);
const contextClaim = z.object({ id: z.union([text, z.number().int().transform(String)]) });

function courseOfGroup(group: Entity): CourseReference | undefined {
  if (!group.id) return undefined;
  if (group.type === undefined || COURSE_TYPES.has(group.type)) {
    const courseNumber = fieldText(group, 'courseNumber');
    const lmsCourseId = extensionText(group, 'entity_id', CANVAS_EXTENSION);
    return {
      rule: 'caliper-group',
      groupId: group.id,
      ...(group.type !== undefined ? { groupType: group.type } : {}),
      ...(courseNumber !== undefined ? { courseNumber } : {}),
      ...(lmsCourseId !== undefined ? { lmsCourseId } : {}),
    };
  }
  // A course group (type Group): its course is what it is a sub-organization of.
  const parent = entity.safeParse(group.fields.subOrganizationOf);
  return parent.success && parent.data.type !== 'Group' ? courseOfGroup(parent.data) : undefined;
}

/**
 * The course, in order: an LTI context extension on the event (decides when present, as for
 * xAPI); the LTI context claim of the federated LTI session; the `group` (a CourseOffering or
 * CourseSection, or the course a Group belongs to).
 */
function courseOfCaliperEvent(event: CaliperEvent): CourseReference | undefined {
  if (event.extensions && Object.hasOwn(event.extensions, LTI_CONTEXT_EXTENSION)) {
    const claim = contextClaim.safeParse(event.extensions[LTI_CONTEXT_EXTENSION]);
    return claim.success ? { contextId: claim.data.id, rule: 'lti-context-extension' } : undefined;
  }
  const session = contextClaim.safeParse(messageParameters(event)?.[LTI_CONTEXT_EXTENSION]);
  if (session.success) return { contextId: session.data.id, rule: 'lti-federated-session' };
  return event.group ? courseOfGroup(event.group) : undefined;
}

// ---------------------------------------------------------------------------------------------
// The event

/** One item of an envelope's `data` as a NormalisedEvent, or why it gives none. */
export function normaliseCaliperEvent(item: unknown): CaliperResult {
  if (!item || typeof item !== 'object' || Array.isArray(item)) return { unusable: 'not-an-event', detail: 'not an object' };
  const raw = item as Record<string, unknown>;
  const rawId = text.safeParse(raw.id ?? raw['@id']);
  const sourceId = rawId.success ? { sourceId: rawId.data } : {};
  if (raw.action === undefined && raw.eventTime === undefined) {
    return { unusable: 'not-an-event', detail: 'an entity (no action, no eventTime)', ...sourceId };
  }
  const parsed = eventSchema.safeParse(item);
  if (!parsed.success) return { unusable: 'malformed-event', detail: describe(parsed.error), ...sourceId };
  const event = parsed.data;
  const id = event.id ?? event['@id'];
  const rawType = event.type ?? event['@type'];
  if (id === undefined) return { unusable: 'malformed-event', detail: 'id: no event id' };
  if (rawType === undefined) return { unusable: 'malformed-event', detail: 'type: no event type', sourceId: id };
  if (!isoDateTime.safeParse(event.eventTime).success || Number.isNaN(Date.parse(event.eventTime))) {
    return { unusable: 'bad-event-time', detail: `eventTime ${JSON.stringify(event.eventTime)} is not an ISO 8601 date-time with a time zone`, sourceId: id };
  }
  if (event.actor.type !== undefined && event.actor.type !== 'Person') {
    return { unusable: 'actor-not-a-person', detail: `actor type ${event.actor.type}`, sourceId: id };
  }

  const outcome = classifyParts({
    verb: caliperTerm(event.action),
    objectType: event.object.type,
    objectId: event.object.id,
    caliperEventType: caliperTerm(rawType),
    canvasAssetType: extensionText(event.object, 'asset_type', CANVAS_EXTENSION),
  }).outcome;

  const duration = fieldText(event.generated, 'duration');
  const durationSeconds = duration === undefined ? null : isoDurationToSeconds(duration);
  const sessionId = event.session?.id;

  return {
    event: {
      source: 'caliper',
      sourceId: id,
      at: new Date(event.eventTime).toISOString(),
      ...outcome,
      person: personOfCaliperEvent(event),
      course: courseOfCaliperEvent(event),
      objectId: event.object.id,
      ...(durationSeconds !== null ? { durationSeconds } : {}),
      ...(sessionId !== undefined ? { sessionId } : {}),
    },
  };
}
