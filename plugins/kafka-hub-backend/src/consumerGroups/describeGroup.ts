import {
  ConsumerGroupMember,
  ConsumerGroupState,
  ConsumerGroupType,
  CONSUMER_GROUP_TYPES,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import {
  consumerGroupDescribeV0,
  decodeConsumerProtocolAssignment,
  decodeConsumerProtocolSubscription,
  describeGroupsV5,
} from '@platformatic/kafka';
import { DiscoveredGroup } from '../database/consumerGroups';

type ConsumerGroupDescribeResponseGroup =
  consumerGroupDescribeV0.ConsumerGroupDescribeResponseGroup;
type ConsumerGroupDescribeResponseMemberAssignment =
  consumerGroupDescribeV0.ConsumerGroupDescribeResponseMemberAssignment;
/** Every DescribeGroups version answers a group in this shape. */
type DescribeGroupsResponseGroup = describeGroupsV5.DescribeGroupsResponseGroup;

/** A group as the broker's listing (ListGroups) names it. */
export interface ListedGroup {
  groupId: string;
  /** Undefined when the broker does not tell (ListGroups before v5). */
  type?: ConsumerGroupType;
  state: ConsumerGroupState;
  protocolType?: string;
}

const STATES: Record<string, ConsumerGroupState> = {
  Stable: 'Stable',
  PreparingRebalance: 'PreparingRebalance',
  CompletingRebalance: 'CompletingRebalance',
  // The name older brokers use for CompletingRebalance.
  AwaitingSync: 'CompletingRebalance',
  Assigning: 'Assigning',
  Reconciling: 'Reconciling',
  NotReady: 'NotReady',
  Empty: 'Empty',
  Dead: 'Dead',
};

/** A state as the broker spells it, as Kafka Hub names it. */
export function groupState(state: string | undefined): ConsumerGroupState {
  return (state && STATES[state]) || 'Unknown';
}

/** A group type from ListGroups v5 (Kafka parses it case-insensitively). */
export function groupType(
  type: string | undefined,
): ConsumerGroupType | undefined {
  const lower = type?.toLowerCase();
  return CONSUMER_GROUP_TYPES.find(t => t === lower);
}

type Assignments = ConsumerGroupMember['assignments'];

function sortedAssignments(
  entries: Iterable<{ topic: string; partitions: number[] }>,
): Assignments {
  return [...entries]
    .map(({ topic, partitions }) => ({
      topic,
      partitions: [...partitions].sort((a, b) => a - b),
    }))
    .sort((a, b) => a.topic.localeCompare(b.topic));
}

function topicsOf(
  members: ConsumerGroupMember[],
  subscribed: string[][],
): string[] {
  const topics = new Set(subscribed.flat());
  for (const member of members) {
    member.assignments.forEach(a => topics.add(a.topic));
    member.targetAssignments?.forEach(a => topics.add(a.topic));
  }
  return [...topics].sort();
}

const byMemberId = (a: ConsumerGroupMember, b: ConsumerGroupMember) =>
  a.memberId.localeCompare(b.memberId);

function fromTopicPartitions(
  assignment: ConsumerGroupDescribeResponseMemberAssignment,
): Assignments {
  return sortedAssignments(
    assignment.topicPartitions.map(t => ({
      topic: t.topicName,
      partitions: t.partitions,
    })),
  );
}

/** A consumer (KIP-848) group as ConsumerGroupDescribe described it. */
export function fromConsumerGroupDescribe(
  description: ConsumerGroupDescribeResponseGroup,
  listed: ListedGroup,
  coordinator: string | undefined,
): DiscoveredGroup {
  const members = description.members
    .map(
      (m): ConsumerGroupMember => ({
        memberId: m.memberId,
        clientId: m.clientId,
        host: m.clientHost,
        instanceId: m.instanceId ?? undefined,
        memberEpoch: m.memberEpoch,
        subscribedTopics: [...m.subscribedTopicNames].sort(),
        // The broker answers an empty string for "no pattern".
        subscribedTopicRegex: m.subscribedTopicRegex || undefined,
        assignments: fromTopicPartitions(m.assignment),
        targetAssignments: fromTopicPartitions(m.targetAssignment),
      }),
    )
    .sort(byMemberId);
  return {
    groupId: description.groupId,
    type: 'consumer',
    state: groupState(description.groupState),
    members,
    protocolType: listed.protocolType || 'consumer',
    assignmentStrategy: description.assignorName || undefined,
    groupEpoch: description.groupEpoch,
    assignmentEpoch: description.assignmentEpoch,
    coordinator,
    subscribedTopics: topicsOf(
      members,
      members.map(m => m.subscribedTopics ?? []),
    ),
    describedWith: 'ConsumerGroupDescribe',
  };
}

/**
 * Decodes the consumer protocol's member metadata (subscribed topics) and
 * assignment. Other protocol types (Connect workers) carry other bytes:
 * their members are listed without topics.
 */
function decodeClassicMember(
  member: DescribeGroupsResponseGroup['members'][number],
  isConsumer: boolean,
): ConsumerGroupMember {
  let subscribedTopics: string[] | undefined;
  let assignments: Assignments = [];
  if (isConsumer) {
    try {
      if (member.memberMetadata?.length) {
        subscribedTopics = [
          ...decodeConsumerProtocolSubscription(member.memberMetadata).topics,
        ].sort();
      }
    } catch {
      subscribedTopics = undefined;
    }
    try {
      if (member.memberAssignment?.length) {
        assignments = sortedAssignments(
          decodeConsumerProtocolAssignment(member.memberAssignment)
            .assignedPartitions,
        );
      }
    } catch {
      assignments = [];
    }
  }
  return {
    memberId: member.memberId,
    clientId: member.clientId,
    host: member.clientHost,
    instanceId: member.groupInstanceId ?? undefined,
    subscribedTopics,
    assignments,
  };
}

/** A classic group as DescribeGroups described it. */
export function fromDescribeGroups(
  description: DescribeGroupsResponseGroup,
  listed: ListedGroup,
  coordinator: string | undefined,
): DiscoveredGroup {
  const isConsumer =
    description.protocolType === 'consumer' || description.protocolType === '';
  const members = description.members
    .map(m => decodeClassicMember(m, isConsumer))
    .sort(byMemberId);
  return {
    groupId: description.groupId,
    // A group described here is classic, whatever an old listing said.
    type: listed.type === undefined ? undefined : 'classic',
    state: groupState(description.groupState),
    members,
    protocolType: description.protocolType || listed.protocolType || undefined,
    assignmentStrategy: description.protocolData || undefined,
    coordinator,
    subscribedTopics: topicsOf(
      members,
      members.map(m => m.subscribedTopics ?? []),
    ),
    describedWith: 'DescribeGroups',
  };
}

/**
 * A group Kafka Hub lists without describing (share and streams groups):
 * its type and state as listed, members unknown.
 */
export function fromListing(listed: ListedGroup): DiscoveredGroup {
  return {
    groupId: listed.groupId,
    type: listed.type,
    state: listed.state,
    members: [],
    protocolType: listed.protocolType || undefined,
    subscribedTopics: [],
  };
}

/** A group that could not be described: its listing and its own error. */
export function withDescribeError(
  listed: ListedGroup,
  error: string,
  coordinator?: string,
): DiscoveredGroup {
  return { ...fromListing(listed), coordinator, describeError: error };
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
