/**
 * Realistic course activity for benchmarks: a seeded generator (the same seed gives the same
 * statements) of a course's students — personas with their own habits, visits at plausible hours,
 * log-normal gaps between clicks — as Moodle's xAPI log store sends them (id-less, whole-second
 * timestamps), delivered in batches with some re-sent and some late, as real forwarders do.
 */

/** A small, fast, seeded PRNG (mulberry32): benchmarks must be repeatable. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A normal deviate (Box–Muller). */
function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

interface Persona {
  name: string;
  /** Chance of visiting the course on a given day. */
  dailyVisitChance: number;
  /** Mean number of clicks in a visit. */
  clicksPerVisit: number;
  /** Median seconds between clicks (log-normal). */
  medianGapSeconds: number;
  /** Relative weights of what a click is. */
  mix: { page: number; quiz: number; forumView: number; post: number; thread: number };
}

export const PERSONAS: readonly Persona[] = [
  { name: 'steady', dailyVisitChance: 0.6, clicksPerVisit: 8, medianGapSeconds: 90, mix: { page: 6, quiz: 2, forumView: 1, post: 0.5, thread: 0.1 } },
  { name: 'crammer', dailyVisitChance: 0.2, clicksPerVisit: 25, medianGapSeconds: 60, mix: { page: 5, quiz: 4, forumView: 0.5, post: 0.2, thread: 0.05 } },
  { name: 'lurker', dailyVisitChance: 0.35, clicksPerVisit: 4, medianGapSeconds: 150, mix: { page: 8, quiz: 0.5, forumView: 2, post: 0, thread: 0 } },
  { name: 'social', dailyVisitChance: 0.5, clicksPerVisit: 10, medianGapSeconds: 120, mix: { page: 2, quiz: 1, forumView: 4, post: 3, thread: 0.5 } },
];

export interface GeneratorOptions {
  seed: number;
  /** The LMS base URL (the platform's issuer): Moodle's course and module URLs derive from it. */
  lmsUrl: string;
  courseId: string;
  students: number;
  days: number;
  /** First day, UTC midnight. */
  start: Date;
  /**
   * Visits a student makes on a day they visit (default 1), each at its own hour: scales the
   * activity up without changing its shape (the reports benchmark's ≈10 million events).
   */
  visitsPerDay?: number;
  /** Share of statements delivered again later (a forwarder's retry). */
  duplicateShare?: number;
  /** Share of statements delivered one or more batches late. */
  lateShare?: number;
}

type Click = keyof Persona['mix'];

const VERB_VIEWED = { id: 'http://id.tincanapi.com/verb/viewed', display: { en: 'Viewed' } };
const VERB_CREATED = { id: 'http://activitystrea.ms/create', display: { en: 'Created' } };
const VERB_REPLIED = { id: 'http://id.tincanapi.com/verb/replied', display: { en: 'Replied to' } };

function statement(o: GeneratorOptions, user: number, at: number, click: Click | 'course', item: number): Record<string, unknown> {
  const course = `${o.lmsUrl}/course/view.php?id=${o.courseId}`;
  const info = (event: string) => ({ 'http://lrs.learninglocker.net/define/extensions/info': { event_name: event } });
  const [verb, object, event] = (() => {
    switch (click) {
      case 'course':
        return [VERB_VIEWED, { id: course, definition: { type: 'https://w3id.org/xapi/cmi5/activitytype/course' } }, '\\core\\event\\course_viewed'];
      case 'page':
        return [VERB_VIEWED, { id: `${o.lmsUrl}/mod/page/view.php?id=${item}`, definition: { type: 'https://w3id.org/xapi/acrossx/activities/page' } }, '\\mod_page\\event\\course_module_viewed'];
      case 'quiz':
        return [VERB_VIEWED, { id: `${o.lmsUrl}/mod/quiz/view.php?id=${item}`, definition: { type: 'http://adlnet.gov/expapi/activities/assessment' } }, '\\mod_quiz\\event\\course_module_viewed'];
      case 'forumView':
        return [VERB_VIEWED, { id: `${o.lmsUrl}/mod/forum/view.php?id=${item}`, definition: { type: 'http://id.tincanapi.com/activitytype/discussion' } }, '\\mod_forum\\event\\course_module_viewed'];
      case 'thread':
        return [VERB_CREATED, { id: `${o.lmsUrl}/mod/forum/discuss.php?d=${item}`, definition: { type: 'http://id.tincanapi.com/activitytype/discussion' } }, '\\mod_forum\\event\\discussion_created'];
      case 'post':
        return [VERB_REPLIED, { id: `${o.lmsUrl}/mod/forum/discuss.php?d=${item}#p${at}`, definition: { type: 'http://id.tincanapi.com/activitytype/forum-reply' } }, '\\mod_forum\\event\\post_created'];
    }
  })();
  return {
    actor: { name: `Student ${user}`, account: { homePage: o.lmsUrl, name: String(1000 + user) } },
    verb,
    object: { objectType: 'Activity', ...object },
    timestamp: new Date(Math.floor(at / 1000) * 1000).toISOString(),
    context: {
      platform: 'Moodle',
      language: 'en',
      extensions: info(event),
      contextActivities: { parent: [{ objectType: 'Activity', id: course, definition: { type: 'https://w3id.org/xapi/cmi5/activitytype/course' } }] },
    },
  };
}

function pick(random: () => number, mix: Persona['mix']): Click {
  const entries = Object.entries(mix) as Array<[Click, number]>;
  let roll = random() * entries.reduce((sum, [, w]) => sum + w, 0);
  for (const [click, weight] of entries) if ((roll -= weight) < 0) return click;
  return entries[0]![0];
}

/**
 * Each student's statements in time order, student by student — the same statements as
 * {@link courseActivity}, without holding the whole course (a year of 1,000 students does not fit).
 */
export function* activityByStudent(o: GeneratorOptions): Generator<{ user: number; events: Array<{ at: number; statement: Record<string, unknown> }> }> {
  const random = seededRandom(o.seed);
  const visitsPerDay = o.visitsPerDay ?? 1;
  for (let user = 1; user <= o.students; user++) {
    const events: Array<{ at: number; statement: Record<string, unknown> }> = [];
    const persona = PERSONAS[Math.floor(random() * PERSONAS.length)]!;
    for (let day = 0; day < o.days; day++) {
      if (random() > persona.dailyVisitChance) continue;
      for (let visit = 0; visit < visitsPerDay; visit++) {
        // Most visits in the afternoon and evening: a normal around 15:00 UTC, 3 h wide.
        let at = o.start.getTime() + day * 86_400_000 + Math.min(Math.max(15 + 3 * gaussian(random), 0), 23.9) * 3_600_000;
        events.push({ at, statement: statement(o, user, at, 'course', 0) });
        const clicks = Math.max(1, Math.round(persona.clicksPerVisit * (0.5 + random())));
        for (let c = 0; c < clicks; c++) {
          at += Math.exp(Math.log(persona.medianGapSeconds) + 1.1 * gaussian(random)) * 1000;
          const click = pick(random, persona.mix);
          events.push({ at, statement: statement(o, user, at, click, 1 + Math.floor(random() * 40)) });
        }
      }
    }
    // Stable: events at the same instant keep the order they were made in.
    events.sort((a, b) => a.at - b.at);
    yield { user, events };
  }
}

/** Every statement of the course in time order, with its event time in ms. */
export function* courseActivity(o: GeneratorOptions): Generator<{ at: number; statement: Record<string, unknown> }> {
  const events: Array<{ at: number; statement: Record<string, unknown> }> = [];
  for (const student of activityByStudent(o)) for (const e of student.events) events.push(e);
  events.sort((a, b) => a.at - b.at);
  yield* events;
}

/**
 * The statements in delivery batches: in time order, except `lateShare` of them held back a few
 * batches and `duplicateShare` of them sent twice.
 */
export function* deliveryBatches(o: GeneratorOptions, batchSize: number): Generator<Array<Record<string, unknown>>> {
  const random = seededRandom(o.seed ^ 0x5bd1e995);
  const duplicate = o.duplicateShare ?? 0.02;
  const late = o.lateShare ?? 0.05;
  const held: Array<{ due: number; statement: Record<string, unknown> }> = [];
  let batch: Array<Record<string, unknown>> = [];
  let sent = 0;
  const flush = function* () {
    sent++;
    for (let i = held.length - 1; i >= 0; i--) {
      if (held[i]!.due <= sent) batch.push(held.splice(i, 1)[0]!.statement);
    }
    if (batch.length) yield batch;
    batch = [];
  };
  for (const { statement: s } of courseActivity(o)) {
    if (random() < late) held.push({ due: sent + 1 + Math.floor(random() * 5), statement: s });
    else batch.push(s);
    if (random() < duplicate) held.push({ due: sent + 1 + Math.floor(random() * 3), statement: structuredClone(s) });
    if (batch.length >= batchSize) yield* flush();
  }
  while (held.length || batch.length) {
    for (const h of held) h.due = Math.min(h.due, sent + 1);
    yield* flush();
  }
}
