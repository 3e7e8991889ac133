import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { kafkaHubPermissions } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { KafkaEntitiesReader } from './catalog/KafkaEntitiesReader';
import { ClaimReader, ClaimResolver } from './claims';
import { LinkErrorStore, NamespaceClaimStore } from './database/claims';
import { clusterEnvironments } from './config/environmentAliases';
import { readKafkaHubConfig } from './config/readKafkaHubConfig';
import { ClusterHealthStore } from './database/ClusterHealthStore';
import { applyDatabaseMigrations } from './database/migrations';
import { HealthChecker } from './health/HealthChecker';
import { ProvisioningStore } from './database/provisioning/ProvisioningStore';
import { ProvisioningTaskRunStore } from './database/provisioning/ProvisioningTaskRunStore';
import { SchemaStore } from './database/schemas';
import {
  ConsumerGroupStore,
  LagHistoryStore,
  TaskRunStore,
} from './database/consumerGroups';
import { scheduleConsumerGroupTasks } from './consumerGroups';
import { scheduleSchemaSync } from './schemas';
import { TopicStore } from './database/topics';
import { scheduleTopicSampling } from './topics';
import { EntityAccess } from './permissions/EntityAccess';
import { ReadableEntities } from './permissions/ReadableEntities';
import { ProvisioningEngine } from './provisioning/ProvisioningEngine';
import { ProvisioningService } from './provisioning/ProvisioningService';
import { scheduleProvisioningTasks } from './provisioning/scheduleProvisioningTasks';
import { createRouter } from './router/createRouter';
import { NotificationStreakStore } from './database/notifications/NotificationStreakStore';
import { GroupStatusNotifications } from './notifications/GroupStatusNotifications';
import { OwnerNotifier } from './notifications/OwnerNotifier';
import { ProvisioningNotifications } from './notifications/ProvisioningNotifications';
import { notificationsListener } from './notifications/notificationsListener';
import { KafkaHubEvents } from './events/KafkaHubEvents';
import { KafkaHubSignals } from './signals/KafkaHubSignals';
import { registerKafkaHubActions } from './actions/registerKafkaHubActions';
import { ApplicationsApi } from './api/ApplicationsApi';
import { ConsumerGroupsApi } from './api/ConsumerGroupsApi';
import { SchemasApi } from './api/SchemasApi';
import { TopicsApi } from './api/TopicsApi';
import { MessagesApi } from './api/MessagesApi';

/**
 * Kafka Hub backend plugin: `/api/kafka-hub`.
 *
 * @public
 */
export const kafkaHubPlugin = createBackendPlugin({
  pluginId: 'kafka-hub',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        auth: coreServices.auth,
        auditor: coreServices.auditor,
        lifecycle: coreServices.lifecycle,
        actionsRegistry: actionsRegistryServiceRef,
        notifications: notificationService,
        // Its default factory publishes through the events service: without
        // the signals backend nobody listens, and nothing breaks.
        signals: signalsServiceRef,
        catalog: catalogServiceRef,
      },
      async init({
        config,
        logger,
        database,
        httpAuth,
        httpRouter,
        permissions,
        permissionsRegistry,
        scheduler,
        auth,
        auditor,
        lifecycle,
        actionsRegistry,
        notifications,
        signals,
        catalog,
      }) {
        const kafkaHubConfig = readKafkaHubConfig(config);
        if (kafkaHubConfig.environments.length === 0) {
          logger.warn(
            'No kafkaHub.environments configured; Kafka Hub pages will say that nothing is configured',
          );
        } else {
          logger.info(
            `Kafka Hub environments: ${kafkaHubConfig.environments
              .map(e => e.name)
              .join(', ')}`,
          );
        }

        permissionsRegistry.addPermissions(kafkaHubPermissions);

        const db = await applyDatabaseMigrations(database);
        const healthChecker = new HealthChecker(
          kafkaHubConfig,
          new ClusterHealthStore(db),
          logger,
        );

        // Owners hear about trouble once per streak, whichever replica saw it.
        const notificationStreaks = new NotificationStreakStore(db);
        const ownerNotifier = new OwnerNotifier(
          notifications,
          logger.child({ component: 'notifications' }),
        );
        const provisioningNotifications = kafkaHubConfig.notifications
          .provisioning.enabled
          ? new ProvisioningNotifications({
              streaks: notificationStreaks,
              notifier: ownerNotifier,
            })
          : undefined;
        const groupStatusNotifications = kafkaHubConfig.notifications
          .consumerGroups.enabled
          ? new GroupStatusNotifications({
              streaks: notificationStreaks,
              notifier: ownerNotifier,
              statuses: kafkaHubConfig.notifications.consumerGroups.statuses,
              statusWindow: kafkaHubConfig.consumerGroups.statusWindow,
            })
          : undefined;

        const provisioningStore = new ProvisioningStore(db);
        // What the tasks tell listeners after the fact, never waiting on them.
        const events = new KafkaHubEvents(
          logger.child({ component: 'events' }),
        );
        if (provisioningNotifications || groupStatusNotifications) {
          events.subscribe(
            'notifications',
            notificationsListener({
              provisioning: provisioningNotifications,
              consumerGroups: groupStatusNotifications,
            }),
          );
        }
        if (kafkaHubConfig.signals.enabled) {
          const kafkaHubSignals = new KafkaHubSignals({
            signals,
            ownersOf: refs => provisioningStore.ownersOf(refs),
            adminRecipients: kafkaHubConfig.signals.adminRecipients,
            logger: logger.child({ component: 'signals' }),
          });
          events.subscribe('signals', kafkaHubSignals.onEvent);
        }

        const { provisioning, namespacePattern } = kafkaHubConfig;
        const entities = new KafkaEntitiesReader({
          catalog,
          auth,
          namespacePattern,
        });
        const provisioningTaskRuns = new ProvisioningTaskRunStore(db);
        const provisioningService = new ProvisioningService({
          store: provisioningStore,
          engine: new ProvisioningEngine({
            environments: kafkaHubConfig.environments,
            logger: logger.child({ task: 'provisioning' }),
            options: {
              defaultPartitions: provisioning.defaultPartitions,
              replicationFactor: provisioning.replicationFactor,
              principalPattern: provisioning.principalPattern,
              namespacePattern,
            },
          }),
          entities,
          claims: new ClaimResolver({
            db,
            releaseAfterMs: kafkaHubConfig.claims.releaseAfterMs,
            environmentOfCluster: clusterEnvironments(
              kafkaHubConfig.environments,
            ),
            logger: logger.child({ task: 'claims' }),
          }),
          environmentNames: kafkaHubConfig.environments.map(e => e.name),
          config: provisioning,
          taskRuns: provisioningTaskRuns,
          logger,
          events,
        });
        if (kafkaHubConfig.environments.length > 0) {
          await scheduleProvisioningTasks({
            scheduler,
            logger,
            service: provisioningService,
            taskRuns: provisioningTaskRuns,
            config: provisioning,
          });
        }
        lifecycle.addShutdownHook(async () => {
          await provisioningService.settle();
          await events.close();
        });

        const schemaStore = new SchemaStore(db);
        // The sync tasks link by the claims reconcile records.
        const claimReader = new ClaimReader(db);
        await scheduleSchemaSync({
          scheduler,
          logger: logger.child({ task: 'schema-sync' }),
          environments: kafkaHubConfig.environments,
          store: schemaStore,
          claims: () => claimReader.read(),
          ...kafkaHubConfig.schemas,
        });

        const { consumerGroups } = kafkaHubConfig;
        await scheduleConsumerGroupTasks({
          scheduler,
          logger: logger.child({ task: 'consumer-groups' }),
          lifecycle,
          database: db,
          environments: kafkaHubConfig.environments,
          config: consumerGroups,
          events,
        });

        await scheduleTopicSampling({
          scheduler,
          logger: logger.child({ task: 'topics' }),
          database: db,
          environments: kafkaHubConfig.environments,
          config: kafkaHubConfig.topics,
          namespacePattern,
        });
        const topicStore = new TopicStore(db);

        const consumerGroupTaskRuns = new TaskRunStore(db);
        const access = new EntityAccess(permissions);
        const readable = new ReadableEntities({
          permissions,
          catalog,
          auth,
          logger: logger.child({ component: 'readable-entities' }),
          cacheTtlMs: kafkaHubConfig.permissions.readableEntitiesCacheTtlMs,
        });
        const ownedEntityRefs = (ownerRef: string) =>
          provisioningStore.ownedEntityRefs(ownerRef);
        // What the HTTP API and the actions answer each caller.
        const applicationsApi = new ApplicationsApi({
          auditor,
          access,
          readable,
          store: provisioningStore,
          service: provisioningService,
          namespacePattern,
        });
        const schemasApi = new SchemasApi({
          entityAccess: access,
          readable,
          ownedEntityRefs,
          store: schemaStore,
          environments: kafkaHubConfig.environments,
        });
        const consumerGroupsApi = new ConsumerGroupsApi({
          access,
          readable,
          ownedEntityRefs,
          groups: new ConsumerGroupStore(db),
          history: new LagHistoryStore(db),
          taskRuns: consumerGroupTaskRuns,
          retention: consumerGroups.retention,
        });
        const topicsApi = new TopicsApi({
          access,
          readable,
          ownedEntityRefs,
          topics: topicStore,
          applications: provisioningStore,
          schemas: schemaStore,
          environments: kafkaHubConfig.environments,
          namespacePattern,
        });
        const namespaceClaims = new NamespaceClaimStore(db);
        const messagesApi = new MessagesApi({
          auditor,
          access,
          applications: provisioningStore,
          namespaceClaims,
          environments: kafkaHubConfig.environments,
          namespacePattern,
          config: kafkaHubConfig.messages,
        });
        registerKafkaHubActions({
          actionsRegistry,
          applications: applicationsApi,
          topics: topicsApi,
          schemas: schemasApi,
          consumerGroups: consumerGroupsApi,
        });
        httpRouter.use(
          await createRouter({
            access,
            httpAuth,
            permissions,
            healthChecker,
            environments: kafkaHubConfig.environments,
            applications: applicationsApi,
            schemas: schemasApi,
            consumerGroups: consumerGroupsApi,
            topics: topicsApi,
            messages: messagesApi,
            tasks: {
              schemaStore,
              consumerGroupTaskRuns,
              provisioningTaskRuns,
              topicRuns: topicStore,
            },
            claims: {
              auditor,
              namespaceClaims,
              linkErrors: new LinkErrorStore(db),
              releaseAfterMs: kafkaHubConfig.claims.releaseAfterMs,
            },
          }),
        );
      },
    });
  },
});
