/**
 * The third-party-initiated login's parameters (LTI 1.3 §4.1) are plain text, each given once.
 * ltijs's login handler takes them as such: a repeated parameter (an array), a bracketed one
 * (`target_link_uri[x]=`, an object) makes it throw, and a NUL character makes the database
 * refuse its look-up — both answered 500 by ltijs. Refused here first, with a page that says what
 * is wrong (a real LMS never sends either), as is a login without its required parameters, which
 * ltijs answers with JSON.
 */
import type { RequestHandler } from 'express';
import { platformProblemPage } from './launch-pages.js';

const LOGIN_PARAMETERS = ['iss', 'login_hint', 'target_link_uri', 'client_id', 'lti_deployment_id', 'lti_message_hint'] as const;
/** What LTI 1.3 §4.1 requires of every login. */
const REQUIRED = ['iss', 'login_hint', 'target_link_uri'] as const;

/** Middleware for the login route, before ltijs's handler (which reads the query and the form alike). */
export const plainLoginParameters: RequestHandler = (req, res, next) => {
  const body: unknown = req.body;
  const form = body && typeof body === 'object' && !Buffer.isBuffer(body) ? (body as Record<string, unknown>) : {};
  const params = { ...(req.query as Record<string, unknown>), ...form };
  const bad = LOGIN_PARAMETERS.find((name) => {
    const value = params[name];
    return value !== undefined && (typeof value !== 'string' || value.includes('\0'));
  });
  if (bad !== undefined) {
    req.log?.warn({ parameter: bad }, 'login refused: a parameter is not plain text');
    return void res
      .status(400)
      .type('html')
      .send(platformProblemPage('The login request is not valid', `Its ${bad} parameter is not plain text given once. Open CoursePulse again from your course in the LMS.`));
  }
  // ltijs answers these with JSON for a person in front of the LMS frame.
  const missing = REQUIRED.filter((name) => !params[name]);
  if (missing.length === 0) return next();
  req.log?.warn({ missing }, 'login refused: parameters missing');
  res
    .status(400)
    .type('html')
    .send(platformProblemPage('The login request is incomplete', `It lacks ${missing.join(', ')}, which the LMS sends when you open CoursePulse from a course. Open CoursePulse again from your course in the LMS.`));
};
