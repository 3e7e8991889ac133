import { KafkaTopicPartition } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { Knex } from 'knex';
import { chunks } from '../chunks';
import { whereEntityRefIn } from '../entityRefFilter';
import { toNumber, toOptionalNumber } from '../numbers';
import { readTimestamp, StoredTimestamp } from '../timestamps';
import {
  ListTopicsQuery,
  SampledTopic,
  SampledTopicDrift,
  StoredTopic,
  TopicSampleRun,
} from './types';

const TOPICS = 'kafka_hub_topics';
const SAMPLES = 'kafka_hub_topic_samples';

/** Topic rows have 20 columns: 200 rows stay under every bound-variable limit. */
const TOPIC_ROWS_PER_INSERT = 200;

/** `[partition, leader, replicas, in-sync replicas]`, leader -1 for none. */
type EncodedPartition = [number, number, number[], number[]];

/** What a run records besides its environment. */
type RunFields = Pick<
  TopicSampleRun,
  | 'lastRunAt'
  | 'durationMs'
  | 'outcome'
  | 'error'
  | 'kafkaRequests'
  | 'requestCounts'
>;

interface TopicRow {
  environment: string;
  topic: string;
  entity_ref: string;
  partitions: number | string;
  replication_factor: number | string;
  under_replicated_partitions: number | string;
  offline_partitions: number | string;
  min_in_sync_replicas: number | string;
  partition_detail: string;
  size_bytes: number | string | null;
  disk_bytes: number | string | null;
  message_estimate: number | string | null;
  retention_ms: number | string | null;
  retention_bytes: number | string | null;
  cleanup_policy: string | null;
  config_overrides: string | null;
  consumer_groups: string;
  sampled_at_ms: number | string;
  drift: SampledTopicDrift | null;
  declared_partitions: number | string | null;
}

interface SampleRow {
  environment: string;
  last_run_at: StoredTimestamp;
  last_success_at: StoredTimestamp | null;
  sampled_at_ms: number | string | null;
  last_outcome: TopicSampleRun['outcome'];
  last_error: string | null;
  duration_ms: number | string;
  topics: number | string;
  kafka_requests: number | string;
  request_counts: string;
}

/**
 * The topics each environment's latest successful topic sample saw, and
 * the outcome of each environment's latest sample. A successful sample
 * replaces an environment's topics in one transaction; a failed one only
 * records its outcome, so the last good topics stay.
 */
export class TopicStore {
  constructor(private readonly db: Knex) {}

  /**
   * Replaces the stored topics of `environment` with `topics`, read at
   * `sampledAtMs`, and records the run, all in one transaction.
   */
  async replaceEnvironment(options: {
    environment: string;
    topics: SampledTopic[];
    sampledAtMs: number;
    run: RunFields;
  }): Promise<void> {
    const { environment, topics, sampledAtMs, run } = options;
    const rows = topics.map(t => toRow(environment, sampledAtMs, t));
    await this.db.transaction(async tx => {
      await tx(TOPICS).where({ environment }).delete();
      for (const chunk of chunks(rows, TOPIC_ROWS_PER_INSERT)) {
        await tx(TOPICS).insert(chunk);
      }
      await writeRun(tx, {
        ...run,
        environment,
        sampledAtMs,
        topics: topics.length,
      });
    });
  }

  /**
   * Records a run that stored nothing (it failed or stopped): the stored
   * topics, and when they were sampled, stay.
   */
  async recordFailedRun(
    run: RunFields & { environment: string },
  ): Promise<void> {
    await writeRun(this.db, run);
  }

  /** The stored topics of an entity's namespace, by environment then name. */
  async listByEntity(entityRef: string): Promise<StoredTopic[]> {
    const rows: TopicRow[] = await this.db(TOPICS)
      .where({ entity_ref: entityRef })
      .orderBy(['environment', 'topic']);
    return rows.map(toTopic);
  }

  /**
   * One page of the stored topics matching `query`, and how many match:
   * two statements (the count and the page, concurrently) whatever the
   * number of entities (`entityRefs` is one bound parameter). By name, the
   * page walks the name index and stops at its end; a window count would
   * have to read and sort every matching row first.
   */
  async list(
    query: ListTopicsQuery,
  ): Promise<{ items: StoredTopic[]; total: number }> {
    if (query.entityRefs?.length === 0) return { items: [], total: 0 };
    const page = this.filtered(query).select('t.*');
    // Unknown sizes and counts (null) sort after every known one.
    if (query.sort === 'size') {
      page.orderByRaw('COALESCE(t.size_bytes, -1) DESC');
    } else if (query.sort === 'messages') {
      page.orderByRaw('COALESCE(t.message_estimate, -1) DESC');
    }
    // Code-point order on both databases, whatever PostgreSQL's collation
    // (the order of the kafka_hub_topics_name_idx index).
    const pg = this.db.client.config.client === 'pg';
    page.orderByRaw(
      pg ? 't.topic COLLATE "C", t.environment' : 't.topic, t.environment',
    );
    const [rows, [{ n }]] = await Promise.all([
      page.limit(query.limit).offset(query.offset) as Promise<TopicRow[]>,
      this.filtered(query).count({ n: '*' }),
    ]);
    return { items: rows.map(toTopic), total: toNumber(n) };
  }

  private filtered(query: ListTopicsQuery) {
    const q = this.db(`${TOPICS} as t`);
    if (query.entityRefs !== undefined) {
      // One statement however many refs a caller may read.
      whereEntityRefIn(q, 't.entity_ref', query.entityRefs);
    }
    if (query.environment) q.where('t.environment', query.environment);
    if (query.drift === true) q.whereNotNull('t.drift');
    if (query.drift === false) q.whereNull('t.drift');
    if (query.underReplicated === true) {
      q.where(inner =>
        inner
          .where('t.under_replicated_partitions', '>', 0)
          .orWhere('t.offline_partitions', '>', 0),
      );
    }
    if (query.underReplicated === false) {
      q.where('t.under_replicated_partitions', 0).andWhere(
        't.offline_partitions',
        0,
      );
    }
    if (query.search) {
      const pattern = `%${query.search
        .toLowerCase()
        .replace(/[\\%_]/g, c => `\\${c}`)}%`;
      q.whereRaw(`LOWER(t.topic) LIKE ? ESCAPE '\\'`, [pattern]);
    }
    return q;
  }

  async getRun(environment: string): Promise<TopicSampleRun | undefined> {
    const row: SampleRow | undefined = await this.db(SAMPLES)
      .where({ environment })
      .first();
    return row ? toRun(row) : undefined;
  }

  /** The latest run of every environment that has had one. */
  async listRuns(): Promise<TopicSampleRun[]> {
    const rows: SampleRow[] = await this.db(SAMPLES).orderBy('environment');
    return rows.map(toRun);
  }
}

async function writeRun(
  db: Knex | Knex.Transaction,
  run: RunFields & {
    environment: string;
    /** Set for a run that stored topics. */
    sampledAtMs?: number;
    topics?: number;
  },
): Promise<void> {
  const succeeded = run.sampledAtMs !== undefined;
  const row = {
    environment: run.environment,
    last_run_at: run.lastRunAt,
    last_outcome: run.outcome,
    last_error: run.error ?? null,
    duration_ms: run.durationMs,
    kafka_requests: run.kafkaRequests,
    request_counts: JSON.stringify(run.requestCounts),
    // A failed run keeps what the stored topics are: their time and count.
    ...(succeeded
      ? {
          sampled_at_ms: run.sampledAtMs,
          last_success_at: new Date(run.lastRunAt.getTime() + run.durationMs),
          topics: run.topics,
        }
      : {}),
  };
  await db(SAMPLES)
    .insert({ sampled_at_ms: null, last_success_at: null, topics: 0, ...row })
    .onConflict('environment')
    .merge(Object.keys(row));
}

function toRow(
  environment: string,
  sampledAtMs: number,
  t: SampledTopic,
): TopicRow {
  const detail: EncodedPartition[] = t.partitionDetail.map(p => [
    p.partition,
    p.leader ?? -1,
    p.replicas,
    p.inSyncReplicas,
  ]);
  return {
    environment,
    topic: t.topic,
    entity_ref: t.entityRef,
    partitions: t.partitions,
    replication_factor: t.replicationFactor,
    under_replicated_partitions: t.underReplicatedPartitions,
    offline_partitions: t.offlinePartitions,
    min_in_sync_replicas: t.minInSyncReplicas,
    partition_detail: JSON.stringify(detail),
    size_bytes: t.sizeBytes ?? null,
    disk_bytes: t.diskBytes ?? null,
    message_estimate: t.messageEstimate ?? null,
    retention_ms: t.retentionMs ?? null,
    retention_bytes: t.retentionBytes ?? null,
    cleanup_policy: t.cleanupPolicy ?? null,
    config_overrides: t.configOverrides
      ? JSON.stringify(t.configOverrides)
      : null,
    consumer_groups: JSON.stringify(t.consumerGroups),
    sampled_at_ms: sampledAtMs,
    drift: t.drift ?? null,
    declared_partitions: t.declaredPartitions ?? null,
  };
}

function toTopic(row: TopicRow): StoredTopic {
  const detail = JSON.parse(row.partition_detail) as EncodedPartition[];
  return {
    environment: row.environment,
    topic: row.topic,
    entityRef: row.entity_ref,
    partitions: toNumber(row.partitions),
    replicationFactor: toNumber(row.replication_factor),
    underReplicatedPartitions: toNumber(row.under_replicated_partitions),
    offlinePartitions: toNumber(row.offline_partitions),
    minInSyncReplicas: toNumber(row.min_in_sync_replicas),
    partitionDetail: detail.map(
      ([partition, leader, replicas, inSyncReplicas]): KafkaTopicPartition => ({
        partition,
        leader: leader >= 0 ? leader : undefined,
        replicas,
        inSyncReplicas,
      }),
    ),
    sizeBytes: toOptionalNumber(row.size_bytes),
    diskBytes: toOptionalNumber(row.disk_bytes),
    messageEstimate: toOptionalNumber(row.message_estimate),
    retentionMs: toOptionalNumber(row.retention_ms),
    retentionBytes: toOptionalNumber(row.retention_bytes),
    cleanupPolicy: row.cleanup_policy ?? undefined,
    configOverrides: row.config_overrides
      ? (JSON.parse(row.config_overrides) as Record<string, string | null>)
      : undefined,
    consumerGroups: JSON.parse(row.consumer_groups) as string[],
    drift: row.drift ?? undefined,
    declaredPartitions: toOptionalNumber(row.declared_partitions),
    sampledAtMs: toNumber(row.sampled_at_ms),
  };
}

function toRun(row: SampleRow): TopicSampleRun {
  return {
    environment: row.environment,
    lastRunAt: readTimestamp(row.last_run_at),
    lastSuccessAt: row.last_success_at
      ? readTimestamp(row.last_success_at)
      : undefined,
    sampledAtMs: toOptionalNumber(row.sampled_at_ms),
    outcome: row.last_outcome,
    error: row.last_error ?? undefined,
    durationMs: toNumber(row.duration_ms),
    topics: toNumber(row.topics),
    kafkaRequests: toNumber(row.kafka_requests),
    requestCounts: JSON.parse(row.request_counts) as Record<string, number>,
  };
}
