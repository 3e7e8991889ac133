import net from 'net';

/**
 * Where the integration tests find the real services started by
 * `scripts/services/all.sh` (see scripts/test.sh). Defaults match the
 * scripts' defaults.
 */
export const testServices = {
  kafkaPlaintextBrokers: [
    process.env.KAFKA_HUB_TEST_KAFKA_PLAINTEXT ?? '127.0.0.1:9092',
  ],
  kafkaSaslBrokers: [process.env.KAFKA_HUB_TEST_KAFKA_SASL ?? '127.0.0.1:9094'],
  /** TLS, no client certificate. */
  kafkaSslBrokers: [process.env.KAFKA_HUB_TEST_KAFKA_SSL ?? '127.0.0.1:9095'],
  /** TLS with a required client certificate (principal User:kafka-hub). */
  kafkaMtlsBrokers: [process.env.KAFKA_HUB_TEST_KAFKA_MTLS ?? '127.0.0.1:9096'],
  /** TLS + SASL PLAIN, SCRAM-SHA-256/512 and OAUTHBEARER (unsecured JWTs). */
  kafkaSaslSslBrokers: [
    process.env.KAFKA_HUB_TEST_KAFKA_SASL_SSL ?? '127.0.0.1:9097',
  ],
  /** PEM files the broker script makes: ca.pem, client.pem, client-key.pem, ... */
  kafkaTlsDir:
    process.env.KAFKA_HUB_TEST_KAFKA_TLS_DIR ??
    `${process.env.KAFKA_HUB_STATE_DIR ?? '/tmp/kafka-hub-services'}/kafka/tls`,
  admin: { username: 'admin', password: 'admin-secret' },
  user: { username: 'alice', password: 'alice-secret' },
  registryUrl:
    process.env.KAFKA_HUB_TEST_REGISTRY_URL ??
    'http://127.0.0.1:8081/apis/ccompat/v7',
  /** A loopback port nothing listens on. */
  deadBrokers: ['127.0.0.1:1'],
};

/** Database ids of TestDatabases: SQLite always, PostgreSQL when the test command provides it. */
export const testDatabaseIds = ['SQLITE_3', 'POSTGRES_15'] as const;

/** A loopback port that was free a moment ago: connecting to it is refused. */
export async function unusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

/** The path of a PEM file made by scripts/services/kafka.sh, e.g. `kafkaTlsFile('ca.pem')`. */
export function kafkaTlsFile(name: string): string {
  return `${testServices.kafkaTlsDir}/${name}`;
}
