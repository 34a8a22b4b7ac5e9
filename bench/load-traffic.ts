/**
 * The report traffic of the load benchmark: what teachers' browsers ask of one course, as request
 * classes with their share of the report requests. Pages and JSON as readers and scripts ask for
 * them, and the htmx requests the pages make by themselves (the overview's figures and a
 * student's live panel every 60 s, the search box of the student list), with the headers htmx
 * sends (HX-Request, HX-Target) and the ltik as htmx sends it (Authorization: Bearer). Every
 * request asks as a browser asks (Accept-Encoding: gzip, deflate, br), so answers are compressed as
 * for readers. Students are drawn at random from the roster (a seeded stream).
 */
import { seededRandom } from './activity-generator.js';
import { studentUserId } from './bench-course.js';

export interface ReportClass {
  name: string;
  /** Share of the report requests (the weights add up to 100). */
  weight: number;
  path(student: string): string;
  /** Set when htmx asks: the id of the element it swaps. */
  htmxTarget?: string;
}

export const INGEST_CLASS = 'POST /xapi/statements (100)';

export const REPORT_CLASSES: readonly ReportClass[] = [
  { name: 'GET /reports/overview', weight: 10, path: () => '/reports/overview' },
  { name: 'GET /reports/students/:id', weight: 15, path: (s) => `/reports/students/${s}` },
  { name: 'GET /api/overview', weight: 15, path: () => '/api/overview' },
  { name: 'GET /api/students/:id', weight: 20, path: (s) => `/api/students/${s}` },
  { name: 'htmx overview figures (60 s)', weight: 15, path: () => '/reports/overview?q=&sort=name&dir=asc', htmxTarget: 'overview-figures' },
  { name: 'htmx student list search', weight: 10, path: (s) => `/reports/overview?q=${encodeURIComponent(`Student ${s.slice(-2)}`)}`, htmxTarget: 'student-list' },
  { name: 'htmx student live (60 s)', weight: 15, path: (s) => `/reports/students/${s}`, htmxTarget: 'student-live' },
];

export interface ReportRequest {
  className: string;
  path: string;
  headers: Record<string, string>;
}

/**
 * The classes of `names`, for a run of some classes only (`--report-class`: what one kind of
 * request costs the server, at the rate it can take). Throws naming the classes there are.
 */
export function reportClassesNamed(names: readonly string[]): ReportClass[] {
  const unknown = names.filter((name) => !REPORT_CLASSES.some((c) => c.name === name));
  if (unknown.length > 0) {
    throw new RangeError(`no report class ${unknown.map((n) => JSON.stringify(n)).join(', ')}; the classes: ${REPORT_CLASSES.map((c) => JSON.stringify(c.name)).join(', ')}`);
  }
  return REPORT_CLASSES.filter((c) => names.includes(c.name));
}

/** Draws report requests of `classes` (by their weights) for the course's `students` with the launch's ltik. */
export function reportRequests(seed: number, students: number, ltik: string, classes: readonly ReportClass[] = REPORT_CLASSES): () => ReportRequest {
  const random = seededRandom(seed ^ 0x1b873593);
  const total = classes.reduce((sum, c) => sum + c.weight, 0);
  const base = { Authorization: `Bearer ${ltik}`, 'Accept-Encoding': 'gzip, deflate, br' };
  return () => {
    let roll = random() * total;
    const chosen = classes.find((c) => (roll -= c.weight) < 0) ?? classes[0]!;
    const student = studentUserId(1 + Math.floor(random() * students));
    const headers = chosen.htmxTarget ? { ...base, 'HX-Request': 'true', 'HX-Target': chosen.htmxTarget } : base;
    return { className: chosen.name, path: chosen.path(student), headers };
  };
}
