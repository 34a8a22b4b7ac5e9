/**
 * Reads remembered for a few seconds, per process: what every course request reads about its
 * launch (the session's documents, who may frame the page), whether the course was marked as
 * in use, and the course-wide reads of its reports (reports/report-reads.ts). Under load these
 * reads were most of a report request's database round trips, and each round trip costs the
 * server CPU (a socket write) and a pooled connection. Whoever changes what is remembered forgets
 * it in its own process (lti/launch-reads.ts, reports/report-reads.ts); other processes see the
 * change when the answer's time is up.
 *
 * A read in flight is shared by the requests that ask for it meanwhile; a failed read is not
 * remembered. Time is the app's clock, so a test that moves its frozen clock moves the memo too.
 */
export interface ReadMemoOptions {
  /** How long an answer is used again. */
  ttlMs: number;
  /** The most answers kept; the oldest go first. */
  maxEntries: number;
  now: () => Date;
}

export class ReadMemo<V> {
  private readonly entries = new Map<string, { at: number; value: Promise<V> }>();

  constructor(private readonly options: ReadMemoOptions) {}

  read(key: string, load: () => Promise<V>): Promise<V> {
    const at = this.options.now().getTime();
    const entry = this.entries.get(key);
    // An answer from the future (a test's clock moved back) is as stale as an old one.
    if (entry && at >= entry.at && at - entry.at < this.options.ttlMs) return entry.value;
    this.entries.delete(key);
    const value = load();
    this.entries.set(key, { at, value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return value;
  }

  /** Forgets every answer (a launch may have changed any of them). */
  clear(): void {
    this.entries.clear();
  }

  /** Forgets the answers whose keys start with `prefix` (what one write changed). */
  forgetPrefix(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
