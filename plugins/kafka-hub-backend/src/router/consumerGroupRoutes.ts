import { HttpAuthService } from '@backstage/backend-plugin-api';
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
  PartitionLag,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import {
  lagHistoryPlan,
  lagSeriesPlan,
} from '../consumerGroups/lagHistoryPlan';
import { lagSeriesSet } from '../consumerGroups/lagSeries';
import {
  ConsumerGroupStore,
  LagHistoryStore,
  RetentionWindows,
  StoredConsumerGroupWithLag,
  TaskRunStore,
} from '../database/consumerGroups';
import { EntityAccess } from '../permissions/EntityAccess';
import { ReadableEntities } from '../permissions/ReadableEntities';
import { AnyRequest, KafkaHubRouter } from './kafkaHubRouter';
import { requestedEntities } from './requestedEntities';

export interface ConsumerGroupRoutesOptions {
  httpAuth: HttpAuthService;
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

/**
 * `/consumer-groups` routes. Every route needs a signed-in user or a
 * service. Callers see the groups linked to entities they may read
 * (`kafka-hub.entity.read`, one conditional decision per list); unlinked
 * groups only with `kafka-hub.admin.read`. A group the caller may not see
 * answers 404 like one that does not exist. Parameters are checked by the
 * contract (`src/schema/openapi.yaml`).
 */
export function consumerGroupRoutes(
  router: KafkaHubRouter,
  options: ConsumerGroupRoutesOptions,
): void {
  const {
    httpAuth,
    access,
    readable,
    ownedEntityRefs,
    groups,
    history,
    taskRuns,
    retention,
  } = options;
  const now = options.now ?? Date.now;

  const credentialsOf = (req: AnyRequest) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  /**
   * The groups a list may cover: those of the asked entities (`entityRef`)
   * and of the owner's applications (`owner`), narrowed to what the caller
   * may read; unlinked groups only for admins who narrowed nothing.
   */
  async function groupScope(
    req: AnyRequest,
    query: { entityRef?: string[]; owner?: string },
  ): Promise<{ entityRefs?: readonly string[]; includeUnlinked: boolean }> {
    const { admin, narrowed, entityRefs } = await requestedEntities(
      query,
      await credentialsOf(req),
      { readable, ownedEntityRefs },
    );
    return { entityRefs, includeUnlinked: admin && !narrowed };
  }

  /** The group in the path, if the caller may see it; else 404 like a missing one. */
  async function visibleGroup(
    req: AnyRequest,
    { environment, groupId }: { environment: string; groupId: string },
  ) {
    const credentials = await credentialsOf(req);
    const group = await groups.get(environment, groupId);
    const notFound = () =>
      new NotFoundError(
        `No consumer group ${groupId} in environment ${environment}`,
      );
    // Asked for a missing group too, so both answer alike.
    const { admin } = await access.requireRead(
      credentials,
      group?.entityRef,
      notFound,
    );
    if (!group) throw notFound();
    return { group, admin };
  }

  router.get('/consumer-groups', async (req, res) => {
    const {
      entityRef,
      owner,
      sort = 'lag',
      limit = 50,
      offset = 0,
      ...filters
    } = req.query;
    const { items, total } = await groups.list({
      ...filters,
      sort,
      limit,
      offset,
      ...(await groupScope(req, { entityRef, owner })),
    });
    const body: ConsumerGroupList = {
      items: items.map(toConsumerGroup),
      total,
      limit,
      offset,
    };
    res.json(body);
  });

  router.get('/consumer-groups/summary', async (req, res) => {
    const rows = await groups.counts({
      environment: req.query.environment,
      ...(await groupScope(req, req.query)),
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
    res.json(body);
  });

  router.get('/consumer-groups/:environment/:groupId', async (req, res) => {
    const { group, admin } = await visibleGroup(req, req.params);
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
    const body: ConsumerGroupDetail = {
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
    res.json(body);
  });

  router.get('/consumer-groups/:environment/:groupId/lag', async (req, res) => {
    const range = req.query.range ?? '24h';
    const by = req.query.by ?? 'total';
    const { group } = await visibleGroup(req, req.params);
    const nowMs = now();
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
    const body: LagHistory = {
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
    res.json(body);
  });
}

/**
 * What a non-admin sees of an environment-wide sampling error: it may name
 * any team's groups, so only that the last sample failed.
 */
function samplingFailedFor(environment: string): string {
  return `The last lag sample of environment ${environment} reported an error; Kafka Hub admins see the detail`;
}
