/**
 * An open-loop, fixed-rate scheduler: each stream's requests are due at fixed instants (the n-th
 * at start + n / rate) and are fired when due whatever the answers to earlier ones — a slow
 * server gets the same offered load, not less, so its latency is not hidden (a closed loop, where
 * each client waits for its answer, would send less exactly when the server is slow). A timer
 * wakes every few milliseconds and fires everything due since; `fire` gets the instant the
 * request was due, from which its latency is counted.
 */

export interface RateStream {
  ratePerSecond: number;
  /** Sends one request; `dueAt` is its instant on performance.now()'s clock. */
  fire(dueAt: number): void;
}

const TICK_MS = 2;

/** Runs the streams for `durationMs`; resolves when the last request is due (not answered). `stop()` ends it early. */
export function openLoop(streams: readonly RateStream[], durationMs: number): { done: Promise<void>; stop(): void; startedAt: number } {
  const startedAt = performance.now();
  const fired = streams.map(() => 0);
  let timer: NodeJS.Timeout | undefined;
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  const tick = () => {
    const elapsed = Math.min(performance.now() - startedAt, durationMs);
    for (const [i, stream] of streams.entries()) {
      if (stream.ratePerSecond <= 0) continue;
      // The n-th (from 0) is due at n / rate: the first at once, none at or after the end.
      const due = Math.min(Math.floor((elapsed / 1000) * stream.ratePerSecond) + 1, Math.ceil((durationMs / 1000) * stream.ratePerSecond));
      while (fired[i]! < due) stream.fire(startedAt + (fired[i]!++ * 1000) / stream.ratePerSecond);
    }
    if (elapsed >= durationMs) stop();
  };
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    resolve();
  };
  timer = setInterval(tick, TICK_MS);
  return { done, stop, startedAt };
}
