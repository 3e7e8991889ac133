import { Knex } from 'knex';
import { KafkaHubAnnotation } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import {
  readOptionalTimestamp,
  readTimestamp,
  StoredTimestamp,
} from '../timestamps';
import { LinkClaim, LinkKind } from './types';

const LINK_CLAIMS = 'kafka_hub_link_claims';

interface LinkClaimRow {
  environment: string;
  kind: LinkKind;
  name: string;
  entity_ref: string;
  owner_ref: string | null;
  annotation: KafkaHubAnnotation;
  claimed_at: StoredTimestamp;
  holder_missing_since: StoredTimestamp | null;
}

/** Identifies one linkable name. */
export interface LinkKey {
  environment: string;
  kind: LinkKind;
  name: string;
}

/**
 * Explicit link claims of names outside every namespace: the first entity
 * whose annotation links a name keeps it. Claiming is one
 * `INSERT ... ON CONFLICT DO NOTHING` and a read of the holder, so every
 * replica sees the same holder.
 */
export class LinkClaimStore {
  constructor(private readonly db: Knex) {}

  /** Every link claim, ordered by environment, kind and name. */
  async list(): Promise<LinkClaim[]> {
    const rows: LinkClaimRow[] = await this.db(LINK_CLAIMS).orderBy([
      'environment',
      'kind',
      'name',
    ]);
    return rows.map(toLinkClaim);
  }

  /** Claims the name for the entity unless another entity holds it; returns the holder. */
  async claim(
    options: LinkKey & {
      entityRef: string;
      ownerRef?: string;
      annotation: KafkaHubAnnotation;
      now: Date;
    },
  ): Promise<LinkClaim> {
    const { environment, kind, name } = options;
    await this.db(LINK_CLAIMS)
      .insert({
        environment,
        kind,
        name,
        entity_ref: options.entityRef,
        owner_ref: options.ownerRef ?? null,
        annotation: options.annotation,
        claimed_at: options.now,
        holder_missing_since: null,
      })
      .onConflict(['environment', 'kind', 'name'])
      .ignore();
    const row: LinkClaimRow = await this.db(LINK_CLAIMS)
      .where({ environment, kind, name })
      .first();
    return toLinkClaim(row);
  }

  /** The holder is in the catalog and still links the name. */
  async holderPresent(
    key: LinkKey & {
      entityRef: string;
      ownerRef?: string;
      annotation: KafkaHubAnnotation;
    },
  ): Promise<void> {
    const { environment, kind, name, entityRef } = key;
    await this.db(LINK_CLAIMS)
      .where({ environment, kind, name, entity_ref: entityRef })
      .update({
        owner_ref: key.ownerRef ?? null,
        annotation: key.annotation,
        holder_missing_since: null,
      });
  }

  /** Starts the grace period of a claim whose holder left the catalog. */
  async holderMissing(
    key: LinkKey & { entityRef: string; since: Date },
  ): Promise<void> {
    const { environment, kind, name, entityRef, since } = key;
    await this.db(LINK_CLAIMS)
      .where({ environment, kind, name, entity_ref: entityRef })
      .whereNull('holder_missing_since')
      .update({ holder_missing_since: since });
  }

  /** Releases the claim if `entityRef` still holds it. */
  async release(key: LinkKey & { entityRef: string }): Promise<boolean> {
    const { environment, kind, name, entityRef } = key;
    const deleted = await this.db(LINK_CLAIMS)
      .where({ environment, kind, name, entity_ref: entityRef })
      .delete();
    return deleted === 1;
  }
}

function toLinkClaim(row: LinkClaimRow): LinkClaim {
  return {
    environment: row.environment,
    kind: row.kind,
    name: row.name,
    entityRef: row.entity_ref,
    ownerRef: row.owner_ref ?? undefined,
    annotation: row.annotation,
    claimedAt: readTimestamp(row.claimed_at),
    holderMissingSince: readOptionalTimestamp(row.holder_missing_since),
  };
}
