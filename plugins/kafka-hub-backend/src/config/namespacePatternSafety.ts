import { InputError } from '@backstage/errors';
import { applicationPrefix } from '@kafka-hub/backstage-plugin-kafka-hub-common';

const PLACEHOLDER = '{application}';

/** Characters a slug continues with (see APPLICATION_SLUG_PATTERN). */
const SLUG_CHARACTERS = /^[a-z0-9-]+$/;

/** A slug is at most 63 characters: `a` plus at most 62 more. */
const MAX_SLUG_TAIL = 62;

/**
 * Two slugs whose prefixes overlap under the pattern (the first's prefix
 * starts the second's), if any. With `B` the text after `{application}`,
 * slug `a` + `u` has a prefix starting with slug `a`'s exactly when `B`
 * starts `u` + `B`: when `u` is a start of `B` made of slug characters and
 * `B` repeats with its length as period (or `B` is empty).
 */
function overlappingSlugs(after: string): [string, string] | undefined {
  if (after === '') return ['a', 'ab'];
  for (let k = 1; k <= Math.min(after.length, MAX_SLUG_TAIL); k++) {
    const tail = after.slice(0, k);
    if (!SLUG_CHARACTERS.test(tail)) return undefined;
    let periodic = true;
    for (let i = 0; i + k < after.length && periodic; i++) {
      periodic = after[i] === after[i + k];
    }
    if (periodic) return ['a', `a${tail}`];
  }
  return undefined;
}

/**
 * Rejects a namespace pattern under which one application's prefix can be
 * a prefix of another's: that application would own the other's topics,
 * consumer groups and ACLs. `{application}` must appear once; a character
 * no slug contains right after it (`{application}.`) is always safe.
 */
export function assertSafeNamespacePattern(pattern: string, key: string): void {
  const parts = pattern.split(PLACEHOLDER);
  if (parts.length !== 2) {
    throw new InputError(
      `${key} "${pattern}" must contain ${PLACEHOLDER} exactly once`,
    );
  }
  const overlap = overlappingSlugs(parts[1]);
  if (overlap) {
    const [a, b] = overlap.map(slug => ({
      slug,
      prefix: applicationPrefix(slug, pattern),
    }));
    throw new InputError(
      `${key} "${pattern}" is unsafe: one application's prefix can be a prefix of another's (application "${a.slug}" gets "${a.prefix}", which starts "${b.prefix}" of application "${b.slug}"). Follow ${PLACEHOLDER} with a character that cannot occur in an application slug (anything but a-z, 0-9 and '-'), e.g. "${PLACEHOLDER}." or "team.${PLACEHOLDER}_"`,
    );
  }
}
