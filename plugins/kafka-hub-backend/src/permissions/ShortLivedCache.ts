/**
 * Values loaded by key and kept for `ttlMs` after they are loaded. Callers
 * asking for a key while it loads share that load; a failed load is
 * forgotten at once. At most `maxEntries` keys are kept: expired ones go
 * first, then the oldest.
 */
export class ShortLivedCache<T> {
  private readonly entries = new Map<
    string,
    { value: Promise<T>; expiresAt: number }
  >();

  constructor(
    private readonly options: {
      ttlMs: number;
      maxEntries: number;
      now?: () => number;
    },
  ) {
    if (!(options.ttlMs >= 0) || !(options.maxEntries >= 1)) {
      throw new RangeError(
        `ShortLivedCache needs ttlMs >= 0 and maxEntries >= 1, got ${options.ttlMs} and ${options.maxEntries}`,
      );
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.now();
    const cached = this.entries.get(key);
    if (cached && cached.expiresAt > now) {
      return cached.value;
    }
    this.entries.delete(key);
    this.makeRoom(now);
    // Never expires while loading, so concurrent callers share the load.
    const entry = { value: load(), expiresAt: Number.POSITIVE_INFINITY };
    this.entries.set(key, entry);
    entry.value.then(
      () => {
        entry.expiresAt = this.now() + this.options.ttlMs;
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.value;
  }

  private makeRoom(now: number) {
    if (this.entries.size < this.options.maxEntries) return;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
    // Map order is insertion order: the first keys are the oldest.
    for (const key of this.entries.keys()) {
      if (this.entries.size < this.options.maxEntries) break;
      this.entries.delete(key);
    }
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }
}
