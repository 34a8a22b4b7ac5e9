/** A test's real database that counts the queries sent through it: each one is a round trip, whose number a test may hold down. */
import type { Database } from '../../src/models/database.js';

export function countingDatabase(real: Database): { db: Database; queries: () => number } {
  let queries = 0;
  const db: Database = {
    kind: real.kind,
    orm: real.orm,
    query: <Row extends object = Record<string, unknown>>(text: string, params?: readonly unknown[]) => {
      queries += 1;
      return real.query<Row>(text, params);
    },
    exec: (script) => real.exec(script),
    transaction: (work) => real.transaction(work),
    ping: () => real.ping(),
    close: () => real.close(),
  };
  return { db, queries: () => queries };
}
