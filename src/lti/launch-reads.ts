/**
 * What course requests read about their launch, remembered for a few seconds in this process
 * (models/read-memo.ts): the session's documents (course-session.ts) and who may frame its pages
 * (routes/security-headers.ts). A launch here forgets them all, so a new role, title or LMS origin
 * counts from the launch's own answer on; another instance sees it within {@link LAUNCH_READS_TTL_MS}.
 */
import { ReadMemo } from '../models/read-memo.js';
import type { LaunchSession } from './course-session.js';

/** Long enough that a busy course's requests share one read; short next to a session's 24 hours. */
export const LAUNCH_READS_TTL_MS = 10_000;
const MAX_ENTRIES = 10_000;

export interface LaunchReads {
  /** By the ltik's platform, deployment, course and user: the session, or undefined when it ended. */
  sessions: ReadMemo<LaunchSession | undefined>;
  /** By issuer and client id: the origins that may frame the platform's course pages. */
  frames: ReadMemo<string[]>;
}

export function createLaunchReads(now: () => Date): LaunchReads {
  const options = { ttlMs: LAUNCH_READS_TTL_MS, maxEntries: MAX_ENTRIES, now };
  return { sessions: new ReadMemo(options), frames: new ReadMemo(options) };
}

export function forgetLaunchReads(reads: LaunchReads): void {
  reads.sessions.clear();
  reads.frames.clear();
}
