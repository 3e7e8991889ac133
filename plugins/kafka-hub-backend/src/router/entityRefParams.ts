import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { Request } from 'express';

/** A full entity ref (`kind:namespace/name`), normalised; 400 otherwise. */
export function requiredEntityRef(value: string, name = 'entityRef'): string {
  try {
    return stringifyEntityRef(parseEntityRef(value));
  } catch (error) {
    throw new InputError(
      `${name} must be an entity ref like component:default/my-service, got "${value}"`,
    );
  }
}

/**
 * The entity refs of a query parameter given once, repeated or
 * comma-separated, normalised; undefined when absent; 400 when empty or
 * malformed.
 */
export function entityRefsParam(
  req: Request,
  name = 'entityRef',
): string[] | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  const values = Array.isArray(value) ? value : [value];
  if (values.some(v => typeof v !== 'string')) {
    throw new InputError(`${name} must be one or more entity refs`);
  }
  const refs = (values as string[])
    .flatMap(v => v.split(','))
    .map(v => v.trim())
    .filter(v => v !== '');
  if (refs.length === 0) {
    throw new InputError(`${name} must be one or more entity refs`);
  }
  return [...new Set(refs.map(ref => requiredEntityRef(ref, name)))];
}

/** One entity ref given at most once; undefined when absent; 400 otherwise. */
export function entityRefParam(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw new InputError(`${name} must be one entity ref`);
  }
  return requiredEntityRef(value, name);
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
