import { ClaimSet } from '../claims';
import { GroupLink } from '../database/consumerGroups';

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
    if (!link) return undefined;
    if (
      link.linkedBy !== 'prefix' &&
      link.linkedBy !== 'kafka-hub.io/consumer-groups' &&
      link.linkedBy !== 'kafka.apache.org/consumer-groups'
    ) {
      // Only the group annotations claim groups.
      return undefined;
    }
    return { entityRef: link.entityRef, linkedBy: link.linkedBy };
  };
}
