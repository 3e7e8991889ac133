import { AnnotationError } from '@kafka-hub/backstage-plugin-kafka-hub-common';

/** The holder of an application slug's namespace, as stored. */
export interface NamespaceClaim {
  application: string;
  /** Namespace prefix of the slug under the configured pattern. */
  prefix: string;
  entityRef: string;
  ownerRef?: string;
  claimedAt: Date;
  /** Set while the holder is gone from the catalog or no longer declares the slug. */
  holderMissingSince?: Date;
}

/** An entity's attempt to claim the namespace of the slug it declares. */
export interface NamespaceClaimRequest {
  application: string;
  prefix: string;
  entityRef: string;
  ownerRef?: string;
  now: Date;
}

/** What can be linked by name: consumer groups and schema subjects. */
export type LinkKind = 'consumer-group' | 'schema-subject';

/** The holder of a name outside every namespace that annotations link. */
export interface LinkClaim {
  environment: string;
  kind: LinkKind;
  name: string;
  entityRef: string;
  ownerRef?: string;
  /** The annotation that made the claim. */
  annotation: AnnotationError['annotation'];
  claimedAt: Date;
  holderMissingSince?: Date;
}

/**
 * The outcome of a namespace claim attempt: `claimed` when this call made
 * the claim, `held` when the entity already held it, `taken` when another
 * entity holds the slug, `overlap` when another slug's prefix and this one
 * are prefixes of each other (`holder` then holds that other slug).
 */
export type NamespaceClaimOutcome =
  | { result: 'claimed' | 'held' | 'taken'; holder: NamespaceClaim }
  | { result: 'overlap'; holder: NamespaceClaim };

/** Link annotations of one entity that link nothing. */
export interface StoredLinkErrors {
  entityRef: string;
  errors: AnnotationError[];
  updatedAt: Date;
}
