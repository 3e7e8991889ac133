import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import {
  CONSUMER_GROUP_LIFECYCLES,
  CONSUMER_GROUP_STATES,
  CONSUMER_GROUP_STATUSES,
  ConsumerGroup,
  ConsumerGroupDetail,
  ConsumerGroupList,
  ConsumerGroupsSummary,
  LagHistory,
  LagHistoryBy,
  LagHistoryRange,
  PartitionLag,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import {
  lagHistoryPlan,
  lagSeriesPlan,
} from '../consumerGroups/lagHistoryPlan';
import { lagSeriesSet } from '../consumerGroups/lagSeries';
import {
  ConsumerGroupStore,
  ListConsumerGroupsQuery,
  LagHistoryStore,
  RetentionWindows,
  StoredConsumerGroupWithLag,
  TaskRunStore,
} from '../database/consumerGroups';
import { EntityAccess } from '../permissions/EntityAccess';
import { ReadableEntities } from '../permissions/ReadableEntities';
import { requestedEntities } from '../router/requestedEntities';

export interface ConsumerGroupsApiOptions {
  access: EntityAccess;
  readable: ReadableEntities;
  /** Entity refs of one owner's applications, for `owner=`. */
  ownedEntityRefs: (ownerRef: string) => Promise<string[]>;
  groups: ConsumerGroupStore;
  history: LagHistoryStore;
  taskRuns: TaskRunStore;
  /** Decides which stored resolution answers a history range. */
  retention: Pick<
    RetentionWindows,
    'rawMs' | 'hourlyMs' | 'partitionHistoryMs'
  >;
  now?: () => number;
}

/** The filters, order and page of a list of groups. */
export type ConsumerGroupListQuery = Omit<
  ListConsumerGroupsQuery,
  'entityRefs' | 'includeUnlinked' | 'sort' | 'limit' | 'offset'
> &
  Partial<Pick<ListConsumerGroupsQuery, 'sort' | 'limit' | 'offset'>> & {
    entityRef?: string[];
    owner?: string;
  };

/** A group by its environment and id. */
export interface ConsumerGroupKey {
  environment: string;
  groupId: string;
}

function toConsumerGroup(group: StoredConsumerGroupWithLag): ConsumerGroup {
  const { lag } = group;
  return {
    environment: group.environment,
    groupId: group.groupId,
    entityRef: group.entityRef,
    linkedBy: group.linkedBy,
    type: group.type,
    protocolType: group.protocolType,
    state: group.state,
    lifecycle: group.lifecycle,
    memberCount: group.members.length,
    topics: group.subscribedTopics,
    firstSeenAt: group.firstSeenAt.toISOString(),
    lastSeenAt: group.lastSeenAt.toISOString(),
    lag: lag && {
      sampledAt: new Date(lag.sampledAtMs).toISOString(),
      totalLag: lag.totalLag,
      maxPartitionLag: lag.maxPartitionLag,
      timeLagSeconds: lag.timeLagSeconds,
      partitionsWithoutCommit: lag.partitionsWithoutCommit,
      status: lag.status,
      statusReason: lag.statusReason,
    },
    trend: lag?.trend ?? [],
  };
}

function zeroCounts<T extends string>(keys: readonly T[]): Record<T, number> {
  return Object.fromEntries(keys.map(k => [k, 0])) as Record<T, number>;
}

type VisibleGroup = {
  group: NonNullable<Awaited<ReturnType<ConsumerGroupStore['get']>>>;
  admin: boolean;
};

/**
 * The consumer groups for one caller: what the `/consumer-groups` routes
 * and the actions answer. Callers see the groups linked to entities they
 * may read (`kafka-hub.entity.read`, one conditional decision per list);
 * unlinked groups only with `kafka-hub.admin.read`. A group the caller may
 * not see answers 404 like one that does not exist.
 */
export class ConsumerGroupsApi {
  private readonly now: () => number;

  constructor(private readonly options: ConsumerGroupsApiOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * The groups a list may cover: those of the asked entities (`entityRef`)
   * and of the owner's applications (`owner`), narrowed to what the caller
   * may read; unlinked groups only for admins who narrowed nothing.
   */
  private async groupScope(
    credentials: BackstageCredentials,
    query: { entityRef?: string[]; owner?: string },
  ): Promise<{ entityRefs?: readonly string[]; includeUnlinked: boolean }> {
    const { readable, ownedEntityRefs } = this.options;
    const { admin, narrowed, entityRefs } = await requestedEntities(
      query,
      credentials,
      { readable, ownedEntityRefs },
    );
    return { entityRefs, includeUnlinked: admin && !narrowed };
  }

  /** The group, if the caller may see it; else 404 like a missing one. */
  private async visibleGroup(
    credentials: BackstageCredentials,
    { environment, groupId }: ConsumerGroupKey,
  ): Promise<VisibleGroup> {
    const group = await this.options.groups.get(environment, groupId);
    const notFound = () =>
      new NotFoundError(
        `No consumer group ${groupId} in environment ${environment}`,
      );
    // Asked for a missing group too, so both answer alike.
    const { admin } = await this.options.access.requireRead(
      credentials,
      group?.entityRef,
      notFound,
    );
    if (!group) throw notFound();
    return { group, admin };
  }

  async list(
    credentials: BackstageCredentials,
    query: ConsumerGroupListQuery,
  ): Promise<ConsumerGroupList> {
    const {
      entityRef,
      owner,
      sort = 'lag',
      limit = 50,
      offset = 0,
      ...filters
    } = query;
    const { items, total } = await this.options.groups.list({
      ...filters,
      sort,
      limit,
      offset,
      ...(await this.groupScope(credentials, { entityRef, owner })),
    });
    return { items: items.map(toConsumerGroup), total, limit, offset };
  }

  async summary(
    credentials: BackstageCredentials,
    query: { environment?: string; entityRef?: string[]; owner?: string },
  ): Promise<ConsumerGroupsSummary> {
    const rows = await this.options.groups.counts({
      environment: query.environment,
      ...(await this.groupScope(credentials, query)),
    });
    const body: ConsumerGroupsSummary = {
      total: 0,
      byState: zeroCounts(CONSUMER_GROUP_STATES),
      byStatus: zeroCounts(CONSUMER_GROUP_STATUSES),
      byLifecycle: zeroCounts(CONSUMER_GROUP_LIFECYCLES),
      totalLag: 0,
      groupsWithLag: 0,
    };
    for (const row of rows) {
      body.total += row.groups;
      body.byState[row.state] += row.groups;
      body.byLifecycle[row.lifecycle] += row.groups;
      if (row.status) body.byStatus[row.status] += row.groups;
      body.totalLag += row.totalLag;
      body.groupsWithLag += row.groupsWithLag;
    }
    return body;
  }

  async get(
    credentials: BackstageCredentials,
    key: ConsumerGroupKey,
  ): Promise<ConsumerGroupDetail> {
    const { group, admin } = await this.visibleGroup(credentials, key);
    return this.detail(group, admin);
  }

  /**
   * The group's lag history over `range`; with `by` `topic` or
   * `partition`, also its series per topic or for the top partitions.
   */
  async lag(
    credentials: BackstageCredentials,
    key: ConsumerGroupKey,
    range: LagHistoryRange = '24h',
    by: LagHistoryBy = 'total',
  ): Promise<LagHistory> {
    const { group } = await this.visibleGroup(credentials, key);
    return this.history(group, range, by);
  }

  /** {@link get} and {@link lag} (total) of one group, read and authorized once. */
  async detailWithLag(
    credentials: BackstageCredentials,
    key: ConsumerGroupKey,
    range: LagHistoryRange = '24h',
  ): Promise<{ detail: ConsumerGroupDetail; history: LagHistory }> {
    const { group, admin } = await this.visibleGroup(credentials, key);
    const [detail, history] = await Promise.all([
      this.detail(group, admin),
      this.history(group, range, 'total'),
    ]);
    return { detail, history };
  }

  private async detail(
    group: VisibleGroup['group'],
    admin: boolean,
  ): Promise<ConsumerGroupDetail> {
    const { groups, taskRuns } = this.options;
    const [offsets, lagRun] = await Promise.all([
      groups.latestOffsets(group.environment, group.groupId),
      taskRuns.get(group.environment, 'lag'),
    ]);
    const owners = new Map<string, { memberId: string; clientId: string }>();
    for (const member of group.members) {
      for (const { topic, partitions } of member.assignments) {
        for (const partition of partitions) {
          owners.set(`${topic}\u0000${partition}`, member);
        }
      }
    }
    const partitions: PartitionLag[] = offsets.map(p => {
      const owner = owners.get(`${p.topic}\u0000${p.partition}`);
      return {
        ...p,
        memberId: owner?.memberId,
        clientId: owner?.clientId,
      };
    });
    const samplingError = lagRun?.lastError;
    return {
      ...toConsumerGroup(group),
      assignmentStrategy: group.assignmentStrategy,
      groupEpoch: group.groupEpoch,
      assignmentEpoch: group.assignmentEpoch,
      coordinator: group.coordinator,
      describedWith: group.describedWith,
      // The group's own error: it names no other group.
      describeError: group.describeError,
      members: group.members,
      partitions,
      samplingError:
        admin || samplingError === undefined
          ? samplingError
          : samplingFailedFor(group.environment),
    };
  }

  private async history(
    group: VisibleGroup['group'],
    range: LagHistoryRange,
    by: LagHistoryBy,
  ): Promise<LagHistory> {
    const { history, retention } = this.options;
    const nowMs = this.now();
    const plan = lagHistoryPlan(range, nowMs, retention);
    const seriesPlan =
      by === 'total' ? undefined : lagSeriesPlan(range, nowMs, retention);
    const [buckets, seriesBuckets] = await Promise.all([
      history.history({
        environment: group.environment,
        groupId: group.groupId,
        ...plan,
      }),
      seriesPlan &&
        history.series.read({
          environment: group.environment,
          groupId: group.groupId,
          ...seriesPlan,
        }),
    ]);
    return {
      environment: group.environment,
      groupId: group.groupId,
      range,
      resolution: plan.resolution,
      bucketSeconds: plan.bucketMs / 1000,
      from: new Date(plan.fromMs).toISOString(),
      to: new Date(plan.toMs).toISOString(),
      points: buckets.map(b => ({
        time: new Date(b.bucketStartMs).toISOString(),
        totalLag: Math.round(b.sumTotalLag / Math.max(1, b.samples)),
        maxTotalLag: b.maxTotalLag,
        timeLagSeconds:
          b.timeLagSamples > 0
            ? b.sumTimeLagSeconds / b.timeLagSamples
            : undefined,
        maxTimeLagSeconds: b.maxTimeLagSeconds,
        samples: b.samples,
        state: b.state,
        minMemberCount: b.minMemberCount,
        maxMemberCount: b.maxMemberCount,
      })),
      by,
      series:
        by === 'total' || !seriesPlan || !seriesBuckets
          ? undefined
          : lagSeriesSet(by, seriesBuckets, seriesPlan),
    };
  }
}

/**
 * What a non-admin sees of an environment-wide sampling error: it may name
 * any team's groups, so only that the last sample failed.
 */
function samplingFailedFor(environment: string): string {
  return `The last lag sample of environment ${environment} reported an error; Kafka Hub admins see the detail`;
}
