/*
 * Chaos scenario "Broker killed mid-sample" (issue 12): the product's lag
 * sampling task (scheduleConsumerGroupTasks, with its store on PostgreSQL)
 * samples a live consumer group every second on the three-broker cluster
 * (scripts/services/kafka-cluster.sh: RF 3, min ISR 2) while a producer
 * writes to its topic. The group's coordinator, which also leads one
 * partition of the topic, is killed with kill -9. The coordinator and the
 * leadership move to the survivors and sampling goes on there.
 *
 * Measured against the schedule (one sample per second, the test's clock
 * calling the task's own function, as the scheduler would):
 * - samples lost: sample times with nothing stored, outside the outage
 *   (from the kill to the first sample stored after it) and inside it;
 * - history points changed: every stored history row from before the kill,
 *   compared byte for byte after the recovery;
 * - status flaps: samples whose evaluated status is REWIND, or STOP/STALL
 *   while Kafka's own consumer is in the group and committing; and stored
 *   committed offsets that went backwards or vanished (what a stale
 *   OffsetFetch answer of a new coordinator would leave: the sampler asks
 *   with require_stable and skips a group whose commits all vanished once).
 * A probe also reads the offsets the way the sampler did before (no
 * require_stable) from the kill on, and prints how many of its answers went
 * backwards: how exposed the run was.
 *
 * Starts and stops its own cluster (ports 29092-29293). Needs PostgreSQL
 * (BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING) and the Kafka jars
 * of scripts/services/kafka.sh.
 */
import { randomBytes } from 'crypto';
import { ConfigReader } from '@backstage/config';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  SchedulerService,
  SchedulerServiceTaskFunction,
} from '@backstage/backend-plugin-api';
import { Admin, Producer, stringSerializers } from '@platformatic/kafka';
import { Knex } from 'knex';
import { readKafkaHubConfig } from '../config/readKafkaHubConfig';
import { ConsumerGroupStore } from '../database/consumerGroups';
import { migrationsDir } from '../database/migrations';
import { recordChaosFigure } from '../testUtils/chaosFigures';
import {
  groupCoordinator,
  kafkaCluster,
  kafkaClusterNodes,
  partitionLeader,
  waitForCluster,
  waitForFullIsr,
  waitForLiveBrokers,
  waitForNewCoordinator,
  waitForNewLeader,
} from '../testUtils/kafkaCluster';
import { scheduleConsumerGroupTasks } from './scheduleConsumerGroupTasks';
import {
  ConsoleConsumer,
  killConsoleConsumers,
  startConsoleConsumer,
} from './__testUtils__/kafkaCli';
import {
  Cadence,
  CadenceTick,
  startCadence,
} from './__testUtils__/sampleCadence';
import { committedOffsets } from './__testUtils__/testKafka';

jest.setTimeout(900_000);

const SCENARIO = 'Broker killed mid-sample';
const ENVIRONMENT = 'chaos';
const CLIENT_ID = 'kafka-hub-lag-chaos-test';
const PARTITIONS = 3;
/** The lag task's schedule: one sample a second. */
const LAG_PERIOD_MS = 1000;
const SYNC_PERIOD_MS = 3000;
/** Samples stored before the kill: a full status window (10 by default). */
const SAMPLES_BEFORE = 12;
/** Samples stored after the first one that followed the kill. */
const SAMPLES_AFTER = 15;

const HISTORY = 'kafka_hub_consumer_group_lag_history';
const PARTITION_HISTORY = 'kafka_hub_consumer_group_partition_history';

type Row = Record<string, unknown>;

/** Every stored history row of the environment, by its key, as stored (JSON of every column). */
async function historyRows(knex: Knex): Promise<Map<string, string>> {
  const rows = new Map<string, string>();
  const history: Row[] = await knex(HISTORY)
    .where({ environment: ENVIRONMENT })
    .orderBy(['group_id', 'sampled_at_ms']);
  for (const row of history) {
    rows.set(`lag ${row.group_id} ${row.sampled_at_ms}`, JSON.stringify(row));
  }
  const partitions: Row[] = await knex(PARTITION_HISTORY)
    .where({ environment: ENVIRONMENT })
    .orderBy(['group_id', 'sampled_at_ms', 'topic', 'partition']);
  for (const row of partitions) {
    rows.set(
      `partition ${row.group_id} ${row.sampled_at_ms} ${row.topic} ${row.partition}`,
      JSON.stringify(row),
    );
  }
  return rows;
}

/** Stored samples of one group, oldest first. */
async function storedSamples(knex: Knex, groupId: string) {
  const rows: Array<{
    sampled_at_ms: string | number;
    status: string;
    rewound: boolean;
    total_lag: string | number;
    state: string;
    member_count: number;
  }> = await knex(HISTORY)
    .where({ environment: ENVIRONMENT, group_id: groupId })
    .orderBy('sampled_at_ms')
    .select([
      'sampled_at_ms',
      'status',
      'rewound',
      'total_lag',
      'state',
      'member_count',
    ]);
  return rows.map(r => ({
    sampledAtMs: Number(r.sampled_at_ms),
    status: r.status,
    rewound: Boolean(r.rewound),
    totalLag: Number(r.total_lag),
    state: r.state,
    memberCount: Number(r.member_count),
  }));
}

/**
 * Stored committed offsets that went backwards or vanished from one sample
 * of a partition to the next: Kafka's consumer only commits forward.
 */
async function committedRegressions(knex: Knex, groupId: string) {
  const rows: Array<{
    sampled_at_ms: string | number;
    topic: string;
    partition: number;
    committed_offset: string | number | null;
  }> = await knex(PARTITION_HISTORY)
    .where({ environment: ENVIRONMENT, group_id: groupId })
    .orderBy('sampled_at_ms');
  const last = new Map<string, number>();
  const regressions: string[] = [];
  for (const row of rows) {
    const key = `${row.topic}[${row.partition}]`;
    const committed =
      row.committed_offset === null ? undefined : Number(row.committed_offset);
    const previous = last.get(key);
    if (previous !== undefined && (committed ?? -1) < previous) {
      regressions.push(
        `${key} at ${new Date(
          Number(row.sampled_at_ms),
        ).toISOString()}: ${previous} -> ${committed ?? 'no commit'}`,
      );
    }
    if (committed !== undefined) last.set(key, committed);
  }
  return regressions;
}

/**
 * Reads the group's committed offsets without require_stable (what the
 * sampler asked before) as fast as answers come, and counts the answers
 * that went backwards from what it had already read: the stale answers a
 * coordinator that just took over can give. Not a guarantee, a measure of
 * how exposed the run was.
 */
function probePlainOffsetFetch(groupId: string, topic: string) {
  const reader = new Admin(
    kafkaCluster.clientOptions(`${CLIENT_ID}-probe`, { retries: 0 }),
  );
  const highest = new Map<number, number>();
  const stale: string[] = [];
  let answers = 0;
  let stopped = false;
  const probing = (async () => {
    while (!stopped) {
      const started = Date.now();
      try {
        const [group] = await reader.listConsumerGroupOffsets({
          groups: [
            {
              groupId,
              topics: [
                {
                  name: topic,
                  partitionIndexes: Array.from(
                    { length: PARTITIONS },
                    (_, i) => i,
                  ),
                },
              ],
            },
          ],
          requireStable: false,
        });
        answers++;
        const partitions =
          group.topics.find(t => t.name === topic)?.partitions ?? [];
        for (const p of partitions) {
          const offset = Number(p.committedOffset);
          const before = highest.get(p.partitionIndex) ?? -1;
          if (offset < before) {
            stale.push(
              `${new Date(started).toISOString()} p${
                p.partitionIndex
              } ${before} -> ${offset}`,
            );
          }
          highest.set(p.partitionIndex, Math.max(before, offset));
        }
      } catch {
        // No coordinator, or it is loading: nothing answered.
      }
      await new Promise(resolve =>
        setTimeout(resolve, Math.max(0, 20 - (Date.now() - started))),
      );
    }
  })();
  return {
    async stop() {
      stopped = true;
      await probing;
      await reader.close().catch(() => undefined);
      return { answers, stale };
    },
  };
}

describe('Broker killed mid-sample: lag sampling on the three-broker cluster', () => {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15'] });
  const suffix = randomBytes(4).toString('hex');
  const topic = `chaos-${suffix}.orders`;
  const groupId = `chaos-${suffix}.reader`;
  let admin: Admin | undefined;
  let producer: Producer<string, string, string, string> | undefined;
  let consumer: ConsoleConsumer | undefined;
  let producing: Promise<void> | undefined;
  let stopProducing = false;
  const cadences: Cadence[] = [];
  let probe: ReturnType<typeof probePlainOffsetFetch> | undefined;
  const shutdownHooks: Array<() => Promise<void> | void> = [];

  beforeAll(async () => {
    if (!databases.eachSupportedId().some(([id]) => id === 'POSTGRES_15')) {
      throw new Error(
        'This chaos test runs on PostgreSQL: set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING',
      );
    }
    await kafkaCluster.start();
    admin = kafkaCluster.admin(CLIENT_ID);
    await waitForLiveBrokers(admin, kafkaClusterNodes);
  });

  afterAll(async () => {
    stopProducing = true;
    await Promise.all(cadences.map(c => c.stop()));
    await probe?.stop();
    await Promise.all(shutdownHooks.map(hook => hook()));
    await producing;
    await consumer?.stop().catch(() => undefined);
    killConsoleConsumers();
    await producer?.close().catch(() => undefined);
    await admin?.close().catch(() => undefined);
    await kafkaCluster.stop();
  });

  it('samples on the survivors after the coordinator is killed, loses only samples inside the outage, changes no history point and never flaps to REWIND', async () => {
    const cluster = admin!;
    const knex = await databases.init('POSTGRES_15');
    await knex.migrate.latest({ directory: migrationsDir });

    // The product's own tasks, with the product's defaults but a 1 s lag schedule.
    const config = readKafkaHubConfig(
      new ConfigReader({
        kafkaHub: {
          environments: {
            [ENVIRONMENT]: {
              kafka: {
                brokers: kafkaCluster.bootstrapBrokers(),
                clientId: 'kafka-hub-lag-chaos',
                connectionTimeoutMs: 2000,
                requestTimeoutMs: 10_000,
              },
            },
          },
          consumerGroups: {
            lagSchedule: {
              frequency: { seconds: LAG_PERIOD_MS / 1000 },
              timeout: { seconds: 30 },
            },
            syncSchedule: {
              frequency: { seconds: SYNC_PERIOD_MS / 1000 },
              timeout: { seconds: 30 },
            },
          },
        },
      }),
    );
    const tasks = new Map<string, SchedulerServiceTaskFunction>();
    const scheduler = {
      scheduleTask: async (task: {
        id: string;
        fn: SchedulerServiceTaskFunction;
      }) => {
        tasks.set(task.id, task.fn);
      },
    } as unknown as SchedulerService;
    const logger = mockServices.logger.mock();
    const lifecycle = mockServices.lifecycle.mock({
      addShutdownHook: hook => {
        shutdownHooks.push(hook);
      },
    });
    await scheduleConsumerGroupTasks({
      scheduler,
      logger,
      lifecycle,
      database: knex,
      environments: config.environments,
      config: config.consumerGroups,
    });
    const lagTask = tasks.get(`kafka-hub:consumer-groups:lag:${ENVIRONMENT}`)!;
    const syncTask = tasks.get(
      `kafka-hub:consumer-groups:sync:${ENVIRONMENT}`,
    )!;
    expect(lagTask).toBeDefined();
    expect(syncTask).toBeDefined();
    const runTask = (fn: SchedulerServiceTaskFunction) =>
      Promise.resolve(fn(new AbortController().signal));

    // The node that will coordinate the group leads partition 0 of the
    // topic; the other partitions are led by the other two nodes.
    const coordinator = await groupCoordinator(cluster, groupId);
    const others = kafkaClusterNodes.filter(n => n !== coordinator);
    await cluster.createTopics({
      topics: [topic],
      assignments: [
        { partition: 0, brokers: [coordinator, ...others] },
        { partition: 1, brokers: [others[0], others[1], coordinator] },
        { partition: 2, brokers: [others[1], coordinator, others[0]] },
      ],
    });
    await waitForFullIsr(cluster, topic, 3);
    expect(await partitionLeader(cluster, topic, 0)).toBe(coordinator);

    // A steady producer (30 messages a second, acks=all, idempotent); its
    // failures while partition 0 has no leader are counted, not thrown.
    producer = new Producer({
      ...kafkaCluster.clientOptions(CLIENT_ID, { retries: 2 }),
      serializers: stringSerializers,
      idempotent: true,
    });
    let produced = 0;
    let produceErrors = 0;
    producing = (async () => {
      for (let n = 0; !stopProducing; n++) {
        const started = Date.now();
        try {
          await producer!.send({
            messages: Array.from({ length: PARTITIONS }, (_, partition) => ({
              topic,
              partition,
              value: `m-${n}`,
            })),
          });
          produced += PARTITIONS;
        } catch {
          produceErrors++;
        }
        await new Promise(resolve =>
          setTimeout(resolve, Math.max(0, 100 - (Date.now() - started))),
        );
      }
    })();

    // Kafka's own consumer in the group, committing every 100 ms. It reads
    // its committed offsets with require_stable, so it never resumes from
    // an older commit: any committed offset going backwards is not real.
    consumer = startConsoleConsumer({
      groupId,
      topic,
      groupProtocol: 'classic',
      bootstrapServer: kafkaCluster.bootstrapBrokers().join(','),
    });
    await waitForCluster(
      `${groupId} to commit on every partition`,
      async () => {
        const committed = await committedOffsets(cluster, groupId, topic);
        const done =
          Object.keys(committed).length === PARTITIONS &&
          Object.values(committed).every(o => o > 0);
        return done
          ? { done: true, value: committed }
          : { done: false, seen: JSON.stringify(committed) };
      },
    ).catch(error => {
      throw new Error(`${(error as Error).message}\n${consumer!.stderr()}`);
    });

    const groups = new ConsumerGroupStore(knex);
    await waitForCluster(
      'the group sync to record the group as Stable',
      async () => {
        await runTask(syncTask);
        const group = (
          await groups.listByLifecycle(ENVIRONMENT, 'active')
        ).find(g => g.groupId === groupId);
        return group?.state === 'Stable'
          ? { done: true, value: group }
          : { done: false, seen: `${group?.state ?? 'not recorded'}` };
      },
    );

    // The group sync on its own schedule, the lag sample every second.
    cadences.push(startCadence(SYNC_PERIOD_MS, () => runTask(syncTask)));
    const stored = new Map<number, number>(); // tick -> sampled at
    let lastStored = 0;
    const lag = startCadence(LAG_PERIOD_MS, async tick => {
      const startedAt = Date.now();
      await runTask(lagTask);
      const rows = await knex(HISTORY)
        .where({ environment: ENVIRONMENT, group_id: groupId })
        .where('sampled_at_ms', '>', Math.max(lastStored, startedAt - 1))
        .select('sampled_at_ms');
      for (const row of rows) {
        const at = Number(row.sampled_at_ms);
        lastStored = Math.max(lastStored, at);
        stored.set(tick, at);
      }
    });
    cadences.push(lag);

    await lag.until(
      `${SAMPLES_BEFORE} samples`,
      () => stored.size >= SAMPLES_BEFORE,
    );
    const before = await historyRows(knex);
    const beforeSamples = (await storedSamples(knex, groupId)).length;
    expect(beforeSamples).toBeGreaterThanOrEqual(SAMPLES_BEFORE);

    // kill -9 the coordinator (and leader of partition 0) mid-sampling.
    probe = probePlainOffsetFetch(groupId, topic);
    const killRequestedAt = Date.now();
    await kafkaCluster.killNode(coordinator);
    const killedAt = Date.now();
    const survivors = kafkaClusterNodes.filter(n => n !== coordinator);

    await lag.until('a sample stored after the kill', () =>
      [...stored.values()].some(at => at > killedAt),
    );
    const recoveredAt = Math.min(
      ...[...stored.values()].filter(at => at > killedAt),
    );
    const recoveryTick = [...stored].find(([, at]) => at === recoveredAt)![0];
    await lag.until(
      `${SAMPLES_AFTER} samples after the first one after the kill`,
      () =>
        [...stored.keys()].filter(t => t > recoveryTick).length >=
        SAMPLES_AFTER,
    );
    await Promise.all(cadences.splice(0).map(c => c.stop()));
    const plainAnswers = await probe.stop();
    probe = undefined;

    // The group and partition 0 moved to survivors; sampling went on there.
    const newCoordinator = await waitForNewCoordinator(
      cluster,
      groupId,
      coordinator,
    );
    expect(survivors).toContain(newCoordinator);
    const newLeader = await waitForNewLeader(cluster, topic, 0, coordinator);
    expect(survivors).toContain(newLeader);

    // Samples lost: each tick of the schedule with no stored sample. The
    // outage runs from the kill request to the first stored sample after
    // it; a tick is inside when its run (or, skipped, its due time) overlaps.
    const ticks = lag.ticks;
    const missing = ticks.filter(t => !stored.has(t.tick));
    const insideOutage = (t: CadenceTick) =>
      (t.run?.endedAt ?? t.dueAt) >= killRequestedAt && t.dueAt <= recoveredAt;
    // Outside the outage, a sample is lost when a run stored nothing. A
    // tick skipped because the run before overran (a slow sample on a busy
    // machine) asked for no sample: counted apart, so the machine's load
    // cannot fail the test.
    const lostOutside = missing.filter(t => !insideOutage(t) && t.run);
    const skippedOutside = missing.filter(t => !insideOutage(t) && !t.run);
    const missingInside = missing.filter(insideOutage);
    const outageSeconds = (recoveredAt - killRequestedAt) / 1000;

    // History points: every row stored before the kill, unchanged.
    const after = await historyRows(knex);
    const changedPoints = [...before].filter(
      ([key, row]) => after.get(key) !== row,
    );

    // Status flaps.
    const samples = await storedSamples(knex, groupId);
    const rewinds = samples.filter(s => s.status === 'REWIND' || s.rewound);
    const stopsOrStalls = samples.filter(
      s => s.status === 'STOP' || s.status === 'STALL',
    );
    const regressions = await committedRegressions(knex, groupId);

    const lagWarnings = logger.warn.mock.calls
      .map(([message]) => String(message))
      .filter(m => m.startsWith('Lag sample'));
    // eslint-disable-next-line no-console
    console.log(
      [
        `Broker killed mid-sample: node ${coordinator} killed (coordinator of ${groupId}, leader of ${topic}-0); group now on node ${newCoordinator}, partition 0 led by node ${newLeader}`,
        `  kill -9 took ${((killedAt - killRequestedAt) / 1000).toFixed(
          1,
        )} s; first sample after it ${outageSeconds.toFixed(
          1,
        )} s after the kill request`,
        `  ticks ${ticks.length}, samples stored ${samples.length} (${beforeSamples} before the kill), missing inside the outage ${missingInside.length}, lost outside ${lostOutside.length}`,
        `  produced ${produced} messages, ${produceErrors} failed sends`,
        `  plain OffsetFetch probe (not require_stable) from the kill on: ${
          plainAnswers.answers
        } answers, ${
          plainAnswers.stale.length
        } went backwards${plainAnswers.stale
          .slice(0, 3)
          .map(s => `; ${s}`)
          .join('')}`,
        `  statuses: ${[...new Set(samples.map(s => s.status))].join(
          ', ',
        )}; states: ${[...new Set(samples.map(s => s.state))].join(', ')}`,
        `  lag sample warnings (${lagWarnings.length}): ${[
          ...new Set(lagWarnings),
        ]
          .slice(0, 5)
          .join(' | ')}`,
        ...lostOutside.map(
          t =>
            `  lost outside: tick ${t.tick} due ${new Date(
              t.dueAt,
            ).toISOString()} ${
              t.run ? `ran ${t.run.endedAt - t.run.startedAt} ms` : 'skipped'
            }`,
        ),
        ...changedPoints.map(([key]) => `  changed: ${key}`),
        ...regressions.map(r => `  committed offset went back: ${r}`),
      ].join('\n'),
    );

    recordChaosFigure({
      scenario: SCENARIO,
      measure: 'samples lost outside the outage',
      value: lostOutside.length,
      guarantee: '0',
      held: lostOutside.length === 0,
    });
    recordChaosFigure({
      scenario: SCENARIO,
      measure: 'ticks skipped outside the outage (the run before overran)',
      value: skippedOutside.length,
      guarantee: 'reported only (machine load)',
      held: true,
    });
    recordChaosFigure({
      scenario: SCENARIO,
      measure: `samples missing inside the outage (${outageSeconds.toFixed(
        1,
      )} s)`,
      value: missingInside.length,
      guarantee: 'only inside the outage; sampling resumes on the survivors',
      held: samples.some(s => s.sampledAtMs > killedAt),
    });
    recordChaosFigure({
      scenario: SCENARIO,
      measure: 'history points changed',
      value: changedPoints.length,
      guarantee: `0 of ${before.size}`,
      held: changedPoints.length === 0,
    });
    recordChaosFigure({
      scenario: SCENARIO,
      measure: 'REWIND flaps',
      value: rewinds.length,
      guarantee: '0',
      held: rewinds.length === 0,
    });
    recordChaosFigure({
      scenario: SCENARIO,
      measure: 'false STOP/STALL statuses',
      value: stopsOrStalls.length,
      guarantee: '0',
      held: stopsOrStalls.length === 0,
    });
    recordChaosFigure({
      scenario: SCENARIO,
      measure: 'stored committed offsets gone back or vanished',
      value: regressions.length,
      guarantee: '0',
      held: regressions.length === 0,
    });

    expect(lostOutside.map(t => t.tick)).toEqual([]);
    expect(samples.some(s => s.sampledAtMs > killedAt)).toBe(true);
    expect(changedPoints.map(([key]) => key)).toEqual([]);
    expect(rewinds).toEqual([]);
    expect(stopsOrStalls).toEqual([]);
    expect(regressions).toEqual([]);
  });
});
