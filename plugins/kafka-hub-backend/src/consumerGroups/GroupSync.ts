import { LoggerService } from '@backstage/backend-plugin-api';
import { Admin } from '@platformatic/kafka';
import { ClaimSet } from '../claims';
import { EnvironmentConfig } from '../config/types';
import {
  ConsumerGroupStore,
  GroupLink,
  RecordSyncResult,
  TaskRunStore,
} from '../database/consumerGroups';
import { createKafkaAdmin, describeKafkaError } from '../kafka';
import { groupState, groupType, ListedGroup } from './describeGroup';
import { GroupDescriber } from './GroupDescriber';
import { consumerGroupLinker } from './linkConsumerGroups';

export interface GroupSyncOptions {
  environment: EnvironmentConfig;
  logger: LoggerService;
  groups: ConsumerGroupStore;
  taskRuns: TaskRunStore;
  /** The recorded namespace and link claims, for linking (read from the database). */
  claims: () => Promise<ClaimSet>;
  describeBatchSize: number;
  inactiveAfterMs: number;
  archiveAfterMs: number;
  now?: () => Date;
}

export type GroupSyncResult =
  | ({
      ok: true;
      linksKept: boolean;
      /** Groups that could not be described, each with its own error. */
      describeErrors: Array<{ groupId: string; error: string }>;
    } & RecordSyncResult)
  | {
      ok: false;
      error: string;
      /** It stopped at its abort signal: nothing was recorded. */
      aborted?: boolean;
    };

/** Recorded for a run stopped at its abort signal. */
export const ABORTED_SYNC =
  'Stopped at its abort signal (the task timed out or the backend is shutting down): no group was recorded';

/** Refused groups named in a run's recorded error. */
const REFUSALS_SHOWN = 3;

/** Every group type ListGroups v5 knows; without them it lists classic groups only. */
const GROUP_TYPES = ['classic', 'consumer', 'share', 'streams'];

/**
 * The group sync of one environment: lists the cluster's groups of every
 * type, describes them like Kafka's AdminClient does (see GroupDescriber),
 * links them to catalog entities and records them with their lifecycle. A
 * group that cannot be described records its own error; a run that fails
 * (the listing, the database) records its error and changes no group.
 */
export class GroupSync {
  constructor(private readonly options: GroupSyncOptions) {}

  /**
   * One sync. With `signal` aborted it sends no further Kafka request and
   * records nothing (the groups are written in one transaction, after the
   * last request): the run is recorded as aborted.
   */
  async sync(signal?: AbortSignal): Promise<GroupSyncResult> {
    const { environment, logger, taskRuns } = this.options;
    const now = this.options.now ?? (() => new Date());
    const startedAt = now();
    const admin = createKafkaAdmin(environment.kafka);
    try {
      signal?.throwIfAborted();
      const listed = await listGroups(admin);
      const discovered = await new GroupDescriber(
        admin,
        this.options.describeBatchSize,
      ).describe(listed, signal);
      const describeErrors = discovered.flatMap(g =>
        g.describeError ? [{ groupId: g.groupId, error: g.describeError }] : [],
      );
      if (describeErrors.length > 0) {
        logger.warn(
          `${describeErrors.length} consumer group(s) of ${environment.name} could not be described, e.g. ${describeErrors[0].groupId}: ${describeErrors[0].error}`,
        );
      }

      let linkOf: ((groupId: string) => GroupLink | undefined) | undefined;
      try {
        linkOf = consumerGroupLinker(
          await this.options.claims(),
          environment.name,
        );
      } catch (error) {
        // Without the claims, groups keep the links they had.
        logger.warn(
          `Consumer groups of ${
            environment.name
          } keep their entity links: the claims could not be read: ${describeKafkaError(
            error,
          )}`,
        );
      }

      signal?.throwIfAborted();
      const result = await this.options.groups.recordSync({
        environment: environment.name,
        groups: discovered,
        linkOf,
        now: startedAt,
        inactiveAfterMs: this.options.inactiveAfterMs,
        archiveAfterMs: this.options.archiveAfterMs,
      });
      const { refused } = result;
      let refusedError: string | undefined;
      if (refused.length > 0) {
        refusedError = `${refused.length} of ${
          result.listed
        } consumer groups could not be recorded: ${refused
          .slice(0, REFUSALS_SHOWN)
          .map(r => r.error)
          .join('; ')}${refused.length > REFUSALS_SHOWN ? '; ...' : ''}`;
        logger.warn(
          `Consumer group sync of ${environment.name}: ${refusedError}`,
        );
      }
      await taskRuns.record({
        environment: environment.name,
        task: 'sync',
        startedAt,
        finishedAt: now(),
        error: refusedError,
        outcome: refusedError ? 'partial' : 'succeeded',
      });
      return {
        ok: true,
        linksKept: linkOf === undefined,
        describeErrors,
        ...result,
      };
    } catch (error) {
      const aborted = signal?.aborted === true;
      const message = aborted ? ABORTED_SYNC : describeKafkaError(error);
      await taskRuns.record({
        environment: environment.name,
        task: 'sync',
        startedAt,
        finishedAt: now(),
        error: message,
        outcome: aborted ? 'aborted' : 'failed',
      });
      return aborted
        ? { ok: false, error: message, aborted }
        : { ok: false, error: message };
    } finally {
      await admin.close().catch(() => {});
    }
  }
}

/** The cluster's groups of every type, sorted by id. */
async function listGroups(admin: Admin): Promise<ListedGroup[]> {
  const groups = await admin.listGroups({ types: GROUP_TYPES });
  return [...groups.values()]
    .map(g => ({
      groupId: g.id,
      type: groupType(g.groupType),
      state: groupState(g.state),
      protocolType: g.protocolType || undefined,
    }))
    .sort((a, b) => a.groupId.localeCompare(b.groupId));
}
