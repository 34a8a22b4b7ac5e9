// Builds dist/ from src/ when it is missing or older than any source file, so that `npm start`
// and the `coursepulse` command always run the current code. Quiet when there is nothing to do.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = path.join(root, 'dist', '.built');

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

const builtAt = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
const sourcesAt = Math.max(newestSource(path.join(root, 'src')), fs.statSync(path.join(root, 'tsconfig.json')).mtimeMs);
if (builtAt < sourcesAt) {
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  if (!fs.existsSync(tsc)) {
    if (builtAt > 0) {
      process.stderr.write('coursepulse: src/ changed but TypeScript is not installed; running the existing build\n');
      process.exit(0);
    }
    process.stderr.write('coursepulse: no build in dist/ and no TypeScript to make one; run "npm install" first\n');
    process.exit(1);
  }
  process.stderr.write('coursepulse: building…\n');
  execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.json')], { stdio: 'inherit' });
  fs.writeFileSync(stamp, new Date().toISOString());
}
