/*
 * Chaos suite (issue 12), "Replica killed mid-run": two processes of the
 * demo backend (packages/backend) on one PostgreSQL database; one of them
 * provisions a slow application when it is killed with `kill -9`. The other
 * must recover the run at its first run-due tick after the run's lease
 * expired (so within `kafkaHub.provisioning.leaseTimeout` plus one schedule
 * period of the last renewal) and run it to completion; no application may
 * stay `in_progress`. The recovery is checked by cause, not by the clock: the
 * lease's expiry is read from the application's row once the holder is dead,
 * the survivor's ticks from its log; the seconds are reported.
 *
 * The application is slow by a gate the test controls, not by luck: its
 * environment's bootstrap address is a TCP gate in front of the broker,
 * closed from the start, so the run waits at its first Kafka request. The
 * replica holding it is the one whose process has a connection to the gate.
 * Once it is killed the gate opens, and the survivor's run goes through.
 *
 * Needs PostgreSQL (5433) and the Kafka broker (9092) from
 * scripts/services/all.sh, `ss` (iproute2), and the replicas' ports free
 * (REPLICAS_BASE_PORT, 7101 and 7102 by default).
 */
import fs from 'fs';
import {
  BackendReplica,
  BackendReplicas,
  startBackendReplicas,
} from '../testUtils/backendReplicas';
import { recordChaosFigure } from '../testUtils/chaosFigures';
import { KafkaGate, startKafkaGate } from './__testUtils__/kafkaGate';
import {
  ApplicationRow,
  BROKER,
  brokerAdmin,
  chaosReplicaConfig,
  deleteTopicsIfPresent,
  entityRefOf,
  eventually,
  ReplicaDatabase,
  replicaWithPid,
  RunRow,
  runDueTicks,
  StepTimer,
  TestApplication,
  uniqueSlug,
  writeCatalogFile,
  removeCatalogFile,
} from './__testUtils__/provisioningReplicas';

jest.setTimeout(900_000);

const SCENARIO = 'Replica killed mid-run';
const LEASE_SECONDS = 10;
const SCHEDULE_SECONDS = 2;

const app: TestApplication = {
  application: uniqueSlug('slow'),
  topics: 'events',
};
const ref = entityRefOf(app);

const timer = new StepTimer('replica-killed');
const admin = brokerAdmin();
let gate: KafkaGate;
let replicas: BackendReplicas | undefined;
let db: ReplicaDatabase | undefined;
const catalogFile = writeCatalogFile([app]);

/** What the scenario saw, shared by its steps. */
const seen: {
  holder?: BackendReplica;
  survivor?: BackendReplica;
  heldRun?: RunRow;
  killedAt?: number;
  /** The held run's lease expiry, once nobody can renew it (epoch ms). */
  leaseExpiresAt?: number;
} = {};

describe('Replica killed mid-run', () => {
  beforeAll(async () => {
    gate = await startKafkaGate(BROKER, { closed: true });
  });

  afterAll(async () => {
    try {
      await timer.step('stop the replicas and drop the database', async () => {
        await db?.close();
        await replicas?.stop();
      });
    } finally {
      await gate.stop();
      removeCatalogFile(catalogFile);
      await deleteTopicsIfPresent(admin, [`${app.application}.events`]).catch(
        () => undefined,
      );
      await admin.close();
      timer.print();
    }
  });

  it('holds the slow application in progress on one replica, at the gate', async () => {
    replicas = await timer.step('start two replicas until both are ready', () =>
      startBackendReplicas({
        count: 2,
        config: chaosReplicaConfig({
          catalogFile,
          gateAddress: gate.address,
          scheduleSeconds: SCHEDULE_SECONDS,
          leaseSeconds: LEASE_SECONDS,
        }),
      }),
    );
    db = new ReplicaDatabase(replicas.databaseUrl);
    seen.heldRun = await timer.step(
      'wait until its run waits at the gate',
      () =>
        eventually(
          'the run of the slow application waits at the gate',
          async () => {
            const row = await db!.application(ref);
            const [run] = await db!.runs([ref]);
            return row?.status === 'in_progress' &&
              run?.run_id === row.current_run_id &&
              gate.waiting() > 0
              ? run
              : undefined;
          },
        ),
    );
    const pids = await gate.connectedPids();
    expect(pids).toHaveLength(1);
    seen.holder = await replicaWithPid(replicas.replicas, pids[0]);
    expect(seen.holder).toBeDefined();
    seen.survivor = replicas.replicas.find(r => r !== seen.holder);
    // eslint-disable-next-line no-console
    console.log(
      `[replica-killed] run ${seen.heldRun.run_id} (${
        seen.heldRun.trigger
      }) of ${ref} is held by replica ${seen.holder!.index} (pid ${pids[0]})`,
    );
  });

  it("recovers the run on the other replica at its first run-due tick after the run's lease expired, and completes it", async () => {
    const { holder, survivor, heldRun } = seen;
    const pid = (await holder!.pid())!;
    // The kill's own instant, not the harness script's start-up before it.
    process.kill(pid, 'SIGKILL');
    seen.killedAt = Date.now();
    await eventually(`replica ${holder!.index} is gone`, async () =>
      (await holder!.pid()) === undefined ? true : undefined,
    );
    // Nobody renews the lease any more; a renewal the holder sent just
    // before it died may still commit, so the expiry is the latest one seen
    // while the held run is the application's (read at every probe below,
    // seconds before it can expire).
    const noteLease = (row: ApplicationRow | undefined) => {
      if (row?.current_run_id === heldRun!.run_id && row.lease_expires_at) {
        seen.leaseExpiresAt = Math.max(
          seen.leaseExpiresAt ?? 0,
          row.lease_expires_at.getTime(),
        );
      }
    };
    const held = await db!.application(ref);
    expect(held).toMatchObject({
      status: 'in_progress',
      current_run_id: heldRun!.run_id,
    });
    noteLease(held);
    gate.open();

    // Not for ever: a recovery this late fails the guarantee anyway, and
    // the figures below say how it ended.
    const recovered = await timer
      .step(
        'wait until the survivor has run the application to completion',
        () =>
          eventually(
            'the application is completed',
            async () => {
              const row = await db!.application(ref);
              noteLease(row);
              return row?.status === 'completed' ? row : undefined;
            },
            120_000,
          ),
      )
      .catch(error => {
        // eslint-disable-next-line no-console
        console.log(`[replica-killed] ${error}`);
        return undefined;
      });
    const runs = await db!.runs([ref]);
    const interrupted = runs.find(r => r.run_id === heldRun!.run_id)!;
    const after = runs.filter(r => r.started_at > heldRun!.started_at);
    const recoveredAfter =
      after.length > 0
        ? (after[0].started_at.getTime() - seen.killedAt!) / 1000
        : Infinity;
    const completedAfter =
      after.length > 0 && after[0].finished_at
        ? (after[0].finished_at.getTime() - seen.killedAt!) / 1000
        : Infinity;
    const inProgress = (await db!.applications()).filter(
      r => r.status === 'in_progress',
    ).length;
    const survivorLog = fs.readFileSync(survivor!.logFile, 'utf8');
    const leaseExpiresAt = seen.leaseExpiresAt!;
    // The tick that recovered the run: the survivor's latest tick started
    // before the recovering run did. Every tick between the lease's expiry
    // and it was one that should have recovered the run and did not.
    const ticks = runDueTicks(survivor!);
    const recoveringTick =
      after.length > 0
        ? ticks.filter(t => t <= after[0].started_at.getTime()).at(-1)
        : undefined;
    const missedTicks =
      recoveringTick === undefined
        ? []
        : ticks.filter(t => t >= leaseExpiresAt && t < recoveringTick);
    const recoveredAtFirstTick =
      recoveringTick !== undefined && missedTicks.length === 0;
    const afterExpiry =
      after.length > 0
        ? (after[0].started_at.getTime() - leaseExpiresAt) / 1000
        : Infinity;
    // eslint-disable-next-line no-console
    console.log(
      `[replica-killed] runs ${JSON.stringify(
        runs.map(r => [r.trigger, r.result, r.started_at, r.finished_at]),
      )}; lease expired ${((leaseExpiresAt - seen.killedAt!) / 1000).toFixed(
        1,
      )} s after the kill; recovered ${recoveredAfter.toFixed(
        1,
      )} s after the kill (${afterExpiry.toFixed(
        1,
      )} s after the expiry) and completed ${completedAfter.toFixed(
        1,
      )} s after it; survivor's ticks since the kill: ${ticks
        .filter(t => t >= seen.killedAt!)
        .map(t => ((t - seen.killedAt!) / 1000).toFixed(1))
        .join(', ')} s`,
    );

    recordChaosFigure({
      scenario: SCENARIO,
      measure: 'seconds to recovery after the kill',
      value: Number(recoveredAfter.toFixed(1)),
      guarantee: `at the survivor's first run-due tick after the lease expired (leaseTimeout ${LEASE_SECONDS} s, period ${SCHEDULE_SECONDS} s); ticks missed: ${missedTicks.length}`,
      held: recoveredAtFirstTick,
    });
    recordChaosFigure({
      scenario: SCENARIO,
      measure: 'seconds from the kill to the run completed',
      value: Number(completedAfter.toFixed(1)),
      guarantee: 'the recovered run completes',
      held: recovered?.status === 'completed' && after.length === 1,
    });
    recordChaosFigure({
      scenario: SCENARIO,
      measure: 'applications left in_progress',
      value: inProgress,
      guarantee: '0',
      held: inProgress === 0,
    });

    // The killed replica's run is recorded interrupted, and exactly one
    // run took it over: the survivor's schedule, which says so in its log.
    expect(recovered?.status).toBe('completed');
    expect(interrupted).toMatchObject({ result: 'interrupted' });
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({
      trigger: 'schedule',
      result: 'completed',
    });
    expect(survivorLog).toContain(
      `Recovered 1 interrupted provisioning run(s): ${ref}`,
    );
    // Not before the lease expired, and at the first tick after it.
    expect(interrupted.finished_at!.getTime()).toBeGreaterThan(leaseExpiresAt);
    expect(recoveringTick).toBeDefined();
    expect(missedTicks).toEqual([]);
    expect(inProgress).toBe(0);
    expect(await admin.listTopics()).toContain(`${app.application}.events`);
  });
});
