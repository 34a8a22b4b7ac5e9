/**
 * The process's own figures, read at each scrape: memory, event loop lag, uptime. Named as
 * prom-client names them (`process_*`, `nodejs_*`), so existing Node.js dashboards read them.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { MetricsRegistry } from './metrics-registry.js';

/** How often the event loop monitor wakes; its readings include this, which is taken off. */
const LAG_RESOLUTION_MS = 20;

// One monitor for the process (the event loop is the process's), started at the first scrape
// so that a process nobody scrapes (tests, the coursepulse command) pays nothing for it.
let monitor: IntervalHistogram | undefined;

function eventLoopDelay(): IntervalHistogram {
  if (!monitor) {
    monitor = monitorEventLoopDelay({ resolution: LAG_RESOLUTION_MS });
    monitor.enable();
  }
  return monitor;
}

/** A reading of the monitor in seconds of lag: the monitor's interval taken off, never below 0. */
const lagSeconds = (nanoseconds: number): number => Math.max(0, nanoseconds / 1e9 - LAG_RESOLUTION_MS / 1000);

export function registerProcessMetrics(registry: MetricsRegistry): void {
  // Read once per scrape, by the first family that needs it.
  let memory: NodeJS.MemoryUsage | undefined;
  registry.gauge({ name: 'process_resident_memory_bytes', help: 'Resident memory size in bytes.' }, (g) => {
    memory = process.memoryUsage();
    g.set({}, memory.rss);
  });
  registry.gauge({ name: 'nodejs_heap_size_total_bytes', help: 'V8 heap size in bytes.' }, (g) => g.set({}, (memory ?? process.memoryUsage()).heapTotal));
  registry.gauge({ name: 'nodejs_heap_size_used_bytes', help: 'V8 heap used in bytes.' }, (g) => g.set({}, (memory ?? process.memoryUsage()).heapUsed));
  registry.gauge({ name: 'nodejs_external_memory_bytes', help: 'Memory of C++ objects bound to JavaScript (buffers, PGlite) in bytes.' }, (g) =>
    g.set({}, (memory ?? process.memoryUsage()).external),
  );
  registry.gauge({ name: 'process_start_time_seconds', help: 'Start time of the process since the Unix epoch in seconds.' }, (g) =>
    g.set({}, Math.round((Date.now() / 1000 - process.uptime()) * 1000) / 1000),
  );
  registry.gauge({ name: 'coursepulse_uptime_seconds', help: 'Seconds since the process started.' }, (g) => g.set({}, process.uptime()));

  // Lag since the previous scrape: the monitor is reset after each reading, as prom-client does.
  let lag: { p50: number; p99: number; max: number } | undefined;
  registry.gauge({ name: 'nodejs_eventloop_lag_p50_seconds', help: 'Median event loop lag since the previous scrape, in seconds.' }, (g) => {
    const h = eventLoopDelay();
    // No reading yet (the first scrape, or a blocked loop that never woke the monitor): 0.
    lag = h.count === 0 ? { p50: 0, p99: 0, max: 0 } : { p50: lagSeconds(h.percentile(50)), p99: lagSeconds(h.percentile(99)), max: lagSeconds(h.max) };
    h.reset();
    g.set({}, lag.p50);
  });
  registry.gauge({ name: 'nodejs_eventloop_lag_p99_seconds', help: '99th percentile of the event loop lag since the previous scrape, in seconds.' }, (g) =>
    g.set({}, lag?.p99 ?? 0),
  );
  registry.gauge({ name: 'nodejs_eventloop_lag_max_seconds', help: 'Longest event loop lag since the previous scrape, in seconds.' }, (g) => g.set({}, lag?.max ?? 0));
}
