/**
 * `coursepulse erase --platform P --user U [--yes]`: erases a person (src/ingest/erase-person.ts)
 * on the database of DATA_DIR / DATABASE_URL. Without --yes it first shows exactly what would go
 * (the erasure done and rolled back) and asks on a terminal; elsewhere (a script) it stops there,
 * so that nothing is erased by a forgotten flag.
 */
import readline from 'node:readline/promises';
import { erasePerson, type ErasePersonResult } from '../ingest/erase-person.js';
import { platformIssuers } from '../models/platform-issuers.js';
import type { DataCommandIo } from './backup-command.js';
import { openLocalDatabaseFor } from './local-database.js';

const total = (counts: Record<string, number>): number => Object.values(counts).reduce((sum, n) => sum + n, 0);

/** What was (or would be) removed, one line each. */
function summary(r: ErasePersonResult): string {
  const bySource = Object.entries(r.events)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([source, n]) => `${source} ${n}`)
    .join(', ');
  return [
    `  events (statements, Caliper events, launches)  ${total(r.events)}${bySource ? ` (${bySource})` : ''}`,
    `  attachments                                    ${r.attachments}`,
    `  visits                                         ${r.rows.student_visits}`,
    `  days                                           ${r.rows.student_days}`,
    `  course totals                                  ${r.rows.student_totals}`,
    `  roster entries                                 ${r.rows.members}`,
    `  group memberships                              ${r.rows.group_members}`,
    `  launches                                       ${r.rows.launches}`,
    `  LTI launch tokens                              ${r.ltiTokens}`,
    `  courses whose day totals are recomputed        ${r.courses.length}${r.courses.length ? ` (${r.courses.join(', ')})` : ''}`,
    '',
  ].join('\n');
}

const AFTERWARDS = [
  'The LMS still holds the person\'s enrolment: while they are enrolled, the next roster read brings their name and roles back',
  '(remove them in the LMS too), and statements the LMS sends again about them are stored again (stop it sending first).',
  'Statements by other people that mention them (as instructor, as object) are those people\'s activity and are kept.',
  '',
].join('\n');

/** Resolves to the exit code: 0 erased (or nothing to erase), 1 refused, not confirmed or failed. */
export async function eraseCommand(options: { platformId: string; userId: string; yes: boolean }, io: DataCommandIo): Promise<number> {
  const local = await openLocalDatabaseFor(io.env, io.err);
  if (!local) return 1;
  const { platformId, userId } = options;
  try {
    if (!(await platformIssuers(local.db)).has(platformId)) {
      io.err(`coursepulse: there is no platform ${platformId} (see "coursepulse platform list"); nothing was erased\n`);
      return 1;
    }
    if (!options.yes) {
      const planned = await erasePerson(local.db, platformId, userId, { dryRun: true });
      io.out(`Erasing user ${userId} of platform ${platformId} removes:\n${summary(planned)}`);
      if (!process.stdin.isTTY) {
        io.err('coursepulse: not confirmed; nothing was erased. Run it again with --yes to erase.\n');
        return 1;
      }
      const answer = await ask(`Type the user id (${userId}) to erase them for good: `);
      if (answer.trim() !== userId) {
        io.err('coursepulse: not confirmed; nothing was erased.\n');
        return 1;
      }
    }
    const erased = await erasePerson(local.db, platformId, userId);
    io.out(`Erased user ${userId} of platform ${platformId}:\n${summary(erased)}${AFTERWARDS}`);
    return 0;
  } catch (err) {
    io.err(`coursepulse: the erasure failed, nothing was erased: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await local.close();
  }
}

async function ask(question: string): Promise<string> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}
