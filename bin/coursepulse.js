#!/usr/bin/env node
// The `coursepulse` command: builds if the sources changed, then runs dist/cli/coursepulse.js.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

try {
  execFileSync(process.execPath, [fileURLToPath(new URL('../scripts/build-if-needed.mjs', import.meta.url))], { stdio: 'inherit' });
} catch {
  process.exit(1);
}
const { main } = await import('../dist/cli/coursepulse.js');
process.exitCode = await main(process.argv.slice(2));
