import type { BaseOptions, SASLOptions } from '@platformatic/kafka';
import { ConnectionOptions as TlsConnectionOptions } from 'tls';
import {
  KafkaClusterConfig,
  OAuthClientCredentialsConfig,
  TlsConfig,
} from '../config/types';
import { explainClosedConnections } from './connectionErrors';
import { clientCredentialsTokenProvider } from './oauthBearerToken';

export interface KafkaClientTuning {
  /** Retries of each request; the health check wants none. Default: 3. */
  retries?: number;
}

/** Node TLS options from a TLS config (shared by Kafka and the registry). */
export function tlsConnectionOptions(tls: TlsConfig): TlsConnectionOptions {
  return {
    ca: tls.ca,
    cert: tls.cert,
    key: tls.key,
    passphrase: tls.passphrase,
    rejectUnauthorized: tls.rejectUnauthorized,
    servername: tls.servername,
  };
}

/**
 * One token provider per environment's client credentials: every client
 * of the environment (health check, provisioning, group sync, sampler)
 * reuses its token instead of asking the identity provider for its own.
 */
const tokenProviders = new WeakMap<
  OAuthClientCredentialsConfig,
  () => Promise<string>
>();

function sharedTokenProvider(
  credentials: OAuthClientCredentialsConfig,
  timeoutMs: number,
): () => Promise<string> {
  let provider = tokenProviders.get(credentials);
  if (!provider) {
    provider = clientCredentialsTokenProvider(credentials, timeoutMs);
    tokenProviders.set(credentials, provider);
  }
  return provider;
}

function saslOptions(config: KafkaClusterConfig): SASLOptions | undefined {
  const sasl = config.sasl;
  if (!sasl) return undefined;
  if (sasl.mechanism === 'oauthbearer') {
    return {
      mechanism: 'OAUTHBEARER',
      token: sasl.clientCredentials
        ? sharedTokenProvider(sasl.clientCredentials, config.requestTimeoutMs)
        : sasl.token,
      oauthBearerExtensions: sasl.extensions,
    };
  }
  return {
    mechanism: sasl.mechanism.toUpperCase() as SASLOptions['mechanism'],
    username: sasl.username,
    password: sasl.password,
  };
}

/**
 * Options of every `@platformatic/kafka` client Kafka Hub creates for one
 * environment: brokers, TLS, SASL and timeouts from its config.
 */
export function kafkaClientOptions(
  config: KafkaClusterConfig,
  tuning: KafkaClientTuning = {},
): BaseOptions {
  explainClosedConnections();
  return {
    clientId: config.clientId,
    bootstrapBrokers: config.brokers,
    connectTimeout: config.connectionTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    timeout: config.requestTimeoutMs,
    retries: tuning.retries ?? 3,
    retryDelay: 250,
    tls: config.ssl ? tlsConnectionOptions(config.ssl) : undefined,
    sasl: saslOptions(config),
  };
}
