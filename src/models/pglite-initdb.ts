/**
 * Creates an embedded database cluster in the folder given as the first argument, then exits.
 * Run in a child process on first start: initdb grows PGlite's WebAssembly memory to about 1 GB,
 * and wasm memory never shrinks, so doing it in the server process would leave the server
 * idling at twice the memory it needs.
 */
import { PGlite } from '@electric-sql/pglite';

const dataDir = process.argv[2];
if (!dataDir) {
  process.stderr.write('usage: pglite-initdb <data folder>\n');
  process.exit(2);
}
const db = await PGlite.create({ dataDir });
await db.close();
