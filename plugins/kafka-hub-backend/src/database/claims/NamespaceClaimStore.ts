import { Knex } from 'knex';
import {
  readOptionalTimestamp,
  readTimestamp,
  StoredTimestamp,
} from '../timestamps';
import { chunks } from '../chunks';
import { PrefixIndex } from './PrefixIndex';
import { tablePage } from '../tablePage';
import {
  NamespaceClaim,
  NamespaceClaimOutcome,
  NamespaceClaimRequest,
} from './types';

const CLAIMS = 'kafka_hub_namespace_claims';
const APPLICATIONS = 'kafka_hub_applications';

interface ClaimRow {
  application: string;
  prefix: string;
  entity_ref: string;
  owner_ref: string | null;
  claimed_at: StoredTimestamp;
  holder_missing_since: StoredTimestamp | null;
}

/**
 * Namespace claims: which entity owns each application slug. A claim is
 * one `INSERT ... ON CONFLICT DO NOTHING` followed by a read of the holder,
 * so concurrent claimers (replicas, restarts) all see the same holder.
 * Claims that would make two prefixes overlap are refused; on PostgreSQL
 * the check and the insert run under a table lock, so two new overlapping
 * claims cannot both pass it.
 */
export class NamespaceClaimStore {
  constructor(private readonly db: Knex) {}

  /** Every claim, ordered by slug. */
  async list(): Promise<NamespaceClaim[]> {
    const rows: ClaimRow[] = await this.db(CLAIMS).orderBy('application');
    return rows.map(toClaim);
  }

  /** One page of the claims, ordered by slug, and how many there are. */
  async page(options: {
    limit: number;
    offset: number;
  }): Promise<{ items: NamespaceClaim[]; total: number }> {
    const { rows, total } = await tablePage<ClaimRow>(
      this.db,
      CLAIMS,
      'application',
      options,
    );
    return { items: rows.map(toClaim), total };
  }

  async get(application: string): Promise<NamespaceClaim | undefined> {
    const row: ClaimRow | undefined = await this.db(CLAIMS)
      .where({ application })
      .first();
    return row ? toClaim(row) : undefined;
  }

  /**
   * Claims `application` for `entityRef` unless it is claimed already or
   * its prefix overlaps another slug's (one a prefix of the other).
   */
  async claim(request: NamespaceClaimRequest): Promise<NamespaceClaimOutcome> {
    const [outcome] = await this.claimAll([request]);
    return outcome;
  }

  /**
   * Claims each request in turn, as `claim` would, in one transaction: the
   * claims are read once and the overlaps checked in memory, so a reconcile
   * that meets 10,000 new slugs costs a few statements, not 10,000 scans.
   * Earlier requests win over later ones for the same or overlapping slugs.
   */
  async claimAll(
    requests: readonly NamespaceClaimRequest[],
  ): Promise<NamespaceClaimOutcome[]> {
    if (requests.length === 0) return [];
    return this.db.transaction(async tx => {
      if (tx.client.config.client === 'pg') {
        // Conflicts with itself and with writers, not with readers.
        await tx.raw(`LOCK TABLE ${CLAIMS} IN SHARE ROW EXCLUSIVE MODE`);
      }
      const rows: ClaimRow[] = await tx(CLAIMS).orderBy([
        { column: 'claimed_at' },
        { column: 'application' },
      ]);
      const held = new Map(rows.map(row => [row.application, toClaim(row)]));
      const prefixes = new PrefixIndex([...held.values()]);
      const outcomes: NamespaceClaimOutcome[] = [];
      const fresh: ClaimRow[] = [];
      for (const request of requests) {
        const { application, prefix, entityRef, now } = request;
        const holder = held.get(application);
        if (holder) {
          outcomes.push({
            result: holder.entityRef === entityRef ? 'held' : 'taken',
            holder,
          });
          continue;
        }
        const overlapping = prefixes.overlapping(prefix);
        if (overlapping) {
          outcomes.push({ result: 'overlap', holder: overlapping });
          continue;
        }
        const row: ClaimRow = {
          application,
          prefix,
          entity_ref: entityRef,
          owner_ref: request.ownerRef ?? null,
          claimed_at: now,
          holder_missing_since: null,
        };
        const claim = toClaim(row);
        held.set(application, claim);
        prefixes.add(claim);
        fresh.push(row);
        outcomes.push({ result: 'claimed', holder: claim });
      }
      // Under the lock (PostgreSQL) or the one writer (SQLite), nobody
      // claimed meanwhile; the conflict clause keeps it so on any database.
      for (const chunk of chunks(fresh)) {
        await tx(CLAIMS).insert(chunk).onConflict('application').ignore();
      }
      return outcomes;
    });
  }

  /**
   * The holder is in the catalog and declares the slug: clears its missing
   * mark and brings prefix and owner up to date. Only while it still holds
   * the claim.
   */
  async holderPresent(options: {
    application: string;
    entityRef: string;
    prefix: string;
    ownerRef?: string;
  }): Promise<void> {
    const { application, entityRef, prefix } = options;
    await this.db(CLAIMS)
      .where({ application, entity_ref: entityRef })
      .update({
        prefix,
        owner_ref: options.ownerRef ?? null,
        holder_missing_since: null,
      });
  }

  /** Starts the grace period of a claim whose holder went missing. */
  async holderMissing(options: {
    application: string;
    entityRef: string;
    since: Date;
  }): Promise<void> {
    const { application, entityRef, since } = options;
    await this.db(CLAIMS)
      .where({ application, entity_ref: entityRef })
      .whereNull('holder_missing_since')
      .update({ holder_missing_since: since });
  }

  /**
   * Releases a claim whose holder has been missing since `missingSince`;
   * false when the claim changed meanwhile (its holder came back, or it
   * was released and claimed again).
   */
  async releaseMissing(options: {
    application: string;
    entityRef: string;
    missingSince: Date;
  }): Promise<boolean> {
    const { application, entityRef, missingSince } = options;
    const deleted = await this.db(CLAIMS)
      .where({
        application,
        entity_ref: entityRef,
        holder_missing_since: missingSince,
      })
      .delete();
    return deleted === 1;
  }

  /** An admin's release: deletes the claim and returns it, if there was one. */
  async release(application: string): Promise<NamespaceClaim | undefined> {
    return this.db.transaction(async tx => {
      const row: ClaimRow | undefined = await tx(CLAIMS)
        .where({ application })
        .first();
      if (!row) return undefined;
      const deleted = await tx(CLAIMS)
        .where({ application, entity_ref: row.entity_ref })
        .delete();
      return deleted === 1 ? toClaim(row) : undefined;
    });
  }

  /**
   * When each entity's application was first recorded: the order in which
   * entities that want the same unclaimed slug declared it. Entities never
   * recorded are absent.
   */
  async recordedSince(entityRefs: string[]): Promise<Map<string, Date>> {
    const result = new Map<string, Date>();
    for (const chunk of chunks([...new Set(entityRefs)])) {
      const rows: Array<{ entity_ref: string; created_at: StoredTimestamp }> =
        await this.db(APPLICATIONS)
          .whereIn('entity_ref', chunk)
          .select(['entity_ref', 'created_at']);
      for (const row of rows) {
        result.set(row.entity_ref, readTimestamp(row.created_at));
      }
    }
    return result;
  }
}

function toClaim(row: ClaimRow): NamespaceClaim {
  return {
    application: row.application,
    prefix: row.prefix,
    entityRef: row.entity_ref,
    ownerRef: row.owner_ref ?? undefined,
    claimedAt: readTimestamp(row.claimed_at),
    holderMissingSince: readOptionalTimestamp(row.holder_missing_since),
  };
}
