/**
 * The statements the crash test sends: Moodle-shaped (moodle-statements.ts) for the course's
 * students, each with an id of its own (as a forwarder or an LRS sends them), spread over four
 * days in random order so that batches land inside, before and after each other's visits — the
 * case where a recompute window that is too narrow would show. Kinds and times come from a seeded
 * generator, so a seed gives the same mix; the ids are random UUIDs. Now and then a teacher voids
 * a statement acknowledged before (voiding takes the platform's ingest lock alone, and changes the
 * figures of the statement it voids).
 */
import crypto from 'node:crypto';
import { moodleStatement, voidingStatement, type StatementKind } from '../support/moodle-statements.js';
import { seededRandom } from '../../bench/activity-generator.js';

export interface SentStatement {
  id: string;
  /** The student it is about; for a voiding statement, the student of the statement it voids. */
  userId: string;
  kind: StatementKind | 'voiding';
  /** For a voiding statement, the id of the statement it voids. */
  voids?: string;
  body: Record<string, unknown>;
}


// Weighted as a course's activity is: mostly views, some forum work, a few kinds the reports
// ignore (stored, not counted) and edits (extend a visit, not an action).
const KINDS: Array<[StatementKind, number]> = [
  ['visit', 20],
  ['resource', 30],
  ['activity', 15],
  ['thread', 4],
  ['post', 10],
  ['comment', 5],
  ['other', 8],
  ['ignored', 8],
];
const KIND_WEIGHT = KINDS.reduce((sum, [, w]) => sum + w, 0);

/** Monday 2 March 2026, 00:00 UTC: the first of the four days. */
const FIRST_DAY = Date.UTC(2026, 2, 2);

export class StatementSource {
  readonly #random: () => number;
  made = 0;

  constructor(
    readonly issuer: string,
    readonly contextId: string,
    readonly studentIds: readonly string[],
    seed: number,
  ) {
    this.#random = seededRandom(seed);
  }

  /** A whole number in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + Math.floor(this.#random() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.#random() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#random() * items.length)]!;
  }

  #kind(): StatementKind {
    let r = this.#random() * KIND_WEIGHT;
    for (const [kind, weight] of KINDS) {
      r -= weight;
      if (r < 0) return kind;
    }
    return 'resource';
  }

  next(): SentStatement {
    const userId = this.pick(this.studentIds);
    const kind = this.#kind();
    // Daytime hours in UTC, to the second: visits form, and late statements fall inside them.
    const at = FIRST_DAY + this.between(0, 3) * 86_400_000 + this.between(7 * 3600, 22 * 3600) * 1000;
    const id = crypto.randomUUID();
    const durationSeconds = kind === 'activity' && this.chance(0.2) ? this.between(30, 900) : undefined;
    this.made += 1;
    const body = moodleStatement({ issuer: this.issuer, contextId: this.contextId, userId, kind, at, id, objectKey: this.made, ...(durationSeconds !== undefined ? { durationSeconds } : {}) });
    return { id, userId, kind, body };
  }

  /** A teacher's voiding statement for `target` (it names no course: stored, never counted itself). */
  voiding(target: SentStatement): SentStatement {
    const id = crypto.randomUUID();
    const at = FIRST_DAY + 4 * 86_400_000 + this.between(0, 86_399) * 1000;
    return { id, userId: target.userId, kind: 'voiding', voids: target.id, body: voidingStatement(target.id, { at, id }) };
  }
}
