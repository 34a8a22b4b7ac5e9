/**
 * The generated activity as an NDJSON file for the importer: the statements in delivery order
 * (re-sends and late ones included), one per line. The large file of the import memory check is
 * written by a child process (this file run as a script), so that the generator's arrays never
 * sit in the memory of the process being measured.
 */
import { fork } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deliveryBatches, type GeneratorOptions } from './activity-generator.js';

/** Writes the statements of `o` to `filePath`; returns how many. */
export function writeActivityFile(o: GeneratorOptions, filePath: string): number {
  const fd = fs.openSync(filePath, 'w');
  let count = 0;
  try {
    for (const batch of deliveryBatches(o, 100)) {
      fs.writeSync(fd, batch.map((s) => JSON.stringify(s)).join('\n') + '\n');
      count += batch.length;
    }
  } finally {
    fs.closeSync(fd);
  }
  return count;
}

/** {@link writeActivityFile} in a child process (with this process's loader flags, so tsx runs it). */
export function writeActivityFileApart(o: GeneratorOptions, filePath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), [JSON.stringify({ ...o, start: o.start.toISOString() }), filePath], {
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(Number(out.trim())) : reject(new Error(`writing ${filePath} failed (exit code ${code})`))));
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  const [options, filePath] = process.argv.slice(2);
  if (!options || !filePath) {
    process.stderr.write('usage: activity-file <generator options as JSON> <file>\n');
    process.exit(2);
  }
  const o = JSON.parse(options) as GeneratorOptions & { start: string };
  process.stdout.write(`${writeActivityFile({ ...o, start: new Date(o.start) }, filePath)}\n`);
}
