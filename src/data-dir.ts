/**
 * What CoursePulse keeps in `DATA_DIR` besides the embedded database: generated secrets
 * (admin token, ltijs key), readable only by their owner, and the lock that keeps a second
 * process off the same embedded database.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const ADMIN_TOKEN_FILE = 'admin-token';
export const LTI_KEY_FILE = 'lti-key';
const LOCK_FILE = 'coursepulse.pid';

export interface StoredSecret {
  value: string;
  file: string;
  /** True when this call generated it. */
  created: boolean;
}

/**
 * Returns the secret stored in `DATA_DIR/name`, generating it (mode 0600) on first use.
 * `wx` makes creation atomic: of two processes starting at once, one writes, both read the same.
 */
export function storedSecret(dataDir: string, name: string, bytes = 32): StoredSecret {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, name);
  try {
    fs.writeFileSync(file, `${crypto.randomBytes(bytes).toString('base64url')}\n`, { flag: 'wx', mode: 0o600 });
    return { value: readSecret(file), file, created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { value: readSecret(file), file, created: false };
  }
}

function readSecret(file: string): string {
  const value = fs.readFileSync(file, 'utf8').trim();
  if (!value) throw new Error(`${file} is empty; delete it to have a new secret generated`);
  return value;
}

/** Reads a stored secret without creating it; undefined when absent. */
export function readStoredSecret(dataDir: string, name: string): string | undefined {
  const file = path.join(dataDir, name);
  return fs.existsSync(file) ? readSecret(file) : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims `DATA_DIR` for this process: two processes writing one embedded database would corrupt
 * it. A lock left by a process that no longer runs (a crash) is taken over. Returns the release.
 */
export function lockDataDir(dataDir: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(fs.readFileSync(file, 'utf8'));
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new Error(
          `another CoursePulse process (pid ${holder}) is using the embedded database in ${dataDir}; stop it or choose another DATA_DIR`,
        );
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}
