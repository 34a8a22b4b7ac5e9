/**
 * The load benchmark's courses, set up through the running server as an institution sets them up:
 * the test LMS (test/support/test-platform.ts, a real LTI 1.3 platform on a loopback port)
 * registered by the admin API, ingest credentials made by the admin API, every course brought
 * into being by a teacher's real launch (OIDC login, the LMS's signed id_token) that reads its
 * roster from the LMS's Names and Role service, and the report course's history sent through
 * POST /xapi/statements — so the server's memory and caches start where a running one's are.
 * The launch of the report course gives the ltik the report traffic carries.
 *
 * The preload honours 429 (it waits Retry-After and sends again, as a forwarder does) and
 * refuses anything else: a benchmark on a half-loaded course would measure nothing.
 */
import http from 'node:http';
import supertest from 'supertest';
import { studentUserId } from './bench-course.js';
import { send } from './load-client.js';
import { preloadBatches, StatementIdentities, type LoadCourseActivity } from './load-statements.js';
import { ROLES, TestPlatform, type ContextClaim, type Member } from '../test/support/test-platform.js';

/** The report course's LTI context id (a Moodle course id); the other ingest courses follow it. */
export const REPORT_COURSE_ID = '301';
export const BATCH_SIZE = 100;
/** Preload requests per credential: below the default rate limit's burst of 600. */
const PRELOAD_REQUESTS_PER_CREDENTIAL = 500;

export interface LoadCourseOptions {
  seed: number;
  students: number;
  days: number;
  /** Courses the live statements go to, the report course first (at least 1). */
  ingestCourses: number;
  /** Ingest credentials for the live statements (taken in turn). */
  credentials: number;
  progress: (line: string) => void;
}

export interface PreloadResult {
  statements: number;
  requests: number;
  /** Requests sent again after a 429. */
  retried: number;
  seconds: number;
}

export interface LoadCourses {
  platform: TestPlatform;
  activity: LoadCourseActivity;
  /** The instant the preload's days end at (its day is "today"); the live stream's days are counted from it too. */
  now: Date;
  /** The report course first. */
  courseIds: string[];
  platformId: string;
  /** The ltik of the teacher's launch of the report course. */
  ltik: string;
  /** `Basic …` of each live ingest credential. */
  authorizations: string[];
  preload: PreloadResult;
  /** The statements made so far (the preload's): the live stream makes only others. */
  identities: StatementIdentities;
  launchMs: number;
  close(): Promise<void>;
}

const XAPI_HEADERS = { 'Content-Type': 'application/json', 'X-Experience-API-Version': '1.0.3' };

async function admin<T>(serverUrl: string, token: string, path: string, body: unknown): Promise<T> {
  const res = await fetch(new URL(path, serverUrl), { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

const context = (id: string): ContextClaim => ({ id, label: `LOAD${id}`, title: `Load course ${id}`, type: ['http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering'] });

const roster = (students: number): Member[] =>
  Array.from({ length: students }, (_, i) => ({
    user_id: studentUserId(i + 1),
    roles: [ROLES.learner],
    status: 'Active' as const,
    name: `Student ${i + 1}`,
    given_name: 'Student',
    family_name: String(i + 1),
    email: `student${i + 1}@load-bench.example`,
  }));

/** A teacher's launch of `courseId`; the ltik the overview page hands to htmx. */
async function launch(serverUrl: string, platform: TestPlatform, courseId: string): Promise<string> {
  const agent = supertest.agent(serverUrl);
  const { response } = await platform.launch(agent, { sub: 'teacher-1', roles: [ROLES.instructor], context: context(courseId), resourceLink: { id: `load-link-${courseId}`, title: 'CoursePulse' } });
  const ltik = /hx-headers='\{"Authorization": "Bearer ([^"]+)"\}'/.exec(response.text)?.[1];
  if (response.status !== 200 || !ltik) throw new Error(`the launch of course ${courseId} answered ${response.status}: ${response.text.slice(0, 300)}`);
  return ltik;
}

/** Sends the report course's history, two requests at a time, each until it is acknowledged. */
async function preload(serverUrl: string, authorizations: readonly string[], bodies: readonly string[], progress: (line: string) => void): Promise<Omit<PreloadResult, 'statements'>> {
  const base = new URL(serverUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
  const started = performance.now();
  let next = 0;
  let retried = 0;
  let lastProgress = started;
  try {
    await Promise.all(
      [0, 1].map(async () => {
        while (next < bodies.length) {
          const n = next++;
          const body = bodies[n]!;
          const authorization = authorizations[n % authorizations.length]!;
          for (;;) {
            const answer = await send(base, agent, { method: 'POST', path: '/xapi/statements', headers: { ...XAPI_HEADERS, Authorization: authorization }, body });
            if (answer.status === 200) break;
            if (answer.status !== 429) throw new Error(`preloading: POST /xapi/statements answered ${answer.status}`);
            retried++;
            await new Promise((resolve) => setTimeout(resolve, (answer.retryAfter ?? 1) * 1000));
          }
          if (performance.now() - lastProgress > 5000) {
            lastProgress = performance.now();
            progress(`  preloading: ${next}/${bodies.length} requests`);
          }
        }
      }),
    );
  } finally {
    agent.destroy();
  }
  return { requests: bodies.length, retried, seconds: Math.round((performance.now() - started) / 10) / 100 };
}

export async function setUpLoadCourses(serverUrl: string, adminToken: string, o: LoadCourseOptions): Promise<LoadCourses> {
  const platform = await TestPlatform.start({ toolUrl: serverUrl, clientId: 'coursepulse-load-bench', deploymentId: '1', name: 'Load bench LMS' });
  try {
    o.progress('registering the LMS (the admin API; ltijs makes its key) and making ingest credentials');
    const { id: platformId } = await admin<{ id: string }>(serverUrl, adminToken, '/admin/api/platforms', platform.registration());
    const credential = async (label: string) => {
      const made = await admin<{ key: string; secret: string }>(serverUrl, adminToken, `/admin/api/platforms/${platformId}/credentials`, { label });
      return `Basic ${Buffer.from(`${made.key}:${made.secret}`).toString('base64')}`;
    };
    const authorizations: string[] = [];
    for (let i = 0; i < o.credentials; i++) authorizations.push(await credential(`load bench ${i + 1}`));

    const courseIds = Array.from({ length: o.ingestCourses }, (_, i) => String(Number(REPORT_COURSE_ID) + i));
    o.progress(`launching ${courseIds.length} course(s) as their teacher (each launch reads its roster of ${o.students} students from the LMS)`);
    for (const id of courseIds) platform.setMembers(context(id), roster(o.students));
    const launchStarted = performance.now();
    const ltik = await launch(serverUrl, platform, REPORT_COURSE_ID);
    const launchMs = Math.round(performance.now() - launchStarted);
    for (const id of courseIds.slice(1)) await launch(serverUrl, platform, id);

    const now = new Date();
    const activity: LoadCourseActivity = { seed: o.seed, lmsUrl: platform.issuer, students: o.students, days: o.days };
    const identities = new StatementIdentities();
    const { bodies, statements } = preloadBatches(activity, REPORT_COURSE_ID, now, BATCH_SIZE, identities);
    // Credentials of their own, each well within its burst of INGEST_RATE_PER_MINUTE requests
    // (600 by default), so that the preload is quick and the live credentials start full.
    const preloadCredentials: string[] = [];
    for (let i = 0; i < Math.min(20, Math.ceil(bodies.length / PRELOAD_REQUESTS_PER_CREDENTIAL)); i++) preloadCredentials.push(await credential(`load bench preload ${i + 1}`));
    o.progress(`preloading the report course: ${o.students} students x ${o.days} days, ${statements.toLocaleString('en')} statements in ${bodies.length} requests`);
    const loaded = await preload(serverUrl, preloadCredentials, bodies, o.progress);
    return { platform, activity, now, courseIds, platformId, ltik, authorizations, preload: { statements, ...loaded }, identities, launchMs, close: () => platform.close() };
  } catch (err) {
    await platform.close();
    throw err;
  }
}
