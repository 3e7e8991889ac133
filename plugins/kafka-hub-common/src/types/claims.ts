import { AnnotationError } from '../annotations';

/**
 * Who owns an application slug's namespace, as `GET /admin/claims` lists
 * it: the first entity that declared the slug.
 *
 * @public
 */
export interface NamespaceClaim {
  application: string;
  /** Namespace prefix of topics, groups and transactional ids. */
  prefix: string;
  /** The claim holder. */
  entityRef: string;
  /** The holder's owner when last seen. */
  ownerRef?: string;
  /** ISO timestamps. */
  claimedAt: string;
  /** Since when the holder is gone from the catalog or no longer declares the slug. */
  holderMissingSince?: string;
  /** When the claim is released unless its holder comes back. */
  releasesAt?: string;
}

/**
 * `GET /admin/claims`: one page of the namespace claims, by slug.
 *
 * @public
 */
export interface NamespaceClaimList {
  items: NamespaceClaim[];
  total: number;
  limit: number;
  offset: number;
}

/**
 * `DELETE /admin/claims/:application`.
 *
 * @public
 */
export interface ReleaseNamespaceClaimResponse {
  released: NamespaceClaim;
}

/**
 * Link annotations of one entity that link nothing: they name a group or
 * subject inside another entity's namespace, or one another entity linked
 * first. They never block provisioning.
 *
 * @public
 */
export interface EntityLinkErrors {
  entityRef: string;
  errors: AnnotationError[];
  /** ISO timestamp of the last change; absent when there are none. */
  updatedAt?: string;
}

/**
 * `GET /admin/link-errors`: one page of the entities with link errors.
 *
 * @public
 */
export interface EntityLinkErrorsList {
  items: EntityLinkErrors[];
  total: number;
  limit: number;
  offset: number;
}
