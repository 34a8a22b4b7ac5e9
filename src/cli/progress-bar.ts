/**
 * A progress bar for the long-running commands (`import`, `rebuild`), on stderr so that stdout
 * stays the command's result. On a terminal: one line redrawn in place (bar, percent, rate, ETA,
 * detail), at most ten times a second. Elsewhere (CI logs, a pipe): a plain line at every 10 %,
 * so a log stays readable instead of filling with carriage returns.
 */

/** Where the bar is drawn: a stream, or anything with `write` (not a TTY unless it says so). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressBarOptions {
  label: string;
  total: number;
  /** What is counted: `bytes` (shown as KiB/MiB/GiB) or a plural noun (`students`, `events`). */
  unit: string;
  stream?: ProgressStream;
  /** The clock (ms), for tests. */
  now?: () => number;
}

export interface ProgressBar {
  update(done: number, detail?: string): void;
  finish(line?: string): void;
}

const REDRAW_MS = 100;
const BAR_WIDTH = 24;

function amount(n: number, unit: string): string {
  if (unit !== 'bytes') return `${Math.round(n).toLocaleString('en-US')} ${unit}`;
  const steps = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let step = 0;
  while (value >= 1024 && step < steps.length - 1) {
    value /= 1024;
    step++;
  }
  return `${step === 0 ? value.toFixed(0) : value.toFixed(1)} ${steps[step]}`;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function createProgressBar({ label, total, unit, stream = process.stderr, now = () => Date.now() }: ProgressBarOptions): ProgressBar {
  const tty = stream.isTTY === true;
  const startedAt = now();
  /** The rate counts this run only: a resumed job starts from what was already done. */
  let base: number | undefined;
  let done = 0;
  let detail: string | undefined;
  let lastDraw = -Infinity;
  let lastTenth = -1;
  let finished = false;

  const fraction = () => (total > 0 ? Math.min(1, done / total) : 1);
  const rate = () => {
    const seconds = (now() - startedAt) / 1000;
    return seconds > 0 ? (done - (base ?? 0)) / seconds : 0;
  };
  const figures = () => {
    const r = rate();
    const eta = r > 0 ? (total - done) / r : Number.POSITIVE_INFINITY;
    const rateText = `${amount(r, unit)}/s`;
    return { percent: Math.floor(fraction() * 100), rateText, eta: done >= total ? '0s' : duration(eta) };
  };

  const drawTty = () => {
    const { percent, rateText, eta } = figures();
    const filled = Math.round(fraction() * BAR_WIDTH);
    const bar = `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`;
    let text = `${label} ${bar} ${String(percent).padStart(3)}% ${rateText} ETA ${eta}${detail ? `  ${detail}` : ''}`;
    const width = (stream.columns ?? 80) - 1;
    if (text.length > width) text = text.slice(0, width);
    stream.write(`\r${text}\x1b[K`);
    lastDraw = now();
  };

  const plainLine = () => {
    const { percent, rateText } = figures();
    return `${label}: ${percent}% (${amount(done, unit)} of ${amount(total, unit)}, ${rateText})${detail ? ` ${detail}` : ''}\n`;
  };

  return {
    update(value, newDetail) {
      if (finished) return;
      base ??= value;
      done = value;
      if (newDetail !== undefined) detail = newDetail;
      if (tty) {
        if (now() - lastDraw >= REDRAW_MS) drawTty();
        return;
      }
      const tenth = Math.floor(fraction() * 10);
      if (tenth > lastTenth) {
        // The first call only sets where this run starts (0 %, or where a resumed job was).
        if (lastTenth >= 0 || tenth > 0) stream.write(plainLine());
        lastTenth = tenth;
      }
    },
    finish(line) {
      if (finished) return;
      finished = true;
      if (tty) {
        if (line === undefined) {
          drawTty();
          stream.write('\n');
        } else stream.write(`\r\x1b[K${line}\n`);
        return;
      }
      if (line !== undefined) stream.write(`${line}\n`);
      else if (lastTenth < 10) stream.write(plainLine());
    },
  };
}
