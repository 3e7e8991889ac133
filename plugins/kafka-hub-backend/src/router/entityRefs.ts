import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';

/**
 * An entity ref in its stored form (`kind:namespace/name`, lower case). The
 * contract has already checked its shape.
 */
export function normalizedEntityRef(ref: string): string {
  return stringifyEntityRef(parseEntityRef(ref));
}

/**
 * The refs in every given list (undefined lists do not narrow); undefined
 * when no list is given, meaning every entity.
 */
export function intersectEntityRefs(
  ...lists: Array<readonly string[] | undefined>
): readonly string[] | undefined {
  let result: readonly string[] | undefined;
  for (const list of lists) {
    if (list === undefined) continue;
    if (result === undefined) {
      result = list;
    } else {
      const set = new Set(list);
      result = result.filter(ref => set.has(ref));
    }
  }
  return result;
}
