/**
 * GET /admin: the administrator's page — the URLs to give an LMS, the platforms (activate,
 * deactivate) and their activity credentials (make one and see its secret once, revoke). The
 * same operations as the admin API, for a person in a browser.
 */
import type { Request, Response } from 'express';
import type { Provider } from 'ltijs';
import { z } from 'zod';
import { issueIngestCredential } from '../ingest/credential-secret.js';
import { LTI_MOUNT, LTI_ROUTES } from '../lti/provider.js';
import { listPlatforms, setPlatformActive } from '../lti/platforms.js';
import type { Database } from '../models/database.js';
import { listIngestCredentials, revokeIngestCredential } from '../models/ingest-credentials.js';
import { renderView } from '../views/render.js';
import { ingestEndpoints } from './admin-credentials.js';
import { endAdminSession, hasAdminSession, startAdminSession, tokenMatches } from './admin-session.js';
import { handle } from './http-error.js';

export interface AdminPageDeps {
  db: Database;
  lti: Provider;
  adminToken: string;
  publicUrl: string;
  now: () => Date;
}

const day = (date: Date | null) => (date ? date.toISOString().slice(0, 16).replace('T', ' ') : null);

async function adminPage(deps: AdminPageDeps, extra: { message?: string; created?: { platformName: string; key: string; secret: string } } = {}) {
  const [platforms, credentials] = await Promise.all([listPlatforms(deps.lti), listIngestCredentials(deps.db)]);
  const lti = Object.fromEntries(Object.entries(LTI_ROUTES).map(([name, path]) => [name, `${deps.publicUrl}${LTI_MOUNT}${path}`]));
  return {
    page: 'admin',
    partial: 'admin-body',
    data: {
      title: 'Administration',
      publicUrl: deps.publicUrl,
      lti,
      endpoints: ingestEndpoints(deps.publicUrl),
      message: extra.message ?? null,
      created: extra.created ?? null,
      platforms: platforms.map((p) => ({
        ...p,
        credentials: credentials
          .filter((c) => c.platformId === p.id)
          .map((c) => ({ key: c.key, label: c.label, createdAt: day(c.createdAt), lastUsedAt: day(c.lastUsedAt), revoked: c.revokedAt !== null })),
      })),
    },
  };
}

const secure = (deps: AdminPageDeps) => deps.publicUrl.startsWith('https:');
const signedIn = (req: Request, deps: AdminPageDeps) => hasAdminSession(req, deps.adminToken, deps.now().getTime());

function signInPage(req: Request, res: Response, message: string | null, status = 200): void {
  renderView(req, res, { page: 'admin-sign-in', partial: 'admin-sign-in-body', status, data: { title: 'Sign in', message } });
}

export const getAdmin = (deps: AdminPageDeps) =>
  handle(async (req, res) => {
    res.set('Cache-Control', 'no-store');
    if (!signedIn(req, deps)) return signInPage(req, res, null);
    renderView(req, res, await adminPage(deps));
  });

export const postAdminSignIn = (deps: AdminPageDeps) =>
  handle(async (req, res) => {
    const token = typeof req.body?.token === 'string' ? req.body.token : '';
    if (!token || !tokenMatches(token, deps.adminToken)) {
      req.log.warn('admin sign-in refused');
      return signInPage(req, res, 'That is not the admin token.', 401);
    }
    startAdminSession(res, deps.adminToken, deps.now().getTime(), secure(deps));
    res.redirect(303, '/admin');
  });

export const postAdminSignOut = (deps: AdminPageDeps) =>
  handle(async (_req, res) => {
    endAdminSession(res, secure(deps));
    res.redirect(303, '/admin');
  });

/** The page's forms: each needs the admin session; a refusal sends the reader to sign in. */
const signedInOnly =
  (deps: AdminPageDeps, work: (req: Request, res: Response) => Promise<void>) =>
  handle(async (req, res) => {
    if (!signedIn(req, deps)) return signInPage(req, res, 'Sign in to change anything.', 401);
    await work(req, res);
  });

export const postAdminCredential = (deps: AdminPageDeps) =>
  signedInOnly(deps, async (req, res) => {
    const platform = (await listPlatforms(deps.lti)).find((p) => p.id === req.params.id);
    if (!platform) return void res.status(404).type('text').send(`No platform with id ${String(req.params.id)}.`);
    const label = z.string().trim().max(200).safeParse(req.body?.label ?? '');
    const { credential, secret } = await issueIngestCredential(deps.db, platform.id, label.success && label.data ? label.data : null, deps.now());
    req.log.info({ key: credential.key, platformId: platform.id }, 'ingest credential made on the admin page');
    // Rendered, not redirected: the secret is shown this once and never stored in the clear.
    res.set('Cache-Control', 'no-store');
    renderView(req, res, { ...(await adminPage(deps, { created: { platformName: platform.name, key: credential.key, secret } })), status: 201 });
  });

export const postAdminRevoke = (deps: AdminPageDeps) =>
  signedInOnly(deps, async (req, res) => {
    await revokeIngestCredential(deps.db, String(req.params.key), deps.now());
    res.redirect(303, '/admin');
  });

export const postAdminPlatformActive = (deps: AdminPageDeps, active: boolean) =>
  signedInOnly(deps, async (req, res) => {
    await setPlatformActive(deps.lti, String(req.params.id), active);
    res.redirect(303, '/admin');
  });
