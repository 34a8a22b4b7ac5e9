/**
 * Starting and stopping CoursePulse: open the database, apply migrations, set up ltijs, serve.
 * Stopping stops accepting connections, lets requests in flight finish, then closes ltijs and
 * the database (PGlite writes its files out on close).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { createApp } from './app.js';
import { ADMIN_TOKEN_FILE, LTI_KEY_FILE, lockDataDir, storedSecret } from './data-dir.js';
import { rebuildIfSettingsChanged } from './ingest/rebuild.js';
import { startPruneJob } from './ingest/retention.js';
import { createLti } from './lti/provider.js';
import { startRosterRefresher } from './lti/roster-refresher.js';
import type { Database } from './models/database.js';
import { migrate } from './models/migrate.js';
import { openDatabase } from './models/open-database.js';
import { createReadiness, type Readiness } from './observability/readiness.js';
import { createTelemetry } from './observability/telemetry.js';

export interface RunningServer {
  url: string;
  db: Database;
  /** What /readyz reports; close() marks it draining before anything else. */
  readiness: Readiness;
  /** Idempotent. */
  close(): Promise<void>;
}

/** How long shutdown waits for requests in flight before cutting their connections. */
const DRAIN_MS = 10_000;

export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  const started = Date.now();
  const readiness = createReadiness();
  const cleanups: Array<() => Promise<void> | void> = [];
  const closeAll = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  };
  try {
    if (!config.databaseUrl) cleanups.push(lockDataDir(config.dataDir));
    const db = await openDatabase(config, logger);
    cleanups.push(() => db.close());
    const applied = await migrate(db);
    readiness.markMigrated();
    logger.info({ database: db.kind, applied }, applied.length ? 'database migrated' : 'database schema is up to date');
    // Figures made with other settings (G, T, time zone, kind rules) are rebuilt before serving any.
    await rebuildIfSettingsChanged(db, config, logger);
    readiness.markRebuilt();
    const telemetry = createTelemetry({ db });

    const ltiKey = config.ltiKey ?? storedSecret(config.dataDir, LTI_KEY_FILE).value;
    const adminToken = config.adminToken ?? adminTokenFromDataDir(config.dataDir, logger);
    if (config.databaseUrl) warnOfSecretsInDataDir(config, logger);
    const lti = await createLti({ config, db, ltiKey, logger, rollup: config });
    cleanups.push(() => lti.close());
    const refresher = startRosterRefresher({ db, lti, logger, config, rollup: config }, { intervalMinutes: config.rosterRefreshMinutes, onPass: telemetry.rosterPass });
    cleanups.push(() => refresher.stop());
    // RETENTION_DAYS: raw events older than that are pruned hourly (src/ingest/retention.ts).
    if (config.retentionDays !== undefined) {
      const pruner = startPruneJob({ db, logger, retentionDays: config.retentionDays });
      cleanups.push(() => pruner.stop());
    }

    const app = createApp({ db, lti, adminToken, logger, publicUrl: config.publicUrl, ingest: config, telemetry, readiness, metricsToken: config.metricsToken, maxConcurrentRequests: config.maxConcurrentRequests, maxQueuedRequests: config.maxQueuedRequests });
    const server = http.createServer(app);
    // Idle keep-alive connections stay open longer than a proxy's or balancer's (nginx's upstream
    // keepalive_timeout and AWS's ALB: 60 s). With Node's 5 s, the server may close a connection in
    // the instant the proxy sends the next request on it, which the proxy answers 502; the headers
    // may take as long (Node requires headersTimeout above keepAliveTimeout).
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, () => resolve());
    });
    cleanups.push(() => stopListening(server));
    const { port } = server.address() as AddressInfo;
    logger.info(
      { port, publicUrl: config.publicUrl, database: db.kind, startupMs: Date.now() - started },
      `CoursePulse is listening on port ${port}`,
    );
    let closing: Promise<void> | undefined;
    return {
      url: `http://127.0.0.1:${port}`,
      db,
      readiness,
      close: () => {
        // At once, before the listener closes: a balancer probing /readyz stops sending now.
        readiness.markDraining();
        return (closing ??= closeAll());
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

function adminTokenFromDataDir(dataDir: string, logger: Logger): string {
  const secret = storedSecret(dataDir, ADMIN_TOKEN_FILE);
  if (secret.created) logger.info({ file: secret.file }, 'generated an admin token; the admin API and the coursepulse command read it from this file');
  return secret.value;
}

/**
 * A server database may be shared by several instances, each with its own DATA_DIR: secrets
 * generated into one DATA_DIR differ from another's, so the instances would refuse each other's
 * launch cookies and ltiks and could not decrypt the platforms' keys the other stored.
 */
function warnOfSecretsInDataDir(config: Config, logger: Logger): void {
  const generated = [config.ltiKey === undefined && 'LTI_KEY', config.adminToken === undefined && 'ADMIN_TOKEN'].filter(Boolean);
  if (generated.length === 0) return;
  logger.warn(
    { variables: generated, dataDir: config.dataDir },
    `${generated.join(' and ')} ${generated.length === 1 ? 'is' : 'are'} read from DATA_DIR; with DATABASE_URL, set ${generated.length === 1 ? 'it' : 'them'} in the environment, identical on every CoursePulse instance of this database`,
  );
}

/** How long an idle keep-alive connection stays open: above the 60 s of common proxies. */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

function stopListening(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), DRAIN_MS).unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    // Keep-alive connections without a request in flight would hold close() open.
    server.closeIdleConnections();
  });
}
