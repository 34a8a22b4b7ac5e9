/**
 * The CoursePulse process under the crash test: started as `npm start` starts it
 * (ServerProcess), on one DATA_DIR (and database) and one port for its whole life, killed with
 * SIGKILL and started again. Clients wait on {@link CrashServer.ready} between a kill and the
 * next /readyz 200, so that what they send goes to a server that is up, and a request cut by a
 * kill is one that really was in flight.
 */
import { ServerProcess } from '../support/server-process.js';

/** Why the run cannot go on: a start that never became ready, say. */
export class ServerFailure extends Error {}

export class CrashServer {
  #process: ServerProcess | undefined;
  #ready: Promise<void> | undefined;
  #markReady!: () => void;
  #isReady = false;
  #giveUp: ServerFailure | undefined;
  /** Every start, with the milliseconds from spawn to /readyz 200 (undefined: killed before). */
  readonly starts: Array<{ readyMs: number | undefined }> = [];
  kills = 0;
  /** Log lines (JSON) of error level and above, from every process so far. */
  readonly errors: string[] = [];

  constructor(
    readonly env: Record<string, string>,
    readonly url: string,
  ) {
    this.#down();
  }

  // Only a resolved promise is replaced: clients already waiting keep waiting on the pending one.
  #down(): void {
    if (this.#giveUp || (this.#ready !== undefined && !this.#isReady)) return;
    this.#isReady = false;
    this.#ready = new Promise((resolve) => (this.#markReady = resolve));
  }

  #up(): void {
    this.#isReady = true;
    this.#markReady();
  }

  /** Resolves once the server answers /readyz 200; rejects when the run gave up on it. */
  async ready(): Promise<void> {
    await this.#ready;
    if (this.#giveUp) throw this.#giveUp;
  }

  /** Makes every waiting and later {@link ready} throw `failure`. */
  giveUp(failure: ServerFailure): void {
    this.#giveUp = failure;
    this.#up();
  }

  /** Spawns the process without waiting for it. */
  spawn(): ServerProcess {
    if (this.#process && this.#process.child.exitCode === null && this.#process.child.signalCode === null) {
      throw new Error('the previous process is still running');
    }
    this.#process = ServerProcess.start(this.env);
    this.starts.push({ readyMs: undefined });
    return this.#process;
  }

  /** Spawns the process and waits until /readyz answers 200; throws ServerFailure if it does not within `timeoutMs`. */
  async start(timeoutMs: number): Promise<number> {
    const started = Date.now();
    const proc = this.spawn();
    let exited = false;
    void proc.exited.then(() => (exited = true));
    while (Date.now() - started < timeoutMs) {
      if (exited) throw new ServerFailure(`the server exited during start-up (${JSON.stringify(await proc.exited)}):\n${this.#tail(proc)}`);
      try {
        const res = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(2_000) });
        if (res.status === 200) {
          const readyMs = Date.now() - started;
          this.starts[this.starts.length - 1]!.readyMs = readyMs;
          this.#up();
          return readyMs;
        }
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new ServerFailure(`the server was not ready within ${timeoutMs} ms:\n${this.#tail(proc)}`);
  }

  /** SIGKILL: no shutdown of any kind. Clients wait from now until the next start is ready. */
  async kill(): Promise<void> {
    this.#down();
    const proc = this.#process;
    if (!proc) return;
    this.kills += 1;
    const exit = await proc.stop('SIGKILL');
    this.#collectErrors(proc);
    if (exit.signal !== 'SIGKILL') throw new ServerFailure(`the server had exited before it was killed (${JSON.stringify(exit)}):\n${this.#tail(proc)}`);
  }

  /** SIGTERM, the clean stop; resolves to how the process ended. */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.#down();
    const proc = this.#process;
    if (!proc) return { code: 0, signal: null };
    const exit = await proc.stop('SIGTERM');
    this.#collectErrors(proc);
    return exit;
  }

  #collectErrors(proc: ServerProcess): void {
    for (const line of proc.logs()) if (typeof line.level === 'number' && line.level >= 50) this.errors.push(JSON.stringify(line));
    this.errors.push(...proc.stderr.filter((line) => line.trim() !== ''));
  }

  #tail(proc: ServerProcess): string {
    return [...proc.stdout, ...proc.stderr].slice(-30).join('\n');
  }
}
