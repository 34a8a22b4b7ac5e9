/**
 * The Activity Details' link to the student's progress and grades in the LMS (activity-reports.md,
 * "navigation"), where what CoursePulse stores of the course makes one:
 *   - Moodle (a platform whose dynamic registration said `moodle`): the student's grade report,
 *     `<issuer>/grade/report/user/index.php?id=<course>&userid=<user>` — Moodle's issuer is its
 *     base URL, its LTI context id the course id and its `sub` the user id;
 *   - Canvas (the launch's custom parameters `canvas_api_base_url` and `canvas_course_id` of
 *     lti-config.json): the course's grades, `<base>/courses/<id>/grades` — for the course, not
 *     the student, since Canvas's LTI user id is opaque and its student pages want Canvas's own id.
 * Anything else (a platform added by hand, other LMSs, a launch without those parameters): none.
 */
import type { ReportCourse } from '../models/get-report-course.js';

export interface LmsLink {
  url: string;
  lms: 'moodle' | 'canvas';
  /** Whether the page is the student's own or the whole course's. */
  scope: 'student' | 'course';
}

function webUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
}

export function studentLmsLink(course: Pick<ReportCourse, 'custom' | 'issuer' | 'productFamilyCode'>, contextId: string, userId: string): LmsLink | null {
  const issuer = webUrl(course.issuer);
  if (issuer && course.productFamilyCode?.trim().toLowerCase() === 'moodle') {
    const base = issuer.href.replace(/\/+$/, '');
    const query = new URLSearchParams({ id: contextId, userid: userId });
    return { url: `${base}/grade/report/user/index.php?${query.toString()}`, lms: 'moodle', scope: 'student' };
  }
  const canvas = webUrl(course.custom.canvas_api_base_url);
  const courseId = course.custom.canvas_course_id;
  // An unsubstituted variable arrives as its own name ("$Canvas.course.id"): only a number is an id.
  if (canvas && typeof courseId === 'string' && /^\d+$/.test(courseId)) {
    return { url: `${canvas.origin}/courses/${courseId}/grades`, lms: 'canvas', scope: 'course' };
  }
  return null;
}
