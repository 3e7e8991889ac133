import { ConfigReader } from '@backstage/config';
import https from 'https';
import { AddressInfo } from 'net';
import { TLSSocket } from 'tls';
import { readKafkaHubConfig } from '../config/readKafkaHubConfig';
import { SchemaRegistryConfig } from '../config/types';
import { localHttpServer } from '../testUtils/localHttpServer';
import {
  makeTestCertificates,
  TestCertificates,
} from '../testUtils/testCertificates';
import { SchemaRegistryClient } from './SchemaRegistryClient';

let certs: TestCertificates;
beforeAll(() => {
  certs = makeTestCertificates();
});
afterAll(() => certs.remove());

/** The registry config of environment `dev`, read the way the backend reads it. */
function registryConfig(schemaRegistry: object): SchemaRegistryConfig {
  const config = readKafkaHubConfig(
    new ConfigReader({
      kafkaHub: {
        environments: {
          dev: { kafka: { brokers: ['127.0.0.1:9092'] }, schemaRegistry },
        },
      },
    }),
  );
  return config.environments[0].schemaRegistry!;
}

/**
 * A loopback https registry with the test CA's server certificate that
 * answers `GET /config` with FULL when the test client's certificate was
 * presented, NONE otherwise.
 */
async function httpsRegistry(options: https.ServerOptions = {}) {
  let connections = 0;
  const server = https.createServer(
    {
      key: certs.pem('server-key.pem'),
      cert: certs.pem('server.pem'),
      ...options,
    },
    (req, res) => {
      // FULL tells that the test client's certificate was presented.
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      const level = peer.subject?.CN === 'test-client' ? 'FULL' : 'NONE';
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ compatibilityLevel: level }));
    },
  );
  server.on('secureConnection', () => connections++);
  server.on('tlsClientError', () => undefined);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    connections: () => connections,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** The rejection message of `promise`. */
async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a rejection');
}

describe('SchemaRegistryClient authentication', () => {
  it('sends a bearer token, and never puts it in an error', async () => {
    const token = 'eyJhbGciOi.bearer-token-value.sig';
    const authorizations: Array<string | undefined> = [];
    let status = 200;
    const server = await localHttpServer((req, res) => {
      authorizations.push(req.headers.authorization);
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(
        status === 200
          ? JSON.stringify({ compatibilityLevel: 'BACKWARD' })
          : JSON.stringify({ error_code: 40101, message: 'Unauthorized' }),
      );
    });
    try {
      const client = new SchemaRegistryClient(
        registryConfig({ url: server.url, token }),
      );
      expect(await client.getGlobalCompatibility()).toBe('BACKWARD');
      status = 401;
      const message = await failure(client.getGlobalCompatibility());
      expect(message).toBe(
        'HTTP 401 from /config: {"error_code":40101,"message":"Unauthorized"}',
      );
      expect(message).not.toContain(token);
      expect(authorizations).toEqual([`Bearer ${token}`, `Bearer ${token}`]);
    } finally {
      server.close();
    }
  });

  it('refuses a token together with a username and password', () => {
    expect(() =>
      registryConfig({
        url: 'http://127.0.0.1:1',
        token: 't',
        username: 'u',
        password: 'p',
      }),
    ).toThrow(
      'kafkaHub.environments.dev.schemaRegistry takes a token or a username and password, not both',
    );
  });
});

describe('SchemaRegistryClient TLS', () => {
  it("trusts a private CA from tls.ca, and says so when the registry's CA is not trusted", async () => {
    const registry = await httpsRegistry();
    try {
      const trusting = new SchemaRegistryClient(
        registryConfig({
          url: registry.url,
          tls: { ca: certs.file('ca.pem') },
        }),
      );
      expect(await trusting.getGlobalCompatibility()).toBe('NONE');

      const other = new SchemaRegistryClient(
        registryConfig({
          url: registry.url,
          tls: { ca: certs.file('other-ca.pem') },
        }),
      );
      expect(await failure(other.getGlobalCompatibility())).toBe(
        "fetch failed: unable to verify the first certificate (the registry's certificate is not signed by a trusted CA; check tls.ca)",
      );
    } finally {
      registry.close();
    }
  });

  it('skips verification only with rejectUnauthorized false', async () => {
    const registry = await httpsRegistry();
    try {
      const client = new SchemaRegistryClient(
        registryConfig({
          url: registry.url,
          tls: { rejectUnauthorized: false },
        }),
      );
      expect(await client.getGlobalCompatibility()).toBe('NONE');
    } finally {
      registry.close();
    }
  });

  it('presents the client certificate to a registry that requires one, with an encrypted key too', async () => {
    const registry = await httpsRegistry({
      ca: certs.pem('ca.pem'),
      requestCert: true,
      rejectUnauthorized: true,
    });
    try {
      const plainKey = new SchemaRegistryClient(
        registryConfig({
          url: registry.url,
          tls: {
            ca: certs.file('ca.pem'),
            cert: certs.file('client.pem'),
            key: certs.file('client-key.pem'),
          },
        }),
      );
      expect(await plainKey.getGlobalCompatibility()).toBe('FULL');

      const encryptedKey = new SchemaRegistryClient(
        registryConfig({
          url: registry.url,
          tls: {
            ca: certs.pem('ca.pem'),
            cert: certs.pem('client.pem'),
            key: certs.pem('client-key-encrypted.pem'),
            passphrase: certs.passphrase,
          },
        }),
      );
      expect(await encryptedKey.getGlobalCompatibility()).toBe('FULL');

      const untrustedCertificate = new SchemaRegistryClient(
        registryConfig({
          url: registry.url,
          tls: {
            ca: certs.file('ca.pem'),
            cert: certs.file('other-client.pem'),
            key: certs.file('other-client-key.pem'),
          },
        }),
      );
      expect(
        await failure(untrustedCertificate.getGlobalCompatibility()),
      ).toMatch(/^fetch failed: /);
    } finally {
      registry.close();
    }
  });

  it('shares one connection pool among the clients of one environment', async () => {
    const registry = await httpsRegistry();
    try {
      const config = registryConfig({
        url: registry.url,
        tls: { ca: certs.file('ca.pem') },
      });
      // The health check makes a client per check, with its own timeout.
      // With a pool per client, each would open its own connection.
      const clients = 5;
      for (let i = 0; i < clients; i++) {
        const client = new SchemaRegistryClient({ ...config, timeoutMs: 2000 });
        expect(await client.getGlobalCompatibility()).toBe('NONE');
      }
      expect(registry.connections()).toBeLessThan(clients);
    } finally {
      registry.close();
    }
  });
});
