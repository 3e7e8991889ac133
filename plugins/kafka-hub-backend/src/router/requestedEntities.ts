import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ReadableEntities } from '../permissions/ReadableEntities';
import { intersectEntityRefs, normalizedEntityRef } from './entityRefs';

/** What a list, summary or search may cover for one request. */
export interface RequestedEntities {
  /** `kafka-hub.admin.read`. */
  admin: boolean;
  /** The request asked for some entities (`entityRef=` or `owner=`). */
  narrowed: boolean;
  /** The entities the list may show; undefined for every entity. */
  entityRefs?: readonly string[];
}

/**
 * The entities a list request covers: those it asks for (`entityRef=`, and
 * the applications of `owner=`), narrowed to those the caller may read (one
 * conditional decision, asked while the owner's applications are read).
 */
export async function requestedEntities(
  query: { entityRef?: string[]; owner?: string },
  credentials: BackstageCredentials,
  options: {
    readable: Pick<ReadableEntities, 'listScope'>;
    /** Entity refs of one owner's applications. */
    ownedEntityRefs: (ownerRef: string) => Promise<string[]>;
  },
): Promise<RequestedEntities> {
  const requested = query.entityRef && [
    ...new Set(query.entityRef.map(normalizedEntityRef)),
  ];
  const owner = query.owner && normalizedEntityRef(query.owner);
  const [scope, owned] = await Promise.all([
    options.readable.listScope(credentials),
    owner === undefined ? undefined : options.ownedEntityRefs(owner),
  ]);
  const asked = intersectEntityRefs(requested, owned);
  return {
    admin: scope.admin,
    narrowed: asked !== undefined,
    entityRefs: intersectEntityRefs(asked, scope.entityRefs),
  };
}
