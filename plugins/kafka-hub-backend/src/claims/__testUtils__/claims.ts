import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { KafkaEntity } from '../../catalog/KafkaEntitiesReader';
import { LinkClaim, NamespaceClaim } from '../../database/claims';
import { ClaimReader, ClaimSet } from '../ClaimSet';
import { ClaimResolver } from '../ClaimResolver';

const CLAIMED_AT = new Date(Date.UTC(2026, 11, 1));

/**
 * A catalog entity as KafkaEntitiesReader returns it, under the default
 * namespace pattern: `component:default/<name>` owned by `group:default/<team>`.
 */
export function kafkaEntity(
  name: string,
  options: {
    team: string;
    application?: string;
    consumerGroups?: KafkaEntity['annotations']['consumerGroups'];
    schemaSubjects?: KafkaEntity['annotations']['schemaSubjects'];
  },
): KafkaEntity {
  return {
    entityRef: `component:default/${name}`,
    ownerRef: `group:default/${options.team}`,
    application: options.application,
    prefix: options.application ? `${options.application}.` : undefined,
    rawApplication: options.application,
    annotations: {
      application: options.application,
      topics: [],
      consumerGroups: options.consumerGroups ?? [],
      schemaSubjects: options.schemaSubjects ?? [],
    },
    errors: [],
  };
}

/** A namespace claim of `application` (prefix `<application>.`) by `entityRef`. */
export function namespaceClaim(
  application: string,
  entityRef: string,
  overrides: Partial<NamespaceClaim> = {},
): NamespaceClaim {
  return {
    application,
    prefix: `${application}.`,
    entityRef,
    claimedAt: CLAIMED_AT,
    ...overrides,
  };
}

/** An explicit link claim. */
export function linkClaim(
  claim: Pick<LinkClaim, 'environment' | 'kind' | 'name' | 'entityRef'> &
    Partial<LinkClaim>,
): LinkClaim {
  return {
    annotation:
      claim.kind === 'consumer-group'
        ? 'kafka-hub.io/consumer-groups'
        : 'kafka-hub.io/schema-subjects',
    claimedAt: CLAIMED_AT,
    ...claim,
  };
}

/**
 * Resolves and records the claims of `entities` in the database the way
 * each reconcile does, and returns what the sync tasks read them with.
 */
export async function recordClaims(
  knex: Knex,
  entities: KafkaEntity[],
  now = new Date(),
): Promise<() => Promise<ClaimSet>> {
  await new ClaimResolver({
    db: knex,
    releaseAfterMs: 7 * 86_400_000,
    logger: mockServices.logger.mock(),
  }).resolve(entities, now);
  const reader = new ClaimReader(knex);
  return () => reader.read();
}
