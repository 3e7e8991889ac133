import { createHash } from 'crypto';
import { DesiredState } from '../database/provisioning/types';

/**
 * A canonical form of a desired state: environments sorted and without
 * duplicates, topics sorted by name, an absent partition count as null,
 * topic configs sorted by key and left out when there are none (so the
 * hash of a state without configs is what it was before they existed).
 */
export function canonicalDesiredState(desiredState: DesiredState): string {
  const environments = Array.from(new Set(desiredState.environments)).sort();
  const topics = [...desiredState.topics]
    .map(topic => {
      const config = Object.entries(topic.config ?? {}).sort(([a], [b]) =>
        a < b ? -1 : 1,
      );
      return {
        name: topic.name,
        partitions: topic.partitions ?? null,
        ...(config.length > 0 ? { config } : {}),
      };
    })
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
