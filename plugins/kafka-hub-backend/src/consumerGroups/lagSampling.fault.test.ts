/*
 * Stops and restarts the real broker under a backend whose lag sampler runs
 * every second, so it runs on its own after every other test
 * (scripts/test.sh; excluded from the regular run in package.json).
 */
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Admin } from '@platformatic/kafka';
import request from 'supertest';
import type {
  ConsumerGroupDetail,
  KafkaHubTaskRun,
  LagHistory,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { kafkaHubPlugin } from '../plugin';
import { kafkaService } from '../testUtils/kafkaService';
import { testServices } from '../testUtils/testServices';
import {
  createProducer,
  createTopics,
  setOffsets,
  testAdmin,
  uniqueSuffix,
  waitFor,
} from './__testUtils__/testKafka';

jest.setTimeout(240_000);

const everySecond = { frequency: { seconds: 1 }, timeout: { seconds: 30 } };

describe('lag sampling while the broker stops and comes back', () => {
  const prefix = `khfault-${uniqueSuffix()}.`;
  const topic = `${prefix}orders`;
  const groupId = `${prefix}reader`;
  let admin: Admin;

  beforeAll(async () => {
    admin = testAdmin();
    await createTopics(admin, [{ topic, partitions: 2 }]);
    const producer = createProducer();
    await producer.send({
      messages: Array.from({ length: 10 }, (_, i) => ({
        topic,
        partition: i % 2,
        value: String(i),
      })),
    });
    await producer.close();
    // An Empty group 3 behind on partition 0 and 5 on partition 1.
    await setOffsets(admin, groupId, topic, [
      { partition: 0, offset: 2 },
      { partition: 1, offset: 0 },
    ]);
  });

  afterAll(async () => {
    // Leave the broker running for whatever comes next, whatever happened.
    kafkaService('start', '--keep-data');
    await admin.deleteGroups({ groups: [groupId] }).catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.close().catch(() => undefined);
  });

  it('records the error, keeps serving and the earlier history, then samples again', async () => {
    const { server } = await startTestBackend({
      features: [
        kafkaHubPlugin,
        // The real scheduler: the test's mock one runs each task only once.
        schedulerServiceFactory,
        catalogServiceMock.factory({ entities: [] }),
        mockServices.rootConfig.factory({
          data: {
            kafkaHub: {
              environments: {
                dev: {
                  kafka: {
                    brokers: testServices.kafkaPlaintextBrokers,
                    connectionTimeoutMs: 1000,
                    requestTimeoutMs: 5000,
                  },
                },
              },
              consumerGroups: {
                syncSchedule: everySecond,
                lagSchedule: everySecond,
              },
            },
          },
        }),
      ],
    });
    const api = (path: string) => request(server).get(`/api/kafka-hub${path}`);
    const groupPath = `/consumer-groups/dev/${encodeURIComponent(groupId)}`;
    const detail = async (): Promise<ConsumerGroupDetail | undefined> => {
      const res = await api(groupPath);
      return res.status === 200 ? res.body : undefined;
    };
    const history = async (): Promise<LagHistory> => {
      const res = await api(`${groupPath}/lag?range=1h`);
      expect(res.status).toBe(200);
      return res.body;
    };
    const lagRun = async (): Promise<KafkaHubTaskRun | undefined> => {
      const res = await api('/admin/tasks');
      expect(res.status).toBe(200);
      return (res.body.items as KafkaHubTaskRun[]).find(
        r => r.environment === 'dev' && r.task === 'lag-sampler',
      );
    };

    await waitFor(
      'the sampler to record the group',
      async () =>
        (await detail())?.lag?.totalLag === 8 &&
        (await history()).points.length > 0,
      60_000,
    );
    const sampledBeforeStop = (await detail())!.lag!.sampledAt;

    kafkaService('stop');
    const stoppedAt = new Date();
    await waitFor(
      'a failed lag sample',
      async () => {
        const run = await lagRun();
        return (
          run?.error !== undefined &&
          new Date(run.lastRunAt).getTime() > stoppedAt.getTime()
        );
      },
      60_000,
    );
    const failed = (await lagRun())!;
    expect(failed.error).toMatch(/ECONNREFUSED|Connection error|connect/i);
    expect(new Date(failed.lastSuccessAt!).getTime()).toBeLessThan(
      stoppedAt.getTime(),
    );

    // The backend keeps answering from what it stored before the stop.
    const health = await api('/health');
    expect(health.status).toBe(200);
    expect(health.body.environments[0].kafka.status).toBe('down');
    const whileDown = await detail();
    expect(whileDown?.lag?.totalLag).toBe(8);
    expect(whileDown?.lag?.sampledAt).toBeDefined();
    const historyWhileDown = await history();
    expect(historyWhileDown.points.length).toBeGreaterThan(0);
    expect(
      historyWhileDown.points.every(
        p => p.totalLag === 8 && p.maxTotalLag === 8,
      ),
    ).toBe(true);

    // Restart once the last bucket from before the stop has ended, so
    // samples after the restart land in new points.
    const lastBucketEnd =
      Math.max(...historyWhileDown.points.map(p => Date.parse(p.time))) +
      historyWhileDown.bucketSeconds * 1000;
    await new Promise(resolve =>
      setTimeout(resolve, Math.max(0, lastBucketEnd - Date.now())),
    );
    kafkaService('start', '--keep-data');
    const restartedAt = new Date();
    await waitFor(
      'a lag sample after the restart',
      async () => {
        const run = await lagRun();
        const latest = await detail();
        return (
          run?.error === undefined &&
          latest?.lag !== undefined &&
          new Date(latest.lag.sampledAt).getTime() > restartedAt.getTime()
        );
      },
      90_000,
    );
    expect(
      new Date((await detail())!.lag!.sampledAt).getTime(),
    ).toBeGreaterThan(new Date(sampledBeforeStop).getTime());

    // Every point from before the restart is still there, unchanged.
    const after = await history();
    expect(after.points.slice(0, historyWhileDown.points.length)).toEqual(
      historyWhileDown.points,
    );
    expect(after.points.length).toBeGreaterThan(historyWhileDown.points.length);
  });
});
