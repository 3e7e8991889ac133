import {
  ConsumerGroupMember,
  ConsumerGroupState,
} from '@internal/plugin-kafka-hub-common';
import { AssignerProtocol, GroupDescription } from 'kafkajs';
import { DiscoveredGroup } from '../database/consumerGroups';

const STATES: Record<string, ConsumerGroupState> = {
  Stable: 'Stable',
  PreparingRebalance: 'PreparingRebalance',
  CompletingRebalance: 'CompletingRebalance',
  // The name older brokers use for CompletingRebalance.
  AwaitingSync: 'CompletingRebalance',
  Empty: 'Empty',
  Dead: 'Dead',
};

export function groupState(state: string | undefined): ConsumerGroupState {
  return (state && STATES[state]) || 'Unknown';
}

/**
 * Decodes the consumer protocol's member metadata (subscribed topics) and
 * assignment. Other protocol types (Connect workers) carry other bytes:
 * their members are listed without topics.
 */
function decodeMember(
  member: GroupDescription['members'][number],
  isConsumer: boolean,
): { member: ConsumerGroupMember; subscribed: string[] } {
  let subscribed: string[] = [];
  let assignments: ConsumerGroupMember['assignments'] = [];
  if (isConsumer) {
    try {
      if (member.memberMetadata?.length) {
        subscribed =
          AssignerProtocol.MemberMetadata.decode(member.memberMetadata)
            ?.topics ?? [];
      }
    } catch {
      subscribed = [];
    }
    try {
      if (member.memberAssignment?.length) {
        const decoded = AssignerProtocol.MemberAssignment.decode(
          member.memberAssignment,
        );
        assignments = Object.entries(decoded?.assignment ?? {})
          .map(([topic, partitions]) => ({
            topic,
            partitions: [...partitions].sort((a, b) => a - b),
          }))
          .sort((a, b) => a.topic.localeCompare(b.topic));
      }
    } catch {
      assignments = [];
    }
  }
  return {
    member: {
      memberId: member.memberId,
      clientId: member.clientId,
      host: member.clientHost,
      assignments,
    },
    subscribed,
  };
}

/** A DescribeGroups answer as Kafka Hub stores it (without its link). */
export function toDiscoveredGroup(
  description: GroupDescription,
  coordinator: string | undefined,
): DiscoveredGroup {
  const isConsumer =
    description.protocolType === 'consumer' || description.protocolType === '';
  const decoded = description.members.map(m => decodeMember(m, isConsumer));
  const topics = new Set<string>();
  for (const { member, subscribed } of decoded) {
    subscribed.forEach(t => topics.add(t));
    member.assignments.forEach(a => topics.add(a.topic));
  }
  return {
    groupId: description.groupId,
    state: groupState(description.state),
    members: decoded
      .map(d => d.member)
      .sort((a, b) => a.memberId.localeCompare(b.memberId)),
    protocolType: description.protocolType || undefined,
    assignmentStrategy: description.protocol || undefined,
    coordinator,
    subscribedTopics: [...topics].sort(),
  };
}

/** Java's String.hashCode, which Kafka uses to place a group's offsets. */
function javaHashCode(value: string): number {
  let hash = 0;
  for (let i = 0; i < value.length; i++) {
    hash = (Math.imul(hash, 31) + value.charCodeAt(i)) | 0;
  }
  return hash;
}

/**
 * The partition of `__consumer_offsets` that holds a group, as Kafka
 * computes it (`Utils.abs(groupId.hashCode()) % partitions`): its leader is
 * the group's coordinator.
 */
export function offsetsPartitionFor(
  groupId: string,
  partitions: number,
): number {
  const hash = javaHashCode(groupId);
  const abs = hash === -2147483648 ? 0 : Math.abs(hash);
  return abs % partitions;
}
