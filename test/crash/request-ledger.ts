/**
 * What the crash test's clients sent and what came back, request by request: the record the
 * checks hold the database to. A request is acknowledged only when its whole answer arrived —
 * 200 with exactly the ids sent, in order (POST), or 204 (PUT); an answer cut by a kill counts as
 * a connection error, and its statements are in doubt (stored whole or not at all).
 */
import type { SentStatement } from './crash-statements.js';

export type RequestOutcome =
  | { kind: 'acknowledged'; status: 200 | 204 }
  /** An answer arrived whole but was not an acknowledgement (any other status, or a 200 naming other ids). */
  | { kind: 'refused'; status: number; detail: string }
  /** No whole answer: refused connection, reset, or cut half-way. */
  | { kind: 'connection-error'; detail: string };

export interface LedgerEntry {
  n: number;
  client: number;
  method: 'POST' | 'PUT';
  /** A re-send of statements acknowledged before (changes nothing when stored again). */
  resend: boolean;
  ids: string[];
  outcome: RequestOutcome;
}

export class RequestLedger {
  readonly entries: LedgerEntry[] = [];
  /** Every statement ever sent, by id. */
  readonly statements = new Map<string, SentStatement>();
  readonly #acknowledged = new Set<string>();
  /** Acknowledged requests a client may re-send (new ones only, so each is one original). */
  readonly acknowledgedRequests: LedgerEntry[] = [];

  /** Statements a voiding statement was sent for (acknowledged or not). */
  readonly voidingSentFor = new Set<string>();

  /** Notes statements about to be sent for the first time. */
  sending(statements: readonly SentStatement[]): void {
    for (const s of statements) {
      this.statements.set(s.id, s);
      if (s.voids !== undefined) this.voidingSentFor.add(s.voids);
    }
  }

  record(entry: Omit<LedgerEntry, 'n'>): LedgerEntry {
    const recorded = { ...entry, n: this.entries.length + 1 };
    this.entries.push(recorded);
    if (recorded.outcome.kind === 'acknowledged') {
      for (const id of recorded.ids) this.#acknowledged.add(id);
      if (!recorded.resend) this.acknowledgedRequests.push(recorded);
    }
    return recorded;
  }

  /** Ids of every statement some request had acknowledged. */
  acknowledged(): ReadonlySet<string> {
    return this.#acknowledged;
  }

  /** Requests of new statements that were not acknowledged: each must be stored whole or not at all. */
  unacknowledgedNew(): LedgerEntry[] {
    return this.entries.filter((e) => !e.resend && e.outcome.kind !== 'acknowledged');
  }

  count(kind: RequestOutcome['kind']): number {
    return this.entries.filter((e) => e.outcome.kind === kind).length;
  }
}
