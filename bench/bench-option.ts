/** A benchmark's whole-number option: the flag, else the environment variable, else the default; exits 2 on a bad value. */
export function whole(name: string, flag: string | undefined, env: string | undefined, fallback: number, min: number): number {
  const raw = flag ?? env;
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min) {
    process.stderr.write(`--${name}: ${raw} is not a whole number of at least ${min}\n`);
    process.exit(2);
  }
  return Number(raw);
}
