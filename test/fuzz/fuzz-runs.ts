/**
 * How many inputs each fuzz property tries, and the tally each file prints. In the normal suite
 * the counts are small enough for the whole fuzz set to take about a minute per database on a
 * 2-core machine; `FUZZ_RUNS=N` tries N inputs per property instead (and `FUZZ_SEED=S` replays a
 * run: fast-check prints the seed and the shrunk input of any failure).
 */
import fc from 'fast-check';

const given = process.env.FUZZ_RUNS;
const seed = process.env.FUZZ_SEED;
if (given !== undefined && !/^[1-9]\d{0,6}$/.test(given)) throw new Error(`FUZZ_RUNS=${given}: expected a whole number of inputs per property`);

/** The inputs a property tries: FUZZ_RUNS when set, else `normal`. */
export const runs = (normal: number): number => (given === undefined ? normal : Number(given));

/** fast-check's parameters for a property of `normal` runs; no time limit of its own (mocha's applies to the test). */
export function fuzzParameters(normal: number): Pick<fc.Parameters<unknown>, 'numRuns' | 'seed'> {
  return { numRuns: runs(normal), ...(seed !== undefined ? { seed: Number(seed) } : {}) };
}

/** Counts the inputs tried per route, for the line a fuzz file prints at its end. */
export class FuzzTally {
  readonly #counts = new Map<string, number>();
  constructor(readonly family: string) {}

  /** One input tried on `route`. */
  count(route: string, inputs = 1): void {
    this.#counts.set(route, (this.#counts.get(route) ?? 0) + inputs);
  }

  get total(): number {
    return [...this.#counts.values()].reduce((a, b) => a + b, 0);
  }

  /** `fuzz <family>: N inputs (route a, route b…)`. */
  line(): string {
    const parts = [...this.#counts].map(([route, n]) => `${route} ${n}`).join(', ');
    return `fuzz ${this.family}: ${this.total} inputs (${parts})`;
  }
}
