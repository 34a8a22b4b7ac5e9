/**
 * The benchmark's correctness guard. After each phase: the course's `student_days` and
 * `course_days` as incremental ingestion left them must equal (1) a recomputation of every
 * student's whole history from the stored events (done in a transaction that is rolled back) and
 * (2) the figures of every other phase that ingested the same statements — however they were
 * batched, interleaved or re-sent. And every statement must have found its course and student.
 */
import assert from 'node:assert/strict';
import { recomputeStudents, type RollupSettings } from '../src/ingest/recompute.js';
import type { CourseKey } from '../src/models/course-key.js';
import type { Database, Queryable } from '../src/models/database.js';

export interface DerivedFigures {
  studentDays: Array<Record<string, unknown>>;
  courseDays: Array<Record<string, unknown>>;
}

async function readFigures(q: Queryable, { platformId, contextId }: CourseKey): Promise<DerivedFigures> {
  const studentDays = await q.query(
    `select user_id, day, visits, duration_seconds, actions, resources, activities, communication, threads, posts, comments,
            first_event_at, last_event_at
     from student_days where platform_id = $1 and context_id = $2 order by user_id, day`,
    [platformId, contextId],
  );
  const courseDays = await q.query(
    `select day, visits, visitors, duration_seconds, actions, resources, activities, communication, threads, posts, comments
     from course_days where platform_id = $1 and context_id = $2 order by day`,
    [platformId, contextId],
  );
  return { studentDays, courseDays };
}

class RollBack extends Error {}

/** The figures recomputed from scratch (every student's whole history), without keeping them. */
async function recomputedFigures(db: Database, course: CourseKey, settings: RollupSettings): Promise<DerivedFigures> {
  let figures: DerivedFigures | undefined;
  await db
    .transaction(async (tx) => {
      const students = await tx.query<{ user_id: string }>(
        `select distinct user_id from source_events where platform_id = $1 and context_id = $2 and user_id is not null`,
        [course.platformId, course.contextId],
      );
      await recomputeStudents(tx, students.map((s) => ({ ...course, userId: s.user_id })), settings);
      figures = await readFigures(tx, course);
      throw new RollBack();
    })
    .catch((err) => {
      if (!(err instanceof RollBack)) throw err;
    });
  return figures!;
}

/** Where two sets of figures differ, in a few lines; undefined when they are equal. */
export function figuresDiffer(label: string, actual: DerivedFigures, expected: DerivedFigures): string | undefined {
  try {
    assert.deepStrictEqual(actual, expected);
    return undefined;
  } catch (err) {
    const lines = (err as Error).message.split('\n').filter((l) => /^[+-] /.test(l)).slice(0, 6);
    return `${label}: student_days ${actual.studentDays.length} vs ${expected.studentDays.length} rows, course_days ${actual.courseDays.length} vs ${expected.courseDays.length}; first differences:\n      ${lines.join('\n      ')}`;
  }
}

export interface FiguresCheck {
  figures: DerivedFigures;
  /** Problems found; empty when the figures are right. */
  problems: string[];
}

/** Reads the figures and checks them against a recomputation from scratch and against the stored events' resolution. */
export async function checkFigures(db: Database, course: CourseKey, settings: RollupSettings, options: { fromScratch: boolean }): Promise<FiguresCheck> {
  const problems: string[] = [];
  const figures = await readFigures(db, course);
  if (figures.studentDays.length === 0) problems.push('no student_days rows at all');
  const [unresolved] = await db.query<{ n: number }>(
    `select count(*) as n from source_events where platform_id = $1 and (context_id is null or user_id is null)`,
    [course.platformId],
  );
  if (unresolved!.n > 0) problems.push(`${unresolved!.n} stored statements found no course or student`);
  if (options.fromScratch) {
    const differs = figuresDiffer('incremental vs recomputed from scratch', figures, await recomputedFigures(db, course, settings));
    if (differs) problems.push(differs);
  }
  return { figures, problems };
}
