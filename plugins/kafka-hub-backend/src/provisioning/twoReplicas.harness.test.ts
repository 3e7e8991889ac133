/*
 * Proves the multi-replica harness (issue 12): two real processes of the demo
 * backend (packages/backend) on one PostgreSQL database, started, killed with
 * `kill -9` and restarted by scripts/services/replicas.sh, and the Schema
 * Registry fault proxy process switched to 500s while both sync through it.
 * Needs PostgreSQL (5433) and Apicurio (8081) from scripts/services/all.sh
 * and the Kafka broker of the demo's environments; ports 7101 and 7102 free.
 */
import {
  BackendReplica,
  BackendReplicas,
  startBackendReplicas,
} from '../testUtils/backendReplicas';
import {
  RegistryProxyProcess,
  startRegistryProxy,
} from '../testUtils/registryProxyProcess';

jest.setTimeout(900_000);

/** The demo's applications whose namespaces nobody disputes (examples/kafka-applications.yaml). */
const DEMO_APPLICATIONS = [
  'component:default/billing-worker',
  'component:default/checkout-service',
  'component:default/fraud-detector',
  'component:default/orders-service',
  'component:default/payments-service',
];

const steps: Array<{ step: string; seconds: number }> = [];

/** Runs one step of the scenario and records how long it took. */
async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await fn();
  } finally {
    const seconds = (Date.now() - started) / 1000;
    steps.push({ step: name, seconds });
    // eslint-disable-next-line no-console
    console.log(`[harness] ${name}: ${seconds.toFixed(1)} s`);
  }
}

/**
 * Polls `probe` until it returns a value (not undefined): what it waits for
 * is done by the replicas' own schedulers, on their time.
 */
async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 300_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs / 1000} s waiting until ${what}${
          last ? ` (last error: ${last})` : ''
        }`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}

async function applicationRefs(replica: BackendReplica): Promise<string[]> {
  const list = await replica.json<{ items: Array<{ entityRef: string }> }>(
    '/api/kafka-hub/applications?limit=100',
  );
  return list.items.map(a => a.entityRef).sort();
}

type TaskRun = {
  environment?: string;
  task: string;
  lastRunAt: string;
  lastSuccessAt?: string;
  error?: string;
};

async function devSchemaSync(
  replica: BackendReplica,
): Promise<TaskRun | undefined> {
  const runs = await replica.json<{ items: TaskRun[] }>(
    '/api/kafka-hub/admin/tasks',
  );
  return runs.items.find(
    r => r.task === 'schema-sync' && r.environment === 'dev',
  );
}

describe('two backend replicas on one PostgreSQL database', () => {
  let proxy: RegistryProxyProcess | undefined;
  let replicas: BackendReplicas | undefined;
  let one: BackendReplica;
  let two: BackendReplica;

  afterAll(async () => {
    try {
      await step('stop both replicas and drop the database', async () => {
        await replicas?.stop();
      });
    } finally {
      await proxy?.stop();
    }
    // eslint-disable-next-line no-console
    console.log(
      `[harness] seconds per step:\n${steps
        .map(s => `  ${s.seconds.toFixed(1).padStart(6)}  ${s.step}`)
        .join('\n')}\n  ${steps
        .reduce((sum, s) => sum + s.seconds, 0)
        .toFixed(1)
        .padStart(6)}  in all`,
    );
  });

  it('starts two replicas, both ready, on one database, the registry behind the fault proxy', async () => {
    proxy = await step('start the registry fault proxy', () =>
      startRegistryProxy(),
    );
    const registryUrl = proxy.url;
    replicas = await step('start two replicas until both are ready', () =>
      startBackendReplicas({
        count: 2,
        config: {
          kafkaHub: {
            environments: { dev: { schemaRegistry: { url: registryUrl } } },
            // Quick schema syncs, and no retries: a fault shows in one run.
            schemas: {
              schedule: { frequency: { seconds: 2 }, timeout: { minutes: 2 } },
              retries: 0,
            },
            provisioning: { leaseTimeout: { seconds: 30 } },
            // Not what this test looks at: keep two cores for the rest.
            consumerGroups: {
              syncSchedule: {
                frequency: { minutes: 30 },
                timeout: { minutes: 2 },
              },
              lagSchedule: {
                frequency: { minutes: 30 },
                timeout: { minutes: 1 },
              },
            },
          },
        },
      }),
    );
    [one, two] = replicas.replicas;
    expect(replicas.databaseUrl).toMatch(/\/kafka_hub_replicas_\w+$/);
    for (const replica of [one, two]) {
      const ready = await fetch(
        `${replica.baseUrl}/.backstage/health/v1/readiness`,
      );
      expect(ready.status).toBe(200);
    }
    expect(one.baseUrl).not.toBe(two.baseUrl);
    const [pidOne, pidTwo] = [await one.pid(), await two.pid()];
    expect(pidOne).toEqual(expect.any(Number));
    expect(pidTwo).toEqual(expect.any(Number));
    expect(pidOne).not.toBe(pidTwo);
  });

  it('serves the same applications from both replicas', async () => {
    const fromOne = await step(
      'wait until replica 1 lists the demo applications',
      () =>
        eventually('replica 1 lists every demo application', async () => {
          const refs = await applicationRefs(one);
          return DEMO_APPLICATIONS.every(ref => refs.includes(ref))
            ? refs
            : undefined;
        }),
    );
    // Whichever replica ran the reconcile, both read the same rows.
    expect(await applicationRefs(two)).toEqual(fromOne);
  });

  it('keeps serving from replica 2 while replica 1 is killed, and replica 1 comes back', async () => {
    const before = await one.pid();
    const expected = await applicationRefs(two);

    await step('kill -9 replica 1', () => one.kill());
    expect(await one.pid()).toBeUndefined();
    await expect(
      fetch(`${one.baseUrl}/.backstage/health/v1/readiness`),
    ).rejects.toThrow();

    await step('replica 2 answers with replica 1 dead', async () => {
      expect(await applicationRefs(two)).toEqual(expected);
    });

    await step('restart replica 1 until ready', () => one.restart());
    const after = await one.pid();
    expect(after).toEqual(expect.any(Number));
    expect(after).not.toBe(before);
    await step('restarted replica 1 answers', async () => {
      expect(await applicationRefs(one)).toEqual(expected);
    });
  });

  it('records a failed schema sync while the registry answers 500, and converges once it passes again', async () => {
    const registry = proxy!;
    // A sync replica 1 held when it was killed keeps its task locked until
    // the schedule's timeout (2 minutes) lets the scheduler run it again.
    await step('wait for a schema sync through the proxy', () =>
      eventually('a dev schema sync succeeds through the proxy', async () => {
        const run = await devSchemaSync(one);
        const seen = await registry.requests();
        return run?.lastSuccessAt && !run.error && seen.total > 0
          ? run
          : undefined;
      }),
    );

    await registry.fault({ fault: 'status', status: 500 });
    const faultedAt = Date.now();
    const failed = await step('wait for a schema sync that saw the 500', () =>
      eventually(
        'a dev schema sync started after the fault fails',
        async () => {
          const run = await devSchemaSync(two);
          return run && Date.parse(run.lastRunAt) > faultedAt && run.error
            ? run
            : undefined;
        },
      ),
    );
    expect(failed.error).toMatch(/HTTP 500 from \//);
    // The failure keeps the time of the latest success, from before the fault.
    expect(Date.parse(failed.lastSuccessAt!)).toBeLessThan(faultedAt);
    // Replica 1 reads the same record (or a later run that failed alike).
    const seenByOne = await devSchemaSync(one);
    expect(Date.parse(seenByOne!.lastRunAt)).toBeGreaterThanOrEqual(
      Date.parse(failed.lastRunAt),
    );
    expect(seenByOne!.error).toMatch(/HTTP 500 from \//);

    await registry.reset();
    const passedAt = Date.now();
    await step('wait for a good schema sync after the reset', () =>
      eventually(
        'a dev schema sync started after the reset succeeds',
        async () => {
          const run = await devSchemaSync(one);
          return run &&
            Date.parse(run.lastRunAt) > passedAt &&
            !run.error &&
            Date.parse(run.lastSuccessAt!) > passedAt
            ? run
            : undefined;
        },
      ),
    );
  });
});
