import { LoggerService } from '@backstage/backend-plugin-api';
import {
  applicationPrefix,
  DEFAULT_NAMESPACE_PATTERN,
  MAX_PARTITIONS,
  TopicSpec,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import {
  AclOperations,
  AclPermissionTypes,
  Admin,
  ResourcePatternTypes,
  ResourceTypes,
} from '@platformatic/kafka';
import {
  EnvironmentConfig,
  EnvironmentProvisioningConfig,
} from '../config/types';
import {
  DesiredState,
  EnvironmentDetails,
  EnvironmentProvisioningDetail,
  FinishedProvisioningStatus,
} from '../database/provisioning/types';
import {
  aclKey,
  aclsForApplication,
  applicationPrincipal,
  DEFAULT_PRINCIPAL_PATTERN,
} from './aclsForApplication';
import { firstLine } from '../errors/firstLine';
import { createKafkaAdmin } from '../kafka';
import { provisionTopics, wantedTopics } from './provisionTopics';
import { errorText, plural, step } from './steps';

/** Message of an environment that is not part of the desired state. */
export const NOT_LISTED_MESSAGE = 'Not listed in kafka-hub.io/environments';

/** Message of a desired environment missing from the configuration. */
function notConfiguredMessage(environment: string): string {
  return `Environment "${environment}" is not configured in kafkaHub.environments`;
}

/**
 * The engine's own settings. The topic and ACL ones apply to environments
 * whose config carries no `provisioning` of its own (the config reader
 * always sets it, hand-built configs may not).
 */
export interface ProvisioningEngineOptions {
  /** Partitions of a topic whose annotation gives none. */
  defaultPartitions: number;
  replicationFactor: number;
  /** Principal of an application; default `User:{application}`. */
  principalPattern?: string;
  /** Most partitions a topic may declare; default the parser's maximum. */
  maxPartitions?: number;
  /** Configs of every new topic, in Kafka's values; default none. */
  topicConfig?: Record<string, string>;
  /** Prefix of an application's namespace; default `{application}.`. */
  namespacePattern?: string;
  /** Retries of each Kafka request; small so that dead clusters fail fast. Default 2. */
  retries?: number;
}

export interface ProvisioningEngineDeps {
  environments: EnvironmentConfig[];
  logger: LoggerService;
  options: ProvisioningEngineOptions;
}

export interface ProvisionRequest {
  /** The application slug. */
  application: string;
  desiredState: DesiredState;
  /**
   * Run only these environments (a retry of the failed ones); the others keep
   * their `previous` detail. An environment of the desired state without a
   * previous detail is run anyway, so that none is left without an outcome.
   */
  targetEnvironments?: string[];
  /** Per-environment detail of the previous run. */
  previous?: EnvironmentDetails;
  /**
   * Stops the run between steps once aborted: no further Kafka request is
   * made and `provision` rejects with the signal's reason.
   */
  signal?: AbortSignal;
}

export interface ProvisionResult {
  status: FinishedProvisioningStatus;
  /** One line naming each failed environment and its cause. */
  error?: string;
  /** Every configured or desired environment. */
  environments: EnvironmentDetails;
}

interface EnvironmentOutcome {
  /** What was done. */
  message: string;
  /** Steps that failed, each prefixed with what was being done. */
  errors: string[];
}

/**
 * The overall status of per-environment outcomes: completed when nothing
 * failed, failed when nothing succeeded, partial otherwise.
 */
function overallStatus(
  details: EnvironmentDetails,
): FinishedProvisioningStatus {
  const statuses = Object.values(details).map(detail => detail.status);
  const failed = statuses.filter(status => status === 'failed').length;
  const succeeded = statuses.filter(status => status === 'success').length;
  if (failed === 0) return 'completed';
  if (succeeded === 0) return 'failed';
  return 'partial';
}

/**
 * Creates each environment's namespace of an application on that
 * environment's cluster, with that environment's settings: its topics under
 * the prefix (partitions, replication factor, configs) and the prefixed ACLs
 * of its principal. Idempotent; existing topics are compared, never changed.
 * Environments run concurrently and a failing one never stops the others.
 */
export class ProvisioningEngine {
  private readonly environments: Map<string, EnvironmentConfig>;
  private readonly logger: LoggerService;
  private readonly options: Required<ProvisioningEngineOptions>;

  constructor(deps: ProvisioningEngineDeps) {
    this.environments = new Map(deps.environments.map(env => [env.name, env]));
    this.logger = deps.logger;
    this.options = {
      principalPattern: DEFAULT_PRINCIPAL_PATTERN,
      namespacePattern: DEFAULT_NAMESPACE_PATTERN,
      maxPartitions: MAX_PARTITIONS,
      topicConfig: {},
      retries: 2,
      ...deps.options,
    };
  }

  /** The topic and group prefix of an application. */
  prefixOf(application: string): string {
    return applicationPrefix(application, this.options.namespacePattern);
  }

  /** How a configured environment provisions; undefined for an unknown one. */
  settingsOf(environment: string): EnvironmentProvisioningConfig | undefined {
    const config = this.environments.get(environment);
    if (!config) return undefined;
    const { defaultPartitions, maxPartitions, replicationFactor } =
      this.options;
    return (
      config.provisioning ?? {
        defaultPartitions,
        maxPartitions,
        replicationFactor,
        principalPattern: this.options.principalPattern,
        topicConfig: this.options.topicConfig,
      }
    );
  }

  async provision(request: ProvisionRequest): Promise<ProvisionResult> {
    const { application, desiredState, targetEnvironments, previous, signal } =
      request;
    signal?.throwIfAborted();
    const desired = Array.from(new Set(desiredState.environments));
    const targets = targetEnvironments
      ? new Set(targetEnvironments)
      : undefined;
    const details: EnvironmentDetails = {};
    const toRun: string[] = [];

    for (const name of desired) {
      const kept = previous?.[name];
      if (!this.environments.has(name)) {
        details[name] = {
          status: 'skipped',
          message: notConfiguredMessage(name),
          finishedAt: new Date().toISOString(),
        };
      } else if (targets && !targets.has(name) && kept) {
        details[name] = kept;
      } else {
        toRun.push(name);
      }
    }
    for (const name of this.environments.keys()) {
      if (!desired.includes(name)) {
        details[name] = {
          status: 'skipped',
          message: NOT_LISTED_MESSAGE,
          finishedAt: new Date().toISOString(),
        };
      }
    }

    const outcomes = await Promise.allSettled(
      toRun.map(name =>
        this.provisionEnvironment(
          application,
          desiredState.topics,
          this.environments.get(name)!,
          signal,
        ),
      ),
    );
    // An environment the signal stopped has no outcome to report.
    const stopped = outcomes.find(
      o =>
        o.status === 'rejected' &&
        signal?.aborted &&
        o.reason === signal.reason,
    );
    if (stopped) {
      throw (stopped as PromiseRejectedResult).reason;
    }
    outcomes.forEach((outcome, index) => {
      const name = toRun[index];
      const finishedAt = new Date().toISOString();
      if (outcome.status === 'fulfilled' && outcome.value.errors.length === 0) {
        const { message } = outcome.value;
        details[name] = { status: 'success', message, finishedAt };
        this.logger.info(
          `Provisioned Kafka application ${application} in ${name}: ${message}`,
        );
      } else if (outcome.status === 'fulfilled') {
        const { message, errors } = outcome.value;
        const error = errors.join('; ');
        details[name] = { status: 'failed', error, message, finishedAt };
        this.logger.warn(
          `Provisioning Kafka application ${application} in ${name} failed: ${error}`,
        );
      } else {
        const error = errorText(outcome.reason);
        details[name] = { status: 'failed', error, finishedAt };
        this.logger.warn(
          `Provisioning Kafka application ${application} in ${name} failed: ${error}`,
        );
      }
    });

    const ordered = sortDetails(details, [
      ...desired,
      ...this.environments.keys(),
    ]);
    const failures = Object.entries(ordered)
      .filter(([, detail]) => detail.status === 'failed')
      .map(
        ([name, detail]) => `${name}: ${firstLine(detail.error ?? 'failed')}`,
      );
    return {
      status: overallStatus(ordered),
      ...(failures.length > 0 ? { error: failures.join('; ') } : {}),
      environments: ordered,
    };
  }

  /**
   * Provisions one environment. Resolves with a summary of what was done and
   * the errors of the steps that failed (each topic and the ACLs are tried
   * even when another step failed); rejects when the cluster is unreachable
   * or `signal` aborts (checked before each step).
   */
  private async provisionEnvironment(
    application: string,
    topics: TopicSpec[],
    environment: EnvironmentConfig,
    signal: AbortSignal | undefined,
  ): Promise<EnvironmentOutcome> {
    const settings = this.settingsOf(environment.name)!;
    const prefix = this.prefixOf(application);
    const principal = applicationPrincipal(
      application,
      settings.principalPattern,
    );
    signal?.throwIfAborted();
    const admin = createKafkaAdmin(environment.kafka, {
      retries: this.options.retries,
    });
    try {
      await step(`Connecting to ${environment.kafka.brokers.join(', ')}`, () =>
        admin.metadata({ topics: [] }),
      );
      // Each step is tried even when another failed: a bad topic must not
      // keep the application's ACLs from being granted.
      const errors: string[] = [];
      const attempt = async (action: () => Promise<string[]>) => {
        signal?.throwIfAborted();
        try {
          return await action();
        } catch (error) {
          // A stop is no step's failure: it ends the environment.
          signal?.throwIfAborted();
          errors.push(errorText(error));
          return [];
        }
      };
      const topicNotes = await attempt(async () => {
        if (topics.length === 0) return ['No topics declared'];
        const outcome = await provisionTopics(
          admin,
          wantedTopics(prefix, topics, settings),
          {
            environment: environment.name,
            timeoutMs: environment.kafka.requestTimeoutMs,
            signal,
          },
        );
        errors.push(...outcome.errors);
        return outcome.notes;
      });
      const aclNotes = await attempt(async () => [
        await this.createAcls(admin, principal, prefix, signal),
      ]);
      return {
        message: [...topicNotes, ...aclNotes].join('; '),
        errors,
      };
    } finally {
      await admin.close().catch(() => undefined);
    }
  }

  private async createAcls(
    admin: Admin,
    principal: string,
    prefix: string,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    const wanted = aclsForApplication(principal, prefix);
    const described = await step(`Describing ACLs of ${principal}`, () =>
      admin.describeAcls({
        filter: {
          resourceType: ResourceTypes.ANY,
          resourceName: prefix,
          resourcePatternType: ResourcePatternTypes.PREFIXED,
          principal,
          host: '*',
          operation: AclOperations.ANY,
          permissionType: AclPermissionTypes.ALLOW,
        },
      }),
    );
    const present = new Set(
      described.flatMap(resource =>
        resource.acls.map(acl =>
          aclKey({
            resourceType: resource.resourceType,
            resourceName: resource.resourceName,
            resourcePatternType: resource.resourcePatternType,
            ...acl,
          }),
        ),
      ),
    );
    const missing = wanted.filter(acl => !present.has(aclKey(acl)));
    if (missing.length > 0) {
      signal?.throwIfAborted();
      await step(`Creating ACLs for ${principal} on prefix ${prefix}`, () =>
        admin.createAcls({ creations: missing }),
      );
    }
    const already = wanted.length - missing.length;
    return missing.length === 0
      ? `${plural(wanted.length, 'ACL')} in place (already existed)`
      : `${plural(wanted.length, 'ACL')} in place (${
          missing.length
        } created, ${already} already existed)`;
  }
}

function sortDetails(
  details: EnvironmentDetails,
  order: string[],
): EnvironmentDetails {
  const sorted: Record<string, EnvironmentProvisioningDetail> = {};
  for (const name of order) {
    if (details[name] && !sorted[name]) sorted[name] = details[name];
  }
  return sorted;
}
