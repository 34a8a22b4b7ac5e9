/**
 * fast-check arbitraries of hostile request bodies that still reach a route's deep validation:
 * a VALID document (a Moodle statement, a Caliper envelope, a platform registration, id_token
 * claims) with one node replaced by a random or hostile value, deleted, duplicated (a repeated
 * key in the JSON text, a repeated array item), nested deep, stringified, retyped, or given a
 * prototype key (`__proto__`, `constructor`) — plus fully random bodies. Bodies are JSON text made
 * here, not by JSON.stringify of an object, so that repeated keys and own `__proto__` keys reach
 * the server as written.
 */
import fc from 'fast-check';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = Array<string | number>;

export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'] as const;

/** Values that have broken servers before: NUL and other control characters, lone surrogates, huge or odd numbers, long strings, prototype keys. */
export const hostileValue: fc.Arbitrary<Json> = fc.constantFrom<Json>(
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\u202e\u0001\u001f',
  '',
  ' ',
  'x'.repeat(70_000),
  '../../../../etc/passwd',
  '%00%2F..%2F',
  '<script>alert(1)</script>',
  "'; drop table source_events; --",
  '9999-99-99T99:99:99Z',
  '0000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00.001Z',
  '-000001-01-01T00:00:00Z',
  'P99999999999999999999Y',
  'urn:uuid:00000000-0000-0000-0000-000000000000',
  'javascript:alert(1)',
  'mailto:',
  'http://',
  0,
  -0,
  -1,
  1.5,
  2 ** 53 + 1,
  -(2 ** 63),
  1e308,
  -1e308,
  5e-324,
  true,
  false,
  null,
  [],
  {},
  [null],
  { __proto__: null, x: 1 } as unknown as Json,
  JSON.parse('{"__proto__": {"polluted": true}}') as Json,
  JSON.parse('{"constructor": {"prototype": {"polluted": true}}}') as Json,
);

/** Any JSON value, with full-unicode strings (lone surrogates included) and hostile leaves. */
export const anyJson: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }) as fc.Arbitrary<Json> },
  { weight: 2, arbitrary: hostileValue },
);

/** Every node's path, the root (`[]`) first. */
export function pathsOf(value: Json, path: Path = [], out: Path[] = []): Path[] {
  out.push(path);
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...path, i], out));
  else if (value !== null && typeof value === 'object') for (const key of Object.keys(value)) pathsOf(value[key]!, [...path, key], out);
  return out;
}

const clone = (value: Json): Json => JSON.parse(JSON.stringify(value)) as Json;

/** Sets an own property, even `__proto__` (an assignment would set the prototype instead). */
function define(target: Record<string, Json>, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function nest(value: Json, depth: number, shape: 'array' | 'object'): Json {
  let out = value;
  for (let i = 0; i < depth; i++) out = shape === 'array' ? [out] : { a: out };
  return out;
}

/** The JSON text of `value`, iteratively (a 100,000-deep value must not overflow our own stack), with `duplicate` repeating one key. */
export function jsonText(value: Json, duplicate?: { path: Path; extra: Json }): string {
  const dupKey = duplicate?.path.at(-1);
  const dupParent = duplicate ? duplicate.path.slice(0, -1) : undefined;
  const parts: string[] = [];
  type Frame = { value: Json; path: Path } | { text: string };
  const stack: Frame[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if ('text' in frame) {
      parts.push(frame.text);
      continue;
    }
    const { value: v, path } = frame;
    if (v === null || typeof v !== 'object') {
      parts.push(JSON.stringify(v) ?? 'null');
      continue;
    }
    const isDupParent = dupParent !== undefined && path.length === dupParent.length && path.every((p, i) => p === dupParent[i]);
    const items: Frame[] = [];
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        if (i > 0) items.push({ text: ',' });
        items.push({ value: item, path: [...path, i] });
        if (isDupParent && dupKey === i) items.push({ text: ',' }, { value: duplicate!.extra, path: [...path, 'dup'] });
      });
      stack.push({ text: ']' }, ...items.reverse(), { text: '[' });
    } else {
      Object.keys(v).forEach((key, i) => {
        if (i > 0) items.push({ text: ',' });
        items.push({ text: `${JSON.stringify(key)}:` }, { value: v[key]!, path: [...path, key] });
        if (isDupParent && dupKey === key) items.push({ text: `,${JSON.stringify(key)}:` }, { value: duplicate!.extra, path: [...path, 'dup'] });
      });
      stack.push({ text: '}' }, ...items.reverse(), { text: '{' });
    }
  }
  return parts.join('');
}

export type MutationKind = 'replace' | 'delete' | 'duplicate' | 'nest' | 'stringify' | 'retype' | 'prototype-key';

export interface Mutation {
  kind: MutationKind;
  /** Which node (an index into pathsOf, modulo their number). */
  node: number;
  value: Json;
  depth: number;
  shape: 'array' | 'object';
  key: string;
}

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom<MutationKind>('replace', 'replace', 'delete', 'duplicate', 'nest', 'stringify', 'retype', 'prototype-key'),
  node: fc.nat(),
  value: anyJson,
  depth: fc.constantFrom(2, 10, 100, 1000),
  shape: fc.constantFrom<'array' | 'object'>('array', 'object'),
  key: fc.constantFrom<string>(...PROTOTYPE_KEYS),
});

function retyped(value: Json): Json {
  if (typeof value === 'string') return value.length > 0 && !Number.isNaN(Number(value)) ? Number(value) : [value];
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 0;
  if (value === null) return 'null';
  if (Array.isArray(value)) return Object.fromEntries(value.map((item, i) => [String(i), item])) as Json;
  return Object.values(value);
}

/** The node at `path`'s parent and its key in it; undefined for the root. */
function parentOf(root: Json, path: Path): { parent: Json[] | Record<string, Json>; key: string | number } | undefined {
  if (path.length === 0) return undefined;
  let node = root;
  for (const step of path.slice(0, -1)) node = (node as Record<string, Json>)[step as string]!;
  return { parent: node as Json[] | Record<string, Json>, key: path.at(-1)! };
}

/** `base` with `mutation` applied, as the JSON text to send, and a few words saying what was done (for a failure's message). */
export function mutate(base: Json, mutation: Mutation): { text: string; what: string } {
  const root = clone(base);
  const paths = pathsOf(root);
  const path = paths[mutation.node % paths.length]!;
  const where = path.length === 0 ? '(root)' : path.join('.');
  const at = parentOf(root, path);
  const current = at ? (at.parent as Record<string, Json>)[at.key as string]! : root;
  const put = (value: Json): Json => {
    if (!at) return value;
    if (Array.isArray(at.parent)) at.parent[at.key as number] = value;
    else define(at.parent, String(at.key), value);
    return root;
  };
  switch (mutation.kind) {
    case 'replace':
      return { text: jsonText(put(mutation.value)), what: `${where} := ${JSON.stringify(mutation.value)?.slice(0, 80)}` };
    case 'delete':
      if (!at) return { text: '', what: 'empty body' };
      if (Array.isArray(at.parent)) at.parent.splice(at.key as number, 1);
      else delete at.parent[at.key as string];
      return { text: jsonText(root), what: `delete ${where}` };
    case 'duplicate':
      if (!at) return { text: jsonText([root, root]), what: 'the body twice in an array' };
      return { text: jsonText(root, { path, extra: mutation.value }), what: `${where} repeated with ${JSON.stringify(mutation.value)?.slice(0, 80)}` };
    case 'nest':
      return { text: jsonText(put(nest(current, mutation.depth, mutation.shape))), what: `${where} nested ${mutation.depth} deep in ${mutation.shape}s` };
    case 'stringify':
      return { text: jsonText(put(JSON.stringify(current))), what: `${where} stringified` };
    case 'retype':
      return { text: jsonText(put(retyped(current))), what: `${where} retyped` };
    case 'prototype-key': {
      const target = current !== null && typeof current === 'object' && !Array.isArray(current) ? current : root;
      if (target === null || typeof target !== 'object' || Array.isArray(target)) return { text: jsonText(root), what: 'no object to add a key to' };
      define(target, mutation.key, mutation.value);
      return { text: jsonText(root), what: `${where}.${mutation.key} := ${JSON.stringify(mutation.value)?.slice(0, 80)}` };
    }
  }
}

/** A body that is not JSON at all, or JSON of any shape. */
export type RandomBody = { kind: 'json'; text: string } | { kind: 'text'; text: string } | { kind: 'bytes'; bytes: Buffer };

export const randomBody: fc.Arbitrary<RandomBody> = fc.oneof(
  anyJson.map((value): RandomBody => ({ kind: 'json', text: jsonText(value) })),
  fc.string({ unit: 'binary', maxLength: 300 }).map((text): RandomBody => ({ kind: 'text', text })),
  fc.constantFrom('{', '[', '{"a":', '[1,]', '{"a":1,}', 'nul', 'NaN', 'Infinity', '1e99999', '"\\u00"', '\ufeff{}', '{"a":1}{"b":2}', '\u0000').map(
    (text): RandomBody => ({ kind: 'text', text }),
  ),
  fc.uint8Array({ maxLength: 300 }).map((bytes): RandomBody => ({ kind: 'bytes', bytes: Buffer.from(bytes) })),
);

/** The body as supertest sends it. */
export const bodyOf = (body: RandomBody): string | Buffer => (body.kind === 'bytes' ? body.bytes : body.text);

/** A JSON text nested `depth` deep (`[[[…]]]` or `{"a":{"a":…}}`), built without recursion. */
export function deepJson(depth: number, shape: 'array' | 'object', leaf = '1'): string {
  return shape === 'array' ? `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;
}

/** Content types that are wrong, odd or hostile for a JSON route. */
export const contentTypeArb: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 4, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom<string | undefined>(
      undefined,
      'application/json; charset=utf-8',
      'application/json; charset=utf-16',
      'application/json; charset=utf-7',
      'application/json; charset=latin1',
      'application/json; charset="',
      'application/ld+json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'multipart/mixed',
      'multipart/mixed; boundary=""',
      'multipart/mixed; boundary=abc',
      'text/plain',
      'text/html',
      'application/xml',
      'application/octet-stream',
      '*/*',
      'application/',
      ';;;',
      'APPLICATION/JSON',
      'application/json, text/plain',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }).filter((s) => /^[\x20-\x7e]*$/.test(s)) },
);
