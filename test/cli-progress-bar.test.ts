/** The progress bar of the long commands: a redrawn line on a terminal, a line per 10 % elsewhere. */
import assert from 'node:assert/strict';
import { createProgressBar } from '../src/cli/progress-bar.js';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, isTTY, columns: 100, write: (text: string) => writes.push(text) };
}

describe('the progress bar', () => {
  it('writes a plain line at each 10 % when not on a terminal, and counts the rate from where this run started', () => {
    const out = stream(false);
    let ms = 0;
    const bar = createProgressBar({ label: 'Importing', total: 10 * 1024 * 1024, unit: 'bytes', stream: out, now: () => ms });
    bar.update(2 * 1024 * 1024, 'resumed'); // a resumed job starts at 20 %
    ms = 1000;
    bar.update(2.5 * 1024 * 1024, 'a');
    ms = 2000;
    bar.update(3.1 * 1024 * 1024, 'b');
    bar.update(3.2 * 1024 * 1024, 'c');
    ms = 8000;
    bar.update(10 * 1024 * 1024, 'done');
    bar.finish();
    assert.deepEqual(out.writes, [
      'Importing: 20% (2.0 MiB of 10.0 MiB, 0 B/s) resumed\n',
      'Importing: 31% (3.1 MiB of 10.0 MiB, 563.2 KiB/s) b\n',
      'Importing: 100% (10.0 MiB of 10.0 MiB, 1.0 MiB/s) done\n',
    ]);
  });

  it('redraws one line on a terminal at most ten times a second, with bar, percent, rate, ETA and detail', () => {
    const out = stream(true);
    let ms = 0;
    const bar = createProgressBar({ label: 'Recomputing', total: 200, unit: 'students', stream: out, now: () => ms });
    bar.update(0);
    ms = 50;
    bar.update(10, 'skipped: too soon');
    ms = 2000;
    bar.update(50, 'course 7');
    ms = 4000;
    bar.update(200);
    bar.finish('Recomputed 200 students.');
    bar.update(10);
    assert.deepEqual(out.writes, [
      '\rRecomputing [........................]   0% 0 students/s ETA ?\x1b[K',
      '\rRecomputing [######..................]  25% 25 students/s ETA 6s  course 7\x1b[K',
      '\rRecomputing [########################] 100% 50 students/s ETA 0s  course 7\x1b[K',
      '\r\x1b[KRecomputed 200 students.\n',
    ]);
  });
});
