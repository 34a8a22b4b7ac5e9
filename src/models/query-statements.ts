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

/** Up to `limit + 1` statements matching the filter, newest first unless `ascending`. */
export async function listStatements(q: Queryable, platformId: string, filter: StatementFilter): Promise<StoredStatement[]> {
  const params: unknown[] = [platformId];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const where = [`platform_id = $1`, `source = 'xapi'`, `not voided`];
  if (filter.agent) {
    const ifi = JSON.stringify(filter.agent.ifi);
    const alternatives = [
      `actor_key = ${param(filter.agent.key)}`,
      `(payload->'object'->>'objectType' in ('Agent', 'Group') and payload->'object' @> ${param(ifi)}::jsonb)`,
    ];
    if (filter.relatedAgents) {
      for (const path of RELATED_AGENT_PATHS) alternatives.push(`payload @> ${param(JSON.stringify(path(filter.agent.ifi)))}::jsonb`);
    }
    where.push(`(${alternatives.join(' or ')})`);
  }
  if (filter.verb !== undefined) where.push(`verb_id = ${param(filter.verb)}`);
  if (filter.activity !== undefined) {
    const alternatives = [`activity_id = ${param(filter.activity)}`];
    if (filter.relatedActivities) {
      for (const path of RELATED_ACTIVITY_PATHS) alternatives.push(`payload @> ${param(JSON.stringify(path(filter.activity)))}::jsonb`);
    }
    where.push(`(${alternatives.join(' or ')})`);
  }
  if (filter.registration !== undefined) where.push(`registration = ${param(filter.registration)}`);
  if (filter.since !== undefined) where.push(`stored_at > ${param(filter.since)}::timestamptz`);
  if (filter.until !== undefined) where.push(`stored_at <= ${param(filter.until)}::timestamptz`);
  if (filter.afterSeq !== undefined) where.push(`seq ${filter.ascending ? '>' : '<'} ${param(filter.afterSeq)}`);
  return q.query<StoredStatement>(
    `select seq, payload, stored_at as "storedAt" from source_events
     where ${where.join(' and ')}
     order by seq ${filter.ascending ? 'asc' : 'desc'}
     limit ${param(filter.limit + 1)}`,
    params,
  );
}
