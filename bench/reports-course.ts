/**
 * The course the reports benchmark reads (bench/reports.ts), loaded once: a Moodle platform
 * registered as an admin registers one, a course made by a teacher's launch (recordLaunch), its
 * roster (upsertRosterMembers) and a few LMS groups (replacePlatformGroups), then a year of the
 * generator's activity stored the way ingestion stores it — prepareStatements → the course and
 * person resolved as storePreparedStatements resolves them → statementRow → insertSourceEvents, a
 * few thousand rows per INSERT — but without the per-batch recompute, and finally the figures
 * derived once by the rebuild (rebuildDerived, what `coursepulse rebuild` runs).
 *
 * Storing per batch would recompute every student of the batch a few thousand times over the
 * year; the rebuild makes exactly the rows incremental ingestion makes (the ingest benchmark checks
 * that equality), in minutes instead of hours.
 */
import { activityByStudent, type GeneratorOptions } from './activity-generator.js';
import { studentUserId } from './bench-course.js';
import { createProgressBar, type ProgressStream } from '../src/cli/progress-bar.js';
import { issueIngestCredential } from '../src/ingest/credential-secret.js';
import { matchPerson } from '../src/ingest/person-reference.js';
import { rebuildDerived } from '../src/ingest/rebuild.js';
import type { RollupSettings } from '../src/ingest/recompute.js';
import { prepareStatements, statementRow, type StatementSender } from '../src/ingest/store-statements.js';
import { createLogger } from '../src/logger.js';
import { addPlatform } from '../src/lti/platforms.js';
import { createLti, type Lti } from '../src/lti/provider.js';
import type { CourseKey } from '../src/models/course-key.js';
import type { Database } from '../src/models/database.js';
import { coursesForIngest } from '../src/models/ingest-courses.js';
import { insertSourceEvents, type NewSourceEvent } from '../src/models/insert-source-events.js';
import { recordLaunch } from '../src/models/record-launch.js';
import { replacePlatformGroups, type PlatformGroup } from '../src/models/replace-platform-groups.js';
import { upsertRosterMembers, type RosterMember } from '../src/models/upsert-roster.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

/** The bench LMS: the platform's issuer and the base of the statements' course URLs. */
export const REPORTS_LMS_URL = 'http://moodle.reports-bench.example';
export const REPORTS_CLIENT_ID = 'coursepulse-reports-bench';
export const REPORTS_COURSE_ID = '201';
export const REPORTS_TEACHER_ID = '2';
/** CoursePulse's PUBLIC_URL in the benchmark (the test LMS's redirect URI derives from it). */
export const REPORTS_PUBLIC_URL = 'http://coursepulse.reports-bench.example';
/** ltijs's key: fixed, so the platform registered by one run is readable by the next. */
export const REPORTS_LTI_KEY = 'coursepulse-reports-bench-lti-key-0123456789';
/** The first day of activity (a Monday, UTC midnight). */
export const REPORTS_START = new Date('2025-03-03T00:00:00Z');
/** Statements per INSERT: "a few thousand", as the importer's batches. */
export const STORE_BATCH = 2000;
/** Students generated at once, their statements stored in time order: bounds the generator's memory. */
const STUDENTS_PER_CHUNK = 25;

export interface ReportsCourseOptions {
  seed: number;
  students: number;
  days: number;
  /** Visits on a day a student visits (the generator's `visitsPerDay`): scales the activity. */
  visitsPerDay: number;
  settings: RollupSettings;
  /** Where progress bars and lines go (stderr). */
  progressStream: ProgressStream;
}

export interface LoadResult {
  /** Statements generated (each stored once: the generator's statements are distinct). */
  statements: number;
  /** Rows in `source_events` for the course. */
  events: number;
  /** Students with activity. */
  activeStudents: number;
  seconds: { setup: number; store: number; rebuild: number; analyze: number; total: number };
}

/** The instant the benchmark's app lives at: the last second of the last day of activity, so "today" is a full day. */
export const reportsNow = (days: number): Date => new Date(REPORTS_START.getTime() + days * 86_400_000 - 1000);

export const generatorOptions = (o: Pick<ReportsCourseOptions, 'seed' | 'students' | 'days' | 'visitsPerDay'>): GeneratorOptions => ({
  seed: o.seed,
  lmsUrl: REPORTS_LMS_URL,
  courseId: REPORTS_COURSE_ID,
  students: o.students,
  days: o.days,
  start: REPORTS_START,
  visitsPerDay: o.visitsPerDay,
});

/** The groups of the course: a set of four tutorial groups over every student and a project group of 30, as an LMS sends them. */
export function benchGroups(students: number): PlatformGroup[] {
  const all = Array.from({ length: students }, (_, i) => studentUserId(i + 1));
  const tutorials = ['A', 'B', 'C', 'D'].map((letter, g) => ({
    externalId: `tutorial-${letter}`,
    name: `Tutorial ${letter}`,
    setId: 'tutorials',
    setName: 'Tutorials',
    userIds: all.filter((_, i) => i % 4 === g),
  }));
  return [...tutorials, { externalId: 'project-x', name: 'Project X', setId: null, setName: null, userIds: all.slice(0, Math.min(30, students)) }];
}

/** ltijs on `db` with the benchmark's key and clock. */
export function reportsLti(db: Database, settings: RollupSettings, now: () => Date, logger = createLogger('silent')): Promise<Lti> {
  const config = { publicUrl: REPORTS_PUBLIC_URL, ltiAutoActivate: true, canvasGroupRosters: false };
  // The roster is the loader's: a launch does not read it again (the test LMS would serve the same one).
  return createLti({ config, db, ltiKey: REPORTS_LTI_KEY, logger, now, rosterOnLaunch: false, rollup: settings });
}

/** The test LMS's endpoints are set at each run (registerPlatform updates a known platform's); these stand in until then. */
const platformInput = () => ({
  issuer: REPORTS_LMS_URL,
  clientId: REPORTS_CLIENT_ID,
  name: 'Reports bench Moodle',
  authUrl: `${REPORTS_LMS_URL}/mod/lti/auth.php`,
  tokenUrl: `${REPORTS_LMS_URL}/mod/lti/token.php`,
  jwksUrl: `${REPORTS_LMS_URL}/mod/lti/certs.php`,
});

/** Registers the platform and makes the course, its roster and groups; the course key. */
async function setUpCourse(db: Database, o: ReportsCourseOptions, now: Date): Promise<CourseKey> {
  const lti = await reportsLti(db, o.settings, () => now);
  let platformId: string;
  try {
    const registered = await addPlatform(lti.provider, platformInput());
    platformId = 'added' in registered ? registered.added.id : registered.exists.id;
  } finally {
    await lti.close();
  }
  const course = { platformId, contextId: REPORTS_COURSE_ID };
  await recordLaunch(
    db,
    {
      platformId,
      deploymentId: '1',
      contextId: REPORTS_COURSE_ID,
      userId: REPORTS_TEACHER_ID,
      roles: [`${LIS}Instructor`],
      course: { title: 'Reports bench course', label: 'RBENCH' },
      person: { name: 'Teacher', givenName: 'Tea', familyName: 'Cher', email: 'teacher@reports-bench.example', picture: null },
      sourcedId: null,
      resourceLinkId: 'reports-bench-link',
      membershipsUrl: null,
      groupsService: null,
      locale: 'en',
      returnUrl: null,
      custom: {},
    },
    now,
  );
  const members: RosterMember[] = Array.from({ length: o.students }, (_, i) => ({
    userId: studentUserId(i + 1),
    name: `Student ${i + 1}`,
    givenName: 'Student',
    familyName: String(i + 1),
    email: `student${i + 1}@reports-bench.example`,
    picture: null,
    roles: [`${LIS}Learner`],
    status: 'Active',
    sourcedId: null,
  }));
  await db.transaction((tx) => upsertRosterMembers(tx, course, members, now));
  await replacePlatformGroups(db, course, 'lti-gs', benchGroups(o.students), now);
  return course;
}

/**
 * Stores the generator's statements for the course, STUDENTS_PER_CHUNK students at a time in time
 * order, STORE_BATCH per INSERT; while one INSERT runs on the server the next batch is prepared.
 */
async function storeActivity(db: Database, o: ReportsCourseOptions, course: CourseKey, now: Date): Promise<number> {
  const { credential } = await issueIngestCredential(db, course.platformId, 'reports bench', now);
  const sender: StatementSender = { platformId: course.platformId, credentialKey: credential.key, issuer: REPORTS_LMS_URL, authorityHomePage: REPORTS_PUBLIC_URL };
  const found = (await coursesForIngest(db, course.platformId, [course.contextId])).get(course.contextId);
  if (!found) throw new Error('the bench course was not created');
  // matchPerson is pure and scans the roster; the course has one person per actor, so once per actor is enough.
  const personOf = new Map<string, string | null>();
  const bar = createProgressBar({ label: 'storing statements', total: o.students, unit: 'students', stream: o.progressStream });
  bar.update(0);
  const started = performance.now();
  let statements = 0;
  let pending: Promise<unknown> = Promise.resolve();
  const flush = async (chunk: Array<Record<string, unknown>>) => {
    const prepared = prepareStatements({ method: 'POST', body: chunk, version: '1.0.3' }, sender, now);
    if (!prepared.ok) throw new Error(`the generator made an invalid statement: ${prepared.error}`);
    const rows: NewSourceEvent[] = prepared.statements.map((s) => {
      const contextId = s.event.course && 'contextId' in s.event.course ? s.event.course.contextId : undefined;
      if (contextId !== course.contextId) throw new Error(`a statement names course ${contextId}, not ${course.contextId}`);
      const key = JSON.stringify(s.event.person);
      if (!personOf.has(key)) personOf.set(key, matchPerson(s.event.person, found.members) ?? null);
      const userId = personOf.get(key)!;
      if (userId === null) throw new Error(`no student matches ${key}`);
      return statementRow(s, contextId, userId);
    });
    await pending;
    pending = insertSourceEvents(db, { platformId: course.platformId, source: 'xapi', storedAt: now, credentialKey: credential.key, rows });
    // Awaited before the next INSERT (or at the end); this only keeps a failure from counting as unhandled meanwhile.
    pending.catch(() => undefined);
    statements += rows.length;
  };
  let chunk: Array<{ at: number; statement: Record<string, unknown> }> = [];
  let done = 0;
  const storeChunk = async () => {
    chunk.sort((a, b) => a.at - b.at);
    for (let i = 0; i < chunk.length; i += STORE_BATCH) await flush(chunk.slice(i, i + STORE_BATCH).map((e) => e.statement));
    chunk = [];
  };
  for (const { events } of activityByStudent(generatorOptions(o))) {
    for (const e of events) chunk.push(e);
    done++;
    if (done % STUDENTS_PER_CHUNK === 0 || done === o.students) {
      await storeChunk();
      // The bar's own rate is in students (under one a second); the statements' rate says more.
      bar.update(done, `${statements.toLocaleString('en')} statements, ${Math.round(statements / ((performance.now() - started) / 1000)).toLocaleString('en')}/s`);
    }
  }
  await pending;
  bar.finish(`stored ${statements.toLocaleString('en')} statements of ${o.students.toLocaleString('en')} students`);
  return statements;
}

/** Loads the course into `db` (migrated, without the course yet); see the file's comment. */
export async function loadReportsCourse(db: Database, o: ReportsCourseOptions): Promise<LoadResult & { course: CourseKey }> {
  const started = performance.now();
  const now = reportsNow(o.days);
  const course = await setUpCourse(db, o, now);
  const setUp = performance.now();
  const statements = await storeActivity(db, o, course, now);
  const stored = performance.now();
  // Statistics first: the rebuild's reads are planned on them (ingestion ANALYZEs as the table grows).
  await db.exec('analyze source_events');
  const bar = createProgressBar({ label: 'deriving figures (rebuild)', total: o.students, unit: 'students', stream: o.progressStream });
  bar.update(0);
  const rebuilt = await rebuildDerived(db, { settings: o.settings, remap: false, now: () => now, onProgress: (p) => bar.update(p.done) });
  bar.finish(`derived the visits and days of ${rebuilt.students.toLocaleString('en')} students`);
  const derived = performance.now();
  // The server here runs without autovacuum: without it the first reads would set hint bits
  // (writes) and could use no index-only scans — not the state a production server is in.
  o.progressStream.write('vacuum analyze\n');
  await db.exec('vacuum analyze');
  const analyzed = performance.now();
  const [counts] = await db.query<{ events: number; active: number }>(
    `select (select count(*) from source_events where platform_id = $1 and context_id = $2) as events,
            (select count(*) from student_totals where platform_id = $1 and context_id = $2 and visits > 0) as active`,
    [course.platformId, course.contextId],
  );
  const s = (from: number, to: number) => Math.round((to - from) / 10) / 100;
  return {
    course,
    statements,
    events: counts!.events,
    activeStudents: counts!.active,
    seconds: { setup: s(started, setUp), store: s(setUp, stored), rebuild: s(stored, derived), analyze: s(derived, analyzed), total: s(started, analyzed) },
  };
}
