/**
 * The crash test's LMS forwarders: a few clients sending statements at once through HTTP, as
 * Moodle's log store and an LRS forwarder do — single statements (POST of one object, or PUT) and
 * batches of about 50, now and then a re-send of a batch already acknowledged (a forwarder that
 * did not hear the answer) or a voiding statement for an acknowledged statement. Each waits while
 * the server is down and records every request and its outcome in the ledger. A request cut by a
 * kill is not sent again: its statements stay in doubt, which is what the all-or-nothing check
 * needs.
 */
import type { CrashCourse } from './crash-course.js';
import type { CrashServer } from './crash-server.js';
import type { StatementSource, SentStatement } from './crash-statements.js';
import type { RequestLedger, RequestOutcome } from './request-ledger.js';

export interface IngestClients {
  /** Requests sent and not answered yet. */
  inFlight(): number;
  /** Stops sending new requests; resolves when every client's request in flight has ended. */
  stop(): Promise<void>;
}

interface Planned {
  method: 'POST' | 'PUT';
  resend: boolean;
  statements: SentStatement[];
  /** POST of one statement object rather than an array. */
  single: boolean;
}

/** An acknowledged statement no voiding statement was sent for yet, and not itself a voiding one. */
function voidable(source: StatementSource, ledger: RequestLedger): SentStatement | undefined {
  for (let attempt = 0; attempt < 5; attempt++) {
    const request = source.pick(ledger.acknowledgedRequests);
    const candidate = ledger.statements.get(source.pick(request.ids))!;
    if (candidate.kind !== 'voiding' && !ledger.voidingSentFor.has(candidate.id)) return candidate;
  }
  return undefined;
}

function plan(source: StatementSource, ledger: RequestLedger): Planned {
  if (ledger.acknowledgedRequests.length > 0 && source.chance(0.12)) {
    const earlier = source.pick(ledger.acknowledgedRequests);
    const statements = earlier.ids.map((id) => ledger.statements.get(id)!);
    return { method: earlier.method, resend: true, statements, single: earlier.method === 'PUT' || statements.length === 1 };
  }
  if (ledger.acknowledgedRequests.length > 0 && source.chance(0.03)) {
    const target = voidable(source, ledger);
    if (target) return { method: source.chance(0.5) ? 'PUT' : 'POST', resend: false, statements: [source.voiding(target)], single: true };
  }
  if (source.chance(0.55)) {
    return { method: source.chance(0.5) ? 'PUT' : 'POST', resend: false, statements: [source.next()], single: true };
  }
  const size = source.between(30, 60);
  return { method: 'POST', resend: false, statements: Array.from({ length: size }, () => source.next()), single: false };
}

async function send(serverUrl: string, authorization: string, p: Planned): Promise<RequestOutcome> {
  const ids = p.statements.map((s) => s.id);
  const url = p.method === 'PUT' ? `${serverUrl}/xapi/statements?statementId=${ids[0]}` : `${serverUrl}/xapi/statements`;
  const body = JSON.stringify(p.single ? p.statements[0]!.body : p.statements.map((s) => s.body));
  let status: number;
  let text: string;
  try {
    const res = await fetch(url, {
      method: p.method,
      headers: { Authorization: authorization, 'X-Experience-API-Version': '1.0.3', 'Content-Type': 'application/json' },
      body,
      signal: AbortSignal.timeout(60_000),
    });
    status = res.status;
    text = await res.text();
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { kind: 'connection-error', detail: cause?.code ?? cause?.message ?? (err as Error).message };
  }
  if (p.method === 'PUT' && status === 204) return { kind: 'acknowledged', status: 204 };
  if (p.method === 'POST' && status === 200) {
    let answered: unknown;
    try {
      answered = JSON.parse(text);
    } catch {
      return { kind: 'refused', status, detail: `200 with a body that is not JSON: ${text.slice(0, 200)}` };
    }
    if (JSON.stringify(answered) === JSON.stringify(ids)) return { kind: 'acknowledged', status: 200 };
    return { kind: 'refused', status, detail: `200 naming other ids than were sent: ${text.slice(0, 200)}` };
  }
  return { kind: 'refused', status, detail: text.slice(0, 300) };
}

/** Starts `count` clients sending to `server` until stopped. */
export function startIngestClients(server: CrashServer, course: CrashCourse, source: StatementSource, ledger: RequestLedger, count: number): IngestClients {
  const authorization = `Basic ${Buffer.from(`${course.credential.key}:${course.credential.secret}`).toString('base64')}`;
  let stopped = false;
  let inFlight = 0;
  const client = async (n: number) => {
    while (!stopped) {
      try {
        await server.ready();
      } catch {
        return; // the run gave up on the server
      }
      if (stopped) return;
      const p = plan(source, ledger);
      if (!p.resend) ledger.sending(p.statements);
      inFlight += 1;
      const outcome = await send(server.url, authorization, p).finally(() => (inFlight -= 1));
      ledger.record({ client: n, method: p.method, resend: p.resend, ids: p.statements.map((s) => s.id), outcome });
    }
  };
  const running = Array.from({ length: count }, (_, i) => client(i + 1));
  return {
    inFlight: () => inFlight,
    async stop() {
      stopped = true;
      await Promise.all(running);
    },
  };
}
