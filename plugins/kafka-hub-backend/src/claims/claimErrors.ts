import {
  AnnotationError,
  KAFKA_HUB_ANNOTATIONS,
  KafkaHubAnnotation,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { LinkClaim, NamespaceClaim } from '../database/claims';

// The errors an entity gets when what it declares belongs to another
// entity. Each names the holder and its owner, so the team knows whom to
// talk to.

function holder(claim: { entityRef: string; ownerRef?: string }): string {
  return claim.ownerRef
    ? `${claim.entityRef} (owner ${claim.ownerRef})`
    : claim.entityRef;
}

const NOTHING_DONE = 'this entity is not provisioned and links nothing';

/** Another entity holds the slug. */
export function namespaceClaimedError(
  value: string,
  claim: NamespaceClaim,
): AnnotationError {
  return {
    annotation: KAFKA_HUB_ANNOTATIONS.application,
    value,
    message: `is claimed by ${holder(
      claim,
    )} since ${claim.claimedAt.toISOString()}; ${NOTHING_DONE}`,
  };
}

/** The slug's prefix and another claimed slug's are prefixes of each other. */
export function namespaceOverlapError(
  value: string,
  prefix: string,
  claim: NamespaceClaim,
): AnnotationError {
  return {
    annotation: KAFKA_HUB_ANNOTATIONS.application,
    value,
    message: `has the namespace prefix "${prefix}", which overlaps "${
      claim.prefix
    }" of application "${claim.application}" claimed by ${holder(
      claim,
    )} since ${claim.claimedAt.toISOString()}; ${NOTHING_DONE}`,
  };
}

/** A link annotation names a group or subject inside another's namespace. */
export function linkInsideNamespaceError(
  annotation: KafkaHubAnnotation,
  value: string,
  claim: NamespaceClaim,
): AnnotationError {
  return {
    annotation,
    value,
    message: `is inside the namespace "${claim.prefix}" of application "${
      claim.application
    }", claimed by ${holder(
      claim,
    )}; link annotations only reach names outside every claimed namespace`,
  };
}

/** Another entity linked the same name first. */
export function linkClaimedError(
  annotation: KafkaHubAnnotation,
  value: string,
  claim: LinkClaim,
): AnnotationError {
  return {
    annotation,
    value,
    message: `is linked by ${holder(claim)} through ${
      claim.annotation
    } since ${claim.claimedAt.toISOString()}; the first entity to link a name keeps it`,
  };
}

/** A community annotation's cluster is no environment's name or alias. */
export function unknownClusterError(
  value: string,
  cluster: string,
): AnnotationError {
  return {
    annotation: KAFKA_HUB_ANNOTATIONS.communityConsumerGroups,
    value,
    message: `names the cluster "${cluster}", which is neither an environment of kafkaHub.environments nor one of their aliases; add it to kafkaHub.environments.<environment>.aliases to link the group`,
  };
}
