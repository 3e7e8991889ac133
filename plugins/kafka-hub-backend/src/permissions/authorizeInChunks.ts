import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  ConditionalPolicyDecision,
  ResourcePermission,
} from '@backstage/plugin-permission-common';
import { mapWithConcurrency } from '../concurrency/mapWithConcurrency';

/**
 * The JSON body limit of the permission backend's `/authorize` and of the
 * `apply-conditions` endpoint it calls on the catalog (express.json's
 * default, 100 KB).
 */
export const PERMISSION_BODY_LIMIT_BYTES = 100 * 1024;

/** Budget of one call's body: 30% under the limit. */
const BODY_BUDGET_BYTES = 72 * 1024;
const MAX_REFS_PER_CALL = 250;
const CALLS_IN_FLIGHT = 4;

// Bytes of one item around its variable parts on either hop: the `id` (a
// quoted UUID, 38), the key names, colons, commas and braces (under 40).
const ITEM_FRAMING_BYTES = 80;

/**
 * Splits `entityRefs` into the resourceRef lists of `authorize` calls whose
 * bodies stay 30% under the body limit on both hops: the call to the
 * permission backend (each item carries the permission) and the backend's
 * `apply-conditions` call to the catalog (each item carries the policy's
 * conditions, which grow with the user's ownership claims).
 */
export function authorizeChunks(
  entityRefs: readonly string[],
  permission: ResourcePermission,
  decision: Pick<
    ConditionalPolicyDecision,
    'pluginId' | 'resourceType' | 'conditions'
  >,
): string[][] {
  const perItem =
    ITEM_FRAMING_BYTES +
    Math.max(
      byteLength(JSON.stringify(permission)),
      byteLength(JSON.stringify({ ...decision, result: 'CONDITIONAL' })),
    );
  const result: string[][] = [];
  let chunk: string[] = [];
  let bytes = 0;
  for (const ref of entityRefs) {
    const size = perItem + byteLength(JSON.stringify(ref));
    if (
      chunk.length > 0 &&
      (chunk.length >= MAX_REFS_PER_CALL || bytes + size > BODY_BUDGET_BYTES)
    ) {
      result.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(ref);
    bytes += size;
  }
  if (chunk.length > 0) result.push(chunk);
  return result;
}

/**
 * The refs among `entityRefs` on which `permission` is granted, asked with
 * one `authorize` item per entity in calls that never exceed the
 * permission backend's body limit. The fallback for conditions that cannot
 * be turned into a catalog query.
 */
export async function authorizeInChunks(options: {
  permissions: PermissionsService;
  credentials: BackstageCredentials;
  permission: ResourcePermission<'catalog-entity'>;
  decision: Pick<
    ConditionalPolicyDecision,
    'pluginId' | 'resourceType' | 'conditions'
  >;
  entityRefs: readonly string[];
}): Promise<string[]> {
  const { permissions, credentials, permission } = options;
  const chunks = authorizeChunks(
    options.entityRefs,
    permission,
    options.decision,
  );
  const granted = await mapWithConcurrency(
    chunks,
    CALLS_IN_FLIGHT,
    async chunk => {
      const decisions = await permissions.authorize(
        chunk.map(resourceRef => ({ permission, resourceRef })),
        { credentials },
      );
      return chunk.filter(
        (_, i) => decisions[i].result === AuthorizeResult.ALLOW,
      );
    },
  );
  return granted.flat();
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
