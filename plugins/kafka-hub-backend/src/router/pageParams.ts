import { InputError } from '@backstage/errors';
import { Request } from 'express';

/** One page of a list: at most `limit` items after skipping `offset`. */
export interface Page {
  limit: number;
  offset: number;
}

/** The page limits of the lists: 50 items unless asked, at most 500. */
export const LIST_PAGE_LIMITS = { defaultLimit: 50, maxLimit: 500 };

/**
 * `limit` (1 to `maxLimit`, default `defaultLimit`) and `offset` (0 or
 * more, default 0) of a list request; 400 naming the parameter otherwise.
 */
export function pageParams(
  req: Request,
  { defaultLimit, maxLimit }: { defaultLimit: number; maxLimit: number },
): Page {
  return {
    limit: wholeNumberParam(req, 'limit', defaultLimit, 1, maxLimit),
    offset: wholeNumberParam(req, 'offset', 0, 0, Number.MAX_SAFE_INTEGER),
  };
}

/** An optional whole-number query parameter within [min, max]. */
function wholeNumberParam(
  req: Request,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = req.query[name];
  if (value === undefined || value === '') return fallback;
  if (typeof value !== 'string') {
    throw new InputError(`Query parameter ${name} must be given once`);
  }
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new InputError(
      `Query parameter ${name} must be a whole number from ${min} to ${max}; got "${value}"`,
    );
  }
  return n;
}
