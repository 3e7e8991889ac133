import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AnnotationError,
  applicationPrefix,
  KAFKA_HUB_ANNOTATIONS,
  KafkaEntityAnnotations,
  parseKafkaAnnotations,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';

/** One catalog entity that carries any Kafka Hub annotation, parsed. */
export interface KafkaEntity {
  entityRef: string;
  /** Owner entity ref (the ownedBy relation, else spec.owner). */
  ownerRef?: string;
  /** The application slug, when the application annotation is valid. */
  application?: string;
  /** Namespace prefix, when there is a valid application slug. */
  prefix?: string;
  /** The raw application annotation, also when it is malformed. */
  rawApplication?: string;
  annotations: KafkaEntityAnnotations;
  errors: AnnotationError[];
}

const A = KAFKA_HUB_ANNOTATIONS;

/** Any of these annotations makes an entity relevant to Kafka Hub. */
export const KAFKA_ENTITY_ANNOTATIONS = [
  A.application,
  A.consumerGroups,
  A.schemaSubjects,
  A.communityConsumerGroups,
];

const ANNOTATION_FILTER = KAFKA_ENTITY_ANNOTATIONS.map(annotation => ({
  [`metadata.annotations.${annotation}`]: CATALOG_FILTER_EXISTS,
}));

const FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.annotations',
  'spec.owner',
  'relations',
];

/**
 * Reads the entities with Kafka Hub annotations from the catalog with the
 * plugin's own service credentials, for the provisioning reconcile (the
 * sync tasks link by the claims it records, not by the catalog).
 */
export class KafkaEntitiesReader {
  constructor(
    private readonly deps: {
      catalog: CatalogService;
      auth: AuthService;
      namespacePattern: string;
    },
  ) {}

  async list(): Promise<KafkaEntity[]> {
    const { catalog, auth } = this.deps;
    const credentials = await auth.getOwnServiceCredentials();
    const { items } = await catalog.getEntities(
      { filter: ANNOTATION_FILTER, fields: FIELDS },
      { credentials },
    );
    return items.map(entity => this.toKafkaEntity(entity));
  }

  private toKafkaEntity(entity: Entity): KafkaEntity {
    const { value, errors } = parseKafkaAnnotations(entity);
    const application = value.application;
    return {
      entityRef: stringifyEntityRef(entity),
      ownerRef: ownerOf(entity),
      application,
      prefix:
        application === undefined
          ? undefined
          : applicationPrefix(application, this.deps.namespacePattern),
      rawApplication: entity.metadata.annotations?.[A.application],
      annotations: value,
      errors,
    };
  }
}

function ownerOf(entity: Entity): string | undefined {
  const relation = entity.relations?.find(r => r.type === RELATION_OWNED_BY);
  if (relation) {
    return relation.targetRef;
  }
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || owner.length === 0) {
    return undefined;
  }
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    );
  } catch {
    return undefined;
  }
}
