import {
  type Admin,
  type Connection,
  consumerGroupDescribeV0,
  describeGroupsV0,
  describeGroupsV1,
  describeGroupsV2,
  describeGroupsV3,
  describeGroupsV4,
  describeGroupsV5,
} from '@platformatic/kafka';
import { chunks } from '../database/chunks';
import { DiscoveredGroup } from '../database/consumerGroups';
import { describeKafkaError } from '../kafka';
import {
  findGroupCoordinators,
  GroupCoordinators,
} from '../kafka/groupCoordinators';
import {
  answerDespiteItemErrors,
  ApiVersionRanges,
  itemError,
  newestSupported,
} from '../kafka/protocolAnswers';
import {
  fromConsumerGroupDescribe,
  fromDescribeGroups,
  fromListing,
  ListedGroup,
  withDescribeError,
} from './describeGroup';

const CONSUMER_GROUP_DESCRIBE = consumerGroupDescribeV0.api;
// Newest first: the first one the broker supports is used.
const DESCRIBE_GROUPS = [
  describeGroupsV5.api,
  describeGroupsV4.api,
  describeGroupsV3.api,
  describeGroupsV2.api,
  describeGroupsV1.api,
  describeGroupsV0.api,
];
type DescribeGroupsApi = (typeof DESCRIBE_GROUPS)[number];

// Answers to ConsumerGroupDescribe after which Java's
// DescribeConsumerGroupsHandler describes the group with DescribeGroups:
// the group is not a consumer group, or the broker predates the API.
const GROUP_ID_NOT_FOUND = 69;
const UNSUPPORTED_VERSION = 35;

interface Coordinator {
  nodeId: number;
  host: string;
  port: number;
  /** `id (host:port)`, as Kafka Hub shows it. */
  label: string;
}

interface GroupResponse<G> {
  groups: Array<G & { errorCode: number; groupId: string }>;
}

/** The groups of a request, or the request's failure, by group. */
async function sendForGroups<G>(
  send: () => Promise<GroupResponse<G>>,
): Promise<
  | { ok: true; groups: GroupResponse<G>['groups'] }
  | { ok: false; error: string }
> {
  try {
    return { ok: true, groups: (await answerDespiteItemErrors(send())).groups };
  } catch (error) {
    return { ok: false, error: describeKafkaError(error) };
  }
}

function groupError(errorCode: number, message?: string | null): string {
  return describeKafkaError(itemError(errorCode, message));
}

/**
 * Describes listed groups like Kafka's own AdminClient: consumer (KIP-848)
 * groups with ConsumerGroupDescribe, falling back to DescribeGroups for a
 * group the broker answers GROUP_ID_NOT_FOUND or UNSUPPORTED_VERSION for
 * (and for every group when the broker lacks the API), classic groups with
 * DescribeGroups. Requests go to each group's coordinator, up to
 * `batchSize` groups each. Share and streams groups are listed, not
 * described. A group that cannot be described (its coordinator unknown,
 * its own error code, its request failed) gets its own `describeError`;
 * the others are described as usual. With `signal` aborted no further
 * request is sent: `describe` throws its reason.
 */
export class GroupDescriber {
  constructor(
    private readonly admin: Admin,
    private readonly batchSize: number,
  ) {}

  async describe(
    listed: ListedGroup[],
    signal?: AbortSignal,
  ): Promise<DiscoveredGroup[]> {
    const result = new Map<string, DiscoveredGroup>();
    const toDescribe: ListedGroup[] = [];
    for (const group of listed) {
      if (group.type === 'share' || group.type === 'streams') {
        result.set(group.groupId, fromListing(group));
      } else {
        toDescribe.push(group);
      }
    }
    if (toDescribe.length > 0) {
      signal?.throwIfAborted();
      const apis = await this.admin.listApis();
      const describeGroups = newestSupported(
        apis,
        DESCRIBE_GROUPS.map(api => ({ api })),
      )?.api;
      const consumerGroupDescribe =
        newestSupported(apis, [{ api: CONSUMER_GROUP_DESCRIBE }]) !== undefined;
      const coordinators = await this.coordinators(
        toDescribe,
        apis,
        result,
        signal,
      );
      for (const [coordinator, groups] of coordinators) {
        const connection = await this.connection(
          coordinator,
          groups,
          result,
          signal,
        );
        if (!connection) continue;
        // Groups of unknown type may be either: ConsumerGroupDescribe
        // first, as the Java client does.
        const classic = groups.filter(g => g.type === 'classic');
        const consumer = groups.filter(g => g.type !== 'classic');
        if (consumerGroupDescribe) {
          const notConsumer = await this.describeConsumerGroups(
            connection,
            coordinator,
            consumer,
            result,
            signal,
          );
          classic.push(...notConsumer);
        } else {
          classic.push(...consumer);
        }
        await this.describeClassicGroups(
          connection,
          describeGroups,
          coordinator,
          classic,
          result,
          signal,
        );
      }
    }
    return listed.map(group => result.get(group.groupId)!);
  }

  /**
   * Each group's coordinator, from one FindCoordinator for all of them; a
   * group whose coordinator cannot be found fails alone.
   */
  private async coordinators(
    groups: ListedGroup[],
    apis: ApiVersionRanges,
    result: Map<string, DiscoveredGroup>,
    signal: AbortSignal | undefined,
  ): Promise<Map<Coordinator, ListedGroup[]>> {
    const ids = groups.map(g => g.groupId);
    let lookup: GroupCoordinators;
    signal?.throwIfAborted();
    try {
      const { brokers } = await this.admin.metadata({ topics: [] });
      const connection = await this.admin.connections.getFirstAvailable([
        ...brokers.values(),
      ]);
      lookup = await findGroupCoordinators(connection, apis, ids);
    } catch (error) {
      lookup = {
        found: new Map(),
        failed: new Map(ids.map(id => [id, error])),
      };
    }
    const byNode = new Map<number, Coordinator>();
    const byCoordinator = new Map<Coordinator, ListedGroup[]>();
    for (const group of groups) {
      const node = lookup.found.get(group.groupId);
      if (!node) {
        const why = describeKafkaError(lookup.failed.get(group.groupId));
        result.set(
          group.groupId,
          withDescribeError(
            group,
            `Its coordinator could not be found: ${why}`,
          ),
        );
        continue;
      }
      let coordinator = byNode.get(node.nodeId);
      if (!coordinator) {
        coordinator = {
          ...node,
          label: `${node.nodeId} (${node.host}:${node.port})`,
        };
        byNode.set(node.nodeId, coordinator);
        byCoordinator.set(coordinator, []);
      }
      byCoordinator.get(coordinator)!.push(group);
    }
    return byCoordinator;
  }

  private async connection(
    coordinator: Coordinator,
    groups: ListedGroup[],
    result: Map<string, DiscoveredGroup>,
    signal: AbortSignal | undefined,
  ): Promise<Connection | undefined> {
    signal?.throwIfAborted();
    try {
      return await this.admin.connections.get({
        host: coordinator.host,
        port: coordinator.port,
      });
    } catch (error) {
      const message = `Its coordinator ${
        coordinator.label
      } could not be reached: ${describeKafkaError(error)}`;
      for (const group of groups) {
        result.set(
          group.groupId,
          withDescribeError(group, message, coordinator.label),
        );
      }
      return undefined;
    }
  }

  /**
   * ConsumerGroupDescribe in batches; returns the groups to describe with
   * DescribeGroups instead.
   */
  private async describeConsumerGroups(
    connection: Connection,
    coordinator: Coordinator,
    groups: ListedGroup[],
    result: Map<string, DiscoveredGroup>,
    signal: AbortSignal | undefined,
  ): Promise<ListedGroup[]> {
    const fallback: ListedGroup[] = [];
    for (const batch of chunks(groups, this.batchSize)) {
      signal?.throwIfAborted();
      const answer = await sendForGroups(() =>
        CONSUMER_GROUP_DESCRIBE.async(
          connection,
          batch.map(g => g.groupId),
          false,
        ),
      );
      this.record(batch, answer, coordinator, result, (group, listed) => {
        if (
          group.errorCode === GROUP_ID_NOT_FOUND ||
          group.errorCode === UNSUPPORTED_VERSION
        ) {
          fallback.push(listed);
          return undefined;
        }
        if (group.errorCode !== 0) {
          return withDescribeError(
            listed,
            groupError(group.errorCode, group.errorMessage),
            coordinator.label,
          );
        }
        return fromConsumerGroupDescribe(group, listed, coordinator.label);
      });
    }
    return fallback;
  }

  private async describeClassicGroups(
    connection: Connection,
    api: DescribeGroupsApi | undefined,
    coordinator: Coordinator,
    groups: ListedGroup[],
    result: Map<string, DiscoveredGroup>,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    for (const batch of chunks(groups, this.batchSize)) {
      signal?.throwIfAborted();
      const answer = api
        ? await sendForGroups(() =>
            api.async(
              connection,
              batch.map(g => g.groupId),
              false,
            ),
          )
        : {
            ok: false as const,
            error:
              'The broker supports no DescribeGroups version Kafka Hub speaks',
          };
      this.record(batch, answer, coordinator, result, (group, listed) =>
        group.errorCode === 0
          ? fromDescribeGroups(group, listed, coordinator.label)
          : withDescribeError(
              listed,
              groupError(group.errorCode),
              coordinator.label,
            ),
      );
    }
  }

  /**
   * Records each group of a batch from its own answer; a failed request
   * (or a group the answer left out, or one whose answer cannot be read)
   * fails its groups alone.
   */
  private record<G extends { errorCode: number; groupId: string }>(
    batch: ListedGroup[],
    answer: { ok: true; groups: G[] } | { ok: false; error: string },
    coordinator: Coordinator,
    result: Map<string, DiscoveredGroup>,
    toGroup: (group: G, listed: ListedGroup) => DiscoveredGroup | undefined,
  ): void {
    const answered = new Map(
      answer.ok ? answer.groups.map(g => [g.groupId, g]) : [],
    );
    for (const listed of batch) {
      const group = answered.get(listed.groupId);
      if (!group) {
        const error = answer.ok
          ? 'The coordinator did not answer for this group'
          : answer.error;
        result.set(
          listed.groupId,
          withDescribeError(listed, error, coordinator.label),
        );
        continue;
      }
      let discovered: DiscoveredGroup | undefined;
      try {
        discovered = toGroup(group, listed);
      } catch (error) {
        // A malformed answer for this group fails it alone.
        discovered = withDescribeError(
          listed,
          `The coordinator's answer for this group could not be read: ${describeKafkaError(
            error,
          )}`,
          coordinator.label,
        );
      }
      if (discovered) result.set(listed.groupId, discovered);
    }
  }
}
