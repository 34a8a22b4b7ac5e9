/**
 * Input PostgreSQL cannot store, refused at the edge with a 400 that says why, instead of a 500
 * from deep inside a transaction: the NUL character (text and jsonb refuse U+0000), a lone UTF-16
 * surrogate (jsonb refuses `\ud800`), and JSON nested deeper than any statement, envelope or form
 * is (a 100,000-deep array parses, then overflows the stack of whatever walks it recursively —
 * ours, JSON.stringify, PostgreSQL's jsonb parser).
 *
 * The URL is checked once for the whole app (every route reads its path or query); bodies are
 * checked after each parser, since each route family parses its own.
 */
import type { RequestHandler } from 'express';
import { HttpError } from './http-error.js';

/** Deeper than any real request: a statement with its extensions nests about a dozen levels. */
export const MAX_JSON_DEPTH = 100;

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000), which cannot be stored';
  if (LONE_SURROGATE.test(text)) return 'contains a lone UTF-16 surrogate (such as \\ud800), which is not a character and cannot be stored';
  return undefined;
}

/**
 * Why a parsed body (JSON, or a form's strings) cannot be stored, naming where; undefined when
 * it can. Iterative, so that it is itself safe on any depth.
 */
export function unstorableReason(value: unknown, maxDepth = MAX_JSON_DEPTH): string | undefined {
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value, depth: 0, path: '' }];
  while (stack.length > 0) {
    const { value: node, depth, path } = stack.pop()!;
    if (typeof node === 'string') {
      const problem = textProblem(node);
      if (problem) return `${path || 'the body'} ${problem}`;
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    if (depth >= maxDepth) return `the body is nested more than ${maxDepth} levels deep`;
    for (const [key, child] of Object.entries(node)) {
      const where = Array.isArray(node) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
      const problem = textProblem(key);
      if (problem) return `a name in ${path || 'the body'} ${problem}`;
      stack.push({ value: child, depth: depth + 1, path: where });
    }
  }
  return undefined;
}

/** After a body parser: refuses a body {@link unstorableReason} finds fault with (400). */
export const requireStorableBody: RequestHandler = (req, _res, next) => {
  const reason = unstorableReason(req.body);
  next(reason === undefined ? undefined : new HttpError(400, reason));
};

/**
 * The whole app's first check: a NUL in the path or query (raw, or as %00) reaches no resource —
 * every parameter that holds one would end in a query PostgreSQL refuses.
 */
export const refuseNulInUrl: RequestHandler = (req, _res, next) => {
  if (/%00|\u0000/i.test(req.url)) return next(new HttpError(400, 'the address contains a NUL character (%00), which no CoursePulse resource takes'));
  next();
};
