import { LoggerService } from '@backstage/backend-plugin-api';
import { Kafka, logLevel, LogEntry, SASLOptions } from 'kafkajs';
import { KafkaClusterConfig } from '../config/types';

/**
 * Routes kafkajs's own log lines to the plugin logger at debug level: every
 * failure that matters is reported by Kafka Hub with its context, while
 * kafkajs repeats each connection error several times per retry.
 */
function kafkaLogCreator(logger: LoggerService) {
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      if (level === logLevel.NOTHING) return;
      const { message, ...rest } = log;
      logger.debug(`kafkajs ${namespace}: ${message}`, {
        broker: typeof rest.broker === 'string' ? rest.broker : undefined,
        error: typeof rest.error === 'string' ? rest.error : undefined,
      });
    };
}

function saslOptions(config: KafkaClusterConfig): SASLOptions | undefined {
  if (!config.sasl) return undefined;
  const { mechanism, username, password } = config.sasl;
  return { mechanism, username, password } as SASLOptions;
}

export interface KafkaClientOptions {
  /** Retries of each request; the health check wants none. */
  retries?: number;
}

/** Creates a kafkajs client for one environment's cluster. */
export function createKafkaClient(
  config: KafkaClusterConfig,
  logger: LoggerService,
  options: KafkaClientOptions = {},
): Kafka {
  return new Kafka({
    clientId: config.clientId,
    brokers: config.brokers,
    ssl: config.ssl,
    sasl: saslOptions(config),
    connectionTimeout: config.connectionTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    retry: { retries: options.retries ?? 5 },
    logLevel: logLevel.INFO,
    logCreator: kafkaLogCreator(logger),
  });
}
