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
