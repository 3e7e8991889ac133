import { SchemaSubjectLink } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { KafkaEntity } from '../../catalog/KafkaEntitiesReader';
import { kafkaEntity as teamKafkaEntity } from '../../claims/__testUtils__/claims';

/**
 * A catalog entity as KafkaEntitiesReader returns it, owned by
 * `group:default/team`: a Kafka application with the default namespace
 * prefix `<slug>.`, or (without a slug) an entity that only lists schema
 * subjects.
 */
export function kafkaEntity(
  name: string,
  options: { application?: string; schemaSubjects?: SchemaSubjectLink[] } = {},
): KafkaEntity {
  return teamKafkaEntity(name, { team: 'team', ...options });
}
