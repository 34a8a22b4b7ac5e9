/**
 * Whether this process may be sent traffic (`GET /readyz`), as opposed to whether it is alive
 * (`GET /healthz`). The start-up sequence (server.ts) marks its steps done here, and shutdown
 * marks the process draining the moment it begins, so a balancer stops sending before the
 * listener closes. The database is asked on each probe (health.ts); the rest is state kept here.
 */

/** The checks /readyz names, in the order it names them. */
export const READINESS_CHECKS = ['database', 'migrations', 'rebuild', 'shutdown'] as const;
export type ReadinessCheck = (typeof READINESS_CHECKS)[number];

export interface ReadinessState {
  migrated: boolean;
  rebuilt: boolean;
  draining: boolean;
}

export interface Readiness {
  /** The database schema is at this version's migrations. */
  markMigrated(): void;
  /** Figures made with other settings were rebuilt (or there was nothing to rebuild). */
  markRebuilt(): void;
  /** Shutdown began: not ready from now on, whatever else holds. */
  markDraining(): void;
  state(): Readonly<ReadinessState>;
}

/**
 * `started`: the start-up steps are done already — for an app built on a database that is
 * migrated and derived with its settings (tests, benchmarks), where nobody runs a start-up.
 */
export function createReadiness({ started = false }: { started?: boolean } = {}): Readiness {
  const state: ReadinessState = { migrated: started, rebuilt: started, draining: false };
  return {
    markMigrated: () => void (state.migrated = true),
    markRebuilt: () => void (state.rebuilt = true),
    markDraining: () => void (state.draining = true),
    state: () => ({ ...state }),
  };
}

export interface ReadinessReport {
  status: 'ready' | 'not ready';
  checks: Record<ReadinessCheck, string>;
  /** The checks that are not `ok`, in the order of `checks`. */
  failing: ReadinessCheck[];
}

/** The /readyz answer for a state and the database's answer to a ping. Pure. */
export function readinessReport(state: Readonly<ReadinessState>, databaseAnswers: boolean): ReadinessReport {
  const checks: Record<ReadinessCheck, string> = {
    database: databaseAnswers ? 'ok' : 'unavailable',
    migrations: state.migrated ? 'ok' : 'pending',
    rebuild: state.rebuilt ? 'ok' : 'pending',
    shutdown: state.draining ? 'draining' : 'ok',
  };
  const failing = READINESS_CHECKS.filter((check) => checks[check] !== 'ok');
  return { status: failing.length === 0 ? 'ready' : 'not ready', checks, failing };
}
