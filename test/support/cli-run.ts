/**
 * The built `coursepulse` command (dist/) as a real process, as bin/coursepulse.js runs it after
 * its build step (tests call buildIfNeeded() from server-process.ts once in `before`).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PUBLIC_URL } from './moodle-course-database.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RUN_BUILT = `import { main } from './dist/cli/coursepulse.js'; process.exitCode = await main(process.argv.slice(1));`;

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the command with `args` in only `env` (with PATH, HOME and PUBLIC_URL); `onStderr` sees the stderr so far after each chunk. */
export function coursepulse(args: string[], env: Record<string, string>, onStderr?: (text: string, child: ReturnType<typeof spawn>) => void): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', RUN_BUILT, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, PUBLIC_URL, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      onStderr?.(stderr, child);
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
