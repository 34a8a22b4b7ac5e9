/**
 * Errors as HTTP answers: every rejection is `{ "error": "<what is wrong>" }` with the right
 * status, so a script or an admin reading it knows what to fix. Unexpected errors are logged
 * with the request id and answered 500 without internals.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { z } from 'zod';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

/** One sentence naming each field that is wrong, from a zod error. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const message = / received undefined$/.test(issue.message) ? 'is required' : issue.message;
      return issue.path.length ? `${issue.path.join('.')}: ${message}` : message;
    })
    .join('; ');
}

/** Parses with `schema` or throws a 400 naming the fields. */
export function parseOr400<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new HttpError(400, `invalid ${what}: ${describeZodError(result.error)}`);
  return result.data;
}

/** Express 4 does not catch rejected promises of async handlers; this forwards them. */
export const handle =
  (handler: (...args: Parameters<RequestHandler>) => Promise<unknown>): RequestHandler =>
  (req, res, next) => {
    handler(req, res, next).catch(next);
  };

export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, `no such resource: ${req.method} ${req.path}`));
};

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  let status = 500;
  let message = 'internal error; the server log has the details under this request id';
  let headers: Record<string, string> = {};
  if (err instanceof HttpError) {
    ({ status, message, headers } = err);
  } else if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) {
    // body-parser's errors: malformed JSON, too large, unsupported charset…
    status = err.status;
    message =
      err.type === 'entity.parse.failed'
        ? 'the request body is not valid JSON'
        : err.type === 'entity.too.large'
          ? `the request body is larger than the limit of ${err.limit} bytes`
          : String(err.message);
  }
  if (status >= 500) req.log?.error({ err }, 'request failed');
  if (res.headersSent) return;
  res.status(status).set(headers).json({ error: message, requestId: req.id });
};
