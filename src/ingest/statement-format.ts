/**
 * The `format` parameter of GET statements (xAPI-Communication.md §2.1.3): `exact` returns a
 * statement as stored; `ids` keeps only what identifies its Agents, Groups, Activities and Verbs;
 * `canonical` returns Activities and Verbs with their canonical definition and display in one
 * language, the one the request's `Accept-Language` prefers. We keep no activity definitions apart
 * from the statements, so a statement's own definition is the canonical one; only the language
 * maps are narrowed. Pure.
 */
export type StatementFormat = 'exact' | 'ids' | 'canonical';
export const STATEMENT_FORMATS: readonly StatementFormat[] = ['exact', 'ids', 'canonical'];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

const IFI_KEYS = ['mbox', 'mbox_sha1sum', 'openid', 'account'] as const;

// ---------------------------------------------------------------------------------------------
// ids

/** An Agent or identified Group is its IFI (and objectType); an anonymous Group is its members' IFIs. */
function agentIds(agent: unknown): unknown {
  if (!isObject(agent)) return agent;
  const out: Json = {};
  if (agent.objectType !== undefined) out.objectType = agent.objectType;
  for (const key of IFI_KEYS) if (agent[key] !== undefined) out[key] = agent[key];
  const identified = IFI_KEYS.some((key) => agent[key] !== undefined);
  if (!identified && Array.isArray(agent.member)) out.member = agent.member.map(agentIds);
  return out;
}

/** An Activity is its id: `objectType` is not an identifier (and defaults to Activity). */
function activityIds(activity: unknown): unknown {
  return isObject(activity) ? { id: activity.id } : activity;
}

function mapContextActivities(contextActivities: Json, map: (activity: unknown) => unknown): Json {
  return Object.fromEntries(
    Object.entries(contextActivities).map(([key, value]) => [key, Array.isArray(value) ? value.map(map) : map(value)]),
  );
}

function contextIds(context: unknown): unknown {
  if (!isObject(context)) return context;
  const out: Json = { ...context };
  if (context.instructor !== undefined) out.instructor = agentIds(context.instructor);
  if (context.team !== undefined) out.team = agentIds(context.team);
  if (isObject(context.contextActivities)) out.contextActivities = mapContextActivities(context.contextActivities, activityIds);
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

// ---------------------------------------------------------------------------------------------
// canonical

/**
 * The language ranges of an `Accept-Language` header, most wanted first (RFC 9110 §12.5.4):
 * ranges with `q=0` are left out, equal weights keep their order. A malformed entry is skipped
 * rather than refused: the header only expresses a preference.
 */
export function parseAcceptLanguage(header: string | undefined): string[] {
  if (header === undefined) return [];
  const ranges: Array<{ range: string; q: number; at: number }> = [];
  for (const [at, entry] of header.split(',').entries()) {
    const [tag = '', ...params] = entry.trim().split(';').map((part) => part.trim());
    if (!/^(\*|[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*)$/.test(tag)) continue;
    const qParam = params.find((p) => /^q=/i.test(p));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q) || q <= 0 || q > 1) continue;
    ranges.push({ range: tag.toLowerCase(), q, at });
  }
  return ranges.sort((a, b) => b.q - a.q || a.at - b.at).map((r) => r.range);
}

/**
 * The one language of a language map to return: for each range in order, the tag itself, then the
 * range truncated (RFC 4647 §3.4 lookup: `en-GB` finds `en`), then a tag it is a prefix of (`en`
 * finds `en-GB`); `*` takes any. With no match, the map's first tag, so the answer still has one.
 */
export function chooseLanguage(tags: readonly string[], ranges: readonly string[]): string | undefined {
  const lower = tags.map((tag) => tag.toLowerCase());
  for (const range of ranges) {
    if (range === '*') return tags[0];
    for (let candidate = range; candidate !== ''; candidate = candidate.replace(/-?[^-]*$/, '')) {
      const at = lower.indexOf(candidate);
      if (at >= 0) return tags[at];
    }
    const at = lower.findIndex((tag) => tag.startsWith(`${range}-`));
    if (at >= 0) return tags[at];
  }
  return tags[0];
}

function oneLanguage(map: unknown, ranges: readonly string[]): unknown {
  if (!isObject(map)) return map;
  const chosen = chooseLanguage(Object.keys(map), ranges);
  return chosen === undefined ? map : { [chosen]: map[chosen] };
}

const INTERACTION_COMPONENT_LISTS = ['choices', 'scale', 'source', 'target', 'steps'] as const;

function canonicalActivity(activity: unknown, ranges: readonly string[]): unknown {
  if (!isObject(activity) || !isObject(activity.definition)) return activity;
  const definition: Json = { ...activity.definition };
  for (const key of ['name', 'description'] as const) {
    if (definition[key] !== undefined) definition[key] = oneLanguage(definition[key], ranges);
  }
  for (const key of INTERACTION_COMPONENT_LISTS) {
    const list = definition[key];
    if (Array.isArray(list)) {
      definition[key] = list.map((c: unknown) => (isObject(c) && c.description !== undefined ? { ...c, description: oneLanguage(c.description, ranges) } : c));
    }
  }
  return { ...activity, definition };
}

function canonicalBody(statement: Json, ranges: readonly string[]): Json {
  const out: Json = { ...statement };
  if (isObject(statement.verb) && statement.verb.display !== undefined) {
    out.verb = { ...statement.verb, display: oneLanguage(statement.verb.display, ranges) };
  }
  const object = statement.object;
  if (isObject(object)) {
    if (object.objectType === 'SubStatement') out.object = canonicalBody(object, ranges);
    else if (object.objectType === undefined || object.objectType === 'Activity') out.object = canonicalActivity(object, ranges);
  }
  const context = statement.context;
  if (isObject(context) && isObject(context.contextActivities)) {
    out.context = { ...context, contextActivities: mapContextActivities(context.contextActivities, (a) => canonicalActivity(a, ranges)) };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

/** `statement` in `format`; `languages` (from {@link parseAcceptLanguage}) chooses the canonical language. */
export function formatStatement(statement: Json, format: StatementFormat, languages: readonly string[] = []): Json {
  switch (format) {
    case 'ids':
      return bodyIds(statement);
    case 'canonical':
      return canonicalBody(statement, languages);
    default:
      return statement;
  }
}
