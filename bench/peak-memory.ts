/**
 * Peak memory of a phase: the process's resident set size sampled every 50 ms (a sample is taken
 * when the event loop gets to it, so a peak inside one long synchronous step can be missed).
 * The whole process is measured — app, database driver (PGlite's WebAssembly heap included) and
 * the benchmark's client with the statements it holds — so each phase also reports the RSS it
 * started from, and the V8 heap apart: its peak, which depends on when V8 chose to collect, and
 * its live size — the largest heap seen just after a full collection — which is what a phase
 * really holds (flat for an import whatever the file's size).
 */
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';

export interface MemorySample {
  startMb: number;
  peakMb: number;
  /** The V8 heap's peak (JavaScript objects only: not PGlite's WebAssembly memory, not buffers). */
  peakHeapMb: number;
  /** The largest V8 heap right after a full collection during the phase (or at its start). */
  liveHeapMb: number;
}

const mb = (bytes: number) => Math.round(bytes / 1048576);

let gc: (() => void) | undefined;

/** Collects garbage before a phase, so that it starts from what is really held (node's `--expose-gc`, turned on here). */
export function collectGarbage(): void {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as () => void;
  }
  gc();
}

export async function withPeakMemory<T>(work: () => Promise<T>): Promise<{ result: T; memory: MemorySample }> {
  collectGarbage();
  const start = process.memoryUsage.rss();
  let peak = start;
  let peakHeap = process.memoryUsage().heapUsed;
  let liveHeap = peakHeap;
  const sample = () => {
    const now = process.memoryUsage();
    peak = Math.max(peak, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  };
  const timer = setInterval(sample, 50);
  // Reported shortly after each collection: the heap then is the live data plus what was allocated since.
  const collections = new PerformanceObserver((list) => {
    const full = list.getEntries().some((e) => (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR);
    if (full) liveHeap = Math.max(liveHeap, process.memoryUsage().heapUsed);
  });
  collections.observe({ entryTypes: ['gc'] });
  try {
    const result = await work();
    sample();
    return { result, memory: { startMb: mb(start), peakMb: mb(peak), peakHeapMb: mb(peakHeap), liveHeapMb: mb(liveHeap) } };
  } finally {
    clearInterval(timer);
    collections.disconnect();
  }
}
