import { AnnotationError } from '../annotations';

/**
 * Who owns an application slug's namespace, as `GET /admin/claims` lists
 * it: the first entity that declared the slug.
 *
 * @public
 */
export interface NamespaceClaim {
  /** The claimed application name (the topic and group prefix). */
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
  /** The page's claims. */
  items: NamespaceClaim[];
  /** How many claims match, across all pages. */
  total: number;
  /** The page size used. */
  limit: number;
  /** How many claims were skipped before this page. */
  offset: number;
}

/**
 * `DELETE /admin/claims/:application`.
 *
 * @public
 */
export interface ReleaseNamespaceClaimResponse {
  /** The claim as it was before it was released. */
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
  /** The entity whose annotations have errors. */
  entityRef: string;
  /** The entity's annotation errors. */
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
  /** The page's entities. */
  items: EntityLinkErrors[];
  /** How many entities have errors, across all pages. */
  total: number;
  /** The page size used. */
  limit: number;
  /** How many entities were skipped before this page. */
  offset: number;
}
