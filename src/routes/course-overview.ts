/** GET /reports/overview: the Activity Overview of the session's course (the launch renders it too). */
import type { CourseSession } from '../lti/course-session.js';
import { countStudents } from '../lti/roles.js';
import type { Database } from '../models/database.js';
import { getCourseSummary } from '../models/get-course-summary.js';
import { renderView, type View } from '../views/render.js';
import { handle } from './http-error.js';
import { sessionOf } from './require-course.js';

export interface OverviewData {
  current: 'overview';
  students: number;
  roster: { syncedAt: Date | null; error: string | null };
}

export async function overviewView(db: Database, session: CourseSession): Promise<View<OverviewData>> {
  const summary = await getCourseSummary(db, session.platformId, session.contextId);
  const title = summary?.title ?? summary?.label ?? session.courseTitle;
  return {
    page: 'overview',
    partial: 'overview-body',
    data: {
      title: `Activity overview – ${title ?? 'course'}`,
      ltik: session.ltik,
      course: { title },
      current: 'overview',
      students: countStudents(summary?.activeMemberRoles ?? []),
      roster: { syncedAt: summary?.rosterSyncedAt ?? null, error: summary?.rosterError ?? null },
    },
  };
}

export const getOverview = (db: Database) =>
  handle(async (req, res) => {
    renderView(req, res, await overviewView(db, sessionOf(res)));
  });
