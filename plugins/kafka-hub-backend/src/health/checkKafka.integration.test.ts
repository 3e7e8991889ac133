import net from 'net';
import { mockServices } from '@backstage/backend-test-utils';
import { KafkaClusterConfig } from '../config/types';
import { testServices } from '../testUtils/testServices';
import { checkKafka } from './checkKafka';

jest.setTimeout(30_000);

const cluster = (
  overrides: Partial<KafkaClusterConfig>,
): KafkaClusterConfig => ({
  brokers: testServices.kafkaSaslBrokers,
  clientId: 'kafka-hub-test',
  ssl: false,
  connectionTimeoutMs: 2000,
  requestTimeoutMs: 5000,
  ...overrides,
});

describe('checkKafka against the real broker', () => {
  const logger = mockServices.logger.mock();

  it('connects over SASL/PLAIN as the admin', async () => {
    const health = await checkKafka(
      cluster({ sasl: { mechanism: 'plain', ...testServices.admin } }),
      logger,
      10_000,
    );
    expect(health.status).toBe('up');
    expect(health.error).toBeUndefined();
    expect(health.details).toMatchObject({ brokers: 1, sasl: true });
    expect(typeof health.details?.clusterId).toBe('string');
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('connects over SASL as a user without ACLs: describing the cluster needs none', async () => {
    const health = await checkKafka(
      cluster({ sasl: { mechanism: 'plain', ...testServices.user } }),
      logger,
      10_000,
    );
    expect(health.status).toBe('up');
  });

  it('reports an authentication failure for a wrong password, without the password', async () => {
    const health = await checkKafka(
      cluster({
        sasl: {
          mechanism: 'plain',
          username: 'admin',
          password: 'wrong-password-123',
        },
      }),
      logger,
      10_000,
    );
    expect(health.status).toBe('down');
    expect(health.error).toBe(
      `Connection to ${testServices.kafkaSaslBrokers[0]} failed: SASL authentication failed: SASL_AUTHENTICATION_FAILED: SASL authentication failed. (Authentication failed: Invalid username or password)`,
    );
  });

  it('connects to the PLAINTEXT listener without SASL', async () => {
    const health = await checkKafka(
      cluster({ brokers: testServices.kafkaPlaintextBrokers }),
      logger,
      10_000,
    );
    expect(health.status).toBe('up');
    expect(health.details).toMatchObject({ sasl: false });
  });

  it('reports connection refused for a port nothing listens on', async () => {
    const health = await checkKafka(
      cluster({ brokers: testServices.deadBrokers }),
      logger,
      10_000,
    );
    expect(health.status).toBe('down');
    expect(health.error).toBe(
      'Connection to 127.0.0.1:1 failed: connect ECONNREFUSED 127.0.0.1:1',
    );
  });

  it('gives up after the timeout when a broker accepts but never answers', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer(socket => sockets.push(socket));
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const health = await checkKafka(
        cluster({
          brokers: [`127.0.0.1:${port}`],
          connectionTimeoutMs: 5_000,
          requestTimeoutMs: 5_000,
        }),
        logger,
        1_000,
      );
      expect(health.status).toBe('down');
      expect(health.error).toBe(
        `Kafka did not answer within 1000 ms (brokers 127.0.0.1:${port})`,
      );
    } finally {
      sockets.forEach(socket => socket.destroy());
      silent.close();
    }
  });

  it('logs why it failed at debug level, never the SASL password', async () => {
    const lines: string[] = [];
    const capturing = mockServices.logger.mock({
      debug: (message: string, meta?: unknown) => {
        lines.push(`${message} ${JSON.stringify(meta ?? {})}`);
      },
    });
    await checkKafka(
      cluster({
        sasl: {
          mechanism: 'plain',
          username: 'admin',
          password: 'leak-check-pw',
        },
      }),
      capturing,
      10_000,
    );
    expect(lines).toEqual([
      expect.stringContaining(
        `Kafka health check of ${testServices.kafkaSaslBrokers[0]} failed: Connection to ${testServices.kafkaSaslBrokers[0]} failed: SASL authentication failed`,
      ),
    ]);
    expect(lines.join('\n')).not.toContain('leak-check-pw');
  });
});
