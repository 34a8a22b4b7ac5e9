/**
 * Who did it (xapi-mapping.md, "Which person"): what a statement or a Caliper event says about
 * its actor, and the roster member it designates. Pure; never throws.
 *
 * matchPerson tries each rule against the whole roster before the next one:
 *  1. `ltiUserId` (an LTI `sub`, e.g. from a Caliper federated LTI session) = the member's user id;
 *  2. `account.name` = the member's LTI user id (`sub`; Moodle's default);
 *  3. `mbox` = `mailto:` + the member's e-mail, case-insensitively;
 *  4. `mbox_sha1sum` = SHA-1 (hex, any case) of `mailto:` + the member's e-mail — xAPI hashes the
 *     whole mailto IRI (xAPI-Data.md §2.4.2.3); since the sender's spelling of the address is
 *     unknown, both the roster's spelling and its lower-case form are tried;
 *  5. `account.name` = the member's `lis_person_sourcedid`;
 *  6. `sourcedId` (an SIS id a source sends: Canvas `user_sis_id`, Blackboard `bb:user.externalId`)
 *     = the member's `lis_person_sourcedid`.
 * A rule that designates more than one member (two members with one e-mail address) designates
 * nobody, and the next rule is tried. `account.homePage` is kept but not compared: the platform
 * is the one whose credentials sent the statement, never a value in it.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

/** What a source says about its actor; every field optional, absent fields omitted. */
export interface PersonReference {
  /** xAPI `actor.account.name`. */
  accountName?: string;
  /** xAPI `actor.account.homePage`. */
  accountHomePage?: string;
  /** xAPI `actor.mbox`, as sent (`mailto:…`). */
  mbox?: string;
  /** xAPI `actor.mbox_sha1sum`, lower-cased hex. */
  mboxSha1sum?: string;
  /** xAPI `actor.openid`. Kept for the record; rosters have no OpenID. */
  openid?: string;
  /** Caliper `actor.id`. */
  actorId?: string;
  /** An LTI user id (`sub`) the source states for the actor. */
  ltiUserId?: string;
  /** An SIS id of the actor, compared with `lis_person_sourcedid`. */
  sourcedId?: string;
  /** The LMS's own id of the actor (Canvas global user id, Blackboard pk, Brightspace user id), for a later join. */
  lmsUserId?: string;
}

/** A roster member as matchPerson needs it (the members table's columns). */
export interface RosterPerson {
  userId: string;
  email?: string | null | undefined;
  sourcedId?: string | null | undefined;
}

const text = z.string().trim().min(1);
const optionalText = text.optional().catch(undefined);

/** The Brightspace actor extension with the LMS user id (§3.4). */
export const BRIGHTSPACE_ACTOR_EXTENSION = 'https://api.brightspace.com/xapi/extension_keys/context/actor';

const actorParts = z
  .object({
    actor: z
      .object({
        objectType: optionalText,
        mbox: optionalText,
        mbox_sha1sum: optionalText,
        openid: optionalText,
        account: z.object({ name: optionalText, homePage: optionalText }).optional().catch(undefined),
      })
      .optional()
      .catch(undefined),
    context: z.object({ extensions: z.record(z.string(), z.unknown()).optional().catch(undefined) }).optional().catch(undefined),
  })
  .catch({});

const brightspaceActor = z.object({ userId: z.union([text, z.number().int().transform(String)]) });

/** Drops the fields whose value is undefined (so that references compare whole). */
export function compactReference(ref: { [K in keyof PersonReference]?: string | undefined }): PersonReference {
  const out: PersonReference = {};
  for (const [key, value] of Object.entries(ref) as Array<[keyof PersonReference, string | undefined]>) {
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * What a statement says about its actor: its inverse functional identifier(s) and account. A
 * Group actor is not a person: its reference is empty and matches nobody.
 */
export function personOfStatement(statement: unknown): PersonReference {
  const { actor, context } = actorParts.parse(statement);
  if (!actor || actor.objectType === 'Group') return {};
  const brightspace = brightspaceActor.safeParse(context?.extensions?.[BRIGHTSPACE_ACTOR_EXTENSION]);
  return compactReference({
    accountName: actor.account?.name,
    accountHomePage: actor.account?.homePage,
    mbox: actor.mbox,
    mboxSha1sum: actor.mbox_sha1sum?.toLowerCase(),
    openid: actor.openid,
    lmsUserId: brightspace.success ? brightspace.data.userId : undefined,
  });
}

const sha1 = (value: string): string => createHash('sha1').update(value, 'utf8').digest('hex');

/** The mbox of an e-mail address, lower-cased for comparison. */
const mailto = (email: string): string => `mailto:${email.trim()}`.toLowerCase();

type Rule = (ref: PersonReference, member: RosterPerson) => boolean;

const RULES: readonly Rule[] = [
  (ref, m) => ref.ltiUserId !== undefined && ref.ltiUserId === m.userId,
  (ref, m) => ref.accountName !== undefined && ref.accountName === m.userId,
  (ref, m) => ref.mbox !== undefined && !!m.email && ref.mbox.trim().toLowerCase() === mailto(m.email),
  (ref, m) => {
    if (ref.mboxSha1sum === undefined || !m.email) return false;
    const hash = ref.mboxSha1sum.trim().toLowerCase();
    return hash === sha1(`mailto:${m.email.trim()}`) || hash === sha1(mailto(m.email));
  },
  (ref, m) => ref.accountName !== undefined && !!m.sourcedId && ref.accountName === m.sourcedId,
  (ref, m) => ref.sourcedId !== undefined && !!m.sourcedId && ref.sourcedId === m.sourcedId,
];

/** The user id of the member `ref` designates, or undefined (no member, or more than one). */
export function matchPerson(ref: PersonReference, members: readonly RosterPerson[]): string | undefined {
  for (const rule of RULES) {
    const found = new Set(members.filter((m) => rule(ref, m)).map((m) => m.userId));
    if (found.size === 1) return [...found][0];
  }
  return undefined;
}
