import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { LagHistory } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import express from 'express';
import request from 'supertest';
import { ClaimSet } from '../claims';
import { namespaceClaim } from '../claims/__testUtils__/claims';
import {
  ConsumerGroupStore,
  DAY_MS,
  HOUR_MS,
  LagHistoryStore,
  RetentionWindows,
  TaskRunStore,
} from '../database/consumerGroups';
import { migrationsDir } from '../database/migrations';
import { EntityAccess } from '../permissions/EntityAccess';
import { ReadableEntities } from '../permissions/ReadableEntities';
import { ConsumerGroupsApi } from '../api/ConsumerGroupsApi';
import { consumerGroupRoutes } from '../router/consumerGroupRoutes';
import { createKafkaHubRouter } from '../router/kafkaHubRouter';
import { testDatabaseIds } from '../testUtils/testServices';
import { GroupSync } from './GroupSync';
import { LagSampler } from './LagSampler';
import { RetentionTask } from './RetentionTask';
import {
  createProducer,
  createTopics,
  liveEnvironment,
  produce,
  setOffsets,
  startConsumer,
  brokerScratch,
  uniqueSuffix,
  waitFor,
} from './__testUtils__/testKafka';

jest.setTimeout(180_000);

const logger = mockServices.logger.mock();
const MINUTE_MS = 60_000;
const SERIES = 'kafka_hub_consumer_group_lag_series';

/** Everyone reads everything: this test is about what is stored and served. */
const permissions = mockServices.permissions.mock({
  authorize: async requests =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW })),
  authorizeConditional: async requests =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW })),
});

const WINDOWS: RetentionWindows = {
  rawMs: 7 * DAY_MS,
  hourlyMs: 30 * DAY_MS,
  dailyMs: 365 * DAY_MS,
  partitionHistoryMs: HOUR_MS,
};

describe('lag by topic and partition, and the member band, against the real broker', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });
  const { admin, topics, groupIds } = brokerScratch();

  async function recorder(databaseId: TestDatabaseId, prefix: string) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    const groups = new ConsumerGroupStore(knex);
    const history = new LagHistoryStore(knex);
    const taskRuns = new TaskRunStore(knex);
    let clock = 0;
    const sampler = new LagSampler({
      environment: liveEnvironment(),
      logger,
      groups,
      history,
      taskRuns,
      concurrency: 4,
      statusWindow: 3,
      timeLagPoints: 60,
      keepPartitionHistory: true,
      now: () => clock,
    });
    const sync = new GroupSync({
      environment: liveEnvironment(),
      logger,
      groups,
      taskRuns,
      claims: async () =>
        new ClaimSet(
          [
            namespaceClaim(prefix.replace(/\.$/, ''), 'component:default/app', {
              prefix,
            }),
          ],
          [],
        ),
      describeBatchSize: 100,
      inactiveAfterMs: DAY_MS,
      archiveAfterMs: 7 * DAY_MS,
    });
    let routeNow = 0;
    const router = await createKafkaHubRouter();
    const api = new ConsumerGroupsApi({
      access: new EntityAccess(permissions),
      readable: new ReadableEntities({
        permissions,
        catalog: catalogServiceMock({ entities: [] }),
        auth: mockServices.auth(),
        logger,
      }),
      ownedEntityRefs: async () => [],
      groups,
      history,
      taskRuns,
      retention: WINDOWS,
      now: () => routeNow,
    });
    consumerGroupRoutes(router, { httpAuth: mockServices.httpAuth(), api });
    const app = express().use(router).use(mockErrorHandler());
    return {
      databaseId,
      knex,
      groups,
      history,
      taskRuns,
      sync,
      close: () => sampler.close(),
      /** Syncs the groups (their state and members), then samples at `atMs`. */
      async sampleAt(atMs: number) {
        expect(await sync.sync()).toMatchObject({ ok: true });
        clock = atMs;
        expect(await sampler.sample()).toMatchObject({ ok: true });
      },
      async lag(path: string, nowMs: number): Promise<LagHistory> {
        routeNow = nowMs;
        const res = await request(app)
          .get(path)
          .set({ Authorization: mockCredentials.user.header() });
        expect(res.status).toBe(200);
        return res.body;
      },
    };
  }

  it('stores and serves the lag per topic, the top partitions and the member band on every database; retention rolls them up and deletes old rows', async () => {
    const prefix = `khls-${uniqueSuffix()}.`;
    const [a, b] = [`${prefix}a`, `${prefix}b`];
    const groupId = `${prefix}reader`;
    topics.push(a, b);
    groupIds.push(groupId);
    await createTopics(admin, [
      { topic: a, partitions: 3 },
      { topic: b, partitions: 2 },
    ]);
    const producer = createProducer();
    // a: 10, 4 and 2 messages; b: 5 on each partition.
    await produce(producer, a, 1, 10);
    await producer.send({
      messages: [1, 1, 1, 1, 2, 2].map(partition => ({
        topic: a,
        partition,
        value: 'x',
      })),
    });
    await produce(producer, b, 2, 5);
    await setOffsets(admin, groupId, a, [
      { partition: 0, offset: 1 },
      { partition: 1, offset: 1 },
      { partition: 2, offset: 1 },
    ]);
    await setOffsets(admin, groupId, b, [
      { partition: 0, offset: 0 },
      { partition: 1, offset: 0 },
    ]);

    const recorders = [];
    for (const [databaseId] of databases.eachSupportedId()) {
      recorders.push(await recorder(databaseId, prefix));
    }
    // Three samples, half an hour apart, in the past: Empty, a member
    // (reading without committing: the lag stays), Empty again after 4
    // more messages on b's partition 1.
    // Noon two days ago: the samples and the first retention run stay on
    // one day (no daily rollup yet), whatever the time the test runs.
    const base =
      Math.floor(Date.now() / DAY_MS) * DAY_MS - 2 * DAY_MS + 12 * HOUR_MS;
    const at = [5, 35, 65].map(m => base + m * MINUTE_MS);
    for (const r of recorders) await r.sampleAt(at[0]);

    const member = await startConsumer(groupId, a, { autocommit: false });
    try {
      for (const r of recorders) {
        await waitFor('the member to join', async () => {
          await r.sync.sync();
          const group = await r.groups.get('dev', groupId);
          return group?.state === 'Stable' && group.members.length === 1;
        });
        await r.sampleAt(at[1]);
      }
    } finally {
      await member.close();
    }
    await producer.send({
      messages: [1, 1, 1, 1].map(partition => ({
        topic: b,
        partition,
        value: 'y',
      })),
    });
    await producer.close();
    for (const r of recorders) {
      await waitFor('the member to leave', async () => {
        await r.sync.sync();
        return (await r.groups.get('dev', groupId))?.state === 'Empty';
      });
      await r.sampleAt(at[2]);
    }

    const path = `/consumer-groups/dev/${encodeURIComponent(
      groupId,
    )}/lag?range=6h`;
    const nowMs = base + 70 * MINUTE_MS;
    const t = (ms: number) => new Date(ms).toISOString();
    const halfHours = [0, 30, 60].map(m => t(base + m * MINUTE_MS));
    const point = (time: string, lag: number) => ({
      time,
      lag,
      maxLag: lag,
      samples: 1,
    });
    const byTopic = {
      by: 'topic',
      resolution: 'halfhour',
      bucketSeconds: 1800,
      total: 2,
      items: [
        {
          topic: b,
          maxLag: 14,
          points: [
            point(halfHours[0], 10),
            point(halfHours[1], 10),
            point(halfHours[2], 14),
          ],
        },
        {
          topic: a,
          maxLag: 13,
          points: halfHours.map(time => point(time, 13)),
        },
      ],
    };
    const partition = (topic: string, p: number, lags: number[]) => ({
      topic,
      partition: p,
      maxLag: Math.max(...lags),
      points: lags.map((lag, i) => point(halfHours[i], lag)),
    });
    // Ranked by the highest lag in the range, then by name.
    const byPartition = {
      by: 'partition',
      resolution: 'halfhour',
      total: 5,
      items: [
        partition(a, 0, [9, 9, 9]),
        partition(b, 1, [5, 5, 9]),
        partition(b, 0, [5, 5, 5]),
        partition(a, 1, [3, 3, 3]),
        partition(a, 2, [1, 1, 1]),
      ],
    };

    for (const r of recorders) {
      await r.close();
      const total = await r.lag(path, nowMs);
      expect(total.by).toBe('total');
      expect(total.series).toBeUndefined();
      // The band: state and member count of each sample.
      expect(
        total.points.map(p => [p.state, p.minMemberCount, p.maxMemberCount]),
      ).toEqual([
        ['Empty', 0, 0],
        ['Stable', 1, 1],
        ['Empty', 0, 0],
      ]);
      expect(total.points.map(p => p.totalLag)).toEqual([23, 23, 27]);

      const topicsBefore = await r.lag(`${path}&by=topic`, nowMs);
      expect({ db: r.databaseId, series: topicsBefore.series }).toEqual({
        db: r.databaseId,
        series: { ...byTopic, from: expect.any(String) },
      });
      const partitionsBefore = await r.lag(`${path}&by=partition`, nowMs);
      expect(partitionsBefore.series).toMatchObject(byPartition);
      // Within the partition history's window: raw rows, finer buckets.
      const hour = await r.lag(
        `/consumer-groups/dev/${encodeURIComponent(
          groupId,
        )}/lag?range=1h&by=topic`,
        nowMs,
      );
      expect(hour.series).toMatchObject({
        resolution: 'raw',
        bucketSeconds: 10,
        items: [
          { topic: b, points: [point(t(at[1]), 10), point(t(at[2]), 14)] },
          { topic: a, points: [point(t(at[1]), 13), point(t(at[2]), 13)] },
        ],
      });

      // Retention: the two complete half hours and the complete hour are
      // rolled up, raw rows older than the partition history go; the
      // chart reads the same from the rollups and the raw rows after them.
      const retention = new RetentionTask({
        environment: 'dev',
        history: r.history,
        taskRuns: r.taskRuns,
        windows: WINDOWS,
        now: () => nowMs,
      });
      const first = await retention.run();
      expect(first.halfHourlySeriesRollups).toBeGreaterThanOrEqual(2);
      expect(first.deleted.seriesRaw).toBeGreaterThanOrEqual(1);
      const rowsOf = async () =>
        (
          await r
            .knex(SERIES)
            .where({ environment: 'dev', group_id: groupId })
            .orderBy(['resolution', 'bucket_start_ms'])
            .select(['resolution', 'bucket_start_ms', 'samples'])
        ).map(row => [
          row.resolution,
          Number(row.bucket_start_ms) - base,
          Number(row.samples),
        ]);
      expect(await rowsOf()).toEqual([
        ['halfhour', 0, 1],
        ['halfhour', 30 * MINUTE_MS, 1],
        ['hour', 0, 2],
        ['raw', 35 * MINUTE_MS, 1],
        ['raw', 65 * MINUTE_MS, 1],
      ]);
      const topicsAfter = await r.lag(`${path}&by=topic`, nowMs);
      expect(topicsAfter.series).toEqual(topicsBefore.series);
      const partitionsAfter = await r.lag(`${path}&by=partition`, nowMs);
      expect(partitionsAfter.series).toEqual(partitionsBefore.series);

      // Eight days on: the raw rows and half-hourly rollups are gone, the
      // hourly and daily rollups answer the month.
      const later = new RetentionTask({
        environment: 'dev',
        history: r.history,
        taskRuns: r.taskRuns,
        windows: WINDOWS,
        now: () => nowMs + 8 * DAY_MS,
      });
      const second = await later.run();
      expect(second.deleted.seriesHalfHourly).toBeGreaterThanOrEqual(2);
      const remaining = await rowsOf();
      expect(remaining.map(([resolution]) => resolution)).toEqual([
        'day',
        'hour',
        'hour',
      ]);
      const month = await r.lag(
        `/consumer-groups/dev/${encodeURIComponent(
          groupId,
        )}/lag?range=30d&by=partition`,
        nowMs + 8 * DAY_MS,
      );
      expect(month.series).toMatchObject({
        resolution: 'hour',
        bucketSeconds: 7200,
        total: 5,
      });
      // The band from the lag's hourly rollups: the least healthy state
      // and the member counts of the three samples.
      expect(month.points).toEqual([
        expect.objectContaining({
          samples: 3,
          state: 'Empty',
          minMemberCount: 0,
          maxMemberCount: 1,
        }),
      ]);
      expect(month.series!.items[0]).toMatchObject({
        topic: a,
        partition: 0,
        maxLag: 9,
      });
      await r.knex.destroy();
    }
  });
});
