/**
 * ltijs set up on our database and mounted inside our Express app (serverless deploy): the
 * routes of api.md under `/lti` — login, launch, keys, register. ltiaas mode: no session
 * cookie, the `ltik` authorises every request after the launch.
 */
import ltijs, { type LtiRequestHandler, type Provider } from 'ltijs';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Database } from '../models/database.js';
import { LtijsDatabase } from './ltijs-database.js';
import { dynamicRegistrationHandler } from './dynamic-registration.js';
import { launchHandler } from '../routes/launch.js';
import { findCourseServices } from '../models/course-services.js';
import type { LaunchClaims } from './launch-claims.js';
import { syncRoster } from './roster.js';
import { resolvePending, type RollupSettings } from '../ingest/recompute.js';
import { DEFAULT_INGEST_SETTINGS } from '../routes/xapi-statements.js';
import { cookieBlockedPage, platformProblemPage, refusedLaunchPage } from './launch-pages.js';
import { relaunchUrl, rememberLogins } from './relaunch.js';
import { frameForClaimedPlatform, frameForRegistration, framedLaunch } from './launch-framing.js';
import { createLaunchReads, type LaunchReads } from './launch-reads.js';
import { ReportReads } from '../reports/report-reads.js';
import { useSecureLoginNonces } from './login-nonce.js';
import { plainLoginParameters } from './login-parameters.js';
import { catchLtijsRejections, storableLtiRequest } from './ltijs-input.js';

/** Where ltijs is mounted in our app, and its routes inside that mount (api.md). */
export const LTI_MOUNT = '/lti';
export const LTI_ROUTES = { login: '/login', launch: '/launch', keys: '/keys', register: '/register' } as const;

export interface LtiDeps {
  config: Pick<Config, 'publicUrl' | 'ltiAutoActivate' | 'canvasGroupRosters'> & Partial<Pick<Config, 'ltiRegistrationAllowPrivate'>>;
  db: Database;
  ltiKey: string;
  logger: Logger;
  /** The clock token expiry is measured against (tests move it). */
  now?: () => Date;
  /** Read the roster on every teacher's launch (default true; tests of other things turn it off). */
  rosterOnLaunch?: boolean;
  /** Time zone, G and T of the figures (events waiting for a course count from its first launch). */
  rollup?: RollupSettings;
}

/**
 * How long a launch waits for the roster before it answers: long enough for a course of a few
 * thousand members (measured at 0.2–0.6 s for 5,000), short enough that a slow LMS never leaves
 * the teacher in front of a blank frame. A read still running then finishes in the background.
 */
export const LAUNCH_ROSTER_WAIT_MS = 5000;

export interface Lti {
  provider: Provider;
  plugin: LtijsDatabase;
  /** ltijs's key, which also signs the ltiks our routes check (course-session.ts). */
  ltiKey: string;
  /** What course requests read about their launch, remembered briefly; a launch forgets it (launch-reads.ts). */
  reads: LaunchReads;
  /** What the course's reports read, remembered for a moment; whatever changes a course forgets it here (report-reads.ts). */
  reports: ReportReads;
  close(): Promise<void>;
}

/**
 * ltijs exports one Provider instance, but its state is per instance, so each app (and each
 * test) gets its own from the same class instead of sharing the process-wide singleton.
 */
function newProvider(): Provider {
  const ProviderClass = Object.getPrototypeOf(ltijs.Provider).constructor as new () => Provider;
  return new ProviderClass();
}

export async function createLti({ config, db, ltiKey, logger, now, rosterOnLaunch = true, rollup = DEFAULT_INGEST_SETTINGS }: LtiDeps): Promise<Lti> {
  const log = logger.child({ component: 'lti' });
  const plugin = new LtijsDatabase(db, { logger: log, now });
  const provider = newProvider();
  // ltijs's own OIDC nonce comes from Math.random (login-nonce.ts).
  useSecureLoginNonces();
  const secure = config.publicUrl.startsWith('https:');
  provider.setup(
    ltiKey,
    { plugin },
    {
      appRoute: LTI_ROUTES.launch,
      loginRoute: LTI_ROUTES.login,
      keysetRoute: LTI_ROUTES.keys,
      dynRegRoute: LTI_ROUTES.register,
      ltiaas: true,
      cors: false,
      // Platforms' clocks drift; ltijs's 10 s default refuses honest launches (ltijs issue #121).
      tokenMaxAge: 60,
      // The launch happens inside the LMS's iframe: the login-state cookie must cross sites,
      // which browsers allow only for Secure cookies (so over https).
      cookies: secure ? { secure: true, sameSite: 'None' } : { secure: false, sameSite: 'Lax' },
      dynReg: {
        url: `${config.publicUrl}${LTI_MOUNT}`,
        name: 'CoursePulse',
        logo: `${config.publicUrl}/static/logo.svg`,
        description: 'Activity reports of your course: visits, time in course and actions of every student.',
        autoActivate: config.ltiAutoActivate,
      },
      serverAddon(app) {
        // Before ltijs's session validator, which cannot survive what the database refuses (ltijs-input.ts).
        app.use(storableLtiRequest);
        // Some LMSs open registration in a new tab and wait for a postMessage from window.opener,
        // which helmet's same-origin opener policy would cut.
        app.use(LTI_ROUTES.register, (_req, res, next) => {
          res.setHeader('Cross-Origin-Opener-Policy', 'unsafe-none');
          next();
        });
        // The LMS frames the registration before it knows the tool (launch-framing.ts).
        app.use(LTI_ROUTES.register, frameForRegistration);
        app.use(LTI_ROUTES.login, plainLoginParameters, rememberLogins(plugin));
      },
    },
  );

  // A rejection inside ltijs's middleware becomes an error answer, not a hung request and an ended process.
  catchLtijsRejections(provider.app);

  const clock = now ?? (() => new Date());
  const lti: Lti = { provider, plugin, ltiKey, reads: createLaunchReads(clock), reports: new ReportReads(clock), close: () => provider.close({ silent: true }).then(() => undefined) };
  const rosterDeps = { db, lti, logger, config, now, rollup };
  // The roster is read on every teacher's launch, so the page opens with it loaded.
  const afterStaffLaunch = async (launch: LaunchClaims) => {
    // Statements that arrived before the course's first launch count from now on.
    await resolvePending(db, launch, rollup);
    if (rosterOnLaunch) await loadRoster(launch);
  };
  const loadRoster = async (launch: LaunchClaims) => {
    const course = await findCourseServices(db, launch);
    if (!course) return;
    const read = syncRoster(rosterDeps, course);
    await Promise.race([read, new Promise((resolve) => setTimeout(resolve, LAUNCH_ROSTER_WAIT_MS).unref())]);
  };
  // Its platform may frame the launch's answer (launch-framing.ts).
  provider.onConnect(
    framedLaunch(db, clock, lti.reads, launchHandler({ db, plugin, logger: log, now: clock, afterStaffLaunch, rollup, publicUrl: config.publicUrl, reports: lti.reports })),
  );
  provider.onDynamicRegistration(dynamicRegistrationHandler({ provider, plugin, config, logger: log, now }));
  // ltijs's default answers these with JSON carrying internal messages (and the request body);
  // the person in front of the LMS frame gets a page in words instead.
  const refused: LtiRequestHandler = (req, res, next) => {
    const reason = String((res.locals.err as { details?: { message?: unknown } } | undefined)?.details?.message ?? 'unknown');
    log.warn({ reason }, 'launch refused');
    // Read inside the LMS frame: the platform the launch names may frame it (launch-framing.ts).
    frameForClaimedPlatform(db, req, res)
      .then(async () => {
        if (reason !== 'MISSING_VALIDATION_COOKIE') return void res.status(401).type('html').send(refusedLaunchPage(reason));
        const relaunch = await relaunchUrl(plugin, `${LTI_MOUNT}${LTI_ROUTES.login}`, (req.body as { state?: unknown } | undefined)?.state);
        res.status(401).type('html').send(cookieBlockedPage(relaunch));
      })
      .catch(next);
  };
  provider.onInvalidToken(refused);
  provider.onSessionTimeout(refused);
  provider.onUnregisteredPlatform((req, res) => {
    const { iss, client_id: clientId } = { ...req.query, ...req.body } as Record<string, string | undefined>;
    log.warn({ iss, clientId }, 'login from an unregistered platform');
    res
      .status(400)
      .type('html')
      .send(
        platformProblemPage(
          'This LMS is not registered with CoursePulse',
          `The platform ${iss ?? '(no issuer)'} with client id ${clientId ?? '(none)'} is unknown here. An LMS administrator registers it first (see the README).`,
        ),
      );
  });
  // ltijs calls this one without `next`: a failed look-up leaves the page unframed instead.
  provider.onInactivePlatform((req, res) => {
    const { iss } = { ...req.query, ...req.body } as Record<string, string | undefined>;
    log.warn({ iss }, 'login from an inactive platform');
    frameForClaimedPlatform(db, req, res)
      .catch((err: unknown) => log.error({ err }, 'could not look up who may frame the page'))
      .then(() =>
        res
          .status(401)
          .type('html')
          .send(
            platformProblemPage(
              'This LMS is registered but not activated',
              'A CoursePulse administrator activates it with "coursepulse platform activate" or the admin API.',
            ),
          ),
      );
  });

  // deploy() runs the plugin's setup and adds a SIGINT handler that exits the process at once;
  // our own shutdown (server.ts) finishes requests and closes the database first, so drop it.
  const before = new Set(process.listeners('SIGINT'));
  await provider.deploy({ serverless: true, silent: true });
  for (const listener of process.listeners('SIGINT')) {
    if (!before.has(listener)) process.removeListener('SIGINT', listener);
  }

  return lti;
}
