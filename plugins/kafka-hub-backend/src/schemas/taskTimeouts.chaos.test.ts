/*
 * Chaos scenario "Task timeouts" (issue 12): two real replicas of the demo
 * backend on one PostgreSQL database run dev's schema sync, a global task
 * with a 4 s timeout, while the registry fault proxy hangs every request
 * (the registry client would wait 60 s). Each run must stop at the
 * scheduler's abort signal, and no two runs of the same task may overlap,
 * whichever replicas run them: the scheduler hands a task over only when
 * its run ended or its timeout passed. The runs' start and end times come
 * from the debug lines the task logs in each replica.
 * Needs PostgreSQL (5433), Apicurio (8081) and the demo's Kafka broker.
 */
import fs from 'fs';
import {
  BackendReplicas,
  startBackendReplicas,
} from '../testUtils/backendReplicas';
import { recordChaosFigure } from '../testUtils/chaosFigures';
import {
  RegistryProxyProcess,
  startRegistryProxy,
} from '../testUtils/registryProxyProcess';
import {
  eventually,
  latestSchemaSync,
  LoggedSyncRun,
  loggedSyncRuns,
  overlappingRuns,
  schemaChaosConfig,
  StepTimer,
} from './__testUtils__/schemaSyncReplicas';

jest.setTimeout(600_000);

const SCENARIO = 'Task timeouts';
const TIMEOUT_SECONDS = 4;
/** The registry client's own timeout: far past the task's. */
const REGISTRY_TIMEOUT_MS = 60_000;
/** Aborted runs each replica must show before the registry recovers. */
const ABORTED_RUNS_PER_REPLICA = 3;

describe('Task timeouts: an overrunning schema sync on two replicas', () => {
  const timer = new StepTimer('task timeouts');
  let proxy: RegistryProxyProcess | undefined;
  let replicas: BackendReplicas | undefined;

  const allRuns = () => replicas!.replicas.flatMap(r => loggedSyncRuns(r));

  beforeAll(async () => {
    proxy = await timer.step('start the registry fault proxy', () =>
      startRegistryProxy(),
    );
    replicas = await timer.step('start two replicas', () =>
      startBackendReplicas({
        count: 2,
        config: schemaChaosConfig({
          registryUrl: proxy!.url,
          registryTimeoutMs: REGISTRY_TIMEOUT_MS,
          frequencySeconds: 2,
          timeoutSeconds: TIMEOUT_SECONDS,
        }),
      }),
    );
  });

  afterAll(async () => {
    try {
      await timer.step('stop the replicas', async () => {
        await replicas?.stop();
      });
    } finally {
      await proxy?.stop();
      timer.print();
    }
  });

  it('stops every overrunning run at its abort signal, and never runs it on both replicas at once', async () => {
    const [one, two] = replicas!.replicas;
    await timer.step('a clean dev sync, logged', () =>
      eventually('a dev sync succeeded and logged its end', async () => {
        const run = allRuns().find(
          r => r.environment === 'dev' && r.end && r.status === 'succeeded',
        );
        return run;
      }),
    );

    await proxy!.fault({ fault: 'hang' });
    const hangAt = Date.now();
    const duringHang = (r: LoggedSyncRun) =>
      r.environment === 'dev' && r.start > hangAt;
    const aborted = await timer.step(
      `${ABORTED_RUNS_PER_REPLICA} runs aborted on each replica`,
      () =>
        eventually(
          `each replica ran ${ABORTED_RUNS_PER_REPLICA} dev syncs that ended after the hang`,
          async () => {
            const runs = allRuns().filter(r => duringHang(r) && r.end);
            return [one, two].every(
              replica =>
                runs.filter(r => r.replica === replica.index).length >=
                ABORTED_RUNS_PER_REPLICA,
            )
              ? runs
              : undefined;
          },
          180_000,
        ),
    );
    // What admins see while it lasts: the abort, not the registry's silence.
    expect((await latestSchemaSync(one, 'dev'))?.error).toMatch(
      /^Aborted during the listing: the scheduler cancelled the run/,
    );
    const hungRequests = (await proxy!.requests()).items.filter(
      r => Date.parse(r.at) > hangAt,
    );

    await proxy!.reset();
    const resetAt = Date.now();
    await timer.step('a good run after the registry recovers', () =>
      eventually('a dev sync started after the reset succeeded', async () =>
        allRuns().find(
          r =>
            r.environment === 'dev' &&
            r.start > resetAt &&
            r.status === 'succeeded',
        ),
      ),
    );

    const runs = allRuns();
    const overlaps = overlappingRuns(runs);
    const perReplica = [one, two].map(
      replica => runs.filter(r => r.replica === replica.index).length,
    );
    const dev = runs
      .filter(r => r.environment === 'dev')
      .sort((a, b) => a.start - b.start);
    const handovers = dev.filter(
      (r, i) => i > 0 && r.replica !== dev[i - 1].replica,
    ).length;
    const stopSeconds = aborted.map(
      r => (r.durationMs! - (r.abortedAfterMs ?? r.durationMs!)) / 1000,
    );
    const maxStopSeconds = Math.max(...stopSeconds);
    const janitorReleases = replicas!.replicas.reduce(
      (sum, replica) =>
        sum +
        (fs
          .readFileSync(replica.logFile, 'utf8')
          .match(/Task timed out and was lost: kafka-hub-schema-sync-/g)
          ?.length ?? 0),
      0,
    );
    // eslint-disable-next-line no-console
    console.log(
      `[task timeouts] ${
        runs.length
      } schema sync runs (dev and prod) on two replicas, ${
        dev.length
      } of dev with ${handovers} handovers between replicas; ${
        aborted.length
      } aborted under the hang (${hungRequests.length} requests hung): ${aborted
        .map(
          r =>
            `replica ${r.replica} ${r.durationMs} ms (signal at ${r.abortedAfterMs} ms)`,
        )
        .join(', ')}; janitor releases of a schema sync: ${janitorReleases}${
        overlaps.length > 0
          ? `; OVERLAPS: ${JSON.stringify(overlaps, null, 1)}`
          : ''
      }`,
    );

    const stoppedBySignal = aborted.every(
      r =>
        r.abortedAfterMs !== undefined &&
        r.status === 'failed' &&
        /^Aborted during the listing/.test(r.error ?? ''),
    );
    recordChaosFigure({
      scenario: SCENARIO,
      measure: 'overlapping task runs',
      value: overlaps.length,
      guarantee: '0',
      held: overlaps.length === 0,
    });
    recordChaosFigure({
      scenario: SCENARIO,
      measure: 'runs observed per replica',
      value: `${perReplica
        .map((n, i) => `replica ${i + 1}: ${n}`)
        .join(', ')} (dev's sync changed replica ${handovers} times)`,
      guarantee: 'both replicas ran the task',
      held: perReplica.every(n => n > 0),
    });
    recordChaosFigure({
      scenario: SCENARIO,
      measure: 'seconds from timeout to stop (max)',
      value: Number(maxStopSeconds.toFixed(3)),
      guarantee: `stops at its abort signal (${TIMEOUT_SECONDS} s), not at the registry's ${
        REGISTRY_TIMEOUT_MS / 1000
      } s`,
      held: stoppedBySignal && maxStopSeconds < REGISTRY_TIMEOUT_MS / 1000,
    });

    expect(overlaps).toEqual([]);
    expect(perReplica.every(n => n > 0)).toBe(true);
    expect(hungRequests.length).toBeGreaterThan(0);
    // Every run under the hang stopped because of its signal: it recorded
    // the abort, not the registry client's own timeout.
    for (const run of aborted) {
      expect(run).toMatchObject({
        abortedAfterMs: expect.any(Number),
        status: 'failed',
        error: expect.stringMatching(/^Aborted during the listing: /),
      });
    }
    expect(stoppedBySignal).toBe(true);
  });
});
