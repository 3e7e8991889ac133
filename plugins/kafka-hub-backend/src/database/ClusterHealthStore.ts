import { Knex } from 'knex';
import { readTimestamp } from './timestamps';

export type HealthService = 'kafka' | 'schema-registry';

export interface HealthObservation {
  environment: string;
  service: HealthService;
  status: 'up' | 'down' | 'not-configured';
  error?: string;
  checkedAt: Date;
}

const TABLE = 'kafka_hub_cluster_health';

/** Remembers the last health check of each service and since when its status holds. */
export class ClusterHealthStore {
  constructor(private readonly db: Knex) {}

  /** Records a check and returns since when the service has had this status. */
  async record(observation: HealthObservation): Promise<Date> {
    const { environment, service, status, checkedAt } = observation;
    return this.db.transaction(async tx => {
      const previous = await tx(TABLE)
        .where({ environment, service })
        .first(['status', 'status_since']);
      const since =
        previous && previous.status === status
          ? readTimestamp(previous.status_since)
          : checkedAt;
      await tx(TABLE)
        .insert({
          environment,
          service,
          status,
          error: observation.error ?? null,
          checked_at: checkedAt,
          status_since: since,
        })
        .onConflict(['environment', 'service'])
        .merge(['status', 'error', 'checked_at', 'status_since']);
      return since;
    });
  }
}
