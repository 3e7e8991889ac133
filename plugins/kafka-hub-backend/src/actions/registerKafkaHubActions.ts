import { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { ApplicationsApi } from '../api/ApplicationsApi';
import { ConsumerGroupsApi } from '../api/ConsumerGroupsApi';
import { SchemasApi } from '../api/SchemasApi';
import { TopicsApi } from '../api/TopicsApi';
import { registerApplicationActions } from './applicationActions';
import { registerConsumerGroupActions } from './consumerGroupActions';
import { registerSchemaActions } from './schemaActions';

/**
 * Kafka Hub's actions for AI agents and other tools (`kafka-hub:<name>` in
 * the actions registry, served over MCP by the MCP actions backend). Each
 * answers what the HTTP API answers the same caller: the same
 * `ApplicationsApi`, `TopicsApi`, `ConsumerGroupsApi` and `SchemasApi`, with the caller's
 * own credentials.
 */
export function registerKafkaHubActions(options: {
  actionsRegistry: ActionsRegistryService;
  applications: ApplicationsApi;
  topics: TopicsApi;
  consumerGroups: ConsumerGroupsApi;
  schemas: SchemasApi;
}): void {
  const { actionsRegistry } = options;
  registerApplicationActions(
    actionsRegistry,
    options.applications,
    options.topics,
  );
  registerConsumerGroupActions(actionsRegistry, options.consumerGroups);
  registerSchemaActions(actionsRegistry, options.schemas);
}
