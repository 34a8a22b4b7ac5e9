/**
 * What the crash test holds the database to once the server has stopped, each check a name and
 * what was found:
 *  - every acknowledged statement is stored exactly once, and nothing is stored that was never sent;
 *  - every request that was not acknowledged is stored whole or not at all;
 *  - every acknowledged statement counts: resolved to the course and its student, with its kind,
 *    voided exactly when a stored voiding statement names it;
 *  - the figures count each stored counted event once (Σ visit events and Σ day actions per
 *    student against a plain count of the stored rows, independent of the visit arithmetic);
 *  - the stored figures equal a recompute of every student's whole history, done in a
 *    transaction that is rolled back (the incremental windows against the full computation).
 * SQL here reads the test's own platform (statements not resolved to a course have no course id
 * to scope them by) and course.
 */
import { recomputeStudents, type RollupSettings } from '../../src/ingest/recompute.js';
import { ACTION_KINDS } from '../../src/ingest/event-kind.js';
import type { CourseKey } from '../../src/models/course-key.js';
import { courseDerivedStudents } from '../../src/models/course-derived-students.js';
import type { Database, Queryable } from '../../src/models/database.js';
import { derivedRows, type DerivedRows, type Row } from '../support/derived-rows.js';
import type { RequestLedger } from './request-ledger.js';

export interface Check {
  name: string;
  ok: boolean;
  /** What was found: counts when it passed, the first problems when it failed. */
  detail: string;
}

export interface Figures extends DerivedRows {
  totals: Row[];
}

const FIRST = 5;
const firstOf = (problems: string[]): string => `${problems.slice(0, FIRST).join('; ')}${problems.length > FIRST ? ` (and ${problems.length - FIRST} more)` : ''}`;
const check = (name: string, problems: string[], passed: string): Check => ({ name, ok: problems.length === 0, detail: problems.length === 0 ? passed : firstOf(problems) });

interface StoredRow {
  source_id: string;
  context_id: string | null;
  user_id: string | null;
  kind: string | null;
  ignored: string | null;
  voids: string | null;
  voided: boolean;
}

/** The statements, the requests and the counting, against the ledger. */
export async function checkStatements(db: Database, course: CourseKey, ledger: RequestLedger): Promise<Check[]> {
  const rows = await db.query<StoredRow>(
    `select source_id, context_id, user_id, kind, ignored, voids, voided from source_events where platform_id = $1 and source = 'xapi'`,
    [course.platformId],
  );
  const stored = new Map<string, StoredRow[]>();
  for (const row of rows) stored.set(row.source_id, [...(stored.get(row.source_id) ?? []), row]);
  const acknowledged = ledger.acknowledged();

  const onceProblems: string[] = [];
  for (const id of acknowledged) {
    const n = stored.get(id)?.length ?? 0;
    if (n !== 1) onceProblems.push(`acknowledged ${id} is stored ${n} times`);
  }
  for (const id of stored.keys()) if (!ledger.statements.has(id)) onceProblems.push(`${id} is stored but was never sent`);
  const inDoubt = ledger.unacknowledgedNew();
  const inDoubtStored = inDoubt.filter((e) => e.ids.every((id) => stored.has(id)));
  const storedNotAcknowledged = inDoubtStored.reduce((n, e) => n + e.ids.length, 0);

  const wholeProblems: string[] = [];
  for (const e of inDoubt) {
    const kept = e.ids.filter((id) => stored.has(id)).length;
    if (kept !== 0 && kept !== e.ids.length) wholeProblems.push(`request ${e.n} (${e.method}, ${e.outcome.kind}) has ${kept} of its ${e.ids.length} statements stored`);
    if (kept !== 0 && e.outcome.kind === 'refused' && e.outcome.status < 500) wholeProblems.push(`request ${e.n} was refused with ${e.outcome.status} but ${kept} of its statements are stored`);
  }

  // A statement is voided when a stored voiding statement names it, acknowledged or not.
  const voidedTargets = new Set(rows.flatMap((row) => (row.voids === null ? [] : [row.voids])));
  const countedProblems: string[] = [];
  let voided = 0;
  for (const id of acknowledged) {
    const sent = ledger.statements.get(id)!;
    const row = stored.get(id)?.[0];
    if (!row) continue; // reported above
    const shown = () => `${id} (${sent.kind} of ${sent.userId}) is stored as ${JSON.stringify({ context: row.context_id, user: row.user_id, kind: row.kind, ignored: row.ignored, voids: row.voids, voided: row.voided })}`;
    if (sent.kind === 'voiding') {
      // A teacher's voiding statement names no course: stored, ignored, pointing at its target.
      if (row.voids !== sent.voids || row.ignored !== 'voiding') countedProblems.push(shown());
      continue;
    }
    const kindOk = sent.kind === 'ignored' ? row.ignored !== null : row.kind === sent.kind && row.ignored === null;
    if (voidedTargets.has(id)) voided += 1;
    if (row.context_id !== course.contextId || row.user_id !== sent.userId || !kindOk || row.voided !== voidedTargets.has(id)) countedProblems.push(shown());
  }

  return [
    check('every acknowledged statement is stored exactly once, and nothing else', onceProblems, `${acknowledged.size} acknowledged, ${stored.size} stored (${storedNotAcknowledged} of them from requests cut before their answer)`),
    check('every request not acknowledged is stored whole or not at all', wholeProblems, `${inDoubt.length} such requests: ${inDoubtStored.length} stored whole, ${inDoubt.length - inDoubtStored.length} not at all`),
    check('every acknowledged statement counts: resolved to the course and its student, with its kind, unless voided', countedProblems, `${acknowledged.size} statements, ${voided} of them voided`),
    ...(await checkCounting(db, course)),
  ];
}

/** Σ events of the visits and Σ actions of the days, per student, against a plain count of the stored counted rows. */
async function checkCounting(db: Queryable, course: CourseKey): Promise<Check[]> {
  const params = [course.platformId, course.contextId];
  const counted = await db.query<{ user_id: string; events: number; actions: number }>(
    `select user_id, count(*)::int as events, count(*) filter (where kind = any($3::text[]))::int as actions
     from source_events
     where platform_id = $1 and context_id = $2 and user_id is not null and not voided and ignored is null and kind is not null
     group by user_id`,
    [...params, [...ACTION_KINDS]],
  );
  const visits = await db.query<{ user_id: string; events: number }>(
    `select user_id, sum(events)::int as events from student_visits where platform_id = $1 and context_id = $2 group by user_id`,
    params,
  );
  const days = await db.query<{ user_id: string; actions: number }>(
    `select user_id, sum(actions)::int as actions from student_days where platform_id = $1 and context_id = $2 group by user_id`,
    params,
  );
  const visitEvents = new Map(visits.map((v) => [v.user_id, v.events]));
  const dayActions = new Map(days.map((d) => [d.user_id, d.actions]));
  const problems: string[] = [];
  for (const c of counted) {
    if ((visitEvents.get(c.user_id) ?? 0) !== c.events) problems.push(`${c.user_id}: ${c.events} counted events stored, the visits hold ${visitEvents.get(c.user_id) ?? 0}`);
    if ((dayActions.get(c.user_id) ?? 0) !== c.actions) problems.push(`${c.user_id}: ${c.actions} actions stored, the days count ${dayActions.get(c.user_id) ?? 0}`);
  }
  const students = new Set(counted.map((c) => c.user_id));
  for (const userId of new Set([...visitEvents.keys(), ...dayActions.keys()])) if (!students.has(userId)) problems.push(`${userId} has figures but no counted events`);
  const events = counted.reduce((n, c) => n + c.events, 0);
  const actions = counted.reduce((n, c) => n + c.actions, 0);
  return [check('the figures count every stored counted event once (Σ visit events, Σ day actions per student)', problems, `${events} counted events (${actions} actions) of ${counted.length} students`)];
}

/** The course's derived rows as stored: visits, days, course days, and the students' totals. */
export async function figuresOf(q: Queryable, course: CourseKey): Promise<Figures> {
  const totals = await q.query<Row>(
    `select user_id, visits, duration_seconds, last_visit_at from student_totals
     where platform_id = $1 and context_id = $2 order by user_id collate "C"`,
    [course.platformId, course.contextId],
  );
  return { ...(await derivedRows(q, course.platformId, course.contextId)), totals };
}

class RollBack extends Error {}

/** The figures a recompute of every student's whole history gives, computed in a transaction that is rolled back. */
export async function recomputedFigures(db: Database, course: CourseKey, settings: RollupSettings): Promise<Figures> {
  let figures: Figures | undefined;
  await db
    .transaction(async (tx) => {
      const students = await courseDerivedStudents(tx, course);
      await recomputeStudents(tx, students.map((userId) => ({ ...course, userId })), settings);
      figures = await figuresOf(tx, course);
      throw new RollBack();
    })
    .catch((err: unknown) => {
      if (!(err instanceof RollBack)) throw err;
    });
  return figures!;
}

/** Where two sets of figures differ, table by table: the first rows that differ. */
export function figureDifferences(actual: Figures, expected: Figures): string[] {
  const problems: string[] = [];
  for (const table of ['visits', 'days', 'courseDays', 'totals'] as const) {
    const a = actual[table].map((r) => JSON.stringify(r));
    const e = expected[table].map((r) => JSON.stringify(r));
    if (a.length !== e.length) problems.push(`${table}: ${a.length} rows, expected ${e.length}`);
    const expectedSet = new Set(e);
    const actualSet = new Set(a);
    const missing = e.filter((r) => !actualSet.has(r));
    const extra = a.filter((r) => !expectedSet.has(r));
    for (const r of missing.slice(0, 2)) problems.push(`${table}: missing ${r}`);
    for (const r of extra.slice(0, 2)) problems.push(`${table}: unexpected ${r}`);
  }
  return problems;
}

/** The stored figures against a full recompute. */
export async function checkAgainstRecompute(db: Database, course: CourseKey, settings: RollupSettings): Promise<{ check: Check; stored: Figures }> {
  const stored = await figuresOf(db, course);
  const problems = figureDifferences(stored, await recomputedFigures(db, course, settings));
  const sizes = `${stored.visits.length} visits, ${stored.days.length} student days, ${stored.courseDays.length} course days, ${stored.totals.length} students' totals`;
  return { check: check('the stored figures equal a full recompute (in a rolled-back transaction)', problems, sizes), stored };
}
