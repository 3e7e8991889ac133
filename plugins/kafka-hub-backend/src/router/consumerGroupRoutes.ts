import { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  CONSUMER_GROUP_LIFECYCLES,
  CONSUMER_GROUP_STATES,
  CONSUMER_GROUP_STATUSES,
  ConsumerGroup,
  ConsumerGroupDetail,
  ConsumerGroupLifecycle,
  ConsumerGroupList,
  ConsumerGroupsSummary,
  ConsumerGroupState,
  LAG_HISTORY_RANGES,
  LagHistory,
  LagHistoryRange,
  PartitionLag,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { Request } from 'express';
import Router from 'express-promise-router';
import { lagHistoryPlan } from '../consumerGroups/lagHistoryPlan';
import {
  ConsumerGroupSort,
  ConsumerGroupStore,
  LagHistoryStore,
  RetentionWindows,
  StoredConsumerGroupWithLag,
  TaskRunStore,
} from '../database/consumerGroups';
import { EntityAccess } from '../permissions/EntityAccess';
import { ReadableEntities } from '../permissions/ReadableEntities';
import { LIST_PAGE_LIMITS, pageParams } from './pageParams';
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
  retention: Pick<RetentionWindows, 'rawMs' | 'hourlyMs'>;
  now?: () => number;
}

const SORTS: readonly ConsumerGroupSort[] = ['lag', 'timeLag', 'name'];

/** One query parameter as a single string, or undefined; 400 when repeated. */
function param(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') {
    throw new InputError(`Query parameter ${name} must be given once`);
  }
  return value;
}

function oneOf<T extends string>(
  req: Request,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const value = param(req, name);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InputError(
      `Query parameter ${name} must be one of ${allowed.join(
        ', ',
      )}; got "${value}"`,
    );
  }
  return value as T;
}

function bool(req: Request, name: string): boolean | undefined {
  const value = param(req, name);
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') {
    throw new InputError(
      `Query parameter ${name} must be true or false; got "${value}"`,
    );
  }
  return value === 'true';
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
 * answers 404 like one that does not exist.
 */
export function consumerGroupRoutes(options: ConsumerGroupRoutesOptions) {
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
  const router = Router();

  const credentialsOf = (req: Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  /**
   * The groups a list may cover: those of the asked entities (`entityRef`)
   * and of the owner's applications (`owner`), narrowed to what the caller
   * may read; unlinked groups only for admins who narrowed nothing.
   */
  async function groupScope(
    req: Request,
  ): Promise<{ entityRefs?: readonly string[]; includeUnlinked: boolean }> {
    const { admin, narrowed, entityRefs } = await requestedEntities(
      req,
      await credentialsOf(req),
      { readable, ownedEntityRefs },
    );
    return { entityRefs, includeUnlinked: admin && !narrowed };
  }

  /** The group in the path, if the caller may see it; else 404 like a missing one. */
  async function visibleGroup(req: Request) {
    const credentials = await credentialsOf(req);
    const { environment, groupId } = req.params;
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
    const filters = {
      environment: param(req, 'environment'),
      state: oneOf<ConsumerGroupState>(req, 'state', CONSUMER_GROUP_STATES),
      lifecycle: oneOf<ConsumerGroupLifecycle>(
        req,
        'lifecycle',
        CONSUMER_GROUP_LIFECYCLES,
      ),
      hasLag: bool(req, 'hasLag'),
      search: param(req, 'search'),
      sort: oneOf(req, 'sort', SORTS) ?? 'lag',
      ...pageParams(req, LIST_PAGE_LIMITS),
    };
    const { items, total } = await groups.list({
      ...filters,
      ...(await groupScope(req)),
    });
    const body: ConsumerGroupList = {
      items: items.map(toConsumerGroup),
      total,
      limit: filters.limit,
      offset: filters.offset,
    };
    res.json(body);
  });

  router.get('/consumer-groups/summary', async (req, res) => {
    const environment = param(req, 'environment');
    const rows = await groups.counts({
      environment,
      ...(await groupScope(req)),
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
    const { group, admin } = await visibleGroup(req);
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
    const range =
      oneOf<LagHistoryRange>(req, 'range', LAG_HISTORY_RANGES) ?? '24h';
    const { group } = await visibleGroup(req);
    const plan = lagHistoryPlan(range, now(), retention);
    const buckets = await history.history({
      environment: group.environment,
      groupId: group.groupId,
      ...plan,
    });
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
      })),
    };
    res.json(body);
  });

  return router;
}

/**
 * What a non-admin sees of an environment-wide sampling error: it may name
 * any team's groups, so only that the last sample failed.
 */
function samplingFailedFor(environment: string): string {
  return `The last lag sample of environment ${environment} reported an error; Kafka Hub admins see the detail`;
}
