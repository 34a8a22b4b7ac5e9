/**
 * Erasure of one person of one platform (GDPR right to erasure; `coursepulse erase`): everything
 * CoursePulse holds that names them as its subject goes, in one transaction —
 *
 * - their events, every source: resolved to them, or still waiting for a roster and naming them
 *   by the references the roster matching uses (person-reference.ts) — with the attachment data
 *   no other statement names;
 * - their derived figures (student_visits, student_days, student_totals);
 * - their roster, group and launch rows, and the launch tokens ltijs keeps of them (the LMS still
 *   holds their enrolment: a later roster read brings their name and roles back while they are
 *   enrolled there);
 * - then `course_days` of every course they were in is rewritten from the remaining students'
 *   days, so the course figures equal what a full rebuild gives.
 *
 * Statements whose actor is someone else but that mention the person elsewhere (as an instructor
 * in the context, as the object) are that other person's activity and stay.
 *
 * The platform's ingestion waits meanwhile (its ingest lock, exclusively), so no batch stores,
 * resolves or recomputes the person while they are being erased.
 */
import { lockCourses } from './recompute.js';
import { matchPerson } from './person-reference.js';
import { courseStudentIds } from '../models/course-students.js';
import type { Database } from '../models/database.js';
import {
  deletePersonEvents,
  deletePersonLtiTokens,
  deletePersonRows,
  personCourses,
  personRecords,
  unresolvedPersonEvents,
  PERSON_TABLES,
  type PersonTable,
} from '../models/erase-person.js';
import { lockPlatformIngest } from '../models/ingest-lock.js';
import { refreshCourseDays } from '../models/refresh-course-days.js';
import { deleteUnreferencedAttachments } from '../models/unreferenced-attachments.js';

export interface ErasePersonResult {
  /** The courses the person had rows in; their `course_days` were rewritten. */
  courses: string[];
  /** Events deleted per source (`xapi`, `caliper`, `lti-launch`). */
  events: Record<string, number>;
  attachments: number;
  /** Rows deleted per table. */
  rows: Record<PersonTable, number>;
  /** ltijs documents (launch tokens) deleted. */
  ltiTokens: number;
}

class DryRun extends Error {
  constructor(readonly result: ErasePersonResult) {
    super('dry run');
  }
}

/**
 * Erases the person (see the file's comment). `dryRun`: does all of it and rolls it back, so
 * that the answer says exactly what a real run would remove.
 */
export async function erasePerson(db: Database, platformId: string, userId: string, options: { dryRun?: boolean } = {}): Promise<ErasePersonResult> {
  try {
    return await db.transaction(async (tx) => {
      await lockPlatformIngest(tx, platformId, 'exclusive');
      const courses = await personCourses(tx, platformId, userId);
      await lockCourses(tx, platformId, courses);

      // Events still waiting for a roster that name the person: by their LTI id as an account
      // name, or by the e-mail and sourcedId of their roster records.
      const records = [{ userId }, ...(await personRecords(tx, platformId, userId))];
      const waiting = (await unresolvedPersonEvents(tx, platformId)).filter((e) => matchPerson(e.personRef, records) === userId);
      const events = await deletePersonEvents(tx, platformId, userId, waiting);
      const attachments = await deleteUnreferencedAttachments(tx, platformId, events.sha2s);

      const rows = {} as Record<PersonTable, number>;
      for (const table of PERSON_TABLES) rows[table] = await deletePersonRows(tx, table, platformId, userId);
      const ltiTokens = await deletePersonLtiTokens(tx, platformId, userId);

      // Their days are gone and they are no longer a member: each course's totals per day follow.
      for (const contextId of courses) {
        const course = { platformId, contextId };
        await refreshCourseDays(tx, course, await courseStudentIds(tx, course), null);
      }
      const result = { courses, events: events.bySource, attachments, rows, ltiTokens };
      if (options.dryRun) throw new DryRun(result);
      return result;
    });
  } catch (err) {
    if (err instanceof DryRun) return err.result;
    throw err;
  }
}
