import {
  AuditorService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  applicationPrefix,
  KafkaMessageList,
  kafkaHubMessagesReadPermission,
  KafkaMessageStart,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { EnvironmentConfig, MessagesConfig } from '../config/types';
import { NamespaceClaimStore } from '../database/claims';
import { ProvisioningStore } from '../database/provisioning/ProvisioningStore';
import {
  createSchemaRegistry,
  FieldMask,
  MessageDecoder,
  MessageReader,
  MessageReaderOptions,
  ReadStart,
  TopicNotFoundError,
} from '../messages';
import { EntityAccess } from '../permissions/EntityAccess';
import { normalizedEntityRef } from '../router/entityRefs';
import { AuditedRequest } from './auditedRequest';

export interface MessagesApiOptions {
  auditor: AuditorService;
  access: EntityAccess;
  applications: ProvisioningStore;
  namespaceClaims: NamespaceClaimStore;
  environments: EnvironmentConfig[];
  namespacePattern: string;
  config: MessagesConfig;
  /** Tuning of the Kafka reads; for tests. */
  reader?: MessageReaderOptions;
}

/** What a caller asks of `GET .../topics/{topic}/messages`. */
export interface ReadMessagesRequest {
  environment: string;
  partition?: number;
  start?: KafkaMessageStart;
  /** With `from: offset`. */
  offset?: string;
  /** With `from: timestamp`: ISO 8601, or milliseconds since the epoch. */
  timestamp?: string;
  /** Messages per partition; at most (and by default) the message bound. */
  limit?: number;
}

function parseStart(request: ReadMessagesRequest): ReadStart {
  const from = request.start ?? 'latest';
  if (from === 'offset') {
    if (request.offset === undefined || !/^\d{1,19}$/.test(request.offset)) {
      throw new InputError(
        `start=offset needs offset, a whole number of 0 or more, got ${
          request.offset === undefined ? 'none' : `"${request.offset}"`
        }`,
      );
    }
    return { from, offset: BigInt(request.offset) };
  }
  if (from === 'timestamp') {
    const raw = request.timestamp;
    let timestamp = NaN;
    if (raw !== undefined) {
      timestamp = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
    }
    if (!Number.isFinite(timestamp) || timestamp < 0) {
      throw new InputError(
        `start=timestamp needs timestamp, an ISO 8601 date-time or milliseconds since 1970, got ${
          raw === undefined ? 'none' : `"${raw}"`
        }`,
      );
    }
    return { from, timestamp };
  }
  return { from: 'latest' };
}

/**
 * Decoded messages of an application's topics, for one caller: what
 * `GET /applications/{entityRef}/topics/{topic}/messages` answers. The
 * caller needs `kafka-hub.messages.read` on the entity; without it the
 * answer is the same 404 as for a missing application or topic. The topic
 * must be inside the application's namespace, and the namespace claimed by
 * the entity. Every read is audited (who, entity, environment, topic,
 * partitions, range, count, why it stopped), never the messages.
 */
export class MessagesApi {
  private readonly mask: FieldMask;
  private readonly registries = new Map<string, SchemaRegistry>();

  constructor(private readonly options: MessagesApiOptions) {
    this.mask = new FieldMask(options.config.mask);
  }

  async read(
    credentials: BackstageCredentials,
    entityRefParam: string,
    topic: string,
    request: ReadMessagesRequest,
    options: AuditedRequest & { cancel?: AbortSignal } = {},
  ): Promise<KafkaMessageList> {
    const { auditor, access, config } = this.options;
    const entityRef = normalizedEntityRef(entityRefParam);
    const event = await auditor.createEvent({
      eventId: 'messages-read',
      severityLevel: 'medium',
      request: options.request,
      meta: {
        entityRef,
        environment: request.environment,
        topic,
        partition: request.partition ?? 'all',
        start: request.start ?? 'latest',
        offset: request.offset,
        timestamp: request.timestamp,
        limit: request.limit,
        ...options.auditMeta,
      },
    });
    try {
      const {
        granted: [mayRead],
      } = await access.onEntity(credentials, entityRef, [
        kafkaHubMessagesReadPermission,
      ]);
      const notFound = () =>
        new NotFoundError(
          `No topic ${topic} of a Kafka application ${entityRef} in ${request.environment}`,
        );
      if (!mayRead) throw notFound();
      const environment = this.options.environments.find(
        e => e.name === request.environment,
      );
      if (!environment) {
        throw new InputError(
          `environment "${request.environment}" is not configured`,
        );
      }
      await this.requireOwnTopic(entityRef, topic, notFound);

      const start = parseStart(request);
      const limit = request.limit ?? config.maxMessages;
      if (!Number.isInteger(limit) || limit < 1 || limit > config.maxMessages) {
        throw new InputError(
          `limit must be a whole number from 1 to ${config.maxMessages}, got ${limit}`,
        );
      }
      const reader = new MessageReader(environment.kafka, this.options.reader);
      const read = await reader
        .read({
          topic,
          partitions:
            request.partition === undefined ? undefined : [request.partition],
          start,
          perPartition: limit,
          maxMessages: config.maxMessages,
          maxBytes: config.maxBytes,
          deadline: AbortSignal.timeout(config.timeoutMs),
          cancel: options.cancel,
        })
        .catch(error => {
          // A missing topic answers like one the caller may not read.
          throw error instanceof TopicNotFoundError ? notFound() : error;
        });
      const decoder = new MessageDecoder(
        this.registryOf(environment),
        this.mask,
      );
      const messages = await decoder.decodeAll(read.messages);
      const partitions = read.partitions.map(p => ({
        partition: p.partition,
        startOffset: p.startOffset.toString(),
        nextOffset: p.nextOffset.toString(),
        endOffset: p.endOffset.toString(),
      }));
      await event.success({
        meta: {
          partitions: partitions.map(p => ({
            partition: p.partition,
            startOffset: p.startOffset,
            nextOffset: p.nextOffset,
          })),
          count: messages.length,
          stoppedBy: read.stoppedBy,
        },
      });
      return {
        environment: environment.name,
        topic,
        messages,
        partitions,
        stoppedBy: read.stoppedBy,
        bounds: {
          maxMessages: config.maxMessages,
          maxBytes: config.maxBytes,
          timeoutMs: config.timeoutMs,
        },
      };
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  /** 404 unless the topic is inside the namespace the entity holds. */
  private async requireOwnTopic(
    entityRef: string,
    topic: string,
    notFound: () => Error,
  ): Promise<void> {
    const { applications, namespaceClaims, namespacePattern } = this.options;
    const app = await applications.get(entityRef);
    if (!app || app.removedAt !== undefined) throw notFound();
    const claim = await namespaceClaims.get(app.application);
    if (claim?.entityRef !== entityRef) throw notFound();
    const prefix = applicationPrefix(app.application, namespacePattern);
    if (!topic.startsWith(prefix) || topic.length === prefix.length) {
      throw notFound();
    }
  }

  /** One registry client per environment, so decoded schemas stay cached. */
  private registryOf(environment: EnvironmentConfig) {
    if (!environment.schemaRegistry) return undefined;
    let registry = this.registries.get(environment.name);
    if (!registry) {
      registry = createSchemaRegistry(environment.schemaRegistry);
      this.registries.set(environment.name, registry);
    }
    return registry;
  }
}
