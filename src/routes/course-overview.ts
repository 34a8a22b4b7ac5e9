/**
 * GET /reports/overview?group=&q=&sort=&dir=&shown=: the Activity Overview page of the session's course
 * (the launch renders it too, through {@link overviewView}). The figures are getOverviewReport's —
 * the same as /api/overview's and the CSV's — and come with the roster line and the groups' members
 * in one call (getOverviewPage, one set of reads); the page's data is built by the pure
 * src/views/overview-view.ts. htmx asks for the whole body (group filter, course header), the
 * figures region (every 60 s), the student list region (search, sorting) or the next rows of the
 * list ("Show more", the region #student-more): render.ts chooses.
 */
import { z } from 'zod';
import { chooseLocale, localeFormat } from '../i18n/index.js';
import type { CourseSession } from '../lti/course-session.js';
import { staffRoles } from '../lti/roles.js';
import { getOverviewPage, ReportNotFound } from '../reports/index.js';
import { DEFAULT_DIRECTION, OVERVIEW_SORTS, SORT_DIRECTIONS } from '../views/overview-sort.js';
import { LIST_STEP, MAX_SHOWN, overviewPageData, type OverviewData } from '../views/overview-view.js';
import { renderProblem, renderView, type View } from '../views/render.js';
import { describeZodError, handle } from './http-error.js';
import { readerFormat } from './reader-language.js';
import type { ReportDeps } from './report-deps.js';
import { sessionOf } from './require-course.js';

export interface OverviewPageDeps extends ReportDeps {
  /** PUBLIC_URL: where an LMS sends activity, which an empty course tells an administrator. */
  publicUrl: string;
}

// As /api/overview's, plus the list's order; unknown parameters are refused rather than ignored.
const overviewQuery = z.strictObject({
  /** Empty: the whole course (the filter's "all students"). */
  group: z.string().max(255, 'a group id has at most 255 characters').optional(),
  q: z.string().max(200, 'the search has at most 200 characters').optional(),
  sort: z.enum(OVERVIEW_SORTS).optional(),
  dir: z.enum(SORT_DIRECTIONS).optional(),
  /** How many rows of the list to render (the order and the search still cover the whole list). */
  shown: z
    .string()
    .regex(/^\d{1,6}$/, `a whole number from 1 to ${MAX_SHOWN}`)
    .transform(Number)
    .refine((n) => n >= 1 && n <= MAX_SHOWN, `a whole number from 1 to ${MAX_SHOWN}`)
    .optional(),
  // Read by require-course.ts: the session's token and, optionally, its course.
  ltik: z.string().optional(),
  course: z.string().optional(),
});
export type OverviewQuery = z.infer<typeof overviewQuery>;

/** The page for `session`'s course as `query` asks; throws ReportNotFound for a group the course does not have. */
export async function overviewView(deps: OverviewPageDeps, session: CourseSession, query: OverviewQuery, acceptLanguage?: string): Promise<View<OverviewData>> {
  const course = { platformId: session.platformId, contextId: session.contextId };
  const now = deps.now();
  const { report, roster, groupMembers } = await getOverviewPage(deps.db, course, { groupId: query.group || undefined, q: query.q }, deps.settings, now, deps.reports);
  const sort = query.sort ?? 'name';
  const data = overviewPageData(report, localeFormat(chooseLocale(session.locale, acceptLanguage), report.course.timezone), {
    ltik: session.ltik,
    q: query.q ?? '',
    sort,
    dir: query.dir ?? DEFAULT_DIRECTION[sort],
    shown: query.shown ?? LIST_STEP,
    now,
    launchTitle: session.courseTitle,
    roster,
    groupMembers,
    ingest: staffRoles(session.roles).includes('Administrator') ? { publicUrl: deps.publicUrl } : null,
  });
  return {
    page: 'overview',
    partial: 'overview-body',
    regions: { 'overview-figures': 'overview-figures', 'student-list': 'overview-students', 'student-more': 'overview-students-more' },
    data,
  };
}

export const getOverview = (deps: OverviewPageDeps) =>
  handle(async (req, res) => {
    const session = sessionOf(res);
    const reader = readerFormat(req, res);
    const { t } = reader;
    const query = overviewQuery.safeParse(req.query);
    if (!query.success) {
      return renderProblem(req, res, 400, t('overview.error.badQuery.title'), t('overview.error.badQuery.text', { problem: describeZodError(query.error) }), reader);
    }
    try {
      renderView(req, res, await overviewView(deps, session, query.data, req.get('Accept-Language')));
    } catch (error) {
      if (!(error instanceof ReportNotFound)) throw error;
      renderProblem(req, res, 404, t('error.notFound.title'), t('groups.error.notFound'), reader);
    }
  });
