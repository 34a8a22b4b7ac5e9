/**
 * Authorises every request after the launch: a valid ltik of a teacher of the course, checked
 * again on each request (roles, expiry). The course comes from the ltik alone; a request that
 * names another course is refused. Sets `res.locals.session`.
 */
import type { Request, RequestHandler, Response } from 'express';
import { ltikOf, openCourseSession, type CourseSession, type SessionProblem } from '../lti/course-session.js';
import type { Lti } from '../lti/provider.js';
import type { Database } from '../models/database.js';
import { ReadMemo } from '../models/read-memo.js';
import { touchCourse } from '../models/touch-course.js';
import { renderProblem } from '../views/render.js';

const PROBLEMS: Record<SessionProblem | 'other-course', { status: number; title: string; message: string }> = {
  missing: { status: 401, title: 'Open CoursePulse from your course', message: 'This page opens from the CoursePulse link in your course’s menu in the LMS.' },
  invalid: { status: 401, title: 'Open CoursePulse from your course', message: 'This link is not valid. Open CoursePulse again from your course’s menu in the LMS.' },
  expired: { status: 401, title: 'Your CoursePulse session has ended', message: 'Open CoursePulse again from your course’s menu in the LMS.' },
  forbidden: {
    status: 403,
    title: 'This report is for the course’s teachers',
    message: 'Your role in this course does not include the activity reports. If you think it should, ask your instructor or LMS administrator.',
  },
  'other-course': { status: 403, title: 'This is another course', message: 'Your CoursePulse session opens only the course you launched it from.' },
};

function refuse(req: Request, res: Response, problem: keyof typeof PROBLEMS): void {
  const { status, title, message } = PROBLEMS[problem];
  if (status === 401) res.set('WWW-Authenticate', 'Bearer realm="coursepulse"');
  if (req.originalUrl.startsWith('/api/')) {
    res.status(status).json({ error: `${title}: ${message}` });
    return;
  }
  renderProblem(req, res, status, title, message);
}

/** touch-course.ts writes at most once a minute; remembering that here saves the round trip too. */
const TOUCH_EVERY_MS = 60_000;

export function requireCourse(lti: Pick<Lti, 'plugin' | 'ltiKey' | 'reads'>, db: Database, now: () => Date = () => new Date()): RequestHandler {
  const touched = new ReadMemo<void>({ ttlMs: TOUCH_EVERY_MS, maxEntries: 10_000, now });
  return (req, res, next) => {
    openCourseSession(lti.plugin, lti.ltiKey, ltikOf(req), lti.reads.sessions)
      .then(async (session) => {
        if (typeof session === 'string') return refuse(req, res, session);
        const named = req.query.course;
        if (named !== undefined && named !== session.contextId) return refuse(req, res, 'other-course');
        res.locals.session = session satisfies CourseSession;
        const { platformId, contextId } = session;
        await touched.read(JSON.stringify([platformId, contextId]), () => touchCourse(db, platformId, contextId, now()));
        next();
      })
      .catch(next);
  };
}

/** The session `requireCourse` set. */
export const sessionOf = (res: Response): CourseSession => res.locals.session as CourseSession;
