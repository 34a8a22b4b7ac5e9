/**
 * Which kind of event a statement is (xapi-mapping.md, "Which kind"), by the table in
 * kind-rules.ts. Pure: reads only the statement, never throws, whatever the input's shape
 * (validation is a separate step); a part that is missing or malformed is simply not used.
 *
 * Order:
 *  0. a voiding statement is ignored (`voiding`) whatever else it says — xAPI defines voiding by
 *     the verb alone; a statement marked as done by an impersonator is ignored (`impersonated`);
 *  1. the source's own event name: Moodle's `event_name` (xAPI), the Caliper event type;
 *  2. verb × object type — the verb's class and the object's category; a verb whose statements
 *     are always ignored (login, subscriptions…) decides here; an unknown verb is `other`;
 *  3. the object URL: when the type is absent, unknown or ambiguous, a Moodle module URL
 *     (`/mod/<name>/`) gives the object's category (resource or activity); the verb still
 *     applies (editing a page is not viewing it);
 *  4. otherwise the verb class's default (viewing something unknown: `other`; starting,
 *     submitting… something unknown: `activity`; replying: `post`; commenting: `comment`).
 */
import { z } from 'zod';
import {
  AMBIGUOUS_OBJECT_TYPES,
  CALIPER_EVENT_RULES,
  CANVAS_ASSET_TYPES,
  IMPERSONATION_MARKERS,
  KIND_MATRIX,
  MODULE_URL_PATTERN,
  MOODLE_EVENT_RULES,
  MOODLE_INFO_EXTENSION,
  OBJECT_TYPE_RULES,
  VERB_RULES,
  VOIDED_VERB,
  moodleModuleCategory,
  normaliseIri,
  type Classification,
  type IgnoredReason,
  type MoodleEventRule,
  type ObjectCategory,
} from './kind-rules.js';

export type { Classification, IgnoredReason } from './kind-rules.js';

/** Which step of the order decided. */
export type ClassificationStep = 'voiding' | 'impersonation' | 'source-event' | 'verb' | 'verb-object-type' | 'object-url' | 'verb-default' | 'unknown-verb';

/** The classification and the step that made it (for review and tests). */
export interface ExplainedClassification {
  outcome: Classification;
  step: ClassificationStep;
}

/**
 * What classification looks at, already read from a statement or a Caliper event. Verb and type
 * as sent: xAPI IRIs or Caliper terms (normalised here).
 */
export interface ClassificationInput {
  /** xAPI verb id, or Caliper action (term). */
  verb?: string | undefined;
  /** xAPI `object.definition.type`, or Caliper object type (term). */
  objectType?: string | undefined;
  /** xAPI `object.id`, or Caliper object id. */
  objectId?: string | undefined;
  /** Moodle's event name (xAPI statements from Moodle's plugin). */
  moodleEventName?: string | undefined;
  /** Caliper event type (term). */
  caliperEventType?: string | undefined;
  /** Canvas `asset_type` of a Caliper object. */
  canvasAssetType?: string | undefined;
  /** Whether someone else acted as the actor. */
  impersonated?: boolean | undefined;
}

const text = z.string().trim().min(1);
const optionalText = text.optional().catch(undefined);
const record = z.record(z.string(), z.unknown());

/** The parts of a statement classification reads; each part independently optional. */
const statementParts = z
  .object({
    verb: z.object({ id: optionalText }).optional().catch(undefined),
    object: z
      .object({
        objectType: optionalText,
        id: optionalText,
        definition: z.object({ type: optionalText }).optional().catch(undefined),
      })
      .optional()
      .catch(undefined),
    context: z.object({ extensions: record.optional().catch(undefined) }).optional().catch(undefined),
  })
  .catch({});

/** The Moodle event name of a statement (`\mod_forum\event\post_created`), when it has one. */
export function moodleEventName(statement: unknown): string | undefined {
  const extensions = statementParts.parse(statement).context?.extensions;
  return readMoodleEventName(extensions);
}

function readMoodleEventName(extensions: Record<string, unknown> | undefined): string | undefined {
  const info = extensions?.[MOODLE_INFO_EXTENSION];
  if (!info || typeof info !== 'object') return undefined;
  const name = (info as Record<string, unknown>).event_name;
  if (typeof name !== 'string' || name.trim() === '') return undefined;
  const trimmed = name.trim();
  return trimmed.startsWith('\\') ? trimmed : `\\${trimmed}`;
}

function isImpersonated(extensions: Record<string, unknown> | undefined): boolean {
  return IMPERSONATION_MARKERS.some(({ extension, field }) => {
    const value = extensions?.[extension];
    if (!value || typeof value !== 'object') return false;
    const by = (value as Record<string, unknown>)[field];
    return (typeof by === 'string' && by.trim() !== '') || (typeof by === 'number' && by !== 0);
  });
}

/** What the parts of a statement say, for classifyParts. */
export function classificationInputOfStatement(statement: unknown): ClassificationInput {
  const parts = statementParts.parse(statement);
  const extensions = parts.context?.extensions;
  // A StatementRef's or an Agent's id is not an activity; only an Activity's type and id count.
  const objectType = parts.object?.objectType;
  const isActivity = objectType === undefined || objectType === 'Activity';
  return {
    verb: parts.verb?.id,
    objectType: isActivity ? parts.object?.definition?.type : undefined,
    objectId: isActivity ? parts.object?.id : undefined,
    moodleEventName: readMoodleEventName(extensions),
    impersonated: isImpersonated(extensions),
  };
}

/**
 * The kind of an xAPI statement, or why it is ignored (xapi-mapping.md, "Which kind"). An unknown
 * verb or object gives `{ kind: 'other' }`: it opens or extends a visit and is kept for review.
 */
export function classifyStatement(statement: unknown): Classification {
  return classifyParts(classificationInputOfStatement(statement)).outcome;
}

/** classifyStatement with the step that decided. */
export function explainStatement(statement: unknown): ExplainedClassification {
  return classifyParts(classificationInputOfStatement(statement));
}

/** The Moodle module a URL names (`…/mod/page/view.php?id=3` → `page`). */
export function moduleOfUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  return MODULE_URL_PATTERN.exec(path)?.[1];
}

function matchesMoodleRule(rule: MoodleEventRule, event: string, verb: string | undefined): boolean {
  const nameMatches = rule.suffix ? event.endsWith(rule.event) : event === rule.event;
  return nameMatches && (rule.verb === undefined || rule.verb === verb);
}

function moodleOutcome(event: string, verb: string | undefined, objectId: string | undefined): Classification | undefined {
  const rule = MOODLE_EVENT_RULES.find((r) => matchesMoodleRule(r, event, verb));
  if (!rule) return undefined;
  if (rule.outcome !== 'module') return rule.outcome;
  const module = moduleOfUrl(objectId) ?? /^\\mod_([a-z][a-z0-9_]*)\\/.exec(event)?.[1];
  return { kind: module ? moodleModuleCategory(module) : 'activity' };
}

function objectCategory(input: ClassificationInput, objectType: string | undefined): { category: ObjectCategory; fromUrl: boolean } | undefined {
  const module = moduleOfUrl(input.objectId);
  const asset = input.canvasAssetType?.trim();
  if (asset && CANVAS_ASSET_TYPES[asset]) return { category: CANVAS_ASSET_TYPES[asset]!, fromUrl: false };
  if (objectType !== undefined) {
    const ambiguous = AMBIGUOUS_OBJECT_TYPES[objectType];
    if (ambiguous) return module ? { category: moodleModuleCategory(module), fromUrl: true } : { category: ambiguous, fromUrl: false };
    const known = OBJECT_TYPE_RULES[objectType];
    if (known) return { category: known, fromUrl: false };
  }
  return module ? { category: moodleModuleCategory(module), fromUrl: true } : undefined;
}

/**
 * The classification of already-read parts, in the order of xapi-mapping.md (see the top of
 * this file). Shared by the xAPI and the Caliper paths.
 */
export function classifyParts(input: ClassificationInput): ExplainedClassification {
  const verb = input.verb === undefined ? undefined : normaliseIri(input.verb);
  if (verb === VOIDED_VERB) return { outcome: { ignored: 'voiding' }, step: 'voiding' };
  if (input.impersonated) return { outcome: { ignored: 'impersonated' }, step: 'impersonation' };

  if (input.moodleEventName) {
    const outcome = moodleOutcome(input.moodleEventName, verb, input.objectId);
    if (outcome) return { outcome, step: 'source-event' };
  }
  if (input.caliperEventType) {
    const rule = CALIPER_EVENT_RULES.find((r) => r.eventType === input.caliperEventType && (r.action === undefined || r.action === verb));
    if (rule) return { outcome: rule.outcome, step: 'source-event' };
  }

  const verbRule = verb === undefined ? undefined : VERB_RULES[verb];
  if (verbRule === undefined) return { outcome: { kind: 'other' }, step: 'unknown-verb' };
  if (typeof verbRule !== 'string') return { outcome: verbRule, step: 'verb' };

  const objectType = input.objectType === undefined ? undefined : normaliseIri(input.objectType);
  const found = objectCategory(input, objectType);
  const row = KIND_MATRIX[verbRule];
  if (found) {
    const byCategory = row.byCategory[found.category];
    return { outcome: { kind: byCategory ?? row.otherwise }, step: found.fromUrl ? 'object-url' : 'verb-object-type' };
  }
  return { outcome: { kind: row.otherwise }, step: 'verb-default' };
}
