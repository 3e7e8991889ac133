import { LoggerService } from '@backstage/backend-plugin-api';
import {
  AnnotationError,
  KAFKA_HUB_ANNOTATIONS,
  KafkaHubAnnotation,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { KafkaEntity } from '../catalog/KafkaEntitiesReader';
import {
  LinkClaim,
  LinkClaimStore,
  LinkKey,
  LinkKind,
  NamespaceClaimStore,
} from '../database/claims';
import {
  linkClaimedError,
  linkInsideNamespaceError,
  unknownClusterError,
} from './claimErrors';
import { firstDeclaredOrder } from './firstDeclaredOrder';
import { NamespaceIndex } from './NamespaceIndex';

/** One name an entity's annotation links explicitly. */
interface WantedLink {
  key: LinkKey;
  entity: KafkaEntity;
  annotation: KafkaHubAnnotation;
  /** The annotation item, `<environment>/<name>`. */
  value: string;
}

/**
 * The explicit links of an entity, from all three link annotations, and an
 * error for each community annotation item whose cluster stands for no
 * environment.
 */
function explicitLinks(
  entity: KafkaEntity,
  environmentOfCluster: (cluster: string) => string | undefined,
): { links: WantedLink[]; errors: AnnotationError[] } {
  const links: WantedLink[] = [];
  const errors: AnnotationError[] = [];
  const add = (
    kind: LinkKind,
    environment: string,
    name: string,
    annotation: KafkaHubAnnotation,
    value = `${environment}/${name}`,
  ) =>
    links.push({
      key: { environment, kind, name },
      entity,
      annotation,
      value,
    });
  for (const group of entity.annotations.consumerGroups) {
    if (group.source !== KAFKA_HUB_ANNOTATIONS.communityConsumerGroups) {
      add('consumer-group', group.environment, group.groupId, group.source);
      continue;
    }
    // The community annotation names a cluster: an environment's name or alias.
    const cluster = group.environment;
    const value = `${cluster}/${group.groupId}`;
    const environment = environmentOfCluster(cluster);
    if (environment === undefined) {
      errors.push(unknownClusterError(value, cluster));
    } else {
      add('consumer-group', environment, group.groupId, group.source, value);
    }
  }
  for (const subject of entity.annotations.schemaSubjects) {
    add(
      'schema-subject',
      subject.environment,
      subject.subject,
      KAFKA_HUB_ANNOTATIONS.schemaSubjects,
    );
  }
  return { links, errors };
}

const keyOf = (key: LinkKey) =>
  `${key.environment}\u0000${key.kind}\u0000${key.name}`;

/**
 * One pass over the explicit link annotations. A name inside a claimed
 * namespace can only belong to the namespace's holder: naming it is an
 * error on anyone else, and a link claim on it is released. A name outside
 * every namespace goes to the first entity that linked it; later ones get
 * an error naming the holder. A claim is released at once when its holder
 * no longer links the name (or lost its namespace claim, and so links
 * nothing), and after the grace period when its holder left the catalog.
 * Returns the link errors of each entity.
 */
export async function resolveLinkClaims(options: {
  store: LinkClaimStore;
  namespaceStore: Pick<NamespaceClaimStore, 'recordedSince'>;
  entities: KafkaEntity[];
  namespaces: NamespaceIndex;
  /** Entities that declare a slug someone else holds: they link nothing. */
  losers: ReadonlySet<string>;
  now: Date;
  releaseAfterMs: number;
  /** A holder missing from an incomplete catalog read is not counted as gone. */
  catalogIncomplete?: boolean;
  /** The environment a `kafka.apache.org/consumer-groups` cluster stands for. */
  environmentOfCluster: (cluster: string) => string | undefined;
  logger: LoggerService;
}): Promise<Map<string, AnnotationError[]>> {
  const { store, entities, namespaces, losers, now, logger } = options;
  const errors = new Map<string, AnnotationError[]>();
  const addError = (entityRef: string, error: AnnotationError) =>
    errors.set(entityRef, [...(errors.get(entityRef) ?? []), error]);

  const wanted = new Map<string, WantedLink[]>();
  for (const entity of entities) {
    const explicit = explicitLinks(entity, options.environmentOfCluster);
    for (const error of explicit.errors) addError(entity.entityRef, error);
    for (const link of explicit.links) {
      const namespace = namespaces.of(link.key.kind, link.key.name);
      if (namespace) {
        if (namespace.entityRef !== entity.entityRef) {
          addError(
            entity.entityRef,
            linkInsideNamespaceError(link.annotation, link.value, namespace),
          );
        }
        continue;
      }
      // An entity that declares a slug it does not hold links nothing,
      // not even names outside every namespace.
      if (losers.has(entity.entityRef)) continue;
      const contenders = wanted.get(keyOf(link.key)) ?? [];
      if (!contenders.some(c => c.entity.entityRef === entity.entityRef)) {
        wanted.set(keyOf(link.key), [...contenders, link]);
      }
    }
  }

  const byRef = new Map(entities.map(e => [e.entityRef, e]));
  const claims = new Map<string, LinkClaim>();
  for (const claim of await store.list()) {
    const key = keyOf(claim);
    const release = async (why: string) => {
      if (await store.release(claim)) {
        logger.info(
          `Link claim of ${claim.kind} ${claim.environment}/${claim.name} by ${claim.entityRef} released: ${why}`,
        );
      }
    };
    const holderLink = wanted
      .get(key)
      ?.find(w => w.entity.entityRef === claim.entityRef);
    if (namespaces.of(claim.kind, claim.name)) {
      await release('it is inside a claimed namespace');
    } else if (!byRef.has(claim.entityRef)) {
      if (options.catalogIncomplete) {
        claims.set(key, claim);
      } else if (!claim.holderMissingSince) {
        await store.holderMissing({ ...claim, since: now });
        claims.set(key, claim);
      } else if (
        now.getTime() - claim.holderMissingSince.getTime() >=
        options.releaseAfterMs
      ) {
        await release(
          `its holder has been gone from the catalog since ${claim.holderMissingSince.toISOString()}`,
        );
      } else {
        claims.set(key, claim);
      }
    } else if (!holderLink) {
      await release('its holder no longer links it');
    } else {
      const owner = holderLink.entity.ownerRef;
      if (
        claim.holderMissingSince ||
        claim.ownerRef !== owner ||
        claim.annotation !== holderLink.annotation
      ) {
        await store.holderPresent({
          ...claim,
          ownerRef: owner,
          annotation: holderLink.annotation,
        });
      }
      claims.set(key, {
        ...claim,
        ownerRef: owner,
        annotation: holderLink.annotation,
        holderMissingSince: undefined,
      });
    }
  }

  for (const [key, contenders] of wanted) {
    let holder = claims.get(key);
    if (!holder) {
      const [first] = await firstDeclaredOrder(
        options.namespaceStore,
        contenders.map(c => ({ ...c, entityRef: c.entity.entityRef })),
      );
      holder = await store.claim({
        ...first.key,
        entityRef: first.entity.entityRef,
        ownerRef: first.entity.ownerRef,
        annotation: first.annotation,
        now,
      });
    }
    for (const contender of contenders) {
      if (contender.entity.entityRef !== holder.entityRef) {
        addError(
          contender.entity.entityRef,
          linkClaimedError(contender.annotation, contender.value, holder),
        );
      }
    }
  }
  return errors;
}
