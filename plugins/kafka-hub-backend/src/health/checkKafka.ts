import { LoggerService } from '@backstage/backend-plugin-api';
import { ServiceHealth } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { KafkaClusterConfig } from '../config/types';
import { createKafkaAdmin, describeKafkaError } from '../kafka';
import { withTimeout } from './withTimeout';

/**
 * Asks the cluster for its metadata (over TLS and SASL where configured):
 * proof that the brokers answer and accept our credentials. No retries, so
 * a dead cluster shows as down at once.
 */
export async function checkKafka(
  config: KafkaClusterConfig,
  logger: LoggerService,
  timeoutMs: number,
): Promise<ServiceHealth> {
  const started = Date.now();
  const admin = createKafkaAdmin(config, { retries: 0 });
  try {
    const cluster = await withTimeout(
      admin.metadata({ topics: [] }),
      timeoutMs,
      `Kafka did not answer within ${timeoutMs} ms (brokers ${config.brokers.join(
        ', ',
      )})`,
    );
    return {
      status: 'up',
      latencyMs: Date.now() - started,
      details: {
        clusterId: cluster.id,
        brokers: cluster.brokers.size,
        controller: cluster.controllerId ?? -1,
        sasl: Boolean(config.sasl),
      },
    };
  } catch (error) {
    const description = describeKafkaError(error);
    logger.debug(
      `Kafka health check of ${config.brokers.join(
        ', ',
      )} failed: ${description}`,
    );
    return { status: 'down', error: description };
  } finally {
    await admin.close().catch(() => undefined);
  }
}
