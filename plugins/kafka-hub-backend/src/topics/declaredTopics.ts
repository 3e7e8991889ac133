import { applicationPrefix } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { EnvironmentConfig } from '../config/types';
import { ProvisioningApplication } from '../database/provisioning/types';
import { DeclaredTopic } from './topicDrift';

/**
 * The topics an application declares in one environment, with their full
 * names and partition counts (the environment's default when the
 * annotation names none). None outside its declared environments, and none
 * once its entity left the catalog: a removed application declares nothing.
 */
export function declaredTopics(
  app: Pick<
    ProvisioningApplication,
    'application' | 'desiredState' | 'removedAt'
  >,
  environment: EnvironmentConfig,
  namespacePattern: string,
): DeclaredTopic[] {
  if (app.removedAt !== undefined) return [];
  if (!app.desiredState.environments.includes(environment.name)) return [];
  const prefix = applicationPrefix(app.application, namespacePattern);
  const defaultPartitions = environment.provisioning?.defaultPartitions ?? 1;
  return app.desiredState.topics.map(spec => ({
    topic: `${prefix}${spec.name}`,
    partitions: spec.partitions ?? defaultPartitions,
  }));
}
