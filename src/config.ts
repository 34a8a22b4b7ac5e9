/**
 * The process configuration: read once from the environment at start-up, validated, frozen.
 * A bad value stops start-up with one line that names the variable, the value and what is allowed.
 */
import path from 'node:path';
import { z } from 'zod';

export interface Config {
  /** TCP port the HTTP server listens on. */
  readonly port: number;
  /** Base URL the LMS and browsers reach, without a trailing slash. */
  readonly publicUrl: string;
  /** Absolute path of the folder for the embedded database and generated secrets. */
  readonly dataDir: string;
  /** PostgreSQL server connection string; undefined means the embedded database in `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** Admin API token; undefined means "generate one into dataDir on first start". */
  readonly adminToken: string | undefined;
  /** A token that opens /metrics only (the admin token opens it too); undefined: the admin token alone. */
  readonly metricsToken: string | undefined;
  /** ltijs encryption key; undefined means "generate one into dataDir on first start". */
  readonly ltiKey: string | undefined;
  /** Default IANA time zone of courses. */
  readonly timezone: string;
  /** G of the visit definition (activity-reports.md), in minutes. */
  readonly visitTimeoutMinutes: number;
  /** T of the visit definition (activity-reports.md), in seconds. */
  readonly lastEventCreditSeconds: number;
  /** Whether a dynamically registered platform may launch at once. */
  readonly ltiAutoActivate: boolean;
  /** Whether Dynamic Registration may call LMS addresses that are not public (loopback, private, link-local). */
  readonly ltiRegistrationAllowPrivate: boolean;
  /** How often the roster of a course in use is read again from the platform. */
  readonly rosterRefreshMinutes: number;
  /** Read Canvas group rosters through Canvas's group NRPS endpoint (not a standard service). */
  readonly canvasGroupRosters: boolean;
  /** Largest xAPI request body accepted, in bytes (larger: 413). */
  readonly ingestMaxBytes: number;
  /** Requests a minute one ingest credential may make (a token bucket; 0: no limit). */
  readonly ingestRatePerMinute: number;
  /** Raw events older than this many days are pruned (the daily figures stay); undefined: kept forever. */
  readonly retentionDays: number | undefined;
  /** Requests worked on at once; the next ones wait (load-shedding.ts); 0: no bound. */
  readonly maxConcurrentRequests: number;
  /** Requests held waiting beyond those; one more is answered 503 at once; 0: no waiting. */
  readonly maxQueuedRequests: number;
  readonly logLevel: LogLevel;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Thrown by {@link loadConfig}; its message is the one line an operator sees. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    shownValue: string,
    readonly allowed: string,
  ) {
    super(`Configuration error: ${variable}=${shownValue} is not allowed; expected ${allowed}.`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

interface Variable<T> {
  schema: z.ZodType<T>;
  allowed: string;
  /** Secrets are never echoed back, not even in an error. */
  secret?: boolean;
}

const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const httpUrl = z
  .string()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && !url.search && !url.hash;
    } catch {
      return false;
    }
  })
  .transform((value) => value.replace(/\/+$/, ''));

const postgresUrl = z.string().refine((value) => {
  try {
    return ['postgres:', 'postgresql:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
});

const timeZone = z.string().refine((value) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
});

const booleanWord = z
  .string()
  .transform((value) => value.trim().toLowerCase())
  .pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off']))
  .transform((value) => ['true', '1', 'yes', 'on'].includes(value));

const variables = {
  PORT: { schema: integer(1, 65535), allowed: 'a whole number from 1 to 65535' },
  PUBLIC_URL: { schema: httpUrl, allowed: 'an http:// or https:// URL without query or fragment, e.g. https://coursepulse.example.edu' },
  DATA_DIR: { schema: z.string().min(1), allowed: 'a folder path' },
  DATABASE_URL: { schema: postgresUrl, allowed: 'a postgres:// or postgresql:// connection URL', secret: true },
  ADMIN_TOKEN: { schema: z.string().regex(/^[\x21-\x7e]{16,}$/), allowed: 'at least 16 printable characters without spaces', secret: true },
  METRICS_TOKEN: { schema: z.string().regex(/^[\x21-\x7e]{16,}$/), allowed: 'at least 16 printable characters without spaces', secret: true },
  LTI_KEY: { schema: z.string().min(32), allowed: 'at least 32 characters', secret: true },
  TIMEZONE: { schema: timeZone, allowed: 'an IANA time zone such as UTC or Europe/Oslo' },
  VISIT_TIMEOUT_MINUTES: { schema: integer(5, 240), allowed: 'a whole number of minutes from 5 to 240' },
  LAST_EVENT_CREDIT_SECONDS: { schema: integer(0, 3600), allowed: 'a whole number of seconds from 0 to 3600' },
  LTI_AUTO_ACTIVATE: { schema: booleanWord, allowed: 'true or false' },
  LTI_REGISTRATION_ALLOW_PRIVATE: { schema: booleanWord, allowed: 'true or false' },
  ROSTER_REFRESH_MINUTES: { schema: integer(1, 1440), allowed: 'a whole number of minutes from 1 to 1440' },
  CANVAS_GROUP_ROSTERS: { schema: booleanWord, allowed: 'true or false' },
  INGEST_MAX_BYTES: { schema: integer(1024, 1073741824), allowed: 'a whole number of bytes from 1024 to 1073741824' },
  INGEST_RATE_PER_MINUTE: { schema: integer(0, 1000000), allowed: 'a whole number of requests a minute from 0 (no limit) to 1000000' },
  RETENTION_DAYS: { schema: integer(1, 36500), allowed: 'a whole number of days from 1 to 36500, or unset to keep raw events forever' },
  MAX_CONCURRENT_REQUESTS: { schema: integer(0, 100000), allowed: 'a whole number of requests from 0 (no bound) to 100000' },
  MAX_QUEUED_REQUESTS: { schema: integer(0, 100000), allowed: 'a whole number of requests from 0 (refuse at once) to 100000' },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    allowed: 'one of fatal, error, warn, info, debug, trace, silent',
  },
} satisfies Record<string, Variable<unknown>>;

type Name = keyof typeof variables;
type Parsed<N extends Name> = (typeof variables)[N]['schema'] extends z.ZodType<infer T> ? T : never;

function read<N extends Name>(env: Env, name: N): Parsed<N> | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const variable: Variable<unknown> = variables[name];
  const result = variable.schema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(name, variable.secret ? '(hidden)' : JSON.stringify(raw), variable.allowed);
  }
  return result.data as Parsed<N>;
}

/** Reads and validates the configuration; throws {@link ConfigError} on the first bad value. */
export function loadConfig(env: Env = process.env, cwd: string = process.cwd()): Config {
  const port = read(env, 'PORT') ?? 3000;
  const visitTimeoutMinutes = read(env, 'VISIT_TIMEOUT_MINUTES') ?? 30;
  const lastEventCreditSeconds = read(env, 'LAST_EVENT_CREDIT_SECONDS') ?? 60;
  // A credit longer than the timeout would count the same time in two visits.
  if (lastEventCreditSeconds > visitTimeoutMinutes * 60) {
    throw new ConfigError(
      'LAST_EVENT_CREDIT_SECONDS',
      JSON.stringify(String(lastEventCreditSeconds)),
      `at most the visit timeout (VISIT_TIMEOUT_MINUTES=${visitTimeoutMinutes}, so ${visitTimeoutMinutes * 60} seconds)`,
    );
  }
  return Object.freeze({
    port,
    publicUrl: read(env, 'PUBLIC_URL') ?? `http://localhost:${port}`,
    dataDir: path.resolve(cwd, read(env, 'DATA_DIR') ?? 'data'),
    databaseUrl: read(env, 'DATABASE_URL'),
    adminToken: read(env, 'ADMIN_TOKEN'),
    metricsToken: read(env, 'METRICS_TOKEN'),
    ltiKey: read(env, 'LTI_KEY'),
    timezone: read(env, 'TIMEZONE') ?? 'UTC',
    visitTimeoutMinutes,
    lastEventCreditSeconds,
    ltiAutoActivate: read(env, 'LTI_AUTO_ACTIVATE') ?? true,
    ltiRegistrationAllowPrivate: read(env, 'LTI_REGISTRATION_ALLOW_PRIVATE') ?? false,
    rosterRefreshMinutes: read(env, 'ROSTER_REFRESH_MINUTES') ?? 15,
    canvasGroupRosters: read(env, 'CANVAS_GROUP_ROSTERS') ?? false,
    ingestMaxBytes: read(env, 'INGEST_MAX_BYTES') ?? 5_242_880,
    ingestRatePerMinute: read(env, 'INGEST_RATE_PER_MINUTE') ?? 600,
    retentionDays: read(env, 'RETENTION_DAYS'),
    maxConcurrentRequests: read(env, 'MAX_CONCURRENT_REQUESTS') ?? 16,
    maxQueuedRequests: read(env, 'MAX_QUEUED_REQUESTS') ?? 256,
    logLevel: read(env, 'LOG_LEVEL') ?? 'info',
  });
}
