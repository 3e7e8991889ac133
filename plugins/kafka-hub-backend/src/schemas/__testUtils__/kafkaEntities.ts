import { SchemaSubjectLink } from '@internal/plugin-kafka-hub-common';
import { KafkaEntity } from '../../catalog/KafkaEntitiesReader';

/**
 * A catalog entity as KafkaEntitiesReader returns it: a Kafka application
 * with the default namespace prefix `<slug>.`, or (without a slug) an entity
 * that only lists schema subjects.
 */
export function kafkaEntity(
  name: string,
  options: { application?: string; schemaSubjects?: SchemaSubjectLink[] } = {},
): KafkaEntity {
  return {
    entityRef: `component:default/${name}`,
    ownerRef: 'group:default/team',
    application: options.application,
    prefix: options.application ? `${options.application}.` : undefined,
    rawApplication: options.application,
    annotations: {
      application: options.application,
      topics: [],
      consumerGroups: [],
      schemaSubjects: options.schemaSubjects ?? [],
    },
    errors: [],
  };
}
