/**
 * What every fuzzed request must get, whatever it sent: an answer below 500; a refusal (4xx)
 * that says what is wrong — `{"error": "…"}` from the JSON routes, a page with a heading from the
 * page routes, a sentence from the few plain-text ones — and, for a refusal, nothing written: the
 * row count of every table the same afterwards. And the process still answers /healthz.
 */
import assert from 'node:assert/strict';
import type { Express } from 'express';
import supertest from 'supertest';
import type { Queryable } from '../../src/models/database.js';

/** Every table of the schema (src/models/schema.ts), whose row counts a refused request must leave as they were. */
export const TABLES = [
  'lti_store',
  'courses',
  'members',
  'launches',
  'groups',
  'group_members',
  'ingest_credentials',
  'source_events',
  'student_visits',
  'student_days',
  'student_totals',
  'course_days',
  'derived_settings',
  'import_runs',
  'statement_attachments',
  'report_views',
  'platform_origins',
] as const;
export type Table = (typeof TABLES)[number];
export type RowCounts = Record<Table, number>;

export async function rowCounts(db: Queryable): Promise<RowCounts> {
  const rows = await db.query<{ t: Table; n: number }>(TABLES.map((t) => `select '${t}' as t, count(*)::int as n from ${t}`).join(' union all '));
  return Object.fromEntries(rows.map((r) => [r.t, r.n])) as RowCounts;
}

/** The tables whose counts changed between two snapshots, with before → after. */
export function changedTables(before: RowCounts, after: RowCounts, ignore: readonly Table[] = []): Record<string, string> {
  return Object.fromEntries(TABLES.filter((t) => !ignore.includes(t) && before[t] !== after[t]).map((t) => [t, `${before[t]} → ${after[t]}`]));
}

/** The answer's kind of message: what a refusal must carry. */
export type MessageKind = 'json' | 'page' | 'json-or-page' | 'any';

/**
 * Asserts the answer is below 500 and, when it is a refusal (4xx), carries its message:
 * `{"error": "<non-empty>"}` (json), an HTML page with a non-empty `<h1>` (page), or either.
 */
export function assertAnswered(res: supertest.Response, kind: MessageKind, what: string): void {
  const context = `${what}\n→ ${res.status} ${String(res.headers['content-type'])} ${res.text?.slice(0, 300)}`;
  assert.ok(res.status < 500, `never a 5xx: ${context}`);
  if (res.status < 400) return;
  // Node's HTTP parser answers a request line and headers over 16 kB itself, before any route: its status line is the message.
  if (res.status === 431) return;
  const type = String(res.headers['content-type'] ?? '');
  const isJson = type.startsWith('application/json');
  const isPage = type.startsWith('text/html');
  if (kind === 'json' || (kind === 'json-or-page' && isJson)) {
    assert.ok(isJson, `a JSON refusal: ${context}`);
    const error = (res.body as { error?: unknown }).error;
    assert.ok(typeof error === 'string' && error.trim().length > 0, `{"error": "…"} says what is wrong: ${context}`);
    return;
  }
  if (kind === 'page' || kind === 'json-or-page') {
    assert.ok(isPage, `a problem page: ${context}`);
    const heading = /<h1[^>]*>([^<]+)<\/h1>/.exec(res.text)?.[1]?.trim();
    assert.ok(heading, `the page has a heading saying what is wrong: ${context}`);
    return;
  }
  assert.ok((res.text ?? '').trim().length > 0, `the refusal says something: ${context}`);
}

/** The process still answers: /healthz is 200 {"status":"ok"}. */
export async function assertHealthy(app: Express | string): Promise<void> {
  const res = await supertest(app).get('/healthz');
  assert.equal(res.status, 200, `healthz: ${res.status} ${res.text}`);
  assert.deepEqual(res.body, { status: 'ok' });
}
