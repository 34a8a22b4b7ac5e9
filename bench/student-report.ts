/**
 * How long one student's Activity Details take (getStudentReport: every query and the figures),
 * on a course of 1,000 students with a day row on each of 365 days and two visits a day — the
 * size the target "p95 ≤ 30 ms on the PostgreSQL server" is stated for. The rows are written
 * straight into the derived tables (generate_series): this measures reading, not ingestion.
 *
 *   npx tsx bench/student-report.ts [--students 1000] [--days 365] [--runs 300] [--pglite]
 *
 * The server is DATABASE_URL or the local one (bench-databases.ts); --pglite measures the
 * embedded database instead.
 */
import { parseArgs } from 'node:util';
import type { Database } from '../src/models/database.js';
import { getStudentReport } from '../src/reports/index.js';
import { LOCAL_SERVER_URL, pgliteDatabases, serverDatabases, serverSettings } from './bench-databases.js';

const { values } = parseArgs({
  options: {
    students: { type: 'string', default: '1000' },
    days: { type: 'string', default: '365' },
    runs: { type: 'string', default: '300' },
    pglite: { type: 'boolean', default: false },
  },
});
const STUDENTS = Number(values.students);
const DAYS = Number(values.days);
const RUNS = Number(values.runs);
const COURSE = { platformId: 'bench-platform', contextId: 'bench-course' };
const SETTINGS = { timezone: 'Europe/Oslo', visitTimeoutMinutes: 30, lastEventCreditSeconds: 60 };
const NOW = new Date('2025-03-05T12:00:00Z');

async function fill(db: Database): Promise<void> {
  const { platformId, contextId } = COURSE;
  await db.query(
    `insert into courses (platform_id, context_id, deployment_id, title, first_launch_at, last_launch_at, last_used_at)
     values ($1, $2, '1', 'Bench course', $3, $3, $3)`,
    [platformId, contextId, NOW],
  );
  await db.query(
    `insert into members (platform_id, context_id, user_id, name, given_name, family_name, roles, status, updated_at)
     select $1, $2, 'student-' || n, 'Student ' || n, 'Student', n::text, array['http://purl.imsglobal.org/vocab/lis/v2/membership#Learner'], 'Active', $3
     from generate_series(1, $4::int) n`,
    [platformId, contextId, NOW, STUDENTS],
  );
  await db.query(
    `insert into student_days (platform_id, context_id, user_id, day, visits, duration_seconds, actions, resources, activities,
                               communication, threads, posts, comments, first_event_at, last_event_at)
     select $1, $2, 'student-' || n, d::date, 2, 600 + (n * 7 + extract(doy from d)::int) % 3000, 5, 2, 2, 1, 0, 1, 0,
            d + interval '9 hours', d + interval '15 hours'
     from generate_series(1, $3::int) n, generate_series($4::date - ($5::int - 1), $4::date, interval '1 day') d`,
    [platformId, contextId, STUDENTS, '2025-03-05', DAYS],
  );
  await db.query(
    `insert into student_visits (platform_id, context_id, user_id, started_at, last_event_at, day, events, duration_seconds, capped)
     select $1, $2, 'student-' || n, d + h * interval '1 hour', d + h * interval '1 hour' + interval '10 minutes', d::date, 3, 660, false
     from generate_series(1, $3::int) n, generate_series($4::date - ($5::int - 1), $4::date, interval '1 day') d, (values (9), (15)) hours(h)`,
    [platformId, contextId, STUDENTS, '2025-03-05', DAYS],
  );
  await db.query('analyze');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL || LOCAL_SERVER_URL;
  const databases = values.pglite ? await pgliteDatabases() : await serverDatabases(serverUrl);
  const { db, dispose } = await databases.fresh();
  try {
    const filling = performance.now();
    await fill(db);
    console.log(`${databases.backend}: ${STUDENTS} students × ${DAYS} days written in ${((performance.now() - filling) / 1000).toFixed(1)} s`);
    if (!values.pglite) console.log(await serverSettings(serverUrl));
    const times: number[] = [];
    for (let i = 0; i < RUNS + 20; i += 1) {
      const userId = `student-${1 + ((i * 7919) % STUDENTS)}`;
      const started = performance.now();
      const report = await getStudentReport(db, COURSE, userId, {}, SETTINGS, NOW);
      const took = performance.now() - started;
      if (!report || report.days.length !== 365) throw new Error(`unexpected report for ${userId}`);
      if (i >= 20) times.push(took); // the first 20 warm caches and the JIT
    }
    times.sort((a, b) => a - b);
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    console.log(`getStudentReport, ${RUNS} students: p50 ${ms(percentile(times, 0.5))}, p95 ${ms(percentile(times, 0.95))}, max ${ms(times.at(-1)!)}`);
  } finally {
    await dispose();
    await databases.close();
  }
}

await main();
