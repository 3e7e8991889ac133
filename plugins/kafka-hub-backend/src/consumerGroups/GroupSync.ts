import { LoggerService } from '@backstage/backend-plugin-api';
import { Admin } from 'kafkajs';
import { ClaimSet } from '../claims';
import { EnvironmentConfig } from '../config/types';
import {
  ConsumerGroupStore,
  DiscoveredGroup,
  GroupLink,
  RecordSyncResult,
  TaskRunStore,
} from '../database/consumerGroups';
import { createKafkaClient, describeKafkaError } from '../kafka';
import { offsetsPartitionFor, toDiscoveredGroup } from './describeGroup';
import { consumerGroupLinker } from './linkConsumerGroups';

export interface GroupSyncOptions {
  environment: EnvironmentConfig;
  logger: LoggerService;
  groups: ConsumerGroupStore;
  taskRuns: TaskRunStore;
  /** The recorded namespace and link claims, for linking (read from the database). */
  claims: () => Promise<ClaimSet>;
  describeBatchSize: number;
  inactiveAfterMs: number;
  archiveAfterMs: number;
  now?: () => Date;
}

export type GroupSyncResult =
  | ({ ok: true; linksKept: boolean } & RecordSyncResult)
  | { ok: false; error: string };

/**
 * The group sync of one environment: lists the cluster's groups, describes
 * them in batches (one DescribeGroups per batch and coordinator), links
 * them to catalog entities and records them with their lifecycle. A run
 * that fails records its error and changes no group.
 */
export class GroupSync {
  constructor(private readonly options: GroupSyncOptions) {}

  async sync(): Promise<GroupSyncResult> {
    const { environment, logger, taskRuns } = this.options;
    const now = this.options.now ?? (() => new Date());
    const startedAt = now();
    const admin = createKafkaClient(environment.kafka, logger).admin();
    try {
      await admin.connect();
      const discovered = await this.describeAll(admin);

      let linkOf: ((groupId: string) => GroupLink | undefined) | undefined;
      try {
        linkOf = consumerGroupLinker(
          await this.options.claims(),
          environment.name,
        );
      } catch (error) {
        // Without the claims, groups keep the links they had.
        logger.warn(
          `Consumer groups of ${
            environment.name
          } keep their entity links: the claims could not be read: ${describeKafkaError(
            error,
          )}`,
        );
      }

      const result = await this.options.groups.recordSync({
        environment: environment.name,
        groups: discovered,
        linkOf,
        now: startedAt,
        inactiveAfterMs: this.options.inactiveAfterMs,
        archiveAfterMs: this.options.archiveAfterMs,
      });
      await taskRuns.record({
        environment: environment.name,
        task: 'sync',
        startedAt,
        finishedAt: now(),
      });
      return { ok: true, linksKept: linkOf === undefined, ...result };
    } catch (error) {
      const message = describeKafkaError(error);
      await taskRuns.record({
        environment: environment.name,
        task: 'sync',
        startedAt,
        finishedAt: now(),
        error: message,
      });
      return { ok: false, error: message };
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }

  private async describeAll(admin: Admin): Promise<DiscoveredGroup[]> {
    const { groups } = await admin.listGroups();
    const ids = [...new Set(groups.map(g => g.groupId))].sort();
    const coordinatorOf = await coordinators(admin);
    const result: DiscoveredGroup[] = [];
    const size = this.options.describeBatchSize;
    for (let i = 0; i < ids.length; i += size) {
      const batch = ids.slice(i, i + size);
      const described = await admin.describeGroups(batch);
      for (const description of described.groups) {
        result.push(
          toDiscoveredGroup(description, coordinatorOf(description.groupId)),
        );
      }
    }
    return result;
  }
}

/**
 * Who coordinates each group, from one metadata request: the leader of the
 * group's `__consumer_offsets` partition. Unknown when that topic cannot be
 * read (a cluster that never had a group).
 */
async function coordinators(
  admin: Admin,
): Promise<(groupId: string) => string | undefined> {
  try {
    const [{ brokers }, metadata] = await Promise.all([
      admin.describeCluster(),
      admin.fetchTopicMetadata({ topics: ['__consumer_offsets'] }),
    ]);
    const partitions = metadata.topics[0]?.partitions ?? [];
    if (partitions.length === 0) return () => undefined;
    const leaders = new Map(partitions.map(p => [p.partitionId, p.leader]));
    const hosts = new Map(brokers.map(b => [b.nodeId, `${b.host}:${b.port}`]));
    return groupId => {
      const leader = leaders.get(
        offsetsPartitionFor(groupId, partitions.length),
      );
      if (leader === undefined || leader < 0) return undefined;
      const host = hosts.get(leader);
      return host ? `${leader} (${host})` : String(leader);
    };
  } catch {
    return () => undefined;
  }
}
