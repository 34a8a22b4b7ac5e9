/**
 * The groups page (GET /groups) and the forms that manage the groups teachers define in
 * CoursePulse: create, rename, delete, add and remove students. Every call is scoped to the
 * session's course; a group id of another course is simply not found.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { CourseSession } from '../lti/course-session.js';
import { listCourseGroups, type CourseGroup } from '../models/course-groups.js';
import {
  GROUP_NAME_MAX,
  addCoursePulseGroupMembers,
  createCoursePulseGroup,
  deleteCoursePulseGroup,
  removeCoursePulseGroupMembers,
  renameCoursePulseGroup,
} from '../models/coursepulse-groups.js';
import type { Database } from '../models/database.js';
import { getCourseSummary } from '../models/get-course-summary.js';
import { listCourseStudents, type CourseStudent } from '../models/list-course-students.js';
import { renderAfterChange, renderView, type View } from '../views/render.js';
import { describeZodError, handle } from './http-error.js';
import type { ReportReads } from '../reports/report-reads.js';
import { sessionOf } from './require-course.js';

type Message = { kind: 'error' | 'done'; text: string } | null;

interface Person {
  userId: string;
  displayName: string;
}

export interface GroupsData {
  current: 'groups';
  students: number;
  message: Message;
  own: Array<{ name: string; path: string; members: Person[]; candidates: Person[] }>;
  fromLms: Array<{ name: string; setName: string | null; sourceLabel: string; members: Person[] }>;
}

const SOURCE_LABELS = { 'lti-gs': 'from the LMS', canvas: 'Canvas group' } as const;

/** The page's view model: a pure function of the course's groups and students. */
export function groupsViewModel(groups: CourseGroup[], students: CourseStudent[], message: Message): Pick<GroupsData, 'students' | 'own' | 'fromLms' | 'message'> {
  const byId = new Map(students.map((s) => [s.userId, { userId: s.userId, displayName: s.displayName }]));
  // Members who left the course, or who are staff, are not shown: the figures count students only.
  const people = (ids: string[]) => students.filter((s) => ids.includes(s.userId)).map((s) => byId.get(s.userId)!);
  return {
    students: students.length,
    message,
    own: groups
      .filter((g) => g.source === 'coursepulse')
      .map((g) => ({
        name: g.name,
        path: `/groups/${encodeURIComponent(g.groupId)}`,
        members: people(g.members),
        candidates: students.filter((s) => !g.members.includes(s.userId)).map((s) => byId.get(s.userId)!),
      })),
    fromLms: groups
      .filter((g) => g.source !== 'coursepulse')
      .map((g) => ({ name: g.name, setName: g.setName, sourceLabel: SOURCE_LABELS[g.source as keyof typeof SOURCE_LABELS], members: people(g.members) })),
  };
}

async function groupsView(db: Database, session: CourseSession, message: Message = null, status = 200): Promise<View<GroupsData>> {
  const [groups, students, summary] = await Promise.all([
    listCourseGroups(db, session),
    listCourseStudents(db, session),
    getCourseSummary(db, session.platformId, session.contextId),
  ]);
  const title = summary?.title ?? summary?.label ?? session.courseTitle;
  return {
    page: 'groups',
    partial: 'groups-body',
    status,
    data: { title: `Groups – ${title ?? 'course'}`, ltik: session.ltik, course: { title }, current: 'groups', ...groupsViewModel(groups, students, message) },
  };
}

const groupName = z.string().trim().min(1, 'give the group a name').max(GROUP_NAME_MAX, `a group name has at most ${GROUP_NAME_MAX} characters`);
const nameForm = z.object({ name: groupName });
const membersForm = z.object({
  userId: z.union([z.string().min(1).max(255), z.array(z.string().min(1).max(255)).min(1).max(1000)]).transform((v) => (Array.isArray(v) ? v : [v])),
});

/** What a change to the course's own groups needs. */
export interface GroupChangeDeps {
  db: Database;
  now: () => Date;
  /** The reports' remembered reads of the course, which a change to its groups makes stale. */
  reports: ReportReads;
}

/** After a change (or a refused one): the updated page (htmx) or a redirect to it (plain form). */
async function answer(req: Request, res: Response, { db, reports }: GroupChangeDeps, message: Message, status = 200): Promise<void> {
  const session = sessionOf(res);
  // The change has committed: the reports' group filter and names show it from the next request on.
  reports.forget(session);
  const view = await groupsView(db, session, message, status);
  if (status >= 400) return renderView(req, res, view);
  renderAfterChange(req, res, view, `/groups?ltik=${encodeURIComponent(session.ltik)}`);
}

function parseForm<T>(schema: z.ZodType<T>, body: unknown): T | string {
  const parsed = schema.safeParse(body ?? {});
  return parsed.success ? parsed.data : describeZodError(parsed.error);
}

export const getGroups = (db: Database) =>
  handle(async (req, res) => {
    renderView(req, res, await groupsView(db, sessionOf(res)));
  });

export const postGroup = (deps: GroupChangeDeps) =>
  handle(async (req, res) => {
    const form = parseForm(nameForm, req.body);
    if (typeof form === 'string') return answer(req, res, deps, { kind: 'error', text: form }, 400);
    const group = await createCoursePulseGroup(deps.db, sessionOf(res), form.name, deps.now());
    await answer(req, res, deps, group ? { kind: 'done', text: `Created the group ${group.name}.` } : { kind: 'error', text: 'This course is not known yet.' }, group ? 200 : 404);
  });

export const postGroupRename = (deps: GroupChangeDeps) =>
  handle(async (req, res) => {
    const form = parseForm(nameForm, req.body);
    if (typeof form === 'string') return answer(req, res, deps, { kind: 'error', text: form }, 400);
    const group = await renameCoursePulseGroup(deps.db, sessionOf(res), String(req.params.groupId), form.name, deps.now());
    await answer(req, res, deps, group ? { kind: 'done', text: `Renamed the group to ${group.name}.` } : notFound, group ? 200 : 404);
  });

export const postGroupDelete = (deps: GroupChangeDeps) =>
  handle(async (req, res) => {
    const deleted = await deleteCoursePulseGroup(deps.db, sessionOf(res), String(req.params.groupId));
    await answer(req, res, deps, deleted ? { kind: 'done', text: 'Deleted the group. Its students stay in the course.' } : notFound, deleted ? 200 : 404);
  });

export const postGroupMembers = (deps: GroupChangeDeps) =>
  handle(async (req, res) => {
    const form = parseForm(membersForm, req.body);
    if (typeof form === 'string') return answer(req, res, deps, { kind: 'error', text: form }, 400);
    const result = await addCoursePulseGroupMembers(deps.db, sessionOf(res), String(req.params.groupId), form.userId, deps.now());
    if (result.ok) return answer(req, res, deps, { kind: 'done', text: `Added to ${result.group.name}.` });
    if (result.problem === 'no-such-group') return answer(req, res, deps, notFound, 404);
    await answer(req, res, deps, { kind: 'error', text: `Not a student of this course: ${result.userIds.join(', ')}. Nothing was added.` }, 400);
  });

export const postGroupMembersRemove = (deps: GroupChangeDeps) =>
  handle(async (req, res) => {
    const form = parseForm(membersForm, req.body);
    if (typeof form === 'string') return answer(req, res, deps, { kind: 'error', text: form }, 400);
    const group = await removeCoursePulseGroupMembers(deps.db, sessionOf(res), String(req.params.groupId), form.userId, deps.now());
    await answer(req, res, deps, group ? { kind: 'done', text: `Removed from ${group.name}.` } : notFound, group ? 200 : 404);
  });

const notFound: Message = { kind: 'error', text: 'That group does not exist in this course (it may have been deleted).' };

/** GET /api/groups: the course's groups as JSON, for scripts and the reports' group filter. */
export const getGroupsJson = (db: Database) =>
  handle(async (_req, res) => {
    const groups = await listCourseGroups(db, sessionOf(res));
    res.json(groups.map((g) => ({ id: g.groupId, name: g.name, source: g.source, setName: g.setName, members: g.members })));
  });
