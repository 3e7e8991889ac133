import { Knex } from 'knex';
import { AnnotationError } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { chunks } from '../chunks';
import { tablePage } from '../tablePage';
import { readTimestamp, StoredTimestamp } from '../timestamps';
import { StoredLinkErrors } from './types';

const LINK_ERRORS = 'kafka_hub_link_errors';

interface LinkErrorRow {
  entity_ref: string;
  errors: string;
  updated_at: StoredTimestamp;
}

/**
 * Link annotations that link nothing, per entity. Kept apart from the
 * provisioning annotation errors: they never block provisioning.
 */
export class LinkErrorStore {
  constructor(private readonly db: Knex) {}

  async get(entityRef: string): Promise<StoredLinkErrors | undefined> {
    const row: LinkErrorRow | undefined = await this.db(LINK_ERRORS)
      .where({ entity_ref: entityRef })
      .first();
    return row ? toLinkErrors(row) : undefined;
  }

  /** One page of the entities with link errors, by entity ref. */
  async page(options: {
    limit: number;
    offset: number;
  }): Promise<{ items: StoredLinkErrors[]; total: number }> {
    const { rows, total } = await tablePage<LinkErrorRow>(
      this.db,
      LINK_ERRORS,
      'entity_ref',
      options,
    );
    return { items: rows.map(toLinkErrors), total };
  }

  /**
   * Makes the stored errors exactly `errors` (entities without any are
   * removed); rows whose errors did not change are left alone.
   */
  async replaceAll(
    errors: ReadonlyMap<string, AnnotationError[]>,
    now: Date,
  ): Promise<void> {
    const stored: Array<Pick<LinkErrorRow, 'entity_ref' | 'errors'>> =
      await this.db(LINK_ERRORS).select(['entity_ref', 'errors']);
    const current = new Map(stored.map(r => [r.entity_ref, r.errors]));
    const gone = stored
      .map(r => r.entity_ref)
      .filter(ref => !errors.get(ref)?.length);
    const changed = [...errors]
      .filter(([, list]) => list.length > 0)
      .map(([entityRef, list]) => ({
        entity_ref: entityRef,
        errors: JSON.stringify(list),
        updated_at: now,
      }))
      .filter(row => current.get(row.entity_ref) !== row.errors);
    await this.db.transaction(async tx => {
      for (const chunk of chunks(gone)) {
        await tx(LINK_ERRORS).whereIn('entity_ref', chunk).delete();
      }
      for (const chunk of chunks(changed)) {
        await tx(LINK_ERRORS)
          .insert(chunk)
          .onConflict('entity_ref')
          .merge(['errors', 'updated_at']);
      }
    });
  }
}

function toLinkErrors(row: LinkErrorRow): StoredLinkErrors {
  return {
    entityRef: row.entity_ref,
    errors: JSON.parse(row.errors) as AnnotationError[],
    updatedAt: readTimestamp(row.updated_at),
  };
}
