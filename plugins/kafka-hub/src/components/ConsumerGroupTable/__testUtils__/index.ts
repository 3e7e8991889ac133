import {
  ConsumerGroup,
  ConsumerGroupDetail,
  ConsumerGroupList,
  ConsumerGroupsSummary,
  LagHistory,
  LagHistoryPoint,
  PartitionLag,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { BASE_URL } from '../../ProvisioningCommon/__testUtils__';

export const CONSUMER_GROUPS_URL = `${BASE_URL}/consumer-groups`;
export const CONSUMER_GROUP_SUMMARY_URL = `${CONSUMER_GROUPS_URL}/summary`;
/** msw path of a group's detail; `/lag` below it is its history. */
export const consumerGroupUrl = (environment: string, groupId: string) =>
  `${CONSUMER_GROUPS_URL}/${encodeURIComponent(
    environment,
  )}/${encodeURIComponent(groupId)}`;

const SAMPLED = '2026-11-21T12:00:00.000Z';

export const makeGroup = (
  overrides: Partial<ConsumerGroup> = {},
): ConsumerGroup => ({
  environment: 'dev',
  groupId: 'orders.fulfilment',
  entityRef: 'component:default/orders-service',
  linkedBy: 'prefix',
  type: 'classic',
  protocolType: 'consumer',
  state: 'Stable',
  lifecycle: 'active',
  memberCount: 2,
  topics: ['orders.created'],
  firstSeenAt: '2026-11-20T12:00:00.000Z',
  lastSeenAt: SAMPLED,
  lag: {
    sampledAt: SAMPLED,
    totalLag: 1234,
    maxPartitionLag: 800,
    timeLagSeconds: 12,
    partitionsWithoutCommit: 0,
    status: 'OK',
    statusReason: 'Consuming; lag is not growing',
  },
  trend: [100, 400, 900, 1234],
  ...overrides,
});

export const groupList = (
  items: ConsumerGroup[],
  page: { total?: number; limit?: number; offset?: number } = {},
): ConsumerGroupList => ({
  items,
  total: page.total ?? items.length,
  limit: page.limit ?? 25,
  offset: page.offset ?? 0,
});

export const makePartition = (
  overrides: Partial<PartitionLag> = {},
): PartitionLag => ({
  topic: 'orders.created',
  partition: 0,
  committedOffset: 100,
  endOffset: 900,
  lag: 800,
  timeLagSeconds: 12,
  memberId: 'consumer-1-0a1b',
  clientId: 'consumer-1',
  ...overrides,
});

export const makeGroupDetail = (
  overrides: Partial<ConsumerGroupDetail> = {},
): ConsumerGroupDetail => ({
  ...makeGroup(),
  assignmentStrategy: 'cooperative-sticky',
  coordinator: '1 (127.0.0.1:9092)',
  describedWith: 'DescribeGroups',
  members: [
    {
      memberId: 'consumer-1-0a1b',
      clientId: 'consumer-1',
      host: '/127.0.0.1',
      assignments: [{ topic: 'orders.created', partitions: [0, 1, 2, 4] }],
    },
    {
      memberId: 'consumer-2-9f8e',
      clientId: 'consumer-2',
      host: '/127.0.0.2',
      assignments: [{ topic: 'orders.created', partitions: [3] }],
    },
  ],
  partitions: [
    makePartition(),
    makePartition({
      partition: 1,
      committedOffset: 500,
      endOffset: 934,
      lag: 434,
      timeLagSeconds: 4,
    }),
    makePartition({
      partition: 2,
      committedOffset: 0,
      endOffset: 0,
      lag: 0,
      timeLagSeconds: 0,
    }),
    makePartition({
      partition: 3,
      committedOffset: undefined,
      endOffset: 50,
      lag: undefined,
      timeLagSeconds: undefined,
      memberId: 'consumer-2-9f8e',
      clientId: 'consumer-2',
    }),
  ],
  ...overrides,
});

/** `count` partitions of one topic with lag `count - i` for partition i. */
export const manyPartitions = (count: number): PartitionLag[] =>
  Array.from({ length: count }, (_, i) =>
    makePartition({
      topic: 'orders.big',
      partition: i,
      committedOffset: 10_000,
      endOffset: 10_000 + count - i,
      lag: count - i,
      memberId: undefined,
      clientId: undefined,
    }),
  );

export const makeSummary = (
  overrides: Partial<ConsumerGroupsSummary> = {},
): ConsumerGroupsSummary => ({
  total: 9,
  byState: {
    Stable: 5,
    PreparingRebalance: 1,
    CompletingRebalance: 0,
    Assigning: 0,
    Reconciling: 0,
    NotReady: 0,
    Empty: 2,
    Dead: 0,
    Unknown: 1,
  },
  byStatus: { OK: 4, WARN: 2, STALL: 1, STOP: 1, REWIND: 1 },
  byLifecycle: { active: 7, inactive: 1, archived: 1 },
  totalLag: 123456,
  groupsWithLag: 4,
  ...overrides,
});

export const makeHistory = (
  overrides: Partial<LagHistory> = {},
  points?: LagHistoryPoint[],
): LagHistory => {
  const from = Date.parse('2026-11-21T11:00:00.000Z');
  return {
    environment: 'dev',
    groupId: 'orders.fulfilment',
    range: '1h',
    resolution: 'raw',
    bucketSeconds: 60,
    from: new Date(from).toISOString(),
    to: new Date(from + 3600_000).toISOString(),
    points:
      points ??
      Array.from({ length: 6 }, (_, i) => ({
        time: new Date(from + i * 600_000).toISOString(),
        totalLag: 100 * (i + 1),
        maxTotalLag: 150 * (i + 1),
        timeLagSeconds: 2 * (i + 1),
        maxTimeLagSeconds: 3 * (i + 1),
        samples: 6,
      })),
    ...overrides,
  };
};
