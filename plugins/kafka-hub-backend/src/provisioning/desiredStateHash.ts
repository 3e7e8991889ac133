import { createHash } from 'crypto';
import { DesiredState } from '../database/provisioning/types';

/**
 * A canonical form of a desired state: environments sorted and without
 * duplicates, topics sorted by name, an absent partition count as null.
 */
export function canonicalDesiredState(desiredState: DesiredState): string {
  const environments = Array.from(new Set(desiredState.environments)).sort();
  const topics = [...desiredState.topics]
    .map(topic => ({ name: topic.name, partitions: topic.partitions ?? null }))
    .sort((a, b) => {
      if (a.name !== b.name) return a.name < b.name ? -1 : 1;
      return (a.partitions ?? 0) - (b.partitions ?? 0);
    });
  return JSON.stringify({ environments, topics });
}

/**
 * SHA-256 (hex) of the canonical desired state: equal for the same
 * environments and topics whatever their order in the annotations.
 */
export function desiredStateHash(desiredState: DesiredState): string {
  return createHash('sha256')
    .update(canonicalDesiredState(desiredState))
    .digest('hex');
}
