import { randomUUID } from 'crypto';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { migrationsDir } from '../migrations';
import { testDatabaseIds } from '../../testUtils/testServices';
import { interruptedError, ProvisioningStore } from './ProvisioningStore';
import { DesiredState, EnvironmentDetails } from './types';

jest.setTimeout(60_000);

const t = (s: number) => new Date(Date.UTC(2026, 10, 21, 12, 0, s));
const LEASE_MS = 60_000;

const desired = (topics: string[] = ['orders']): DesiredState => ({
  environments: ['dev', 'prod'],
  topics: topics.map(name => ({ name })),
});

describe('ProvisioningStore', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  async function setup(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    return { knex, store: new ProvisioningStore(knex) };
  }

  /** Adds an application, pending and due at `now`. */
  async function addApp(
    store: ProvisioningStore,
    entityRef: string,
    options: { owner?: string; hash?: string; now?: Date } = {},
  ) {
    return store.upsertDesired({
      entityRef,
      application: entityRef.split('/')[1],
      ownerRef: options.owner ?? 'group:default/team-a',
      desiredState: desired(),
      desiredStateHash: options.hash ?? 'h1',
      now: options.now ?? t(0),
    });
  }

  const claim = (
    store: ProvisioningStore,
    entityRef: string,
    runId: string,
    now = t(10),
  ) =>
    store.claimRun({
      entityRef,
      runId,
      trigger: 'retry',
      requestedBy: 'user:default/alice',
      environments: ['dev', 'prod'],
      now,
      leaseMs: LEASE_MS,
    });

  const countRuns = async (knex: Knex, entityRef?: string) => {
    const q = knex('kafka_hub_provisioning_runs');
    if (entityRef) q.where({ entity_ref: entityRef });
    const [{ n }] = await q.count({ n: '*' });
    return Number(n);
  };

  const detail = (at: Date): EnvironmentDetails => ({
    dev: { status: 'success', finishedAt: at.toISOString() },
    prod: {
      status: 'failed',
      error: 'Connection error: connect ECONNREFUSED 127.0.0.1:1',
      finishedAt: at.toISOString(),
    },
  });

  const badTopics = [
    {
      annotation: 'kafka-hub.io/topics' as const,
      value: 'scores:0,alerts',
      message: '"scores:0" has an invalid partition count',
    },
  ];

  it.each(databases.eachSupportedId())(
    'migrates the provisioning tables up and down on %p',
    async databaseId => {
      const { knex } = await setup(databaseId);
      expect(
        Object.keys(await knex('kafka_hub_applications').columnInfo()).sort(),
      ).toEqual([
        'annotation_errors',
        'application',
        'attempt_count',
        'created_at',
        'current_run_id',
        'desired_state',
        'desired_state_hash',
        'entity_ref',
        'environments',
        'error',
        'last_attempt_at',
        'lease_expires_at',
        'next_attempt_at',
        'owner_ref',
        'removed_at',
        'removed_note',
        'status',
        'updated_at',
      ]);
      expect(
        Object.keys(
          await knex('kafka_hub_provisioning_runs').columnInfo(),
        ).sort(),
      ).toEqual([
        'desired_state_hash',
        'detail',
        'entity_ref',
        'environments',
        'error',
        'finished_at',
        'requested_by',
        'result',
        'run_id',
        'started_at',
        'trigger',
      ]);

      // Down one migration at a time until this one is undone: the
      // earlier table stays.
      while (await knex.schema.hasTable('kafka_hub_applications')) {
        await knex.migrate.down({ directory: migrationsDir });
      }
      expect(await knex.schema.hasTable('kafka_hub_applications')).toBe(false);
      expect(await knex.schema.hasTable('kafka_hub_provisioning_runs')).toBe(
        false,
      );
      expect(await knex.schema.hasTable('kafka_hub_cluster_health')).toBe(true);

      await knex.migrate.latest({ directory: migrationsDir });
      expect(await knex.schema.hasTable('kafka_hub_applications')).toBe(true);
      expect(await knex.schema.hasTable('kafka_hub_provisioning_runs')).toBe(
        true,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'records new and changed desired states on %p',
    async databaseId => {
      const { store } = await setup(databaseId);
      const ref = 'component:default/orders';

      expect(await addApp(store, ref)).toEqual({
        outcome: 'created',
        deferred: false,
      });
      expect(await store.get(ref)).toEqual({
        entityRef: ref,
        application: 'orders',
        ownerRef: 'group:default/team-a',
        status: 'pending',
        environments: {},
        desiredState: desired(),
        desiredStateHash: 'h1',
        attemptCount: 0,
        nextAttemptAt: t(0).toISOString(),
        createdAt: t(0).toISOString(),
        updatedAt: t(0).toISOString(),
      });

      // Same hash: nothing to do, though a new owner is kept.
      expect(
        await addApp(store, ref, { owner: 'group:default/team-b', now: t(5) }),
      ).toEqual({ outcome: 'unchanged', deferred: false });
      expect(await store.get(ref)).toMatchObject({
        status: 'pending',
        ownerRef: 'group:default/team-b',
        nextAttemptAt: t(0).toISOString(),
      });

      // A failed application whose desired state changes is due again,
      // with a fresh attempt count.
      expect((await claim(store, ref, 'run-1', t(10))).claimed).toBe(true);
      await store.finishRun({
        entityRef: ref,
        runId: 'run-1',
        status: 'failed',
        error: 'prod failed',
        environments: detail(t(11)),
        now: t(11),
        nextAttemptAt: t(3600),
      });
      expect(await store.get(ref)).toMatchObject({
        status: 'failed',
        attemptCount: 1,
        nextAttemptAt: t(3600).toISOString(),
      });
      expect(
        await store.upsertDesired({
          entityRef: ref,
          application: 'orders',
          ownerRef: 'group:default/team-b',
          desiredState: desired(['orders', 'refunds']),
          desiredStateHash: 'h2',
          now: t(20),
        }),
      ).toEqual({ outcome: 'changed', deferred: false });
      expect(await store.get(ref)).toMatchObject({
        status: 'pending',
        attemptCount: 0,
        nextAttemptAt: t(20).toISOString(),
        desiredStateHash: 'h2',
        desiredState: desired(['orders', 'refunds']),
        // The last run's detail stays visible until the next run.
        environments: detail(t(11)),
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps a run in progress when the desired state changes, and provisions again after it on %p',
    async databaseId => {
      const { store } = await setup(databaseId);
      const ref = 'component:default/orders';
      await addApp(store, ref);
      expect(await claim(store, ref, 'run-1', t(10))).toMatchObject({
        claimed: true,
        runId: 'run-1',
      });

      expect(
        await store.upsertDesired({
          entityRef: ref,
          application: 'orders',
          ownerRef: 'group:default/team-a',
          desiredState: desired(['orders', 'refunds']),
          desiredStateHash: 'h2',
          now: t(12),
        }),
      ).toEqual({ outcome: 'changed', deferred: true });
      expect(await store.get(ref)).toMatchObject({
        status: 'in_progress',
        currentRunId: 'run-1',
        attemptCount: 1,
        desiredStateHash: 'h2',
        desiredState: desired(['orders', 'refunds']),
      });

      // The run provisioned h1; finishing it leaves the application due now.
      expect(
        await store.finishRun({
          entityRef: ref,
          runId: 'run-1',
          status: 'completed',
          environments: {
            dev: { status: 'success', finishedAt: t(15).toISOString() },
            prod: { status: 'success', finishedAt: t(15).toISOString() },
          },
          now: t(15),
        }),
      ).toEqual({ applied: true, desiredStateChanged: true });
      const app = await store.get(ref);
      expect(app).toMatchObject({
        status: 'pending',
        attemptCount: 0,
        nextAttemptAt: t(15).toISOString(),
      });
      expect(app?.currentRunId).toBeUndefined();
      expect(await store.getRun('run-1')).toMatchObject({
        result: 'completed',
        desiredStateHash: 'h1',
        finishedAt: t(15).toISOString(),
      });

      // The next scheduled claim says why it runs.
      const due = await store.claimDue({
        now: t(16),
        limit: 10,
        leaseMs: LEASE_MS,
        runIdFactory: () => 'run-2',
      });
      expect(due.map(d => [d.runId, d.trigger])).toEqual([
        ['run-2', 'desired-state-changed'],
      ]);
      expect(await store.getRun('run-2')).toMatchObject({
        desiredStateHash: 'h2',
        requestedBy: 'kafka-hub:provisioning-task',
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'claims a run only when none is in progress on %p',
    async databaseId => {
      const { knex, store } = await setup(databaseId);
      const ref = 'component:default/orders';
      await addApp(store, ref);

      expect(await claim(store, 'component:default/nope', 'run-x')).toEqual({
        claimed: false,
        reason: 'not-found',
      });
      expect(await claim(store, ref, 'run-1', t(10))).toMatchObject({
        claimed: true,
        runId: 'run-1',
      });
      expect(await claim(store, ref, 'run-2', t(11))).toEqual({
        claimed: false,
        reason: 'in-progress',
        currentRunId: 'run-1',
      });
      expect(await store.get(ref)).toMatchObject({
        status: 'in_progress',
        currentRunId: 'run-1',
        attemptCount: 1,
        lastAttemptAt: t(10).toISOString(),
        leaseExpiresAt: new Date(t(10).getTime() + LEASE_MS).toISOString(),
      });
      expect(await store.listRuns(ref)).toEqual([
        {
          runId: 'run-1',
          entityRef: ref,
          trigger: 'retry',
          requestedBy: 'user:default/alice',
          environments: ['dev', 'prod'],
          desiredStateHash: 'h1',
          startedAt: t(10).toISOString(),
        },
      ]);

      expect(
        await store.finishRun({
          entityRef: ref,
          runId: 'run-1',
          status: 'partial',
          error: 'prod: connection refused',
          environments: detail(t(20)),
          now: t(20),
          nextAttemptAt: t(80),
        }),
      ).toEqual({ applied: true, desiredStateChanged: false });
      expect(await store.get(ref)).toMatchObject({
        status: 'partial',
        error: 'prod: connection refused',
        environments: detail(t(20)),
        nextAttemptAt: t(80).toISOString(),
      });

      // Finished: the next claim succeeds and counts another attempt.
      expect(await claim(store, ref, 'run-2', t(30))).toMatchObject({
        claimed: true,
        runId: 'run-2',
      });
      expect((await store.get(ref))?.attemptCount).toBe(2);

      // After its lease expired, an in-progress run can be taken over; the
      // dead run is recorded as interrupted.
      const afterLease = new Date(t(30).getTime() + LEASE_MS + 1);
      expect(await claim(store, ref, 'run-3', afterLease)).toMatchObject({
        claimed: true,
        runId: 'run-3',
      });
      expect(
        (await store.listRuns(ref)).map(r => [r.runId, r.result, r.error]),
      ).toEqual([
        ['run-3', undefined, undefined],
        ['run-2', 'interrupted', interruptedError('run-2')],
        ['run-1', 'partial', 'prod: connection refused'],
      ]);
      expect(await countRuns(knex, ref)).toBe(3);

      // A completed run clears the next automatic attempt.
      await store.finishRun({
        entityRef: ref,
        runId: 'run-3',
        status: 'completed',
        environments: {},
        now: afterLease,
        nextAttemptAt: t(9999),
      });
      const app = await store.get(ref);
      expect(app?.status).toBe('completed');
      expect(app?.nextAttemptAt).toBeUndefined();
      expect(app?.error).toBeUndefined();
      expect(await store.listRuns(ref, 1)).toHaveLength(1);
    },
  );

  it.each(databases.eachSupportedId())(
    'starts exactly one run for 20 parallel claims on one pool on %p',
    async databaseId => {
      const { knex, store } = await setup(databaseId);
      const ref = 'component:default/orders';
      await addApp(store, ref);

      const started: number[] = [];
      for (let round = 0; round < 5; round++) {
        const before = await countRuns(knex, ref);
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            claim(store, ref, `run-${round}-${i}`, t(100 + round)),
          ),
        );
        const winners = results.filter(r => r.claimed);
        expect(winners).toHaveLength(1);
        expect(results.filter(r => !r.claimed)).toEqual(
          Array(19).fill({
            claimed: false,
            reason: 'in-progress',
            currentRunId: (winners[0] as { runId: string }).runId,
          }),
        );
        started.push((await countRuns(knex, ref)) - before);
        await store.finishRun({
          entityRef: ref,
          runId: (winners[0] as { runId: string }).runId,
          status: 'failed',
          environments: {},
          now: t(100 + round),
        });
      }
      expect(started).toEqual([1, 1, 1, 1, 1]);
      expect((await store.get(ref))?.attemptCount).toBe(5);
    },
  );

  const postgresIds = databases
    .eachSupportedId()
    .filter(([id]) => id === 'POSTGRES_15');

  it('has PostgreSQL for the two-replica test when the test command provides it', () => {
    const required = process.env.KAFKA_HUB_REQUIRE_POSTGRES === 'true';
    expect(postgresIds.length > 0 || !required).toBe(true);
  });

  // A second Knex instance on the same database stands for a second backend
  // replica. SQLite's in-memory test database cannot be shared this way.
  if (postgresIds.length > 0) {
    it.each(postgresIds)(
      'starts exactly one run for 20 claims from two Knex instances on %p',
      async databaseId => {
        const { knex, store } = await setup(databaseId);
        const replica = knexFactory({
          client: knex.client.config.client,
          connection: knex.client.config.connection,
          pool: { min: 0, max: 10 },
        });
        try {
          const replicaStore = new ProvisioningStore(replica);
          const ref = 'component:default/orders';
          await addApp(store, ref);

          const started: number[] = [];
          for (let round = 0; round < 5; round++) {
            const before = await countRuns(knex, ref);
            const results = await Promise.all(
              Array.from({ length: 20 }, (_, i) =>
                claim(
                  i % 2 === 0 ? store : replicaStore,
                  ref,
                  `run-${round}-${i}`,
                  t(100 + round),
                ),
              ),
            );
            const winners = results.flatMap(r => (r.claimed ? [r.runId] : []));
            expect(winners).toHaveLength(1);
            started.push((await countRuns(knex, ref)) - before);
            // The other replica finishes it.
            expect(
              await replicaStore.finishRun({
                entityRef: ref,
                runId: winners[0],
                status: 'failed',
                environments: {},
                now: t(100 + round),
              }),
            ).toEqual({ applied: true, desiredStateChanged: false });
          }
          expect(started).toEqual([1, 1, 1, 1, 1]);

          // And the scheduled path: both replicas claim due applications at
          // once and never the same one.
          for (let i = 0; i < 50; i++) {
            await addApp(store, `component:default/app-${i}`);
          }
          const [a, b] = await Promise.all(
            [store, replicaStore].map(s =>
              s.claimDue({
                now: t(500),
                limit: 30,
                leaseMs: LEASE_MS,
                runIdFactory: randomUUID,
              }),
            ),
          );
          const refsA = a.map(c => c.application.entityRef);
          const refsB = b.map(c => c.application.entityRef);
          expect(refsA.filter(r => refsB.includes(r))).toEqual([]);
          // The 50 new ones (the failed one has no next attempt set).
          expect(refsA.length + refsB.length).toBe(50);

          // And retry-all: all 51 fail, then both replicas retry all at
          // once, twice each; every application gets exactly one new run.
          for (const c of [...a, ...b]) {
            await store.finishRun({
              entityRef: c.application.entityRef,
              runId: c.runId,
              status: 'failed',
              environments: {},
              now: t(501),
            });
          }
          const runsBefore = await countRuns(knex);
          const retries = await Promise.all(
            [store, replicaStore, store, replicaStore].map(s =>
              s.claimRetryable({
                now: t(502),
                leaseMs: LEASE_MS,
                trigger: 'retry-all',
                runIdFactory: randomUUID,
                environmentsOf: app => app.desiredState.environments,
              }),
            ),
          );
          const retried = retries.flatMap(r =>
            r.claimed.map(c => c.application.entityRef),
          );
          expect(retried).toHaveLength(51);
          expect(new Set(retried).size).toBe(51);
          expect((await countRuns(knex)) - runsBefore).toBe(51);
        } finally {
          await replica.destroy();
        }
      },
    );
  }

  it.each(databases.eachSupportedId())(
    'never gives the same due application to two concurrent claimDue calls on %p',
    async databaseId => {
      const { knex, store } = await setup(databaseId);
      for (let i = 0; i < 100; i++) {
        await addApp(
          store,
          `component:default/app-${String(i).padStart(3, '0')}`,
          {
            now: t(i % 10),
          },
        );
      }
      const claimBoth = () =>
        Promise.all(
          [1, 2].map(() =>
            store.claimDue({
              now: t(60),
              limit: 60,
              leaseMs: LEASE_MS,
              runIdFactory: randomUUID,
            }),
          ),
        );
      const [a, b] = await claimBoth();
      const refsA = a.map(c => c.application.entityRef);
      const refsB = b.map(c => c.application.entityRef);

      expect(refsA.length).toBeLessThanOrEqual(60);
      expect(refsB.length).toBeLessThanOrEqual(60);
      expect(refsA.filter(r => refsB.includes(r))).toEqual([]);
      const union = new Set([...refsA, ...refsB]);
      expect(union.size).toBeLessThanOrEqual(100);
      // Nothing due is left behind either: together they took all 100.
      expect(union.size).toBe(100);
      expect(await countRuns(knex)).toBe(100);
      expect(
        await store.list({ statuses: ['in_progress'] }).then(l => l.length),
      ).toBe(100);

      // All claimed: a further call finds nothing.
      expect(await claimBoth()).toEqual([[], []]);
    },
  );

  it.each(databases.eachSupportedId())(
    'claims only due applications, with their desired state and last detail, on %p',
    async databaseId => {
      const { store } = await setup(databaseId);
      const ids = ['a', 'b', 'c', 'd', 'e'].map(n => `component:default/${n}`);
      for (const ref of ids) {
        await addApp(store, ref);
      }
      // a: failed, due at 100. b: partial, due at 200. c: completed.
      // d: in progress. e: pending since 0.
      const finish = async (
        ref: string,
        status: 'failed' | 'partial' | 'completed',
        next?: number,
      ) => {
        await claim(store, ref, `first-${ref}`, t(1));
        await store.finishRun({
          entityRef: ref,
          runId: `first-${ref}`,
          status,
          error: status === 'completed' ? undefined : `${status} error`,
          environments: detail(t(2)),
          now: t(2),
          nextAttemptAt: next === undefined ? undefined : t(next),
        });
      };
      await finish(ids[0], 'failed', 100);
      await finish(ids[1], 'partial', 200);
      await finish(ids[2], 'completed');
      await claim(store, ids[3], 'live', t(3));

      let n = 0;
      const claimAt = (s: number, limit = 10) =>
        store.claimDue({
          now: t(s),
          limit,
          leaseMs: LEASE_MS,
          runIdFactory: () => `due-${++n}`,
          requestedBy: 'test',
        });

      const first = await claimAt(150);
      expect(
        first.map(c => [c.application.entityRef, c.runId, c.trigger]),
      ).toEqual([
        [ids[4], 'due-1', 'schedule'],
        [ids[0], 'due-2', 'schedule'],
      ]);
      // As claimed, with what the engine needs: the desired state and the
      // previous run's error and per-environment detail.
      expect(first[1].application).toMatchObject({
        status: 'in_progress',
        currentRunId: 'due-2',
        error: 'failed error',
        environments: detail(t(2)),
        desiredState: desired(),
        attemptCount: 2,
      });
      expect(await store.get(ids[0])).toMatchObject({
        status: 'in_progress',
        currentRunId: 'due-2',
        attemptCount: 2,
      });
      expect(await store.getRun('due-2')).toMatchObject({
        trigger: 'schedule',
        requestedBy: 'test',
        environments: ['dev', 'prod'],
      });

      expect((await claimAt(300, 1)).map(c => c.application.entityRef)).toEqual(
        [ids[1]],
      );
      expect(await claimAt(10_000)).toEqual([]);
    },
  );

  it.each(databases.eachSupportedId())(
    'ignores the finish of a run that no longer holds the claim on %p',
    async databaseId => {
      const { store } = await setup(databaseId);
      const ref = 'component:default/orders';
      await addApp(store, ref);
      await claim(store, ref, 'old', t(10));
      const late = new Date(t(10).getTime() + LEASE_MS + 1000);
      expect(await store.recoverExpired({ now: late })).toEqual([ref]);
      await claim(store, ref, 'new', late);

      expect(
        await store.finishRun({
          entityRef: ref,
          runId: 'old',
          status: 'completed',
          environments: {},
          now: late,
        }),
      ).toEqual({ applied: false, desiredStateChanged: false });
      expect(await store.get(ref)).toMatchObject({
        status: 'in_progress',
        currentRunId: 'new',
      });
      expect(await store.getRun('old')).toMatchObject({
        result: 'interrupted',
        error: interruptedError('old'),
      });

      // Unknown run ids and applications are ignored too.
      expect(
        (
          await store.finishRun({
            entityRef: 'component:default/nope',
            runId: 'new',
            status: 'completed',
            environments: {},
            now: late,
          })
        ).applied,
      ).toBe(false);

      expect(
        await store.finishRun({
          entityRef: ref,
          runId: 'new',
          status: 'failed',
          error: 'boom',
          environments: detail(late),
          now: late,
          nextAttemptAt: t(999),
        }),
      ).toEqual({ applied: true, desiredStateChanged: false });
      expect(await store.getRun('new')).toMatchObject({
        result: 'failed',
        error: 'boom',
        detail: detail(late),
        finishedAt: late.toISOString(),
      });
      // Finishing twice does not apply twice.
      expect(
        (
          await store.finishRun({
            entityRef: ref,
            runId: 'new',
            status: 'completed',
            environments: {},
            now: late,
          })
        ).applied,
      ).toBe(false);
      expect((await store.get(ref))?.status).toBe('failed');
    },
  );

  it.each(databases.eachSupportedId())(
    'recovers runs whose lease expired and leaves live ones alone on %p',
    async databaseId => {
      const { store } = await setup(databaseId);
      const dead = 'component:default/dead';
      const live = 'component:default/live';
      await addApp(store, dead);
      await addApp(store, live);
      await claim(store, dead, 'run-dead', t(0));
      await claim(store, live, 'run-live', t(50));

      // Lease of run-dead ends at t(60), run-live's at t(110).
      expect(await store.recoverExpired({ now: t(60) })).toEqual([]);
      expect(
        await store.recoverExpired({ now: t(61), nextAttemptAt: t(120) }),
      ).toEqual([dead]);

      const recovered = await store.get(dead);
      expect(recovered).toMatchObject({
        status: 'failed',
        error:
          'Provisioning run run-dead was interrupted (its process stopped before finishing)',
        nextAttemptAt: t(120).toISOString(),
        attemptCount: 1,
      });
      expect(recovered?.currentRunId).toBeUndefined();
      expect(recovered?.leaseExpiresAt).toBeUndefined();
      expect(await store.getRun('run-dead')).toMatchObject({
        result: 'interrupted',
        finishedAt: t(61).toISOString(),
      });

      expect(await store.get(live)).toMatchObject({
        status: 'in_progress',
        currentRunId: 'run-live',
      });
      expect((await store.getRun('run-live'))?.result).toBeUndefined();

      // Recovered applications are due again for the scheduled retry.
      const due = await store.claimDue({
        now: t(120),
        limit: 10,
        leaseMs: LEASE_MS,
        runIdFactory: () => 'retry-dead',
      });
      expect(due.map(d => d.application.entityRef)).toEqual([dead]);
    },
  );

  it.each(databases.eachSupportedId())(
    'marks applications gone from the catalog removed, keeping them and their runs, and restores one that comes back, on %p',
    async databaseId => {
      const { knex, store } = await setup(databaseId);
      const refs = ['a', 'b', 'c'].map(n => `component:default/${n}`);
      for (const ref of refs) {
        await addApp(store, ref);
        await claim(store, ref, `run-${ref}`, t(1));
        await store.finishRun({
          entityRef: ref,
          runId: `run-${ref}`,
          status: 'partial',
          environments: detail(t(2)),
          now: t(2),
          nextAttemptAt: t(60),
        });
      }

      expect(await store.findMissing([refs[1], 'component:default/x'])).toEqual(
        { missing: [refs[0], refs[2]], total: 3 },
      );
      expect(await store.markRemoved([refs[0], refs[2]], t(30))).toBe(2);
      // Marking again marks nothing; a removed application is not counted.
      expect(await store.markRemoved([refs[0]], t(31))).toBe(0);
      expect(await store.findMissing([refs[1]])).toEqual({
        missing: [],
        total: 1,
      });

      // Kept with its runs and a note of what was provisioned.
      expect(await countRuns(knex)).toBe(3);
      expect(await store.get(refs[0])).toMatchObject({
        status: 'partial',
        removedAt: t(30).toISOString(),
        removedNote: {
          application: 'a',
          environments: ['dev'],
          topics: [{ name: 'orders' }],
        },
      });
      // Not listed unless asked for.
      expect((await store.list()).map(a => a.entityRef)).toEqual([refs[1]]);
      expect(
        (await store.list({ includeRemoved: true })).map(a => a.entityRef),
      ).toEqual(refs);
      expect(
        (await store.list({ statuses: ['partial'] })).map(a => a.entityRef),
      ).toEqual([refs[1]]);

      // Never claimed: not by a click, the schedule or retry-all.
      expect(await claim(store, refs[0], 'run-x', t(100))).toEqual({
        claimed: false,
        reason: 'removed',
        removedAt: t(30).toISOString(),
      });
      expect(
        (
          await store.claimDue({
            now: t(100),
            limit: 10,
            leaseMs: LEASE_MS,
            runIdFactory: randomUUID,
          })
        ).map(c => c.application.entityRef),
      ).toEqual([refs[1]]);
      await store.finishRun({
        entityRef: refs[1],
        runId: (await store.get(refs[1]))!.currentRunId!,
        status: 'failed',
        environments: {},
        now: t(101),
      });
      const retried = await store.claimRetryable({
        now: t(102),
        leaseMs: LEASE_MS,
        trigger: 'retry-all',
        runIdFactory: randomUUID,
        environmentsOf: app => app.desiredState.environments,
      });
      expect(retried.claimed.map(c => c.application.entityRef)).toEqual([
        refs[1],
      ]);
      expect(await countRuns(knex, refs[0])).toBe(1);
      expect(await countRuns(knex, refs[2])).toBe(1);

      // The entity is back with the same annotations: restored as it was
      // before, due at its old next attempt.
      expect(await addApp(store, refs[0], { now: t(200) })).toEqual({
        outcome: 'restored',
        deferred: false,
      });
      const restored = (await store.get(refs[0]))!;
      expect(restored).toMatchObject({
        status: 'partial',
        nextAttemptAt: t(60).toISOString(),
      });
      expect(restored.removedAt).toBeUndefined();
      expect(restored.removedNote).toBeUndefined();
      expect(await claim(store, refs[0], 'run-back', t(201))).toMatchObject({
        claimed: true,
      });
      // Back with other annotations: restored and due now.
      expect(
        await store.upsertDesired({
          entityRef: refs[2],
          application: 'c',
          desiredState: desired(['orders', 'refunds']),
          desiredStateHash: 'h2',
          now: t(210),
        }),
      ).toEqual({ outcome: 'restored', deferred: false });
      expect(await store.get(refs[2])).toMatchObject({
        status: 'pending',
        nextAttemptAt: t(210).toISOString(),
        attemptCount: 0,
      });
      expect(await store.findMissing(refs)).toEqual({ missing: [], total: 3 });
    },
  );

  it.each(databases.eachSupportedId())(
    'restores a removed application whose annotations are malformed without making it claimable, %p',
    async databaseId => {
      const { store } = await setup(databaseId);
      const entityRef = 'component:default/fraud';
      const invalid = (now: Date) =>
        store.recordInvalid({
          entityRef,
          application: 'fraud',
          errors: badTopics,
          now,
        });
      await invalid(t(0));
      expect(await store.markRemoved([entityRef], t(10))).toBe(1);
      expect(await invalid(t(20))).toEqual({
        outcome: 'restored',
        deferred: false,
      });
      const app = (await store.get(entityRef))!;
      expect(app.removedAt).toBeUndefined();
      expect(app).toMatchObject({
        status: 'failed',
        annotationErrors: badTopics,
      });
      expect((await claim(store, entityRef, 'run-1')).claimed).toBe(false);
    },
  );

  it.each(databases.eachSupportedId())(
    'claims every failed or partial application for retry-all in one call, each with its own run, on %p',
    async databaseId => {
      const { knex, store } = await setup(databaseId);
      const ref = (n: string) => `component:default/${n}`;
      // failed, partial, completed, in progress, pending, invalid, removed.
      for (const n of ['f', 'p', 'c', 'i', 'n', 'r']) {
        await addApp(store, ref(n));
      }
      await store.recordInvalid({
        entityRef: ref('bad'),
        application: 'bad',
        errors: badTopics,
        now: t(0),
      });
      const finish = async (
        n: string,
        status: 'failed' | 'partial' | 'completed',
      ) => {
        await claim(store, ref(n), `first-${n}`, t(1));
        await store.finishRun({
          entityRef: ref(n),
          runId: `first-${n}`,
          status,
          ...(status === 'completed' ? {} : { error: 'prod: unreachable' }),
          environments: detail(t(2)),
          now: t(2),
        });
      };
      await finish('f', 'failed');
      await finish('p', 'partial');
      await finish('c', 'completed');
      await finish('r', 'failed');
      await store.markRemoved([ref('r')], t(3));
      await claim(store, ref('i'), 'live', t(3));

      let n = 0;
      const result = await store.claimRetryable({
        now: t(10),
        leaseMs: LEASE_MS,
        trigger: 'retry-all',
        requestedBy: 'user:default/admin',
        runIdFactory: () => `retry-${++n}`,
        environmentsOf: app =>
          Object.keys(app.environments).filter(
            name => app.environments[name].status !== 'success',
          ),
      });
      expect(result.found).toBe(2);
      // 'live' is in progress, but it was pending, not failing.
      expect(result.alreadyInProgress).toBe(0);
      expect(
        result.claimed.map(c => [c.application.entityRef, c.runId, c.trigger]),
      ).toEqual([
        [ref('f'), 'retry-1', 'retry-all'],
        [ref('p'), 'retry-2', 'retry-all'],
      ]);
      // As claimed: in progress under its own run, with the previous detail.
      expect(result.claimed[1].application).toMatchObject({
        status: 'in_progress',
        currentRunId: 'retry-2',
        attemptCount: 2,
        environments: detail(t(2)),
        leaseExpiresAt: new Date(t(10).getTime() + LEASE_MS).toISOString(),
      });
      expect(await store.get(ref('p'))).toMatchObject({
        status: 'in_progress',
        currentRunId: 'retry-2',
      });
      expect(await store.getRun('retry-2')).toMatchObject({
        entityRef: ref('p'),
        trigger: 'retry-all',
        requestedBy: 'user:default/admin',
        // The previous run's detail picked the targets.
        environments: ['prod'],
        desiredStateHash: 'h1',
        startedAt: t(10).toISOString(),
      });
      expect((await store.getRun('retry-2'))!.finishedAt).toBeUndefined();
      // The run finishes like any other.
      expect(
        await store.finishRun({
          entityRef: ref('p'),
          runId: 'retry-2',
          status: 'completed',
          environments: {},
          now: t(11),
        }),
      ).toEqual({ applied: true, desiredStateChanged: false });
      expect(await countRuns(knex)).toBe(7);

      // Nothing left to claim: a second call starts nothing, and counts
      // the failing application the first one is still running.
      expect(
        await store.claimRetryable({
          now: t(12),
          leaseMs: LEASE_MS,
          trigger: 'retry-all',
          runIdFactory: randomUUID,
          environmentsOf: app => app.desiredState.environments,
        }),
      ).toEqual({ found: 0, alreadyInProgress: 1, claimed: [] });
      expect(await countRuns(knex)).toBe(7);
    },
  );

  it.each(databases.eachSupportedId())(
    'gives each of 700 retry-all claims its own run in a few statements, not one per application, on %p',
    async databaseId => {
      const { knex, store } = await setup(databaseId);
      const refs = Array.from(
        { length: 700 },
        (_, i) => `component:default/app-${String(i).padStart(3, '0')}`,
      );
      for (const ref of refs) await addApp(store, ref);
      await knex('kafka_hub_applications').update({ status: 'failed' });

      const updates: string[] = [];
      const onQuery = (q: { sql: string }) => {
        if (/^\s*update\b/i.test(q.sql)) updates.push(q.sql);
      };
      knex.on('query', onQuery);
      let n = 0;
      const result = await store
        .claimRetryable({
          now: t(10),
          leaseMs: LEASE_MS,
          trigger: 'retry-all',
          runIdFactory: () => `retry-${++n}`,
          environmentsOf: app => app.desiredState.environments,
        })
        .finally(() => knex.off('query', onQuery));

      expect(result.found).toBe(700);
      const runOf = new Map(
        result.claimed.map(c => [c.application.entityRef, c.runId]),
      );
      expect([...runOf.keys()].sort()).toEqual(refs);
      expect(new Set(runOf.values()).size).toBe(700);
      // The batch UPDATE, then one per 250 run ids.
      expect(updates).toHaveLength(1 + 3);
      const rows: Array<{ entity_ref: string; current_run_id: string }> =
        await knex('kafka_hub_applications').select(
          'entity_ref',
          'current_run_id',
        );
      expect(new Map(rows.map(r => [r.entity_ref, r.current_run_id]))).toEqual(
        runOf,
      );
      const runs: Array<{ run_id: string; entity_ref: string }> = await knex(
        'kafka_hub_provisioning_runs',
      ).select('run_id', 'entity_ref');
      expect(new Map(runs.map(r => [r.entity_ref, r.run_id]))).toEqual(runOf);
    },
  );

  it.each(databases.eachSupportedId())(
    'lists applications by entity ref, owner and status on %p',
    async databaseId => {
      const { store } = await setup(databaseId);
      const ref = (n: string) => `component:default/${n}`;
      await addApp(store, ref('a'), { owner: 'group:default/team-a' });
      await addApp(store, ref('b'), { owner: 'group:default/team-b' });
      await addApp(store, ref('c'), { owner: 'group:default/team-a' });
      await store.upsertDesired({
        entityRef: ref('d'),
        application: 'd',
        desiredState: desired(),
        desiredStateHash: 'h1',
        now: t(0),
      });
      await claim(store, ref('c'), 'run-c');
      await store.finishRun({
        entityRef: ref('c'),
        runId: 'run-c',
        status: 'failed',
        environments: {},
        now: t(11),
      });
      const refsOf = async (filter: Parameters<ProvisioningStore['list']>[0]) =>
        (await store.list(filter)).map(a => a.entityRef);

      expect(await refsOf({})).toEqual(['a', 'b', 'c', 'd'].map(ref));
      expect(await refsOf({ owners: ['group:default/team-a'] })).toEqual([
        ref('a'),
        ref('c'),
      ]);
      expect(await refsOf({ statuses: ['failed', 'partial'] })).toEqual([
        ref('c'),
      ]);
      expect(
        await refsOf({
          owners: ['group:default/team-a'],
          statuses: ['pending'],
        }),
      ).toEqual([ref('a')]);
      expect(await refsOf({ entityRefs: [ref('d'), ref('b')] })).toEqual([
        ref('b'),
        ref('d'),
      ]);
      expect(await refsOf({ entityRefs: [] })).toEqual([]);
      expect(await refsOf({ owners: [] })).toEqual([]);

      // More refs than SQLite binds in one statement, across chunks.
      const many = Array.from({ length: 1500 }, (_, i) => ref(`x${i}`));
      many.splice(700, 0, ref('c'));
      many.push(ref('a'), ref('a'));
      expect(await refsOf({ entityRefs: many })).toEqual([ref('a'), ref('c')]);
      expect(await refsOf({ entityRefs: many, statuses: ['failed'] })).toEqual([
        ref('c'),
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps an application with malformed annotations failed and unclaimable until they are fixed, %p',
    async databaseId => {
      const { knex, store } = await setup(databaseId);
      const entityRef = 'component:default/fraud';
      expect(
        await store.recordInvalid({
          entityRef,
          application: 'fraud',
          ownerRef: 'group:default/team-a',
          errors: badTopics,
          now: t(0),
        }),
      ).toEqual({ outcome: 'created', deferred: false });
      let app = (await store.get(entityRef))!;
      expect(app).toMatchObject({
        status: 'failed',
        annotationErrors: badTopics,
        attemptCount: 0,
      });
      expect(app.nextAttemptAt).toBeUndefined();
      expect(app.error).toContain(
        'Annotation kafka-hub.io/topics: "scores:0,alerts" "scores:0" has an invalid',
      );

      // Neither a click nor the schedule runs it.
      expect(await claim(store, entityRef, 'run-1')).toEqual({
        claimed: false,
        reason: 'invalid-annotations',
        annotationErrors: badTopics,
      });
      expect(
        await store.claimDue({
          now: t(3600),
          limit: 10,
          leaseMs: LEASE_MS,
          runIdFactory: randomUUID,
        }),
      ).toEqual([]);
      expect(await countRuns(knex, entityRef)).toBe(0);

      // Recording the same errors again changes nothing.
      expect(
        (
          await store.recordInvalid({
            entityRef,
            application: 'fraud',
            ownerRef: 'group:default/team-a',
            errors: badTopics,
            now: t(5),
          })
        ).outcome,
      ).toBe('unchanged');

      // Fixed: pending, due now, no annotation errors.
      expect((await addApp(store, entityRef, { now: t(20) })).outcome).toBe(
        'changed',
      );
      app = (await store.get(entityRef))!;
      expect(app.status).toBe('pending');
      expect(app.annotationErrors).toBeUndefined();
      expect(app.nextAttemptAt).toBe(t(20).toISOString());
      expect((await claim(store, entityRef, 'run-2', t(21))).claimed).toBe(
        true,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'lets a run finish when its annotations broke meanwhile, then leaves it failed, %p',
    async databaseId => {
      const { store } = await setup(databaseId);
      const entityRef = 'component:default/fraud';
      await addApp(store, entityRef);
      expect((await claim(store, entityRef, 'run-1')).claimed).toBe(true);
      expect(
        await store.recordInvalid({
          entityRef,
          application: 'fraud',
          errors: badTopics,
          now: t(12),
        }),
      ).toEqual({ outcome: 'changed', deferred: true });
      expect((await store.get(entityRef))!.status).toBe('in_progress');

      expect(
        await store.finishRun({
          entityRef,
          runId: 'run-1',
          status: 'completed',
          environments: detail(t(13)),
          now: t(13),
        }),
      ).toEqual({ applied: true, desiredStateChanged: true });
      const app = (await store.get(entityRef))!;
      expect(app.status).toBe('failed');
      expect(app.error).toContain('Not provisioned until the annotations');
      expect(app.nextAttemptAt).toBeUndefined();
    },
  );

  it.each(databases.eachSupportedId())(
    'counts failing applications already mid-run (a single retry, the backoff schedule) as in progress in retry-all, on %p',
    async databaseId => {
      const { store } = await setup(databaseId);
      const ref = (n: string) => `component:default/${n}`;
      for (const n of ['by-retry', 'by-schedule', 'waiting', 'fresh']) {
        await addApp(store, ref(n));
      }
      for (const n of ['by-retry', 'by-schedule', 'waiting']) {
        await claim(store, ref(n), `first-${n}`, t(1));
        await store.finishRun({
          entityRef: ref(n),
          runId: `first-${n}`,
          status: 'failed',
          error: 'prod: unreachable',
          environments: detail(t(2)),
          nextAttemptAt: n === 'by-schedule' ? t(5) : t(50),
          now: t(2),
        });
      }
      // A click retries one; the backoff schedule claims another when due
      // (and, being new, the never-run 'fresh' too).
      expect(await claim(store, ref('by-retry'), 'single', t(6))).toMatchObject(
        { claimed: true },
      );
      const due = await store.claimDue({
        now: t(6),
        limit: 10,
        leaseMs: LEASE_MS,
        runIdFactory: randomUUID,
      });
      expect(due.map(c => c.application.entityRef).sort()).toEqual([
        ref('by-schedule'),
        ref('fresh'),
      ]);

      const result = await store.claimRetryable({
        now: t(7),
        leaseMs: LEASE_MS,
        trigger: 'retry-all',
        runIdFactory: randomUUID,
        environmentsOf: app => app.desiredState.environments,
      });
      expect(result.claimed.map(c => c.application.entityRef)).toEqual([
        ref('waiting'),
      ]);
      expect(result.found).toBe(1);
      expect(result.alreadyInProgress).toBe(2);
    },
  );

  it.each(databases.eachSupportedId())(
    'claims no further due application once its signal is aborted, on %p',
    async databaseId => {
      const { store } = await setup(databaseId);
      const refs = ['a', 'b', 'c'].map(n => `component:default/${n}`);
      for (const ref of refs) await addApp(store, ref);
      const controller = new AbortController();
      let made = 0;
      const claimed = await store.claimDue({
        now: t(1),
        limit: 10,
        leaseMs: LEASE_MS,
        signal: controller.signal,
        runIdFactory: () => {
          // Aborted while the first claim is being made.
          if (++made === 1) controller.abort();
          return `run-${made}`;
        },
      });
      expect(claimed.map(c => c.application.entityRef)).toEqual([refs[0]]);
      expect((await store.get(refs[1]))!.status).toBe('pending');
      expect((await store.get(refs[2]))!.status).toBe('pending');
    },
  );

  it.each(databases.eachSupportedId())(
    'renews the lease only of the run that holds the claim, %p',
    async databaseId => {
      const { store } = await setup(databaseId);
      const entityRef = 'component:default/orders';
      await addApp(store, entityRef);
      await claim(store, entityRef, 'run-1', t(10));
      expect(
        await store.renewLease({
          entityRef,
          runId: 'someone-else',
          now: t(20),
          leaseMs: LEASE_MS,
        }),
      ).toBe(false);
      expect(
        await store.renewLease({
          entityRef,
          runId: 'run-1',
          now: t(20),
          leaseMs: LEASE_MS,
        }),
      ).toBe(true);
      expect((await store.get(entityRef))!.leaseExpiresAt).toBe(
        new Date(t(20).getTime() + LEASE_MS).toISOString(),
      );
      // An expired lease is not renewed: the run may already be recovered.
      expect(
        await store.renewLease({
          entityRef,
          runId: 'run-1',
          now: new Date(t(20).getTime() + LEASE_MS + 1),
          leaseMs: LEASE_MS,
        }),
      ).toBe(false);
    },
  );
});
