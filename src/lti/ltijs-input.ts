/**
 * What ltijs's own middleware must never meet. ltijs 5.9.9's session validator (every /lti path
 * but login, keys and register) is an async function Express 4 does not await: when a launch is
 * refused it looks the request's `state` up in the database from inside its catch block, so a
 * state the database refuses (a NUL, a lone surrogate, JSON nested too deep) — or a database
 * that is down — rejects a promise nobody handles: the request hangs and Node ends the process.
 * So does a state that cannot be part of a cookie's name (below).
 *
 * So, from our side: {@link storableLtiRequest} refuses such input first with a page (400), and
 * {@link catchLtijsRejections} hands any rejection of ltijs's middleware to Express's error
 * handling instead of leaving it unhandled.
 */
import type { Express, RequestHandler } from 'express';
import { platformProblemPage } from './launch-pages.js';
import { unstorableReason } from '../routes/storable-input.js';

// ltijs names a cookie after the launch's state (`state<state>`) and clears it in that same catch
// block: a state that is not a cookie-name token (a space, a comma of a repeated field) throws.
const STATE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{0,512}$/;

function problemOf(body: unknown, query: unknown): string | undefined {
  const state = (body as { state?: unknown } | undefined)?.state;
  if (state !== undefined && (typeof state !== 'string' || !STATE.test(state))) return 'its state is not one CoursePulse gave (letters and digits, given once)';
  return unstorableReason(body) ?? unstorableReason(query);
}

/** Middleware for ltijs's app, before its session validator (serverAddon): the body and query as the database can store them, a state as ltijs can use it. */
export const storableLtiRequest: RequestHandler = (req, res, next) => {
  const reason = problemOf(req.body, req.query);
  if (reason === undefined) return next();
  req.log?.warn({ reason }, 'LTI request refused: input the database cannot store');
  res
    .status(400)
    .type('html')
    .send(platformProblemPage('The request is not valid', `${reason[0]!.toUpperCase()}${reason.slice(1)}. Open CoursePulse again from your course in the LMS.`));
};

interface Layer {
  handle: (...args: unknown[]) => unknown;
  route?: { stack: Layer[] };
}

/**
 * Wraps every middleware of ltijs's app (after `setup`, which adds them) so that a returned
 * promise that rejects goes to `next(err)`: an error page instead of a hung request and a
 * process ended by an unhandled rejection. Error handlers (four arguments) are left as they are.
 */
export function catchLtijsRejections(app: Express): void {
  const stack = (app as unknown as { _router?: { stack: Layer[] } })._router?.stack;
  if (!stack) throw new Error('ltijs’s app has no router to guard (see src/lti/ltijs-input.ts)');
  // The app's middleware, and the handlers of its routes (login, launch…).
  for (const layer of [...stack, ...stack.flatMap((l) => l.route?.stack ?? [])]) {
    if (layer.route) continue;
    const handle = layer.handle;
    if (handle.length > 3) continue;
    layer.handle = function (this: unknown, ...args: unknown[]) {
      const next = args[2] as ((err?: unknown) => void) | undefined;
      const result = handle.apply(this, args) as { catch?: (onRejected: (err: unknown) => void) => unknown } | undefined;
      if (result && typeof result.catch === 'function' && next) result.catch(next);
      return result;
    };
  }
}
