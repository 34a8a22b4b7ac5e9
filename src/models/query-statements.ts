/**
 * Reading a platform's stored xAPI statements back (the Statements resource's GET): one statement
 * by id, or a filtered page in `stored` (arrival, `seq`) order. Always scoped to one platform, and
 * to xAPI statements; voided statements only by {@link findStatement} with `voided: true`.
 */
import type { Queryable } from './database.js';

export interface StatementFilter {
  /** An Agent or identified Group: its IFI key (statement-id.ts ifiKey) and its IFI as JSON (`{"mbox": …}`). */
  agent?: { key: string; ifi: Record<string, unknown> };
  verb?: string;
  activity?: string;
  /** Lower case. */
  registration?: string;
  /** `activity` also matches context activities and a SubStatement's activity. */
  relatedActivities?: boolean;
  /** `agent` also matches the authority, context instructor/team/agents/groups and a SubStatement's agents. */
  relatedAgents?: boolean;
  /** Exclusive, on `stored`. */
  since?: string;
  /** Inclusive, on `stored`. */
  until?: string;
  ascending?: boolean;
  /** Rows wanted; the query reads one more, so the caller knows whether there are more. */
  limit: number;
  /** The `seq` of the last statement of the previous page. */
  afterSeq?: number;
}

export interface StoredStatement {
  seq: number;
  payload: Record<string, unknown>;
  storedAt: Date;
}

export async function findStatement(q: Queryable, platformId: string, id: string, { voided }: { voided: boolean }): Promise<StoredStatement | undefined> {
  const [row] = await q.query<StoredStatement>(
    `select seq, payload, stored_at as "storedAt" from source_events
     where platform_id = $1 and source = 'xapi' and source_id = $2 and voided = $3`,
    [platformId, id.toLowerCase(), voided],
  );
  return row;
}

/** Where an agent may stand besides actor and object, for `related_agents` (as jsonb containment). */
const RELATED_AGENT_PATHS: ReadonlyArray<(ifi: Record<string, unknown>) => unknown> = [
  (ifi) => ({ authority: ifi }),
  (ifi) => ({ context: { instructor: ifi } }),
  (ifi) => ({ context: { team: ifi } }),
  (ifi) => ({ context: { contextAgents: [{ agent: ifi }] } }),
  (ifi) => ({ context: { contextGroups: [{ group: ifi }] } }),
  (ifi) => ({ object: { objectType: 'SubStatement', actor: ifi } }),
  (ifi) => ({ object: { objectType: 'SubStatement', object: ifi } }),
  (ifi) => ({ object: { objectType: 'SubStatement', context: { instructor: ifi } } }),
  (ifi) => ({ object: { objectType: 'SubStatement', context: { team: ifi } } }),
];

const CONTEXT_ACTIVITY_KEYS = ['parent', 'grouping', 'category', 'other'] as const;

/** Where an activity may stand besides the object, for `related_activities`. */
const RELATED_ACTIVITY_PATHS: ReadonlyArray<(id: string) => unknown> = [
  ...CONTEXT_ACTIVITY_KEYS.map((key) => (id: string) => ({ context: { contextActivities: { [key]: [{ id }] } } })),
  (id) => ({ object: { objectType: 'SubStatement', object: { id } } }),
  ...CONTEXT_ACTIVITY_KEYS.map((key) => (id: string) => ({ object: { objectType: 'SubStatement', context: { contextActivities: { [key]: [{ id }] } } } })),
];

/**
 * How deep a chain of StatementRefs is followed for the filters (a → b → c): a bound, because
 * statements are free to reference each other in a cycle.
 */
export const STATEMENT_REF_DEPTH = 10;

/**
 * Up to `limit + 1` statements matching the filter, newest first unless `ascending`.
 *
 * The filters other than time and paging also match a statement whose object is a StatementRef to
 * a statement that matches them, recursively, voided targets included (xAPI-Communication.md
 * §2.1.4 "Filter Conditions for StatementRefs"): filtering on a verb finds the statements voiding
 * or referencing a statement with that verb. Each candidate follows its own chain by primary key.
 */
export async function listStatements(q: Queryable, platformId: string, filter: StatementFilter): Promise<StoredStatement[]> {
  const params: unknown[] = [platformId];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  /** The filters' conditions on the row `e`, each value a parameter (shared by every alias). */
  const conditions: Array<(e: string) => string> = [];
  if (filter.agent) {
    const key = param(filter.agent.key);
    const ifi = param(JSON.stringify(filter.agent.ifi));
    const related = filter.relatedAgents ? RELATED_AGENT_PATHS.map((path) => param(JSON.stringify(path(filter.agent!.ifi)))) : [];
    conditions.push((e) => {
      const alternatives = [
        `${e}.actor_key = ${key}`,
        `(${e}.payload->'object'->>'objectType' in ('Agent', 'Group') and ${e}.payload->'object' @> ${ifi}::jsonb)`,
        ...related.map((p) => `${e}.payload @> ${p}::jsonb`),
      ];
      return `(${alternatives.join(' or ')})`;
    });
  }
  if (filter.verb !== undefined) {
    const verb = param(filter.verb);
    conditions.push((e) => `${e}.verb_id = ${verb}`);
  }
  if (filter.activity !== undefined) {
    const activity = param(filter.activity);
    const related = filter.relatedActivities ? RELATED_ACTIVITY_PATHS.map((path) => param(JSON.stringify(path(filter.activity!)))) : [];
    conditions.push((e) => `(${[`${e}.activity_id = ${activity}`, ...related.map((p) => `${e}.payload @> ${p}::jsonb`)].join(' or ')})`);
  }
  if (filter.registration !== undefined) {
    const registration = param(filter.registration);
    conditions.push((e) => `${e}.registration = ${registration}`);
  }

  const where = [`e.platform_id = $1`, `e.source = 'xapi'`, `not e.voided`];
  if (conditions.length > 0) {
    const matches = (alias: string) => conditions.map((c) => c(alias)).join(' and ');
    const refTarget = (alias: string) => `lower(${alias}.payload->'object'->>'id')`;
    const isRef = (alias: string) => `${alias}.payload->'object'->>'objectType' = 'StatementRef'`;
    where.push(`(
      (${matches('e')})
      or (${isRef('e')} and exists (
        with recursive chain(id, depth) as (
          select ${refTarget('e')}, 1
          union all
          select ${refTarget('r')}, chain.depth + 1
          from chain join source_events r on r.platform_id = $1 and r.source = 'xapi' and r.source_id = chain.id
          where ${isRef('r')} and chain.depth < ${STATEMENT_REF_DEPTH}
        )
        select 1 from chain join source_events t on t.platform_id = $1 and t.source = 'xapi' and t.source_id = chain.id
        where ${matches('t')}
      ))
    )`);
  }
  if (filter.since !== undefined) where.push(`e.stored_at > ${param(filter.since)}::timestamptz`);
  if (filter.until !== undefined) where.push(`e.stored_at <= ${param(filter.until)}::timestamptz`);
  if (filter.afterSeq !== undefined) where.push(`e.seq ${filter.ascending ? '>' : '<'} ${param(filter.afterSeq)}`);
  return q.query<StoredStatement>(
    `select e.seq, e.payload, e.stored_at as "storedAt" from source_events e
     where ${where.join(' and ')}
     order by e.seq ${filter.ascending ? 'asc' : 'desc'}
     limit ${param(filter.limit + 1)}`,
    params,
  );
}
