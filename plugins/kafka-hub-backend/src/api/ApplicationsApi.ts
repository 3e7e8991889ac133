import {
  AuditorService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  applicationPrefix,
  kafkaHubAdminRetryPermission,
  kafkaHubEntityReadPermission,
  kafkaHubProvisioningRetryPermission,
  KafkaApplication,
  KafkaApplicationDetail,
  KafkaApplicationTopics,
  KafkaApplicationList,
  ProvisioningRunSummary,
  ProvisioningStatus,
  RetryAllFailedResponse,
  RetryProvisioningResponse,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { ProvisioningStore } from '../database/provisioning/ProvisioningStore';
import {
  ProvisioningApplication,
  ProvisioningRun,
} from '../database/provisioning/types';
import { EntityAccess } from '../permissions/EntityAccess';
import { ReadableEntities } from '../permissions/ReadableEntities';
import { ProvisioningService } from '../provisioning/ProvisioningService';
import { ErrorDetail, tierError } from '../router/errorDetail';
import { normalizedEntityRef } from '../router/entityRefs';
import { AuditedRequest } from './auditedRequest';
import { TopicsApi } from './TopicsApi';

export interface ApplicationsApiOptions {
  auditor: AuditorService;
  access: EntityAccess;
  readable: ReadableEntities;
  store: ProvisioningStore;
  service: ProvisioningService;
  namespacePattern: string;
}

/** Runs shown in an application's history. */
const RUN_HISTORY = 20;

/**
 * Provisioning status of Kafka applications, and retries, for one caller:
 * what the `/applications` routes and the actions answer.
 *
 * Lists show the entities the caller may read (`kafka-hub.entity.read`, one
 * conditional decision per request); an application the caller may not
 * read answers 404 like a missing one. Error texts are whole, and run ids
 * shown, only for `kafka-hub.admin.read`.
 */
export class ApplicationsApi {
  constructor(private readonly options: ApplicationsApiOptions) {}

  private view(
    app: ProvisioningApplication,
    detail: ErrorDetail,
  ): KafkaApplication {
    const tier = (text: string | undefined) => tierError(text, detail);
    return {
      entityRef: app.entityRef,
      application: app.application,
      ownerRef: app.ownerRef,
      prefix: applicationPrefix(app.application, this.options.namespacePattern),
      desiredEnvironments: app.desiredState.environments,
      topics: app.desiredState.topics,
      status: app.status,
      error: tier(app.error),
      environments: Object.fromEntries(
        Object.entries(app.environments).map(([name, env]) => [
          name,
          { ...env, error: tier(env.error) },
        ]),
      ),
      annotationErrors: app.annotationErrors,
      attemptCount: app.attemptCount,
      lastAttemptAt: app.lastAttemptAt,
      nextAttemptAt: app.nextAttemptAt,
      currentRunId: detail === 'full' ? app.currentRunId : undefined,
      removedAt: app.removedAt,
    };
  }

  async list(
    credentials: BackstageCredentials,
    query: {
      entityRef?: string;
      owner?: string;
      status?: ProvisioningStatus[];
      limit?: number;
      offset?: number;
    },
  ): Promise<KafkaApplicationList> {
    const { store, readable } = this.options;
    const { status: statuses, limit = 50, offset = 0 } = query;
    const entityRef = query.entityRef && normalizedEntityRef(query.entityRef);
    const owner = query.owner && normalizedEntityRef(query.owner);
    const page = { limit, offset };
    const scope = await readable.listScope(credentials);

    let entityRefs = scope.entityRefs;
    if (entityRef !== undefined) {
      entityRefs =
        entityRefs === undefined || entityRefs.includes(entityRef)
          ? [entityRef]
          : [];
    }
    const filter = {
      entityRefs,
      owners: owner ? [owner] : undefined,
      statuses,
    };
    const [apps, total] = await Promise.all([
      store.list(filter, page),
      store.count(filter),
    ]);
    const detail: ErrorDetail = scope.admin ? 'full' : 'brief';
    return {
      items: apps.map(app => this.view(app, detail)),
      total,
      limit: page.limit,
      offset: page.offset,
      errorDetail: detail,
    };
  }

  async get(
    credentials: BackstageCredentials,
    entityRefParam: string,
  ): Promise<KafkaApplicationDetail> {
    const { access, store } = this.options;
    const entityRef = normalizedEntityRef(entityRefParam);
    // Unreadable answers exactly like missing: nothing to probe.
    const { admin } = await access.requireRead(credentials, entityRef, () =>
      noApplication(entityRef),
    );
    const app = await requireApplication(store, entityRef);
    return this.detail(app, admin);
  }

  /**
   * {@link get} and the application's topics from `topics`, read and
   * authorized once.
   */
  async getWithTopics(
    credentials: BackstageCredentials,
    entityRefParam: string,
    topics: TopicsApi,
  ): Promise<{
    application: KafkaApplicationDetail;
    topics: KafkaApplicationTopics;
  }> {
    const { access, store } = this.options;
    const entityRef = normalizedEntityRef(entityRefParam);
    const { admin } = await access.requireRead(credentials, entityRef, () =>
      noApplication(entityRef),
    );
    const app = await requireApplication(store, entityRef);
    const [application, sampled] = await Promise.all([
      this.detail(app, admin),
      topics.ofApplication(app, admin),
    ]);
    return { application, topics: sampled };
  }

  private async detail(
    app: ProvisioningApplication,
    admin: boolean,
  ): Promise<KafkaApplicationDetail> {
    const detail: ErrorDetail = admin ? 'full' : 'brief';
    return {
      ...this.view(app, detail),
      errorDetail: detail,
      runs: admin
        ? (await this.options.store.listRuns(app.entityRef, RUN_HISTORY)).map(
            runSummary,
          )
        : undefined,
    };
  }

  /** Starts a retry (`kafka-hub.provisioning.retry` on the entity), audited. */
  async retry(
    credentials: BackstageCredentials,
    entityRefParam: string,
    options: { all?: boolean } & AuditedRequest = {},
  ): Promise<RetryProvisioningResponse> {
    const { auditor, access, store, service } = this.options;
    const entityRef = normalizedEntityRef(entityRefParam);
    const all = options.all ?? false;
    const event = await auditor.createEvent({
      eventId: 'provisioning-retry',
      severityLevel: 'medium',
      request: options.request,
      meta: { entityRef, all, ...options.auditMeta },
    });
    try {
      const {
        admin,
        granted: [mayRead, mayRetry],
      } = await access.onEntity(credentials, entityRef, [
        kafkaHubEntityReadPermission,
        kafkaHubProvisioningRetryPermission,
      ]);
      if (!admin && !mayRead) throw noApplication(entityRef);
      await requireApplication(store, entityRef);
      if (!mayRetry) {
        throw new NotAllowedError(
          `Missing permission ${kafkaHubProvisioningRetryPermission.name} on ${entityRef}`,
        );
      }
      const outcome = await service.retry(entityRef, {
        all,
        requestedBy: requesterOf(credentials),
      });
      if (!('started' in outcome)) {
        throw retryRefusal(entityRef, outcome);
      }
      await event.success({ meta: { runId: outcome.runId } });
      return {
        runId: admin ? outcome.runId : undefined,
        environments: outcome.environments,
      };
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  /** Retries every failed application (`kafka-hub.admin.retry`), audited. */
  async retryAllFailed(
    credentials: BackstageCredentials,
    options: AuditedRequest = {},
  ): Promise<RetryAllFailedResponse> {
    const { auditor, access, service } = this.options;
    const event = await auditor.createEvent({
      eventId: 'provisioning-retry-all',
      severityLevel: 'high',
      request: options.request,
      meta: options.auditMeta,
    });
    try {
      await access.require(credentials, kafkaHubAdminRetryPermission);
      const result = await service.retryAllFailed(requesterOf(credentials));
      await event.success({ meta: { ...result } });
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }
}

/** The one answer for a missing application and one the caller may not read. */
function noApplication(entityRef: string): NotFoundError {
  return new NotFoundError(`No Kafka application for ${entityRef}`);
}

async function requireApplication(
  store: ProvisioningStore,
  entityRef: string,
): Promise<ProvisioningApplication> {
  const app = await store.get(entityRef);
  if (!app) throw noApplication(entityRef);
  return app;
}

function retryRefusal(
  entityRef: string,
  outcome: Exclude<
    Awaited<ReturnType<ProvisioningService['retry']>>,
    { started: true }
  >,
): Error {
  switch (outcome.reason) {
    case 'not-found':
      return noApplication(entityRef);
    case 'in-progress':
      return new ConflictError(
        `Provisioning of ${entityRef} is already in progress`,
      );
    case 'removed':
      return new ConflictError(
        `${entityRef} left the catalog at ${outcome.removedAt}; a removed application is not provisioned until its entity is back`,
      );
    default:
      return new InputError(
        `Provisioning of ${entityRef} waits until its annotations are fixed: ${outcome.annotationErrors
          .map(e => `${e.annotation} "${e.value}" ${e.message}`)
          .join('; ')}`,
      );
  }
}

function runSummary(run: ProvisioningRun): ProvisioningRunSummary {
  return {
    runId: run.runId,
    trigger: run.trigger,
    requestedBy: run.requestedBy,
    environments: run.environments,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    result: run.result,
    error: run.error,
  };
}

function requesterOf(credentials: BackstageCredentials): string | undefined {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return principal.type === 'user'
    ? principal.userEntityRef
    : principal.subject;
}
