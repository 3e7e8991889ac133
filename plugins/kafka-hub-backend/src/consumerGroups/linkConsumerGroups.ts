import { ClaimSet } from '../claims';
import { GroupLink } from '../database/consumerGroups';
import { ConsumerGroupLinkSource } from '../database/consumerGroups/types';

const GROUP_LINK_SOURCES: ReadonlySet<string> =
  new Set<ConsumerGroupLinkSource>([
    'prefix',
    'kafka-hub.io/consumer-groups',
    'kafka.apache.org/consumer-groups',
  ]);

function isGroupLinkSource(source: string): source is ConsumerGroupLinkSource {
  return GROUP_LINK_SOURCES.has(source);
}

/**
 * Links consumer group ids of one environment to catalog entities, by the
 * recorded claims only: a group inside a claimed namespace belongs to the
 * namespace's holder, whatever annotations say; a group outside every
 * namespace to the entity holding its explicit link claim (the first whose
 * `kafka-hub.io/consumer-groups` or `kafka.apache.org/consumer-groups`
 * named it).
 */
export function consumerGroupLinker(
  claims: ClaimSet,
  environment: string,
): (groupId: string) => GroupLink | undefined {
  return groupId => {
    const link = claims.linkOf(environment, 'consumer-group', groupId);
    // Group claims are only ever made by the group annotations.
    return link && isGroupLinkSource(link.linkedBy)
      ? { entityRef: link.entityRef, linkedBy: link.linkedBy }
      : undefined;
  };
}
