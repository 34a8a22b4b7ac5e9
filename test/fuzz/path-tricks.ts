/**
 * Path segments and query strings that have fooled routers: encoded slashes and dots, `..`, NUL,
 * malformed percent escapes, very long segments, prototype names, repeated and bracketed
 * parameters (`a[]=`, `a[__proto__]=`) — as raw URL text, already encoded as it is to be sent.
 */
import fc from 'fast-check';
import { hostileValue } from './json-mutations.js';

/**
 * encodeURIComponent, which throws on a lone surrogate: those are replaced by U+FFFD first (a
 * URL cannot carry one; JSON bodies test them).
 */
export const encode = (text: string): string => encodeURIComponent(text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));

/** One path segment, raw (supertest sends the path as given). */
export const segmentArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '..', '%2e%2e', '%2E%2E%2F', '.', '%2F', '..%2F..%2Fadmin', '%00', 'a%00b', '%', '%zz', '%E0%A4%A', '%C0%AE%C0%AE', '%ef%bf%bf', '%ED%A0%80',
    '__proto__', 'constructor', 'prototype', 'toString', 'x'.repeat(10_000), '%20', '+', ';', 'a;b=c', '%3F', '%23', '~', '*', '$', '0', '-1',
    '00000000000000000000000000000000', 'course-1', 's1', 'instructor-1',
  ),
  fc.string({ unit: 'binary', maxLength: 30 }).map(encode),
  hostileValue.map((v) => encode(typeof v === 'string' ? v : JSON.stringify(v))),
);

/** A query value, encoded. */
export const queryValueArb: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 20 }).map(encode),
  fc.string({ unit: 'binary', maxLength: 20 }).map(encode),
  hostileValue.map((v) => encode(typeof v === 'string' ? v : JSON.stringify(v))),
  fc.constantFrom('%00', '%', '%zz', 'a%00', '2026-03', '2026-13', '0000-01', '9999-12', '275760-09', '-0001-01', '1', '-1', '1e309', 'true', ''),
);

/** `name=value` parts over `names`, with repeated, bracketed and prototype forms; joined with `&`. */
export const queryArb = (names: readonly string[]): fc.Arbitrary<string> =>
  fc
    .array(
      fc.tuple(
        fc.constantFrom(...names, '__proto__', 'constructor', 'x'),
        fc.constantFrom('', '', '', '[]', '[0]', '[__proto__]', '[a]', '[a][b]'),
        queryValueArb,
        fc.boolean(),
      ),
      { maxLength: 4 },
    )
    .map((parts) => parts.flatMap(([name, suffix, value, twice]) => (twice ? [`${name}${suffix}=${value}`, `${name}=${value}`] : [`${name}${suffix}=${value}`])).join('&'));
