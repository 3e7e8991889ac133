import {
  Admin,
  Broker,
  Connection,
  connectionsApiChannel,
  parseBroker,
  protocolAPIsById,
} from '@platformatic/kafka';
import { KafkaClusterConfig } from '../config/types';
import { createKafkaAdmin } from './createKafkaAdmin';
import { KafkaClientTuning } from './kafkaClientOptions';
import { ApiVersionRanges, newestSupported } from './protocolAnswers';

/**
 * A client that sends `@platformatic/kafka`'s public protocol APIs on an
 * admin's connections, so that each request is one its caller chose (the
 * admin's own calls send a metadata request of their own each, and fail
 * whole on one item's error). It picks the newest version the cluster
 * speaks and counts what it sends, by API.
 */
export abstract class ClusterProtocolClient {
  readonly admin: Admin;
  protected readonly bootstrap: Broker[];
  private apis?: Promise<ApiVersionRanges>;
  private readonly counts = new Map<string, number>();
  private readonly countRequest = (message: unknown) => {
    const { connection, apiKey } = message as {
      connection?: Connection;
      apiKey?: number;
    };
    if (connection?.ownerId !== this.admin.instanceId) return;
    const name =
      (apiKey !== undefined && protocolAPIsById[apiKey]) || `api-${apiKey}`;
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  };

  constructor(config: KafkaClusterConfig, tuning: KafkaClientTuning = {}) {
    this.admin = createKafkaAdmin(config, tuning);
    this.bootstrap = config.brokers.map(broker => parseBroker(broker));
    connectionsApiChannel.start.subscribe(this.countRequest);
  }

  /** Requests sent so far, by API name. */
  get requestCounts(): Record<string, number> {
    return Object.fromEntries([...this.counts].sort());
  }

  /** Requests sent so far. */
  get requests(): number {
    let n = 0;
    for (const count of this.counts.values()) n += count;
    return n;
  }

  async close(): Promise<void> {
    connectionsApiChannel.start.unsubscribe(this.countRequest);
    await this.admin.close();
  }

  /** The cluster's API versions, asked once per client (again after a failure). */
  protected apiVersions(): Promise<ApiVersionRanges> {
    this.apis ??= this.admin.listApis().catch(error => {
      this.apis = undefined;
      throw error;
    });
    return this.apis;
  }

  /** The first of `candidates` (highest version first) the cluster speaks. */
  protected async api<T extends { api: { key: number; version: number } }>(
    name: string,
    candidates: readonly T[],
  ): Promise<T> {
    const usable = newestSupported(await this.apiVersions(), candidates);
    if (!usable) {
      const versions = candidates.map(c => c.api.version).join(', ');
      throw new Error(
        `The cluster does not speak ${name} version ${versions} (Kafka 3.5 or later is needed)`,
      );
    }
    return usable;
  }

  /** A connection to broker `nodeId` as `brokers` (from metadata) locate it. */
  protected connectionToNode(
    brokers: ReadonlyMap<number, Broker>,
    nodeId: number,
  ): Promise<Connection> {
    const broker = brokers.get(nodeId);
    if (!broker) {
      return Promise.reject(
        new Error(`Broker ${nodeId} is not in the metadata`),
      );
    }
    return this.admin.connections.get(broker);
  }
}
