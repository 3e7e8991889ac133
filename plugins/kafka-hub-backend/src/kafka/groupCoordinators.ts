import {
  type Broker,
  type Connection,
  FindCoordinatorKeyTypes,
  findCoordinatorV4,
  findCoordinatorV5,
  findCoordinatorV6,
} from '@platformatic/kafka';
import {
  answerDespiteItemErrors,
  ApiVersionRanges,
  itemError,
  newestSupported,
} from './protocolAnswers';

/** FindCoordinator versions that take many keys at once (Kafka 2.8+), newest first. */
const FIND_COORDINATOR = [
  findCoordinatorV6,
  findCoordinatorV5,
  findCoordinatorV4,
];

export interface GroupCoordinator extends Broker {
  nodeId: number;
}

export interface GroupCoordinators {
  found: Map<string, GroupCoordinator>;
  /** Groups whose coordinator is unknown, each with its own error. */
  failed: Map<string, unknown>;
}

/**
 * The coordinator of every group in ONE FindCoordinator request, answered
 * group by group: a group the broker refuses (e.g. not authorized) fails
 * alone; a failed request fails them all.
 */
export async function findGroupCoordinators(
  connection: Connection,
  apis: ApiVersionRanges,
  groupIds: readonly string[],
): Promise<GroupCoordinators> {
  const found = new Map<string, GroupCoordinator>();
  const failed = new Map<string, unknown>();
  if (groupIds.length === 0) return { found, failed };
  const findCoordinator = newestSupported(apis, FIND_COORDINATOR);
  if (!findCoordinator) {
    const error = new Error(
      'The cluster does not speak FindCoordinator version 4 or later (Kafka 2.8 or later is needed)',
    );
    groupIds.forEach(id => failed.set(id, error));
    return { found, failed };
  }
  try {
    const response = await answerDespiteItemErrors(
      findCoordinator.api.async(connection, FindCoordinatorKeyTypes.GROUP, [
        ...groupIds,
      ]),
    );
    for (const c of response.coordinators) {
      if (c.errorCode !== 0) {
        failed.set(c.key, itemError(c.errorCode, c.errorMessage));
      } else {
        found.set(c.key, { nodeId: c.nodeId, host: c.host, port: c.port });
      }
    }
  } catch (error) {
    groupIds.forEach(id => failed.set(id, error));
    return { found, failed };
  }
  for (const id of groupIds) {
    if (!found.has(id) && !failed.has(id)) {
      failed.set(id, new Error(`No coordinator was found for ${id}`));
    }
  }
  return { found, failed };
}
