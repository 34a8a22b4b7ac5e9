/**
 * The way out when a browser refuses the login-state cookie inside the LMS's frame (Safari, and
 * any browser blocking third-party cookies): ltijs then refuses the launch with
 * MISSING_VALIDATION_COOKIE. We keep each login's parameters for a few minutes, keyed by its
 * OIDC state, so the refusal page can offer to run the same login in a new window — top-level,
 * where the cookie is first-party and the launch succeeds.
 */
import type { RequestHandler } from 'express';
import type { LtijsDatabase } from './ltijs-database.js';

const COLLECTION = 'loginparams';
const LOGIN_PARAMS = ['iss', 'login_hint', 'target_link_uri', 'client_id', 'lti_deployment_id', 'lti_message_hint'] as const;

/**
 * Middleware for the login route: when ltijs redirects to the platform, remember the login's
 * parameters under the state of that redirect. Must run before ltijs's login handler.
 */
export function rememberLogins(plugin: LtijsDatabase): RequestHandler {
  return (req, res, next) => {
    const params = { ...(req.query as Record<string, unknown>), ...((req.body ?? {}) as Record<string, unknown>) };
    const redirect = res.redirect.bind(res) as (url: string) => void;
    res.redirect = ((url: string) => {
      const state = new URL(url, 'http://x').searchParams.get('state');
      const login = Object.fromEntries(LOGIN_PARAMS.flatMap((name) => (typeof params[name] === 'string' ? [[name, params[name]]] : [])));
      if (!state) return redirect(url);
      // The redirect waits for the write: the relaunch offer must find it when the POST comes back.
      plugin.Insert(false, COLLECTION, { state, login }).then(
        () => redirect(url),
        (err: unknown) => {
          req.log?.warn({ err }, 'could not remember the login for a relaunch');
          redirect(url);
        },
      );
    }) as typeof res.redirect;
    next();
  };
}

/** The login URL that repeats the login of `state`, or undefined when it is unknown or expired. */
export async function relaunchUrl(plugin: LtijsDatabase, loginPath: string, state: unknown): Promise<string | undefined> {
  if (typeof state !== 'string' || !state) return undefined;
  const found = await plugin.Get(false, COLLECTION, { state });
  const login = found ? (found[0]!.login as Record<string, string>) : undefined;
  if (!login?.iss || !login.login_hint || !login.target_link_uri) return undefined;
  // In the order a login names them (jsonb does not keep the order they were stored in).
  const query = new URLSearchParams(LOGIN_PARAMS.flatMap((name) => (login[name] ? [[name, login[name]]] : [])));
  return `${loginPath}?${query.toString()}`;
}
