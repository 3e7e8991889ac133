import {
  AuthenticationError,
  MultipleErrors,
  NetworkError,
  ProtocolError,
} from '@platformatic/kafka';
import net from 'net';
import tls from 'tls';
import {
  makeTestCertificates,
  TestCertificates,
} from '../testUtils/testCertificates';
import { unusedPort } from '../testUtils/testServices';
import {
  describeKafkaError,
  kafkaErrorCauses,
  kafkaErrorCode,
} from './describeKafkaError';

let certs: TestCertificates;
beforeAll(() => {
  certs = makeTestCertificates();
});
afterAll(() => certs.remove());

/** The error a socket emits before it closes. */
function socketError(socket: net.Socket): Promise<Error> {
  return new Promise((resolve, reject) => {
    socket.once('error', resolve);
    socket.once('close', () => reject(new Error('closed without an error')));
  });
}

/** A TLS server on loopback with the test CA's server certificate. */
async function tlsServer(options: tls.TlsOptions) {
  const server = tls.createServer(
    {
      key: certs.pem('server-key.pem'),
      cert: certs.pem('server.pem'),
      ...options,
    },
    socket => socket.on('error', () => socket.destroy()),
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

describe('describeKafkaError', () => {
  it('names the broker and the socket error under a retry aggregate', async () => {
    const port = await unusedPort();
    const refused = await socketError(net.connect(port, '127.0.0.1'));
    const error = new MultipleErrors('Cannot connect to any broker.', [
      new NetworkError(`Connection to 127.0.0.1:${port} failed.`, {
        cause: refused,
      }),
    ]);
    expect(describeKafkaError(error)).toBe(
      `Connection to 127.0.0.1:${port} failed: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });

  it("names the broker's error code and message, once across retries", () => {
    const denied = () =>
      new ProtocolError('TOPIC_AUTHORIZATION_FAILED', 'Authorization failed.');
    const error = new MultipleErrors('createTopics failed 3 times.', [
      denied(),
      denied(),
      denied(),
    ]);
    expect(describeKafkaError(error)).toBe(
      'TOPIC_AUTHORIZATION_FAILED: Topic authorization failed. (Authorization failed.)',
    );
    expect(kafkaErrorCode(error)).toBe('TOPIC_AUTHORIZATION_FAILED');
  });

  it("keeps the missing permission of the broker's request dump", () => {
    // As Kafka 4.3.1 words a DescribeAcls refused to alice.
    const error = new ProtocolError(
      'CLUSTER_AUTHORIZATION_FAILED',
      'Request Request(processor=3, connectionId=127.0.0.1:9094-127.0.0.1:55726-3-0, session=org.apache.kafka.network.Session@5d03ef91, listenerName=ListenerName(SASL_PLAINTEXT), securityProtocol=SASL_PLAINTEXT, buffer=null, envelope=None) needs DESCRIBE permission.',
    );
    expect(describeKafkaError(error)).toBe(
      'CLUSTER_AUTHORIZATION_FAILED: Cluster authorization failed. (the connecting principal needs DESCRIBE permission.)',
    );
  });

  it('says why SASL authentication failed, with the broker message', () => {
    const error = new MultipleErrors('Cannot connect to any broker.', [
      new NetworkError('Connection to 127.0.0.1:9094 failed.', {
        cause: new AuthenticationError('SASL authentication failed.', {
          cause: new MultipleErrors(
            'Received response with error while executing API SaslAuthenticate(v2)',
            [
              new ProtocolError(
                'SASL_AUTHENTICATION_FAILED',
                'Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512',
              ),
            ],
          ),
        }),
      }),
    ]);
    expect(describeKafkaError(error)).toBe(
      'Connection to 127.0.0.1:9094 failed: SASL authentication failed: SASL_AUTHENTICATION_FAILED: SASL authentication failed. (Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512)',
    );
  });

  it('keeps at most three distinct causes', () => {
    const error = new MultipleErrors('x', [
      new Error('one'),
      new Error('two'),
      new Error('one'),
      new Error('three'),
      new Error('four'),
    ]);
    expect(describeKafkaError(error)).toBe('one: two: three');
    expect(kafkaErrorCauses(error).map(leaf => leaf.message)).toEqual([
      'one',
      'two',
      'one',
      'three',
      'four',
    ]);
  });

  it('describes anything that is not an error as text', () => {
    expect(describeKafkaError('plain text')).toBe('plain text');
  });

  it("says that the broker's certificate is not trusted", async () => {
    const server = await tlsServer({});
    try {
      const untrusted = await socketError(
        tls.connect({
          port: server.port,
          host: '127.0.0.1',
          ca: certs.pem('other-ca.pem'),
        }),
      );
      const error = new NetworkError(
        `Connection to 127.0.0.1:${server.port} failed.`,
        { cause: untrusted },
      );
      expect(describeKafkaError(error)).toBe(
        `Connection to 127.0.0.1:${server.port} failed: unable to verify the first certificate (the broker's certificate is not signed by a trusted CA; check ssl.ca)`,
      );
    } finally {
      await server.close();
    }
  });

  it('says that the broker rejected the client certificate, from its TLS alert', () => {
    // The socket error Node gives when Kafka's MTLS listener refuses a
    // certificate (seen against scripts/services/kafka.sh's broker; a Node
    // TLS server closes without an alert, so it cannot stand in here).
    const alert = Object.assign(
      new Error(
        'C0BCC985087F0000:error:0A000416:SSL routines:ssl3_read_bytes:ssl/tls alert certificate unknown:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:918:SSL alert number 46\n',
      ),
      { code: 'ERR_SSL_SSL/TLS_ALERT_CERTIFICATE_UNKNOWN' },
    );
    const error = new MultipleErrors('metadata failed 1 times.', [
      new NetworkError('Connection closed', { cause: alert }),
    ]);
    expect(describeKafkaError(error)).toBe(
      `Connection closed: the broker rejected the client certificate (TLS alert "certificate unknown"; check ssl.cert, ssl.key and the broker's trusted CAs)`,
    );
  });

  it('names other TLS alerts as they are', () => {
    const alert = Object.assign(
      new Error(
        'C0BCC985087F0000:error:0A000410:SSL routines:ssl3_read_bytes:ssl/tls alert handshake failure:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:918:SSL alert number 40\n',
      ),
      { code: 'ERR_SSL_SSL/TLS_ALERT_HANDSHAKE_FAILURE' },
    );
    expect(
      describeKafkaError(
        new NetworkError('Connection to 127.0.0.1:9095 failed.', {
          cause: alert,
        }),
      ),
    ).toBe(
      'Connection to 127.0.0.1:9095 failed: TLS alert from the broker: handshake failure',
    );
  });
});
