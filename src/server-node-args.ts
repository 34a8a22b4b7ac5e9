/**
 * The Node.js options the server runs with: `npm start` passes them (package.json), and so do the
 * benchmarks and tests that start the server as `npm start` does. Run `node dist/main.js` under a
 * supervisor with them too (docs/OPERATIONS.md).
 *
 * `--max-semi-space-size=64`: V8's young generation in 64 MB halves instead of 16 MB. A report
 * request allocates megabytes of short-lived rows, strings and objects; with the default, young
 * collections ran so often that garbage collection took 19 % of the server's CPU under load.
 * Measured with `npm run bench:load`: about a sixth more report requests a second, for some 30 MB
 * more resident memory.
 */
export const SERVER_NODE_ARGS: readonly string[] = ['--max-semi-space-size=64'];
