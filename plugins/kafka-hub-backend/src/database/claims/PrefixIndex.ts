import { NamespaceClaim } from './types';

/**
 * The claimed prefixes, sorted, for the two overlap questions: is a claimed
 * prefix a prefix of `prefix` (at most one lookup per character), and does
 * a claimed prefix start with `prefix` (the first one at or after it in
 * sort order, if any, does).
 */
export class PrefixIndex {
  private readonly byPrefix = new Map<string, NamespaceClaim>();
  private readonly sorted: string[];

  constructor(claims: NamespaceClaim[]) {
    for (const claim of claims) {
      if (!this.byPrefix.has(claim.prefix)) {
        this.byPrefix.set(claim.prefix, claim);
      }
    }
    this.sorted = [...this.byPrefix.keys()].sort(compare);
  }

  add(claim: NamespaceClaim) {
    if (this.byPrefix.has(claim.prefix)) return;
    this.byPrefix.set(claim.prefix, claim);
    this.sorted.splice(this.lowerBound(claim.prefix), 0, claim.prefix);
  }

  overlapping(prefix: string): NamespaceClaim | undefined {
    for (let end = 1; end <= prefix.length; end++) {
      const claim = this.byPrefix.get(prefix.slice(0, end));
      if (claim) return claim;
    }
    const next = this.sorted[this.lowerBound(prefix)];
    return next !== undefined && next.startsWith(prefix)
      ? this.byPrefix.get(next)
      : undefined;
  }

  private lowerBound(prefix: string): number {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compare(this.sorted[mid], prefix) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

function compare(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
