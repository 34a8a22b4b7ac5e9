/**
 * The crash test's course, set up as an LMS admin and a teacher set one up, through the running
 * server only: the test LMS registered with the admin API, an ingest credential made for it, and
 * the course launched by its teacher (a real signed launch; the tool reads the roster from the
 * LMS's NRPS on it) — so that every statement sent afterwards finds its course and its student.
 */
import assert from 'node:assert/strict';
import supertest from 'supertest';
import { ltikOf } from '../support/lti-world.js';
import { DEFAULT_CONTEXT, ROLES, TestPlatform, type ContextClaim, type Member } from '../support/test-platform.js';

export interface CrashCourse {
  platform: TestPlatform;
  platformId: string;
  context: ContextClaim;
  /** The students' LTI user ids (the statements' account names). */
  studentIds: string[];
  /** HTTP Basic `key:secret` of the ingest credential. */
  credential: { key: string; secret: string };
}

/** Registers the LMS, makes the credential, launches the course and waits until its roster of `students` is loaded. */
export async function setUpCourse(serverUrl: string, adminToken: string, students: number): Promise<CrashCourse> {
  const platform = await TestPlatform.start({ toolUrl: serverUrl, name: 'Crash LMS' });
  try {
    const admin = (path: string, body: object) => supertest(serverUrl).post(path).set('Authorization', `Bearer ${adminToken}`).send(body);
    const registered = await admin('/admin/api/platforms', platform.registration());
    assert.equal(registered.status, 201, `registering the LMS: ${registered.status} ${registered.text}`);
    const platformId = (registered.body as { id: string }).id;
    const made = await admin(`/admin/api/platforms/${platformId}/credentials`, { label: 'crash test' });
    assert.equal(made.status, 201, `making the credential: ${made.status} ${made.text}`);
    const { key, secret } = made.body as { key: string; secret: string };

    const context: ContextClaim = { ...DEFAULT_CONTEXT, id: 'crash-course', label: 'CRASH', title: 'Crash course' };
    const studentIds = Array.from({ length: students }, (_, i) => `student-${String(i + 1).padStart(3, '0')}`);
    const members: Member[] = [
      { user_id: 'teacher-1', roles: [ROLES.instructor], status: 'Active', name: 'Tess Teacher', email: 'tess@example.edu' },
      ...studentIds.map((id, i): Member => ({ user_id: id, roles: [ROLES.learner], status: 'Active', name: `Student ${i + 1}`, email: `${id}@example.edu` })),
    ];
    platform.setMembers(context, members);
    const launch = await platform.launch(supertest.agent(serverUrl), { sub: 'teacher-1', context });
    assert.equal(launch.response.status, 200, `the teacher's launch: ${launch.response.status} ${launch.response.text.slice(0, 500)}`);

    // The launch waits a while for the roster read and then answers anyway; wait for the read.
    const ltik = ltikOf(launch.response.text);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const overview = await supertest(serverUrl).get('/api/overview').set('Authorization', `Bearer ${ltik}`);
      assert.equal(overview.status, 200, `the overview: ${overview.status} ${overview.text}`);
      const total = (overview.body as { students: { total: number } }).students.total;
      if (total === students) break;
      assert.ok(Date.now() < deadline, `the roster read did not bring the ${students} students within 30 s (the overview has ${total})`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return { platform, platformId, context, studentIds, credential: { key, secret } };
  } catch (err) {
    await platform.close();
    throw err;
  }
}
