import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import {
  CONSUMER_GROUP_LIFECYCLES,
  CONSUMER_GROUP_STATES,
  CONSUMER_GROUP_STATUSES,
  ConsumerGroup,
  LAG_HISTORY_RANGES,
  LagHistory,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { ConsumerGroupsApi } from '../api/ConsumerGroupsApi';
import { environmentInput, listFilterInputs, Zod } from './inputs';

/** Partitions an answer lists, the most lagging first. */
const PARTITIONS_SHOWN = 50;

/** What an agent reads of a group in a list. */
function groupOutput(group: ConsumerGroup) {
  return {
    environment: group.environment,
    groupId: group.groupId,
    entityRef: group.entityRef,
    type: group.type,
    state: group.state,
    lifecycle: group.lifecycle,
    memberCount: group.memberCount,
    topics: group.topics,
    status: group.lag?.status,
    statusReason: group.lag?.statusReason,
    totalLag: group.lag?.totalLag,
    maxPartitionLag: group.lag?.maxPartitionLag,
    timeLagSeconds: group.lag?.timeLagSeconds,
    sampledAt: group.lag?.sampledAt,
  };
}

/**
 * The lag history in a few numbers: latest, lowest, highest and average of
 * the total lag over the range, the highest time lag, and which way it went
 * (comparing the averages of the range's first and last thirds).
 */
function summarizeLagHistory(history: LagHistory) {
  const lags = history.points.map(p => p.totalLag);
  const timeLags = history.points
    .map(p => p.maxTimeLagSeconds)
    .filter((t): t is number => t !== undefined);
  const average = (values: number[]) =>
    values.length === 0
      ? 0
      : values.reduce((sum, v) => sum + v, 0) / values.length;
  const third = Math.floor(lags.length / 3);
  let trend: 'rising' | 'falling' | 'flat' | 'unknown' = 'unknown';
  if (third > 0) {
    const first = average(lags.slice(0, third));
    const last = average(lags.slice(-third));
    // Within 10% (or 10 messages) of each other is flat.
    const margin = Math.max(10, 0.1 * Math.max(first, last));
    if (last - first > margin) trend = 'rising';
    else if (first - last > margin) trend = 'falling';
    else trend = 'flat';
  }
  return {
    range: history.range,
    from: history.from,
    to: history.to,
    resolution: history.resolution,
    points: history.points.length,
    latestTotalLag: lags.at(-1),
    minTotalLag: lags.length > 0 ? Math.min(...lags) : undefined,
    maxTotalLag:
      history.points.length > 0
        ? Math.max(...history.points.map(p => p.maxTotalLag))
        : undefined,
    averageTotalLag: lags.length > 0 ? Math.round(average(lags)) : undefined,
    maxTimeLagSeconds: timeLags.length > 0 ? Math.max(...timeLags) : undefined,
    trend,
  };
}

/**
 * `list-consumer-groups` and `get-consumer-group-lag`: each checks the
 * caller's own permissions through {@link ConsumerGroupsApi}; lists hold
 * only the groups the caller may read, and a group the caller may not read
 * fails exactly like a missing one.
 */
export function registerConsumerGroupActions(
  actionsRegistry: ActionsRegistryService,
  consumerGroups: ConsumerGroupsApi,
): void {
  const groupFields = (z: Zod) => ({
    environment: z.string(),
    groupId: z.string(),
    entityRef: z
      .string()
      .optional()
      .describe('The application the group belongs to'),
    type: z.enum(['classic', 'consumer', 'share', 'streams']).optional(),
    state: z.enum(CONSUMER_GROUP_STATES as [string, ...string[]]),
    lifecycle: z.enum(CONSUMER_GROUP_LIFECYCLES as [string, ...string[]]),
    memberCount: z.number(),
    topics: z.array(z.string()),
    status: z
      .enum(CONSUMER_GROUP_STATUSES as [string, ...string[]])
      .optional()
      .describe(
        'OK, WARN, STALL (committing, not keeping up), STOP (not committing while lag grows) or REWIND (offsets moved back), from the latest samples',
      ),
    statusReason: z.string().optional(),
    totalLag: z.number().optional(),
    maxPartitionLag: z.number().optional(),
    timeLagSeconds: z.number().optional(),
    sampledAt: z.string().optional(),
  });

  actionsRegistry.register({
    name: 'list-consumer-groups',
    title: 'List consumer groups',
    description:
      'Lists the Kafka consumer groups the caller may read, most lagging first, with their state, lag status (OK, WARN, STALL, STOP, REWIND) and its reason, total lag and time lag. Narrow by application (entityRef), owner, environment, state or a search in the group id.',
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          ...listFilterInputs(z, 'groups'),
          state: z
            .enum(CONSUMER_GROUP_STATES as [string, ...string[]])
            .optional(),
          search: z
            .string()
            .optional()
            .describe('Part of the group id, any case'),
        }),
      output: z =>
        z.object({
          items: z.array(z.object(groupFields(z))),
          total: z
            .number()
            .describe('Groups matching the filters that the caller may read'),
        }),
    },
    action: async ({ input, credentials }) => {
      const { items, total } = await consumerGroups.list(credentials, {
        entityRef: input.entityRef ? [input.entityRef] : undefined,
        owner: input.owner,
        environment: input.environment,
        state: input.state as ConsumerGroup['state'] | undefined,
        search: input.search,
        limit: input.limit,
        offset: input.offset,
      });
      return { output: { items: items.map(groupOutput), total } };
    },
  });

  actionsRegistry.register({
    name: 'get-consumer-group-lag',
    title: 'Get consumer group lag',
    description:
      "Returns one consumer group's lag: its status with the reason, total and time lag, the most lagging partitions with the member reading each, and a summary of the lag history over a range (latest, lowest, highest, average, trend). Fails with not found when the group does not exist or the caller may not read it.",
    attributes: { readOnly: true, destructive: false, idempotent: true },
    schema: {
      input: z =>
        z.object({
          environment: environmentInput(z),
          groupId: z.string().min(1).describe('The consumer group id'),
          range: z
            .enum(LAG_HISTORY_RANGES as [string, ...string[]])
            .optional()
            .describe('The history range; default 24h'),
        }),
      output: z =>
        z.object({
          ...groupFields(z),
          partitionCount: z.number(),
          partitions: z
            .array(
              z.object({
                topic: z.string(),
                partition: z.number(),
                committedOffset: z.number().optional(),
                endOffset: z.number(),
                lag: z.number().optional(),
                timeLagSeconds: z.number().optional(),
                clientId: z.string().optional(),
              }),
            )
            .describe(
              `The ${PARTITIONS_SHOWN} most lagging partitions at most`,
            ),
          history: z.object({
            range: z.string(),
            from: z.string(),
            to: z.string(),
            resolution: z.string(),
            points: z.number(),
            latestTotalLag: z.number().optional(),
            minTotalLag: z.number().optional(),
            maxTotalLag: z.number().optional(),
            averageTotalLag: z.number().optional(),
            maxTimeLagSeconds: z.number().optional(),
            trend: z.enum(['rising', 'falling', 'flat', 'unknown']),
          }),
        }),
    },
    action: async ({ input, credentials }) => {
      const key = { environment: input.environment, groupId: input.groupId };
      const { detail, history } = await consumerGroups.detailWithLag(
        credentials,
        key,
        input.range as LagHistory['range'] | undefined,
      );
      const partitions = [...detail.partitions]
        .sort((a, b) => (b.lag ?? -1) - (a.lag ?? -1))
        .slice(0, PARTITIONS_SHOWN)
        .map(p => ({
          topic: p.topic,
          partition: p.partition,
          committedOffset: p.committedOffset,
          endOffset: p.endOffset,
          lag: p.lag,
          timeLagSeconds: p.timeLagSeconds,
          clientId: p.clientId,
        }));
      return {
        output: {
          ...groupOutput(detail),
          partitionCount: detail.partitions.length,
          partitions,
          history: summarizeLagHistory(history),
        },
      };
    },
  });
}
