/**
 * The `coursepulse` command: the admin API from the shell. It talks HTTP to a running
 * CoursePulse (`--url`), with the admin token from `--token`, `ADMIN_TOKEN`, or the file the
 * server generated in `DATA_DIR`.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ADMIN_TOKEN_FILE, readStoredSecret } from '../data-dir.js';
import type { PlatformSummary } from '../lti/platforms.js';
import { canvasDeveloperKeyJson, publicUrlProblem } from '../lti/tool-configuration.js';
import { DEFAULT_IMPORT_BATCH } from '../ingest/import-statements.js';
import { backupCommand } from './backup-command.js';
import { eraseCommand } from './erase-command.js';
import { auditCommand } from './audit-command.js';
import { importCommand } from './import-command.js';
import { pruneCommand } from './prune-command.js';
import { rebuildCommand } from './rebuild-command.js';
import { restoreCommand } from './restore-command.js';

const USAGE = `Usage: coursepulse <command> [options]

Commands:
  platform list                      the registered LMS platforms
  platform add --issuer URL --client-id ID --name NAME
               --auth-url URL --token-url URL --jwks-url URL
               [--auth-server URL]   (the LMS's OAuth2 audience, e.g. Brightspace's)
                                     register a platform by hand
  platform activate <id>             let a platform launch CoursePulse
  platform deactivate <id>           refuse its launches (its data is kept)
  credentials create --platform ID [--label TEXT]
                                     make an xAPI/Caliper credential for a platform (the secret is shown once)
  credentials list [--platform ID]   the credentials (never their secrets)
  credentials revoke <key>           stop accepting activity sent with a credential
  audit [--platform ID [--course ID] [--student ID]] [--since TIME] [--until TIME] [--limit N] [--cursor C]
                                     who viewed which course's and student's reports, when (newest first;
                                     TIME as ISO 8601, e.g. 2026-03-01T00:00:00Z; --limit up to 1000, default 100)
  lti-config --url PUBLIC_URL [--new-window]
                                     print the Canvas developer key JSON (LTI Key, "Paste JSON")
                                     for CoursePulse at PUBLIC_URL; --new-window opens it in a new tab
  rebuild [--remap]                  recompute every visit and day with the configured VISIT_TIMEOUT_MINUTES,
                                     LAST_EVENT_CREDIT_SECONDS and TIMEZONE, on the database of DATA_DIR /
                                     DATABASE_URL, with the server stopped (a server does it at start when
                                     these changed); --remap also maps every stored event again (kind rules)
  import <file> --platform ID [--batch-size N] [--again]
                                     backfill xAPI statements from a file (a JSON array, or NDJSON: one per line)
                                     into a platform's store, on the database of DATA_DIR / DATABASE_URL (with the
                                     embedded database, the server stopped); resumable (run it again after a stop),
                                     idempotent; --batch-size statements per transaction (default 4000);
                                     --again imports a file that was imported to its end already
  backup <file> [--force]            copy the embedded database (DATA_DIR) into one compressed file, with the server
                                     stopped; --force overwrites the file (with DATABASE_URL: prints the pg_dump commands)
  restore <file> [--force]           make a backup the embedded database of DATA_DIR, with the server stopped; the file is
                                     checked first; --force replaces an existing database, which is kept renamed beside it
  prune                              delete raw events older than RETENTION_DAYS now (the server does it hourly); the
                                     visits and days stay
  erase --platform ID --user USER_ID [--yes]
                                     erase a person (GDPR): their events, figures, roster and group rows, on the database
                                     of DATA_DIR / DATABASE_URL; shows what goes and asks first unless --yes
  help                               this text

Options:
  --url URL          the running CoursePulse (default: $COURSEPULSE_URL, else http://127.0.0.1:$PORT, PORT 3000)
                     (lti-config: the PUBLIC_URL the LMS reaches, default $PUBLIC_URL)
  --token TOKEN      the admin token (default: $ADMIN_TOKEN, else the file DATA_DIR/admin-token)
  --data-dir DIR     where to find the admin token file (default: $DATA_DIR, else ./data)
  --json             print JSON instead of a table
`;

/** A usage mistake: exit code 2, with the usage text. */
class UsageError extends Error {}
/** The server refused or could not be reached: exit code 1, message only. */
class CommandError extends Error {}

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const defaultIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
};

const OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  'data-dir': { type: 'string' },
  json: { type: 'boolean', default: false },
  issuer: { type: 'string' },
  'client-id': { type: 'string' },
  name: { type: 'string' },
  'auth-url': { type: 'string' },
  'token-url': { type: 'string' },
  'jwks-url': { type: 'string' },
  'auth-server': { type: 'string' },
  platform: { type: 'string' },
  label: { type: 'string' },
  'new-window': { type: 'boolean', default: false },
  remap: { type: 'boolean', default: false },
  'batch-size': { type: 'string' },
  again: { type: 'boolean', default: false },
  course: { type: 'string' },
  student: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  limit: { type: 'string' },
  cursor: { type: 'string' },
  force: { type: 'boolean', default: false },
  user: { type: 'string' },
  yes: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

class AdminClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async request<T>(method: 'GET' | 'POST' | 'DELETE', route: string, body?: unknown): Promise<T> {
    const url = `${this.baseUrl}/admin/api${route}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new CommandError(`cannot reach CoursePulse at ${this.baseUrl} (${cause}); is it running? Use --url to point elsewhere.`);
    }
    const text = await response.text();
    let payload: unknown;
    try {
      payload = text ? JSON.parse(text) : undefined;
    } catch {
      throw new CommandError(`${url} answered ${response.status} with something that is not JSON; is --url a CoursePulse server?`);
    }
    if (!response.ok) {
      const message = (payload as { error?: string } | undefined)?.error ?? response.statusText;
      throw new CommandError(`${response.status}: ${message}`);
    }
    return payload as T;
  }
}

function connection(values: Values, io: Io): AdminClient {
  const url = (values.url ?? io.env.COURSEPULSE_URL ?? `http://127.0.0.1:${io.env.PORT || 3000}`).replace(/\/+$/, '');
  const dataDir = path.resolve(io.cwd, values['data-dir'] ?? (io.env.DATA_DIR || 'data'));
  const token = values.token ?? (io.env.ADMIN_TOKEN || readStoredSecret(dataDir, ADMIN_TOKEN_FILE));
  if (!token) {
    throw new UsageError(
      `no admin token: give --token, set ADMIN_TOKEN, or run where ${path.join(dataDir, ADMIN_TOKEN_FILE)} exists (--data-dir)`,
    );
  }
  return new AdminClient(url, token);
}

function columns(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

function table(platforms: PlatformSummary[]): string {
  if (platforms.length === 0) return 'No platforms are registered yet. Add one with "coursepulse platform add" or LTI Dynamic Registration.\n';
  return columns([
    ['ID', 'NAME', 'ISSUER', 'CLIENT ID', 'ACTIVE'],
    ...platforms.map((p) => [p.id, p.name, p.issuer, p.clientId, p.active ? 'yes' : 'no']),
  ]);
}

function required(values: Values, names: Array<keyof Values>): void {
  const missing = names.filter((name) => !values[name]);
  if (missing.length) throw new UsageError(`missing ${missing.map((name) => `--${String(name)}`).join(', ')}`);
}

async function platformCommand(action: string | undefined, args: string[], values: Values, io: Io): Promise<void> {
  const print = (platforms: PlatformSummary[]) => io.out(values.json ? `${JSON.stringify(platforms, null, 2)}\n` : table(platforms));
  switch (action) {
    case 'list': {
      print(await connection(values, io).request<PlatformSummary[]>('GET', '/platforms'));
      return;
    }
    case 'add': {
      required(values, ['issuer', 'client-id', 'name', 'auth-url', 'token-url', 'jwks-url']);
      const platform = await connection(values, io).request<PlatformSummary>('POST', '/platforms', {
        issuer: values.issuer,
        clientId: values['client-id'],
        name: values.name,
        authUrl: values['auth-url'],
        tokenUrl: values['token-url'],
        jwksUrl: values['jwks-url'],
        ...(values['auth-server'] ? { authServer: values['auth-server'] } : {}),
      });
      if (!values.json) io.out(`Registered ${platform.name} as platform ${platform.id}.\n`);
      print([platform]);
      return;
    }
    case 'activate':
    case 'deactivate': {
      const id = args[0];
      if (!id || args.length > 1) throw new UsageError(`platform ${action} takes one platform id (see "coursepulse platform list")`);
      const platform = await connection(values, io).request<PlatformSummary>('POST', `/platforms/${encodeURIComponent(id)}/${action}`);
      if (!values.json) io.out(`${platform.name} (${platform.id}) is now ${platform.active ? 'active' : 'inactive'}.\n`);
      else print([platform]);
      return;
    }
    default:
      throw new UsageError(action ? `unknown platform command "${action}"` : 'platform needs a command: list, add, activate or deactivate');
  }
}

/** `lti-config`: needs nothing running; the URL is CoursePulse's PUBLIC_URL, not the admin API's. */
function ltiConfigCommand(args: string[], values: Values, io: Io): void {
  if (args.length > 0) throw new UsageError(`lti-config takes no arguments (got "${args.join(' ')}")`);
  const url = values.url ?? io.env.PUBLIC_URL;
  if (!url) throw new UsageError('lti-config needs --url, the PUBLIC_URL the LMS reaches CoursePulse at (e.g. https://coursepulse.example.edu)');
  const problem = publicUrlProblem(url);
  if (problem) throw new UsageError(`--url ${url} ${problem}`);
  io.out(canvasDeveloperKeyJson(url, { newWindow: values['new-window'] }));
}

interface CredentialSummary {
  key: string;
  platformId: string;
  label: string | null;
  createdAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

async function credentialsCommand(action: string | undefined, args: string[], values: Values, io: Io): Promise<void> {
  switch (action) {
    case 'create': {
      required(values, ['platform']);
      const made = await connection(values, io).request<CredentialSummary & { secret: string; endpoint: string; caliperEndpoint: string }>(
        'POST',
        `/platforms/${encodeURIComponent(values.platform!)}/credentials`,
        values.label ? { label: values.label } : {},
      );
      if (values.json) return io.out(`${JSON.stringify(made, null, 2)}\n`);
      io.out(
        [
          `Credential for platform ${made.platformId}${made.label ? ` (${made.label})` : ''}. The secret is shown only now: paste it into the LMS.`,
          '',
          `  xAPI endpoint     ${made.endpoint}`,
          `  Caliper endpoint  ${made.caliperEndpoint}`,
          `  key (username)    ${made.key}`,
          `  secret (password) ${made.secret}`,
          '',
        ].join('\n'),
      );
      return;
    }
    case 'list': {
      const client = connection(values, io);
      const platforms = values.platform ? [values.platform] : (await client.request<PlatformSummary[]>('GET', '/platforms')).map((p) => p.id);
      const credentials = (
        await Promise.all(platforms.map((id) => client.request<CredentialSummary[]>('GET', `/platforms/${encodeURIComponent(id)}/credentials`)))
      ).flat();
      if (values.json) return io.out(`${JSON.stringify(credentials, null, 2)}\n`);
      if (credentials.length === 0) return io.out('No credentials yet. Make one with "coursepulse credentials create --platform <id>".\n');
      io.out(
        columns([
          ['KEY', 'PLATFORM', 'LABEL', 'CREATED', 'LAST USED', 'STATE'],
          ...credentials.map((c) => [c.key, c.platformId, c.label ?? '', c.createdAt.slice(0, 16), c.lastUsedAt?.slice(0, 16) ?? 'never', c.revokedAt ? 'revoked' : 'active']),
        ]),
      );
      return;
    }
    case 'revoke': {
      const key = args[0];
      if (!key || args.length > 1) throw new UsageError('credentials revoke takes one credential key (see "coursepulse credentials list")');
      await connection(values, io).request('DELETE', `/credentials/${encodeURIComponent(key)}`);
      io.out(`Revoked ${key}: activity sent with it is refused from now on.\n`);
      return;
    }
    default:
      throw new UsageError(action ? `unknown credentials command "${action}"` : 'credentials needs a command: create, list or revoke');
  }
}

/** Runs the command line `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const { values, positionals } = parsed;
    const [command, action, ...rest] = positionals;
    if (values.help || command === 'help' || command === undefined) {
      io.out(USAGE);
      return command === undefined && !values.help ? 2 : 0;
    }
    if (command === 'platform') {
      await platformCommand(action, rest, values, io);
      return 0;
    }
    if (command === 'credentials') {
      await credentialsCommand(action, rest, values, io);
      return 0;
    }
    if (command === 'audit') {
      if (positionals.length > 1) throw new UsageError(`audit takes no arguments (got "${positionals.slice(1).join(' ')}"); filter with --platform, --course, --student, --since, --until`);
      const { platform, course, student, since, until, limit, cursor, json } = values;
      await auditCommand({ platform, course, student, since, until, limit, cursor, json }, connection(values, io), io.out, columns);
      return 0;
    }
    if (command === 'import') {
      const files = positionals.slice(1);
      if (files.length !== 1) throw new UsageError(`import takes one file (got ${files.length ? `"${files.join(' ')}"` : 'none'})`);
      if (!values.platform) throw new UsageError('import needs --platform, the id of the platform the statements come from (see "coursepulse platform list")');
      const batchText = values['batch-size'] ?? String(DEFAULT_IMPORT_BATCH);
      const batchSize = /^\d+$/.test(batchText) ? Number(batchText) : NaN;
      if (!(batchSize >= 1 && batchSize <= 100_000)) throw new UsageError(`--batch-size ${batchText} is not a whole number from 1 to 100000`);
      return await importCommand(
        { file: path.resolve(io.cwd, files[0]!), platformId: values.platform, batchSize, again: values.again, json: values.json },
        io,
      );
    }
    if (command === 'rebuild') {
      if (positionals.length > 1) throw new UsageError(`rebuild takes no arguments (got "${positionals.slice(1).join(' ')}")`);
      return await rebuildCommand({ remap: values.remap }, io);
    }
    if (command === 'backup' || command === 'restore') {
      const files = positionals.slice(1);
      if (files.length !== 1) throw new UsageError(`${command} takes one file (got ${files.length ? `"${files.join(' ')}"` : 'none'})`);
      const run = command === 'backup' ? backupCommand : restoreCommand;
      return await run({ file: path.resolve(io.cwd, files[0]!), force: values.force }, io);
    }
    if (command === 'prune') {
      if (positionals.length > 1) throw new UsageError(`prune takes no arguments (got "${positionals.slice(1).join(' ')}")`);
      return await pruneCommand({}, io);
    }
    if (command === 'erase') {
      if (positionals.length > 1) throw new UsageError(`erase takes no arguments (got "${positionals.slice(1).join(' ')}"); name the person with --platform and --user`);
      required(values, ['platform', 'user']);
      return await eraseCommand({ platformId: values.platform!, userId: values.user!, yes: values.yes }, io);
    }
    if (command === 'lti-config') {
      ltiConfigCommand(positionals.slice(1), values, io);
      return 0;
    }
    throw new UsageError(`unknown command "${command}"`);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`coursepulse: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof CommandError) {
      io.err(`coursepulse: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
