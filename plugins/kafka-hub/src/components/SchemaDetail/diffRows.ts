import { diffLines, diffWordsWithSpace } from 'diff';

/** A piece of a line; `changed` pieces are what differs within a changed line. */
export interface DiffSegment {
  text: string;
  changed: boolean;
}

/** One line of one side of a side-by-side diff. */
export interface DiffCell {
  /** 1-based line number in its version. */
  line: number;
  text: string;
  kind: 'unchanged' | 'removed' | 'added';
  /** Word-level pieces, for a changed line paired with one on the other side. */
  segments?: DiffSegment[];
}

/** One row of a side-by-side diff: the old line on the left, the new on the right. */
export interface DiffRow {
  left?: DiffCell;
  right?: DiffCell;
}

export interface SideBySideDiff {
  rows: DiffRow[];
  added: number;
  removed: number;
}

/** A diff taking longer than this gives up instead of freezing the page. */
const DIFF_TIMEOUT_MS = 2000;

function lines(value: string): string[] {
  const parts = value.split('\n');
  if (parts.length > 1 && parts[parts.length - 1] === '') {
    parts.pop();
  }
  return parts;
}

/** Word-level pieces of a changed line pair. */
function wordSegments(
  before: string,
  after: string,
): { left: DiffSegment[]; right: DiffSegment[] } {
  const left: DiffSegment[] = [];
  const right: DiffSegment[] = [];
  for (const change of diffWordsWithSpace(before, after)) {
    if (!change.added) {
      left.push({ text: change.value, changed: change.removed });
    }
    if (!change.removed) {
      right.push({ text: change.value, changed: change.added });
    }
  }
  return { left, right };
}

/**
 * A line diff of two texts laid out side by side: unchanged lines face each
 * other, a block of removed lines faces the block of added lines that
 * replaces it (paired lines carry word-level pieces), and lines only on one
 * side face an empty cell. Undefined when the texts are too different to
 * diff within the time limit.
 */
export function sideBySideDiff(
  before: string,
  after: string,
): SideBySideDiff | undefined {
  const changes = diffLines(before, after, {
    ignoreNewlineAtEof: true,
    timeout: DIFF_TIMEOUT_MS,
  });
  if (!changes) {
    return undefined;
  }
  const rows: DiffRow[] = [];
  let leftLine = 1;
  let rightLine = 1;
  let added = 0;
  let removed = 0;
  for (let i = 0; i < changes.length; i++) {
    const change = changes[i];
    if (!change.added && !change.removed) {
      for (const text of lines(change.value)) {
        rows.push({
          left: { line: leftLine++, text, kind: 'unchanged' },
          right: { line: rightLine++, text, kind: 'unchanged' },
        });
      }
      continue;
    }
    const removedLines = change.removed ? lines(change.value) : [];
    let addedLines: string[] = [];
    if (change.added) {
      addedLines = lines(change.value);
    } else if (changes[i + 1]?.added) {
      addedLines = lines(changes[i + 1].value);
      i++;
    }
    removed += removedLines.length;
    added += addedLines.length;
    const count = Math.max(removedLines.length, addedLines.length);
    for (let j = 0; j < count; j++) {
      const row: DiffRow = {};
      const old = removedLines[j];
      const next = addedLines[j];
      const segments =
        old !== undefined && next !== undefined
          ? wordSegments(old, next)
          : undefined;
      if (old !== undefined) {
        row.left = {
          line: leftLine++,
          text: old,
          kind: 'removed',
          segments: segments?.left,
        };
      }
      if (next !== undefined) {
        row.right = {
          line: rightLine++,
          text: next,
          kind: 'added',
          segments: segments?.right,
        };
      }
      rows.push(row);
    }
  }
  return { rows, added, removed };
}
