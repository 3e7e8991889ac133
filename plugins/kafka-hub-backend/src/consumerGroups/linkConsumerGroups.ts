import { KAFKA_HUB_ANNOTATIONS } from '@internal/plugin-kafka-hub-common';
import { KafkaEntity } from '../catalog/KafkaEntitiesReader';
import { GroupLink } from '../database/consumerGroups';

const LINK_ANNOTATIONS = [
  KAFKA_HUB_ANNOTATIONS.communityConsumerGroups,
  KAFKA_HUB_ANNOTATIONS.consumerGroups,
] as const;

/**
 * Links consumer group ids of one environment to catalog entities. An
 * annotation that names the group wins over a prefix (Kafka Hub's own
 * annotation over the community plugin's); among prefixes the longest wins,
 * so `orders.` and `orders.billing.` can both be applications.
 */
export function consumerGroupLinker(
  entities: KafkaEntity[],
  environment: string,
): (groupId: string) => GroupLink | undefined {
  const named = new Map<string, GroupLink>();
  const byRef = [...entities].sort((a, b) =>
    a.entityRef.localeCompare(b.entityRef),
  );
  // Later writes win: Kafka Hub's annotation overwrites the community one.
  for (const source of LINK_ANNOTATIONS) {
    for (const entity of byRef) {
      for (const link of entity.annotations.consumerGroups) {
        if (link.source === source && link.environment === environment) {
          named.set(link.groupId, {
            entityRef: entity.entityRef,
            linkedBy: source,
          });
        }
      }
    }
  }
  const prefixes = byRef
    .filter((e): e is KafkaEntity & { prefix: string } => !!e.prefix)
    .map(e => ({ prefix: e.prefix, entityRef: e.entityRef }))
    .sort((a, b) => b.prefix.length - a.prefix.length);

  return groupId => {
    const link = named.get(groupId);
    if (link) return link;
    const match = prefixes.find(p => groupId.startsWith(p.prefix));
    return match
      ? { entityRef: match.entityRef, linkedBy: 'prefix' }
      : undefined;
  };
}
