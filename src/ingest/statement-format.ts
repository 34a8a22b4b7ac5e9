/**
 * The `format` parameter of GET statements (xAPI-Communication.md §2.1.3): `exact` returns a
 * statement as stored; `ids` keeps only the identifiers of Agents, Groups, Activities and Verbs;
 * `canonical` would return activity definitions and verb displays in their canonical form — we
 * keep no canonical definitions apart from the statements, so it returns them as stored. Pure.
 */
export type StatementFormat = 'exact' | 'ids' | 'canonical';
export const STATEMENT_FORMATS: readonly StatementFormat[] = ['exact', 'ids', 'canonical'];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const IFI_KEYS = ['mbox', 'mbox_sha1sum', 'openid', 'account'] as const;

function agentIds(agent: unknown): unknown {
  if (!isObject(agent)) return agent;
  const out: Json = {};
  if (agent.objectType !== undefined) out.objectType = agent.objectType;
  for (const key of IFI_KEYS) if (agent[key] !== undefined) out[key] = agent[key];
  if (Array.isArray(agent.member)) out.member = agent.member.map(agentIds);
  return out;
}

function activityIds(activity: unknown): unknown {
  if (!isObject(activity)) return activity;
  return activity.objectType === undefined ? { id: activity.id } : { objectType: activity.objectType, id: activity.id };
}

function contextIds(context: unknown): unknown {
  if (!isObject(context)) return context;
  const out: Json = { ...context };
  if (context.instructor !== undefined) out.instructor = agentIds(context.instructor);
  if (context.team !== undefined) out.team = agentIds(context.team);
  if (isObject(context.contextActivities)) {
    out.contextActivities = Object.fromEntries(
      Object.entries(context.contextActivities).map(([key, value]) => [key, Array.isArray(value) ? value.map(activityIds) : activityIds(value)]),
    );
  }
  if (Array.isArray(context.contextAgents)) {
    out.contextAgents = context.contextAgents.map((c: unknown) => (isObject(c) ? { ...c, agent: agentIds(c.agent) } : c));
  }
  if (Array.isArray(context.contextGroups)) {
    out.contextGroups = context.contextGroups.map((c: unknown) => (isObject(c) ? { ...c, group: agentIds(c.group) } : c));
  }
  return out;
}

function objectIds(object: unknown): unknown {
  if (!isObject(object)) return object;
  switch (object.objectType) {
    case 'Agent':
    case 'Group':
      return agentIds(object);
    case 'StatementRef':
      return object;
    case 'SubStatement':
      return bodyIds(object);
    default:
      return activityIds(object);
  }
}

function bodyIds(statement: Json): Json {
  const out: Json = { ...statement, actor: agentIds(statement.actor), object: objectIds(statement.object) };
  if (isObject(statement.verb)) out.verb = { id: statement.verb.id };
  if (statement.context !== undefined) out.context = contextIds(statement.context);
  if (statement.authority !== undefined) out.authority = agentIds(statement.authority);
  return out;
}

export function formatStatement(statement: Json, format: StatementFormat): Json {
  return format === 'ids' ? bodyIds(statement) : statement;
}
