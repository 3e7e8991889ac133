import { LoggerService } from '@backstage/backend-plugin-api';
import { AnnotationError } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { Knex } from 'knex';
import { KafkaEntity } from '../catalog/KafkaEntitiesReader';
import {
  LinkClaimStore,
  LinkErrorStore,
  NamespaceClaimStore,
} from '../database/claims';
import { NamespaceIndex } from './NamespaceIndex';
import { resolveLinkClaims } from './resolveLinkClaims';
import { resolveNamespaceClaims } from './resolveNamespaceClaims';

/** What provisioning needs to know after the claims are resolved. */
export interface ClaimVerdicts {
  /**
   * The claim error of an entity that declares a slug another entity
   * holds (or whose prefix overlaps one): it must not be provisioned.
   */
  errorsOf(entityRef: string): AnnotationError[];
}

/**
 * Decides who owns what from the catalog's Kafka entities, once per
 * reconcile: namespace claims first (a loser links nothing), then the
 * explicit link claims, whose errors are stored apart from provisioning.
 */
export class ClaimResolver {
  private readonly namespaces: NamespaceClaimStore;
  private readonly links: LinkClaimStore;
  private readonly linkErrors: LinkErrorStore;

  constructor(
    private readonly options: {
      db: Knex;
      /** How long a holder may be missing before its claims are released. */
      releaseAfterMs: number;
      /**
       * The environment a `kafka.apache.org/consumer-groups` cluster name
       * stands for (see `clusterEnvironments`); undefined makes the item a
       * link error. Default: the cluster name is read as the environment's.
       */
      environmentOfCluster?: (cluster: string) => string | undefined;
      logger: LoggerService;
    },
  ) {
    this.namespaces = new NamespaceClaimStore(options.db);
    this.links = new LinkClaimStore(options.db);
    this.linkErrors = new LinkErrorStore(options.db);
  }

  /**
   * `entities`: every catalog entity with a Kafka Hub annotation.
   * `catalogIncomplete`: the read came back too short to trust (the
   * reconcile refuses its removals), so absent holders keep their claims
   * without starting the release clock.
   */
  async resolve(
    entities: KafkaEntity[],
    now: Date,
    options: { catalogIncomplete?: boolean } = {},
  ): Promise<ClaimVerdicts> {
    const { releaseAfterMs, logger } = this.options;
    const { catalogIncomplete } = options;
    const namespaces = await resolveNamespaceClaims({
      store: this.namespaces,
      entities,
      now,
      releaseAfterMs,
      catalogIncomplete,
      logger,
    });
    const linkErrors = await resolveLinkClaims({
      store: this.links,
      namespaceStore: this.namespaces,
      entities,
      namespaces: new NamespaceIndex(namespaces.claims),
      losers: new Set(namespaces.errors.keys()),
      now,
      releaseAfterMs,
      catalogIncomplete,
      environmentOfCluster:
        this.options.environmentOfCluster ?? (cluster => cluster),
      logger,
    });
    for (const list of linkErrors.values()) {
      // A stable order, so an unchanged set is not rewritten.
      list.sort(
        (a, b) =>
          compare(a.annotation, b.annotation) || compare(a.value, b.value),
      );
    }
    await this.linkErrors.replaceAll(linkErrors, now);
    return {
      errorsOf: entityRef => {
        const error = namespaces.errors.get(entityRef);
        return error ? [error] : [];
      },
    };
  }
}

function compare(a: string, b: string): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
