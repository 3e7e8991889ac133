import { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceHealth } from '@internal/plugin-kafka-hub-common';
import { KafkaClusterConfig } from '../config/types';
import { createKafkaClient, describeKafkaError } from '../kafka';
import { withTimeout } from './withTimeout';

/**
 * Connects an admin client (with SASL where configured) and describes the
 * cluster: proof that the brokers answer and accept our credentials.
 */
export async function checkKafka(
  config: KafkaClusterConfig,
  logger: LoggerService,
  timeoutMs: number,
): Promise<ServiceHealth> {
  const started = Date.now();
  const admin = createKafkaClient(config, logger, { retries: 0 }).admin();
  try {
    const cluster = await withTimeout(
      (async () => {
        await admin.connect();
        return admin.describeCluster();
      })(),
      timeoutMs,
      `Kafka did not answer within ${timeoutMs} ms (brokers ${config.brokers.join(
        ', ',
      )})`,
    );
    return {
      status: 'up',
      latencyMs: Date.now() - started,
      details: {
        clusterId: cluster.clusterId,
        brokers: cluster.brokers.length,
        controller: cluster.controller ?? -1,
        sasl: Boolean(config.sasl),
      },
    };
  } catch (error) {
    return { status: 'down', error: describeKafkaError(error) };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
