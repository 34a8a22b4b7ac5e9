/**
 * Which course a statement belongs to (xapi-mapping.md, "Which course"): the LTI context id of
 * the platform whose ingest credentials sent it. Pure; never throws; a statement whose course
 * cannot be told yet gives `undefined` and is stored unresolved (a later launch or a setting may
 * resolve it when the statement is read again).
 *
 * In order:
 *  1. `context.extensions["https://purl.imsglobal.org/spec/lti/claim/context"]` — when present it
 *     decides, even for a context not launched yet: an object with a non-empty `id` gives that id;
 *     present but without a usable id it still decides, and gives no course (the sender meant a
 *     context; another rule must not guess a different one);
 *  2. a course URL (by default Moodle's `<issuer>/course/view.php?id=<id>`) among the activity ids
 *     of `context.contextActivities` `parent`, then `grouping`, then `category`, then the object
 *     id; the first one found wins;
 *  3. `context.registration` equal (case-insensitively: it is a UUID) to a configured course key.
 */
import { z } from 'zod';

/** The extension carrying an LTI context claim (the generic form of xapi-mapping.md). */
export const LTI_CONTEXT_EXTENSION = 'https://purl.imsglobal.org/spec/lti/claim/context';

/**
 * Moodle's course URL form. `{issuer}` is the platform's issuer (its LMS base URL), `{id}` the
 * LTI context id (a Moodle course id).
 */
export const MOODLE_COURSE_URL_FORM = '{issuer}/course/view.php?id={id}';

/** Which rule found the course. */
export type CourseRule = 'lti-context-extension' | 'course-url' | 'registration';

export interface CourseMatch {
  contextId: string;
  rule: CourseRule;
}

/** What course resolution needs of a platform. */
export interface CoursePlatform {
  /** The platform's LTI issuer: its LMS base URL for course URLs. */
  issuer: string;
  /**
   * Course URL forms, each a URL with `{id}` where the context id is (and optionally `{issuer}`
   * at its start). When given they replace the default `[MOODLE_COURSE_URL_FORM]` — list it too to
   * keep it. The scheme (http/https), the host's case and a trailing slash of the issuer do not
   * matter; the rest must match exactly.
   */
  courseUrlForms?: readonly string[];
  /** Course keys: `context.registration` value (e.g. Brightspace's OrgUnit UUID) → LTI context id. */
  registrationKeys?: Readonly<Record<string, string>>;
}

const text = z.string().trim().min(1);
const optionalText = text.optional().catch(undefined);
// Built once: this runs for every statement, and building a zod schema costs more than using it.
const activityId = z.object({ id: text });
const activityIds = z
  .union([z.array(z.unknown()), z.unknown().transform((one) => [one])])
  .transform((items) => items.flatMap((item) => {
    const parsed = activityId.safeParse(item);
    return parsed.success ? [parsed.data.id] : [];
  }))
  .optional()
  .catch(undefined);

const courseParts = z
  .object({
    object: z.object({ id: optionalText }).optional().catch(undefined),
    context: z
      .object({
        registration: optionalText,
        extensions: z.record(z.string(), z.unknown()).optional().catch(undefined),
        contextActivities: z
          .object({ parent: activityIds, grouping: activityIds, category: activityIds })
          .optional()
          .catch(undefined),
      })
      .optional()
      .catch(undefined),
  })
  .catch({});

const contextClaim = z.object({ id: z.union([text, z.number().int().transform(String)]) });

/** A URL without its scheme, with its host lower-cased and repeated slashes in its path made one. */
function schemeless(url: string): string {
  const withoutScheme = url.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = withoutScheme.indexOf('/');
  const host = (slash < 0 ? withoutScheme : withoutScheme.slice(0, slash)).toLowerCase();
  const rest = slash < 0 ? '' : withoutScheme.slice(slash).replace(/\/{2,}/g, '/');
  return host + rest;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

type FormMatcher = (url: string) => string | undefined;

// Matchers by (form, issuer): a platform has one or two forms, and every statement asks for them.
const matchers = new Map<string, FormMatcher>();

/** A matcher for one course URL form of a platform (cached): the context id of a URL, or undefined. */
function formMatcher(form: string, issuer: string): FormMatcher {
  const key = `${form}\n${issuer}`;
  let matcher = matchers.get(key);
  if (!matcher) {
    if (matchers.size > 1000) matchers.clear(); // a bound, not an expected case: there are few platforms
    matcher = makeFormMatcher(form, issuer);
    matchers.set(key, matcher);
  }
  return matcher;
}

function makeFormMatcher(form: string, issuer: string): FormMatcher {
  const base = schemeless(issuer).replace(/\/+$/, '');
  const expanded = form.includes('{issuer}') ? form.replace('{issuer}', base) : schemeless(form);
  const normalisedForm = schemeless(expanded);
  const [before, after = ''] = normalisedForm.split('{id}');
  if (!normalisedForm.includes('{id}')) return () => undefined;
  const pattern = new RegExp(`^${escapeRegExp(before ?? '')}([^/?#&]+)${escapeRegExp(after)}$`);
  return (url) => {
    const id = pattern.exec(schemeless(url))?.[1];
    if (id === undefined) return undefined;
    try {
      return decodeURIComponent(id);
    } catch {
      return id;
    }
  };
}

/** The context id in a course URL of the platform, or undefined. */
export function contextIdOfCourseUrl(url: string, platform: CoursePlatform): string | undefined {
  const forms = platform.courseUrlForms ?? [MOODLE_COURSE_URL_FORM];
  for (const form of forms) {
    const id = formMatcher(form, platform.issuer)(url);
    if (id !== undefined) return id;
  }
  return undefined;
}

/** The course of a statement sent by `platform`, and the rule that found it; undefined when none applies yet. */
export function courseOfStatement(statement: unknown, platform: CoursePlatform): CourseMatch | undefined {
  const parts = courseParts.parse(statement);
  const extensions = parts.context?.extensions;

  if (extensions && Object.hasOwn(extensions, LTI_CONTEXT_EXTENSION)) {
    const claim = contextClaim.safeParse(extensions[LTI_CONTEXT_EXTENSION]);
    return claim.success ? { contextId: claim.data.id, rule: 'lti-context-extension' } : undefined;
  }

  const activities = parts.context?.contextActivities;
  const candidates = [...(activities?.parent ?? []), ...(activities?.grouping ?? []), ...(activities?.category ?? [])];
  if (parts.object?.id) candidates.push(parts.object.id);
  const forms = (platform.courseUrlForms ?? [MOODLE_COURSE_URL_FORM]).map((form) => formMatcher(form, platform.issuer));
  for (const url of candidates) {
    for (const match of forms) {
      const contextId = match(url);
      if (contextId !== undefined) return { contextId, rule: 'course-url' };
    }
  }

  const registration = parts.context?.registration?.toLowerCase();
  if (registration && platform.registrationKeys) {
    for (const [key, contextId] of Object.entries(platform.registrationKeys)) {
      if (key.trim().toLowerCase() === registration) return { contextId, rule: 'registration' };
    }
  }
  return undefined;
}
