/**
 * Who is asking, for every request after the launch: the launch's `ltik` (an HS256 token ltijs
 * signs with LTI_KEY) names a platform, a deployment, a course and a user; the id token and
 * context token ltijs stored at the launch say which platform registration and which roles.
 * This does what ltijs's own check does in ltiaas mode, so our routes can live in our route
 * table (`/reports`, `/api`, `/groups`) rather than inside ltijs's app, and adds ours: the roles
 * are checked again on every request, and the course is fixed by the token, never by the request.
 */
import { verifyLtik } from './ltik-signature.js';
import { z } from 'zod';
import type { ReadMemo } from '../models/read-memo.js';
import type { LtijsDatabase } from './ltijs-database.js';
import { isStaff } from './roles.js';

export interface CourseSession {
  platformId: string;
  contextId: string;
  userId: string;
  roles: string[];
  courseTitle: string | null;
  locale: string | null;
  /** The token itself, to hand on in links and htmx headers. */
  ltik: string;
}

export type SessionProblem = 'missing' | 'invalid' | 'expired' | 'forbidden';

// Looked up in the database as they are: a NUL (which it refuses) makes the ltik invalid, not the request a 500.
const ltikText = z.string().refine((s) => !s.includes('\u0000'));
const ltikPayload = z.object({
  platformUrl: ltikText,
  clientId: ltikText,
  deploymentId: ltikText,
  contextId: ltikText,
  user: ltikText,
});

const idToken = z.object({ platformId: z.string().min(1) });
const contextToken = z.object({
  roles: z.array(z.string()).nullish(),
  context: z.object({ id: z.string().min(1), title: z.string().nullish() }),
  launchPresentation: z.object({ locale: z.string().nullish() }).nullish(),
});

/** What the launch's stored documents say of a session: the part of {@link CourseSession} not in the ltik. */
export type LaunchSession = Omit<CourseSession, 'userId' | 'ltik'>;

/**
 * The session of `ltik`, or why there is none. `sessions` remembers the documents' reading for a
 * few seconds (launch-reads.ts); the ltik's signature and expiry are checked on every request.
 */
export async function openCourseSession(
  plugin: LtijsDatabase,
  ltiKey: string,
  ltik: string | undefined,
  sessions: ReadMemo<LaunchSession | undefined>,
): Promise<CourseSession | SessionProblem> {
  if (!ltik) return 'missing';
  let claims: z.infer<typeof ltikPayload>;
  try {
    claims = ltikPayload.parse(verifyLtik(ltik, ltiKey));
  } catch {
    return 'invalid';
  }
  const key = JSON.stringify([claims.platformUrl, claims.clientId, claims.deploymentId, claims.contextId, claims.user]);
  const launch = await sessions.read(key, () => readLaunchSession(plugin, claims));
  if (!launch) return 'expired';
  if (!isStaff(launch.roles)) return 'forbidden';
  return { ...launch, userId: claims.user, ltik };
}

async function readLaunchSession(plugin: LtijsDatabase, claims: z.infer<typeof ltikPayload>): Promise<LaunchSession | undefined> {
  const { platformUrl, clientId, deploymentId, contextId, user } = claims;
  // Both documents expire 24 h after the launch (ltijs-database.ts): the ltik lives as long.
  const [ids, contexts] = await Promise.all([
    plugin.Get(false, 'idtoken', { iss: platformUrl, clientId, deploymentId, user }),
    plugin.Get(false, 'contexttoken', { contextId, user }),
  ]);
  const id = idToken.safeParse(ids ? ids[0] : undefined);
  const context = contextToken.safeParse(contexts ? contexts[0] : undefined);
  if (!id.success || !context.success) return undefined;
  return {
    platformId: id.data.platformId,
    contextId: context.data.context.id,
    roles: context.data.roles ?? [],
    courseTitle: context.data.context.title ?? null,
    locale: context.data.launchPresentation?.locale ?? null,
  };
}

/** The ltik of a request, where api.md says it may be: `Authorization: Bearer`, `?ltik=`, or a form field. */
export function ltikOf(req: { headers: { authorization?: string }; query: unknown; body?: unknown }): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer) return bearer;
  const fromQuery = (req.query as { ltik?: unknown }).ltik;
  if (typeof fromQuery === 'string' && fromQuery) return fromQuery;
  const fromBody = (req.body as { ltik?: unknown } | undefined)?.ltik;
  return typeof fromBody === 'string' && fromBody ? fromBody : undefined;
}
