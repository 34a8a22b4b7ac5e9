/**
 * The file of `coursepulse backup` and `coursepulse restore`: the embedded database's data
 * folder as PGlite's `dumpDataDir` gives it — a tar archive, gzip-compressed. Read and checked
 * here in full before PGlite sees it: PGlite's own loader reports a damaged archive late (after
 * creating files) and a truncated gzip stream can even escape as an uncaught error, so a bad
 * file must be refused first.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';

/** A backup that cannot be restored: the message says why, for the operator. */
export class BadBackup extends Error {}

const BLOCK = 512;

/** The entry names of a tar archive (ustar), checking each header's checksum and that the archive ends where it says. */
export function tarEntries(tar: Buffer): string[] {
  const names: string[] = [];
  const field = (h: Buffer, from: number, to: number) => h.subarray(from, to).toString('latin1').replace(/\0.*$/s, '');
  for (let at = 0; ; ) {
    if (at + BLOCK > tar.length) throw new BadBackup('the archive ends in the middle (is the file complete?)');
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) return names;
    const stored = parseInt(field(header, 148, 156).trim(), 8);
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
    if (stored !== sum) throw new BadBackup(`not a tar archive (bad header at byte ${at})`);
    const size = parseInt(field(header, 124, 136).trim() || '0', 8);
    const prefix = field(header, 345, 500);
    names.push(prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    at += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
  }
}

/**
 * Reads a backup file and checks it is a whole PostgreSQL data folder: a complete gzip stream (or
 * a plain tar) holding PG_VERSION and global/pg_control. Returns the uncompressed archive.
 */
export function readBackup(file: string): Buffer {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BadBackup(code === 'ENOENT' ? `${file} does not exist` : `cannot read ${file} (${code ?? (err as Error).message})`);
  }
  let tar = data;
  if (data[0] === 0x1f && data[1] === 0x8b) {
    try {
      tar = zlib.gunzipSync(data);
    } catch (err) {
      throw new BadBackup(`${file} is damaged: its compressed data ${(err as NodeJS.ErrnoException).code === 'Z_BUF_ERROR' ? 'ends too early (is the file complete?)' : 'is corrupt'}`);
    }
  }
  let names: string[];
  try {
    names = tarEntries(tar);
  } catch (err) {
    throw new BadBackup(`${file} is not a CoursePulse backup: ${(err as Error).message}`);
  }
  const has = (suffix: string) => names.some((name) => name.replace(/^\/+/, '') === suffix || name.endsWith(`/${suffix}`));
  if (!has('PG_VERSION') || !has('global/pg_control')) throw new BadBackup(`${file} is not a CoursePulse backup: it holds no PostgreSQL data folder`);
  return tar;
}

/** `12.3 MB`, `456 kB`, `789 B` (decimal units, as file managers show sizes). */
export function fileSize(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${Math.round(bytes / 1e3)} kB`;
  return `${bytes} B`;
}
