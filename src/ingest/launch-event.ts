/**
 * A student's LTI launch as an event (xapi-mapping.md, "LTI launches"): every launch that does
 * not let its launcher in (learners, mentors, anyone without a teaching role) is one event; a
 * teacher's launch is not (it records the course instead, record-launch.ts).
 *
 * {@link launchEvent} (pure) makes the event:
 *  - identity: the id_token's `nonce`. The tool made it for this one login, ltijs refuses a
 *    replayed one, and it is in the token the platform signed — so it names this launch and no
 *    other, and the same launch can never count twice;
 *  - time: when the launch reached CoursePulse (the handler's clock), not the token's `iat`,
 *    which is the platform's clock;
 *  - who: the launch's `sub`, matched as an LTI user id (a roster member's user id);
 *  - course: the launch's context id (stored unresolved until a teacher's first launch makes the
 *    course; resolvePending then counts it);
 *  - kind: {@link launchKind};
 *  - payload: the id_token's claims, as decoded — never the signed token itself.
 *
 * {@link recordStudentLaunch} stores it through store-events.ts, and — only while the course has
 * no roster read (add-launching-member.ts says why) — makes the launcher a member with the roles
 * the launch gives, in the same transaction.
 */
import type { EventKind } from './event-kind.js';
import type { NormalisedEvent } from './normalised-event.js';
import { resolvePending, type RollupSettings } from './recompute.js';
import { storeEvents, type PreparedEvent, type StoreEventsResult } from './store-events.js';
import type { LaunchClaims } from '../lti/launch-claims.js';
import { addLaunchingMember } from '../models/add-launching-member.js';
import type { Database } from '../models/database.js';

const TARGET_LINK_URI = 'https://purl.imsglobal.org/spec/lti/claim/target_link_uri';

/** A refused launch as the launch handler sees it. */
export interface StudentLaunch {
  claims: LaunchClaims;
  /** The id_token's payload, as ltijs verified it in this request (verifiedIdTokenClaims). */
  idToken: Record<string, unknown>;
  /** When the launch reached CoursePulse. */
  at: Date;
  /** The path the launch was posted to (CoursePulse's launch endpoint). */
  launchPath: string;
}

/**
 * What a launch opens. CoursePulse offers one resource, the report, at its launch endpoint; a
 * launch that targets that endpoint — compared by path, since the LMS may know the tool by
 * another host name and a proxy may put a prefix before it — or names no target opens the report
 * and is `visit` (it opens or extends a visit and is no action). A launch targeting anything else
 * (a deep-linked resource, should a platform ever send one through this endpoint) opened a
 * resource of its own and is `activity`.
 */
export function launchKind(targetLinkUri: unknown, launchPath: string): Extract<EventKind, 'visit' | 'activity'> {
  if (typeof targetLinkUri !== 'string' || targetLinkUri.trim() === '') return 'visit';
  let path: string;
  try {
    path = new URL(targetLinkUri).pathname;
  } catch {
    return 'activity';
  }
  const trim = (p: string) => p.replace(/\/+$/, '');
  return trim(path).endsWith(trim(launchPath)) ? 'visit' : 'activity';
}

/** The event of a refused launch, or undefined when its token has no nonce (ltijs refuses those, so never). */
export function launchEvent({ claims, idToken, at, launchPath }: StudentLaunch): PreparedEvent | undefined {
  const nonce = idToken.nonce;
  if (typeof nonce !== 'string' || nonce === '') return undefined;
  const target = idToken[TARGET_LINK_URI];
  const event: NormalisedEvent = {
    source: 'lti-launch',
    sourceId: nonce,
    at: at.toISOString(),
    kind: launchKind(target, launchPath),
    person: { ltiUserId: claims.userId },
    course: { contextId: claims.contextId, rule: 'lti-launch' },
    objectId: typeof target === 'string' && target !== '' ? target : undefined,
  };
  return { path: 'launch', payload: idToken, event };
}

export interface RecordedStudentLaunch {
  result: StoreEventsResult;
  /** The launcher became a member of the course (it had no roster read). */
  memberAdded: boolean;
}

/**
 * Stores a refused launch as an event and returns after the commit; undefined when the launch
 * gives no event. A launcher made a member here may have activity waiting for them (Caliper or
 * xAPI sent before): it is resolved then too.
 */
export async function recordStudentLaunch(db: Database, launch: StudentLaunch, settings: RollupSettings): Promise<RecordedStudentLaunch | undefined> {
  const prepared = launchEvent(launch);
  if (!prepared) return undefined;
  const { platformId, contextId } = launch.claims;
  let memberAdded = false;
  const result = await storeEvents(db, [prepared], { platformId, source: 'lti-launch', credentialKey: null }, settings, launch.at, {
    beforeResolve: async (tx) => {
      memberAdded = await addLaunchingMember(tx, launch.claims, launch.at);
    },
  });
  if (result.ok && memberAdded) await resolvePending(db, { platformId, contextId }, settings);
  return { result, memberAdded };
}
