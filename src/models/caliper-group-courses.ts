/**
 * Which launched course a Caliper `group` is. Canvas and Blackboard name the LMS's own course in
 * their Caliper events (`caliper-group` course references), never the LTI context id, so the join
 * goes through what the course's latest launch told us: its custom claim, `courses.custom`.
 *
 * The join, as data ({@link GROUP_COURSE_KEYS}): a custom parameter of the launch ↔ a field of the
 * stored course reference.
 *  - `canvas_course_id` (`$Canvas.course.id`, asked for by lti-config.json and Dynamic
 *    Registration) ↔ the group's Canvas `entity_id` (`lmsCourseId`), or the id in a thinned group
 *    IRI `urn:instructure:canvas:course:<id>`. Caliper carries Canvas's *global* ids (shard ×
 *    10^13 + local id: `31000000000000777`) where `$Canvas.course.id` gives the local one (`777`),
 *    so both sides are compared by their local id (the last 13 digits, without leading zeros).
 *  - `course_batch_uid` (Blackboard: `@X@course.batch_uid@X@`, which the admin adds to the
 *    placement's custom parameters) ↔ the group's `courseNumber` (Blackboard's course batch_uid).
 *
 * The same SQL expression decides both ways — an incoming event looking for its course
 * ({@link coursesOfGroups}) and a course looking for its waiting events (pending-events.ts) — so the
 * two never disagree. A reference that matches more than one course of the platform matches none:
 * the event waits rather than count in the wrong course.
 */
import type { Queryable } from './database.js';

/** A custom parameter of the course's launches and the course-reference field it must equal. */
export interface GroupCourseKey {
  custom: string;
  /** SQL over a course reference (`{ref}` is replaced by the jsonb expression). */
  reference: string;
  /** Applied to both sides before comparing (`{value}` is replaced); absent: compared as they are. */
  normalise?: string;
}

/** Canvas global id → local id; any other value unchanged. */
const CANVAS_LOCAL_ID = `(case when {value} ~ '^[0-9]{14,}$' then ltrim(right({value}, 13), '0') else {value} end)`;

export const GROUP_COURSE_KEYS: readonly GroupCourseKey[] = [
  {
    custom: 'canvas_course_id',
    reference: `coalesce({ref}->>'lmsCourseId', substring({ref}->>'groupId' from '^urn:instructure:canvas:course:([0-9]+)$'))`,
    normalise: CANVAS_LOCAL_ID,
  },
  { custom: 'course_batch_uid', reference: `({ref}->>'courseNumber')` },
];

/**
 * The SQL condition "course reference `ref` (a jsonb expression) is a group of course `course`
 * (an alias of `courses`)". Only names and fixed keys go into the text; values stay parameters.
 */
export function groupMatchesCourse(ref: string, course: string): string {
  // A function replacement: the SQL holds `$'`, which a replacement string would expand.
  const fill = (template: string, name: string, value: string) => template.replaceAll(name, () => value);
  const keys = GROUP_COURSE_KEYS.map((key) => {
    const apply = (value: string) => (key.normalise ? fill(key.normalise, '{value}', value) : value);
    const custom = `(${course}.custom->>'${key.custom}')`;
    return `${apply(fill(key.reference, '{ref}', ref))} = ${apply(custom)}`;
  });
  return `(${ref}->>'rule' = 'caliper-group' and (${keys.join(' or ')}))`;
}

/**
 * For each of `references` (caliper-group course references), the one course of the platform it
 * designates, by its index; references matching no course or several are absent.
 */
export async function coursesOfGroups(q: Queryable, platformId: string, references: readonly unknown[]): Promise<Map<number, string>> {
  if (references.length === 0) return new Map();
  const rows = await q.query<{ i: number; context_id: string }>(
    `select r.i::int as i, min(c.context_id) as context_id
     from jsonb_array_elements($2::jsonb) with ordinality as r(ref, i)
     join courses c on c.platform_id = $1 and ${groupMatchesCourse('r.ref', 'c')}
     group by r.i
     having count(*) = 1`,
    [platformId, JSON.stringify(references)],
  );
  return new Map(rows.map((row) => [row.i - 1, row.context_id]));
}
