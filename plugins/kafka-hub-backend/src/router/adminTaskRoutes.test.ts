import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  DefinitivePolicyDecision,
} from '@backstage/plugin-permission-common';
import express from 'express';
import request from 'supertest';
import { TaskRunStore } from '../database/consumerGroups';
import { migrationsDir } from '../database/migrations';
import { ProvisioningTaskRunStore } from '../database/provisioning/ProvisioningTaskRunStore';
import { SchemaStore } from '../database/schemas';
import { TopicStore } from '../database/topics';
import { EntityAccess } from '../permissions/EntityAccess';
import { testDatabaseIds } from '../testUtils/testServices';
import { createKafkaHubRouter } from './kafkaHubRouter';
import { adminTaskRoutes } from './adminTaskRoutes';

const ADMIN = 'user:default/pat';
const at = (s: number) => new Date(Date.UTC(2026, 10, 22, 12, 0, s));

const permissions = mockServices.permissions.mock({
  authorize: async (requests, options) =>
    requests.map(
      (): DefinitivePolicyDecision => ({
        result:
          (options.credentials.principal as { userEntityRef?: string })
            .userEntityRef === ADMIN
            ? AuthorizeResult.ALLOW
            : AuthorizeResult.DENY,
      }),
    ),
});

describe('GET /admin/tasks', () => {
  const databases = TestDatabases.create({ ids: [...testDatabaseIds] });

  async function setup(databaseId: TestDatabaseId) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    const schemaStore = new SchemaStore(knex);
    const taskRuns = new TaskRunStore(knex);
    await schemaStore.recordSyncRun({
      environment: 'dev',
      status: 'succeeded',
      startedAt: at(0),
      finishedAt: at(2),
      durationMs: 2000,
      subjects: 11,
      fetchedVersions: 17,
      staleMarked: 0,
      failedSubjects: 0,
      httpCalls: 40,
    });
    await taskRuns.record({
      environment: 'prod',
      task: 'lag',
      startedAt: at(10),
      finishedAt: at(11),
      error: 'Connection error: connect ECONNREFUSED 127.0.0.1:19092',
    });
    await taskRuns.record({
      environment: 'prod',
      task: 'sync',
      startedAt: at(12),
      finishedAt: at(14),
      outcome: 'partial',
      error: 'Could not describe 2 of 40 groups: GROUP_AUTHORIZATION_FAILED',
    });
    const provisioningTaskRuns = new ProvisioningTaskRunStore(knex);
    await provisioningTaskRuns.record({
      task: 'reconcile',
      startedAt: at(20),
      finishedAt: at(21),
      outcome: 'partial',
      error:
        'Reconcile skipped removing 812 of 1000 applications (81%, limit 50%): the catalog may be incomplete.',
      summary: '0 new, 0 changed, 188 unchanged, 0 removed',
    });
    await provisioningTaskRuns.record({
      task: 'run-due',
      startedAt: at(30),
      finishedAt: at(33),
      summary: '2 due applications run',
    });
    await provisioningTaskRuns.record({
      task: 'run-due',
      startedAt: at(40),
      finishedAt: at(45),
      outcome: 'aborted',
      error:
        "Provisioning of due applications stopped: the task's time ran out; the 3 it claimed run again at their next attempt",
    });
    const topicRuns = new TopicStore(knex);
    await topicRuns.replaceEnvironment({
      environment: 'prod',
      topics: [],
      sampledAtMs: at(50).getTime(),
      run: {
        lastRunAt: at(50),
        durationMs: 2000,
        outcome: 'succeeded',
        kafkaRequests: 6,
        requestCounts: {
          ApiVersions: 1,
          DescribeConfigs: 1,
          DescribeLogDirs: 1,
          ListOffsets: 2,
          Metadata: 1,
        },
      },
    });
    // Failed: the topics and their success stay.
    await topicRuns.recordFailedRun({
      environment: 'prod',
      lastRunAt: at(60),
      durationMs: 1000,
      outcome: 'failed',
      error: 'Connection error: connect ECONNREFUSED 127.0.0.1:19092',
      kafkaRequests: 0,
      requestCounts: {},
    });
    const router = await createKafkaHubRouter();
    adminTaskRoutes(router, {
      httpAuth: mockServices.httpAuth(),
      access: new EntityAccess(permissions),
      schemaStore,
      consumerGroupTaskRuns: taskRuns,
      provisioningTaskRuns,
      topicRuns,
    });
    const app = express();
    app.use(router);
    app.use(mockErrorHandler());
    return app;
  }

  it.each(databases.eachSupportedId())(
    'lists the last run of every task, provisioning included, with how it ended, for admins, %p',
    async databaseId => {
      const app = await setup(databaseId);
      const res = await request(app)
        .get('/admin/tasks')
        .set('Authorization', mockCredentials.user.header(ADMIN));
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([
        // Across environments: first, without one. Held back: partial, and
        // no success.
        {
          task: 'provisioning-reconcile',
          lastRunAt: at(20).toISOString(),
          durationMs: 1000,
          outcome: 'partial',
          error:
            'Reconcile skipped removing 812 of 1000 applications (81%, limit 50%): the catalog may be incomplete.',
          summary: '0 new, 0 changed, 188 unchanged, 0 removed',
        },
        // Its latest run ran out of time; the success is the run before.
        {
          task: 'provisioning-run-due',
          lastRunAt: at(40).toISOString(),
          lastSuccessAt: at(33).toISOString(),
          durationMs: 5000,
          outcome: 'aborted',
          error:
            "Provisioning of due applications stopped: the task's time ran out; the 3 it claimed run again at their next attempt",
        },
        {
          environment: 'dev',
          task: 'schema-sync',
          lastRunAt: at(0).toISOString(),
          // The registry's state as of the start of the last good run.
          lastSuccessAt: at(0).toISOString(),
          durationMs: 2000,
          outcome: 'succeeded',
          summary:
            '11 subjects, 17 versions fetched, 0 marked stale, 40 HTTP calls',
        },
        {
          environment: 'prod',
          task: 'consumer-group-sync',
          lastRunAt: at(12).toISOString(),
          durationMs: 2000,
          outcome: 'partial',
          error:
            'Could not describe 2 of 40 groups: GROUP_AUTHORIZATION_FAILED',
        },
        {
          environment: 'prod',
          task: 'lag-sampler',
          lastRunAt: at(10).toISOString(),
          durationMs: 1000,
          outcome: 'failed',
          error: 'Connection error: connect ECONNREFUSED 127.0.0.1:19092',
        },
        {
          environment: 'prod',
          task: 'topic-sampler',
          lastRunAt: at(60).toISOString(),
          lastSuccessAt: at(52).toISOString(),
          durationMs: 1000,
          outcome: 'failed',
          error: 'Connection error: connect ECONNREFUSED 127.0.0.1:19092',
          summary: '0 topics stored; last run: 0 Kafka requests',
        },
      ]);
    },
  );

  it.each(databases.eachSupportedId())(
    'refuses everyone else with 403, %p',
    async databaseId => {
      const app = await setup(databaseId);
      const res = await request(app)
        .get('/admin/tasks')
        .set('Authorization', mockCredentials.user.header('user:default/bob'));
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        'Missing permission kafka-hub.admin.read',
      );
    },
  );
});
