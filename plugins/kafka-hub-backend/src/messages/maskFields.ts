/** What a masked field's value is replaced by. */
export const MASKED = '***';

/** A parsed `kafkaHub.messages.mask` entry. */
export interface MaskPattern {
  /** A leading `*.`: the rest matches at any depth, the top included. */
  anyDepth: boolean;
  /** Field names from where the match starts; `*` matches any one name. */
  segments: string[];
}

/** Parses one mask entry; throws an Error saying what is wrong with it. */
export function parseMaskPattern(pattern: string): MaskPattern {
  const parts = pattern.split('.');
  if (pattern.trim() === '' || parts.some(part => part === '')) {
    throw new Error(
      `must be a dot-separated path of field names like "card.number" or "*.email", got "${pattern}"`,
    );
  }
  const anyDepth = parts.length > 1 && parts[0] === '*';
  return { anyDepth, segments: anyDepth ? parts.slice(1) : parts };
}

function matchesAt(
  segments: string[],
  path: readonly string[],
  start: number,
): boolean {
  if (path.length - start !== segments.length) return false;
  return segments.every(
    (segment, i) => segment === '*' || segment === path[start + i],
  );
}

function matches(pattern: MaskPattern, path: readonly string[]): boolean {
  if (!pattern.anyDepth) return matchesAt(pattern.segments, path, 0);
  for (let start = 0; start + pattern.segments.length <= path.length; start++) {
    if (matchesAt(pattern.segments, path, start)) return true;
  }
  return false;
}

/**
 * Masks decoded keys and values: every field whose path matches a pattern
 * is replaced by {@link MASKED}. Returns a copy; the input is not changed.
 */
export class FieldMask {
  private readonly patterns: MaskPattern[];

  constructor(patterns: string[]) {
    this.patterns = patterns.map(parseMaskPattern);
  }

  get empty(): boolean {
    return this.patterns.length === 0;
  }

  apply(value: unknown): unknown {
    if (this.empty) return value;
    return this.visit(value, []);
  }

  private visit(value: unknown, path: string[]): unknown {
    if (Array.isArray(value)) {
      // Arrays are transparent: elements share the array's path.
      return value.map(element => this.visit(element, path));
    }
    if (value === null || typeof value !== 'object') return value;
    const copy: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(value)) {
      const fieldPath = [...path, name];
      copy[name] = this.patterns.some(p => matches(p, fieldPath))
        ? MASKED
        : this.visit(field, fieldPath);
    }
    return copy;
  }
}
