/**
 * The statements of the load benchmark, from the benchmarks' generator (activity-generator.ts):
 *
 * - the preload: the report course's activity over `days` days ending yesterday, in time order,
 *   in batches of 100 — what the reports read;
 * - the live stream: fresh statements for the ingest courses, one course-day at a time (every
 *   student of the course, in time order, as Moodle's log store forwards a course's log), the
 *   courses taken in turn, each request exactly `batchSize` statements of one course. Each
 *   course-day has a seed of its own and the days go back from the day before the preload's first,
 *   so no live statement can equal a stored one: every acknowledged statement must add a row, which
 *   the end of the run checks.
 *
 * Statements are kept as JSON text (made once); those an LRS takes for one event are sent once
 * (StatementIdentities) — across the whole platform, as the server tells them apart.
 */
import { activityByStudent, courseActivity, type GeneratorOptions } from './activity-generator.js';
import { deriveStatementId } from '../src/ingest/statement-id.js';
import type { Statement } from '../src/ingest/statement-validation.js';

/**
 * The statements a run has made so far, as an LRS tells them apart: by the id an id-less statement
 * gets (statement-id.ts: actor, verb, object, time, Moodle's event name), not by their whole text,
 * and across the platform, not per course — statement ids are the LRS's. The generator's times are
 * whole seconds and its courses share their students and module ids (`mod/page/view.php?id=40` in
 * every course), so two clicks in one second that differ only in their result, or the same click
 * in two courses, are one statement, answered as a re-send, and would not add a row. Counted per
 * course-day, a ten-minute run had 2 of 300,000 such pairs (both across courses) that the end
 * check then reported as lost; one set for the run sends each statement once.
 */
export class StatementIdentities {
  readonly #ids = new Set<string>();

  /** The JSON of those of `statements` not made before, in order; they count as made from now on. */
  distinct(statements: Iterable<Record<string, unknown>>): string[] {
    const fresh: string[] = [];
    for (const statement of statements) {
      const id = deriveStatementId(statement as unknown as Statement);
      if (this.#ids.has(id)) continue;
      this.#ids.add(id);
      fresh.push(JSON.stringify(statement));
    }
    return fresh;
  }
}

const DAY_MS = 86_400_000;

export interface LoadCourseActivity {
  seed: number;
  /** The LMS base URL (the platform's issuer): the statements' course URLs and accounts. */
  lmsUrl: string;
  students: number;
  /** Days of preloaded activity, ending yesterday (UTC). */
  days: number;
}

/** UTC midnight of the day `now` is in. */
export const utcDay = (now: Date): number => Math.floor(now.getTime() / DAY_MS) * DAY_MS;

/** The report course's activity as request bodies of up to `batchSize` statements, in time order; and how many distinct statements. */
export function preloadBatches(
  o: LoadCourseActivity,
  courseId: string,
  now: Date,
  batchSize: number,
  identities: StatementIdentities,
): { bodies: string[]; statements: number } {
  const generator: GeneratorOptions = { seed: o.seed, lmsUrl: o.lmsUrl, courseId, students: o.students, days: o.days, start: new Date(utcDay(now) - o.days * DAY_MS) };
  const all = identities.distinct((function* () {
    for (const { statement } of courseActivity(generator)) yield statement;
  })());
  const bodies: string[] = [];
  for (let i = 0; i < all.length; i += batchSize) bodies.push(`[${all.slice(i, i + batchSize).join(',')}]`);
  return { bodies, statements: all.length };
}

/** A course-day's seed: distinct for each (run seed, course, day). */
const daySeed = (seed: number, course: number, dayBack: number) => (seed ^ Math.imul(course + 1, 0x9e3779b1) ^ Math.imul(dayBack + 1, 0x85ebca6b)) >>> 0;

export interface LiveBatch {
  courseId: string;
  body: string;
  count: number;
}

/** The live stream; see the file's comment. */
export class LiveStatements {
  readonly #queues: string[][];
  readonly #dayBack: number[];
  #turn = 0;
  /** Days generated so far (all courses). */
  courseDays = 0;

  constructor(
    private readonly o: LoadCourseActivity,
    private readonly courseIds: readonly string[],
    private readonly now: Date,
    private readonly batchSize: number,
    /** The run's, which the preload's statements are in already. */
    private readonly identities: StatementIdentities,
  ) {
    this.#queues = courseIds.map(() => []);
    // The day before the preload's first: older activity arriving, never a stored statement again.
    this.#dayBack = courseIds.map(() => o.days + 1);
  }

  /** The next request's statements: the next course in turn, exactly `batchSize` of them. */
  next(): LiveBatch {
    const course = this.#turn++ % this.courseIds.length;
    const queue = this.#queues[course]!;
    while (queue.length < this.batchSize) queue.push(...this.#courseDay(course));
    const batch = queue.splice(0, this.batchSize);
    return { courseId: this.courseIds[course]!, body: `[${batch.join(',')}]`, count: batch.length };
  }

  /** One course-day of every student, in time order, statements not made before only. */
  #courseDay(course: number): string[] {
    const dayBack = this.#dayBack[course]!++;
    this.courseDays++;
    const generator: GeneratorOptions = {
      seed: daySeed(this.o.seed, course, dayBack),
      lmsUrl: this.o.lmsUrl,
      courseId: this.courseIds[course]!,
      students: this.o.students,
      days: 1,
      start: new Date(utcDay(this.now) - dayBack * DAY_MS),
    };
    const events: Array<{ at: number; statement: Record<string, unknown> }> = [];
    for (const student of activityByStudent(generator)) for (const e of student.events) events.push({ at: e.at, statement: e.statement });
    events.sort((a, b) => a.at - b.at);
    return this.identities.distinct(events.map((e) => e.statement));
  }
}
