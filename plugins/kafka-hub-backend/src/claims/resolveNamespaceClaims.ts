import { LoggerService } from '@backstage/backend-plugin-api';
import { AnnotationError } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { KafkaEntity } from '../catalog/KafkaEntitiesReader';
import { NamespaceClaim, NamespaceClaimStore } from '../database/claims';
import { namespaceClaimedError, namespaceOverlapError } from './claimErrors';
import { firstDeclaredOrder } from './firstDeclaredOrder';

export interface ResolvedNamespaces {
  /** Every claim after this pass, including those whose holder is missing. */
  claims: NamespaceClaim[];
  /** The claim error of each entity that declares a slug it does not hold. */
  errors: Map<string, AnnotationError>;
}

/**
 * One pass over the catalog's Kafka entities: keeps each claim's holder
 * state current (present, missing since, released after the grace
 * period), lets the entities that declare an unclaimed slug claim it in
 * the order they were first recorded, and names the holder to every other
 * entity that declares a claimed slug.
 */
export async function resolveNamespaceClaims(options: {
  store: NamespaceClaimStore;
  entities: KafkaEntity[];
  now: Date;
  releaseAfterMs: number;
  /**
   * The catalog read looks incomplete (see the reconcile's removal guard):
   * a holder it lacks is not counted as gone, so no grace clock starts.
   */
  catalogIncomplete?: boolean;
  logger: LoggerService;
}): Promise<ResolvedNamespaces> {
  const { store, entities, now, releaseAfterMs, logger } = options;
  const claims = new Map(
    (await store.list()).map(claim => [claim.application, claim]),
  );
  const byRef = new Map(entities.map(e => [e.entityRef, e]));

  for (const claim of [...claims.values()]) {
    const { application, entityRef } = claim;
    const holder = byRef.get(entityRef);
    if (holder?.application === application && holder.prefix !== undefined) {
      if (
        claim.holderMissingSince ||
        claim.prefix !== holder.prefix ||
        claim.ownerRef !== holder.ownerRef
      ) {
        await store.holderPresent({
          application,
          entityRef,
          prefix: holder.prefix,
          ownerRef: holder.ownerRef,
        });
        claims.set(application, {
          ...claim,
          prefix: holder.prefix,
          ownerRef: holder.ownerRef,
          holderMissingSince: undefined,
        });
      }
    } else if (!holder && options.catalogIncomplete) {
      continue;
    } else if (!claim.holderMissingSince) {
      await store.holderMissing({ application, entityRef, since: now });
      claims.set(application, { ...claim, holderMissingSince: now });
      logger.info(
        `Namespace claim of "${application}": ${entityRef} is ${
          holder ? 'no longer declaring it' : 'gone from the catalog'
        }; the claim is released at ${new Date(
          now.getTime() + releaseAfterMs,
        ).toISOString()} unless it comes back`,
      );
    } else if (
      now.getTime() - claim.holderMissingSince.getTime() >=
      releaseAfterMs
    ) {
      const released = await store.releaseMissing({
        application,
        entityRef,
        missingSince: claim.holderMissingSince,
      });
      if (released) {
        claims.delete(application);
        logger.info(
          `Namespace claim of "${application}" by ${entityRef} released: its holder has been missing since ${claim.holderMissingSince.toISOString()}`,
        );
      } else {
        // Changed under us (an admin released it, or it came back).
        const current = await store.get(application);
        if (current) claims.set(application, current);
        else claims.delete(application);
      }
    }
  }

  const declarers = entities.filter(
    (e): e is KafkaEntity & { application: string; prefix: string } =>
      e.application !== undefined && e.prefix !== undefined,
  );
  const overlaps = new Map<string, NamespaceClaim>();
  const contenders = declarers.filter(e => !claims.has(e.application));
  // First declared first: within the batch, earlier requests win.
  const ordered = await firstDeclaredOrder(store, contenders);
  const outcomes = await store.claimAll(
    ordered.map(entity => ({
      application: entity.application,
      prefix: entity.prefix,
      entityRef: entity.entityRef,
      ownerRef: entity.ownerRef,
      now,
    })),
  );
  for (const [i, outcome] of outcomes.entries()) {
    const entity = ordered[i];
    if (outcome.result === 'overlap') {
      overlaps.set(entity.entityRef, outcome.holder);
      continue;
    }
    claims.set(entity.application, outcome.holder);
    if (outcome.result === 'claimed') {
      logger.info(
        `Namespace "${entity.prefix}" (application "${entity.application}") claimed by ${entity.entityRef}`,
      );
    }
  }

  const errors = new Map<string, AnnotationError>();
  for (const entity of declarers) {
    const value = entity.rawApplication ?? entity.application;
    const overlap = overlaps.get(entity.entityRef);
    const claim = claims.get(entity.application);
    if (overlap) {
      errors.set(
        entity.entityRef,
        namespaceOverlapError(value, entity.prefix, overlap),
      );
    } else if (claim && claim.entityRef !== entity.entityRef) {
      errors.set(entity.entityRef, namespaceClaimedError(value, claim));
    }
  }
  return { claims: [...claims.values()], errors };
}
