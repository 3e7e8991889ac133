import { writeFileSync } from 'fs';
import { ConfigReader } from '@backstage/config';
import { JsonValue } from '@backstage/types';
import {
  makeTestCertificates,
  TestCertificates,
} from '../testUtils/testCertificates';
import { readSasl, readTls } from './readConnectionSecurity';

const PATH = 'kafkaHub.environments.prod.kafka';

let certs: TestCertificates;
const file = (name: string) => certs.file(name);
const pem = (name: string) => certs.pem(name);

beforeAll(() => {
  certs = makeTestCertificates();
  writeFileSync(file('not-pem.txt'), 'hello\n');
});

afterAll(() => certs.remove());

const tls = (ssl: JsonValue) => readTls(new ConfigReader({ ssl }), 'ssl', PATH);
const sasl = (value: JsonValue) =>
  readSasl(new ConfigReader({ sasl: value }), PATH);

/** The message of what `read` throws. */
function failure(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('readTls', () => {
  it('is false when absent or false, and verifies with the bundled CAs when true', () => {
    expect(readTls(new ConfigReader({}), 'ssl', PATH)).toBe(false);
    expect(tls(false)).toBe(false);
    expect(tls(true)).toEqual({ rejectUnauthorized: true });
  });

  it('reads a substituted string as a boolean', () => {
    expect(tls('true')).toEqual({ rejectUnauthorized: true });
    expect(tls('false')).toBe(false);
    expect(failure(() => tls('maybe'))).toBe(
      `${PATH}.ssl must be true, false or an object with ca, cert, key, passphrase, rejectUnauthorized, servername`,
    );
  });

  it('reads PEM from files and inline, and keeps the other options', () => {
    const config = tls({
      ca: file('ca.pem'),
      cert: pem('client.pem'),
      key: file('client-key-encrypted.pem'),
      passphrase: certs.passphrase,
      rejectUnauthorized: false,
      servername: 'kafka.internal',
    });
    expect(config).toEqual({
      ca: pem('ca.pem'),
      cert: pem('client.pem'),
      key: pem('client-key-encrypted.pem'),
      passphrase: certs.passphrase,
      rejectUnauthorized: false,
      servername: 'kafka.internal',
    });
    expect(tls({ ca: file('client.pem') })).toEqual({
      ca: pem('client.pem'),
      rejectUnauthorized: true,
    });
  });

  it('names the key and the file when a PEM file is missing or holds no PEM', () => {
    expect(failure(() => tls({ ca: file('missing.pem') }))).toBe(
      `${PATH}.ssl.ca is neither inline PEM nor a readable file "${file(
        'missing.pem',
      )}" (ENOENT)`,
    );
    expect(
      failure(() =>
        tls({ cert: file('not-pem.txt'), key: file('client-key.pem') }),
      ),
    ).toBe(
      `${PATH}.ssl.cert: the file "${file('not-pem.txt')}" holds no PEM block`,
    );
  });

  it('never repeats the value of ssl.key, which may be a mistyped secret', () => {
    const secret = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-not-really-a-path';
    const message = failure(() =>
      tls({ cert: file('client.pem'), key: secret }),
    );
    expect(message).toBe(
      `${PATH}.ssl.key is neither inline PEM nor a readable file (ENOENT)`,
    );
    expect(message).not.toContain(secret);
  });

  it('wants cert and key together, and a passphrase only with a key', () => {
    expect(failure(() => tls({ cert: file('client.pem') }))).toBe(
      `${PATH}.ssl needs both cert and key for a client certificate, or neither`,
    );
    expect(failure(() => tls({ key: file('client-key.pem') }))).toBe(
      `${PATH}.ssl needs both cert and key for a client certificate, or neither`,
    );
    expect(failure(() => tls({ passphrase: certs.passphrase }))).toBe(
      `${PATH}.ssl.passphrase is given without a key`,
    );
  });

  it('checks at start-up that the key opens and belongs to the certificate', () => {
    const wrong = 'not-the-passphrase-77';
    const wrongPassphrase = failure(() =>
      tls({
        cert: file('client.pem'),
        key: file('client-key-encrypted.pem'),
        passphrase: wrong,
      }),
    );
    expect(wrongPassphrase).toBe(
      `${PATH}.ssl.passphrase does not decrypt ${PATH}.ssl.key`,
    );
    expect(wrongPassphrase).not.toContain(wrong);
    // A few wrong passphrases in a thousand pass OpenSSL's padding check and
    // fail later (ERR_OSSL_UNSUPPORTED): every one must read the same.
    const answers = new Set(
      Array.from({ length: 2_000 }, (_, i) =>
        failure(() =>
          tls({
            cert: file('client.pem'),
            key: file('client-key-encrypted.pem'),
            passphrase: `${wrong}-${i}`,
          }),
        ),
      ),
    );
    expect([...answers]).toEqual([
      `${PATH}.ssl.passphrase does not decrypt ${PATH}.ssl.key`,
    ]);
    expect(
      failure(() =>
        tls({
          cert: file('client.pem'),
          key: file('client-key-encrypted.pem'),
        }),
      ),
    ).toBe(
      `${PATH}.ssl.key is encrypted: give its passphrase in ${PATH}.ssl.passphrase`,
    );
    expect(
      failure(() =>
        tls({ cert: file('client.pem'), key: file('other-client-key.pem') }),
      ),
    ).toBe(`${PATH}.ssl.key is not the private key of ${PATH}.ssl.cert`);
  });

  it('refuses a CA that holds no certificate or a broken one', () => {
    expect(failure(() => tls({ ca: pem('client-key.pem') }))).toBe(
      `${PATH}.ssl.ca holds no PEM CERTIFICATE block`,
    );
    const broken =
      '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n';
    expect(failure(() => tls({ ca: `${pem('client.pem')}${broken}` }))).toBe(
      `${PATH}.ssl.ca: certificate 2 of 2 is not a valid X.509 certificate`,
    );
  });

  it('refuses other shapes', () => {
    expect(failure(() => tls(['a']))).toBe(
      `${PATH}.ssl must be true, false or an object with ca, cert, key, passphrase, rejectUnauthorized, servername`,
    );
  });
});

describe('readSasl', () => {
  it('is undefined without a sasl section', () => {
    expect(readSasl(new ConfigReader({}), PATH)).toBeUndefined();
  });

  it('reads password mechanisms in any case', () => {
    expect(
      sasl({ mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' }),
    ).toEqual({ mechanism: 'scram-sha-512', username: 'u', password: 'p' });
    expect(sasl({ mechanism: 'plain', username: 'u', password: 'p' })).toEqual({
      mechanism: 'plain',
      username: 'u',
      password: 'p',
    });
  });

  it('reads OAUTHBEARER with a static token or client credentials, and extensions', () => {
    expect(
      sasl({
        mechanism: 'OAUTHBEARER',
        token: 'eyJ.static.',
        extensions: { logicalCluster: 'lkc-1', identityPoolId: 'pool-2' },
      }),
    ).toEqual({
      mechanism: 'oauthbearer',
      token: 'eyJ.static.',
      clientCredentials: undefined,
      extensions: { logicalCluster: 'lkc-1', identityPoolId: 'pool-2' },
    });
    expect(
      sasl({
        mechanism: 'oauthbearer',
        oauth: {
          tokenEndpointUrl: 'https://idp.example.com/token',
          clientId: 'id',
          clientSecret: 'secret',
          scope: 'kafka',
        },
      }),
    ).toEqual({
      mechanism: 'oauthbearer',
      token: undefined,
      clientCredentials: {
        tokenEndpointUrl: 'https://idp.example.com/token',
        clientId: 'id',
        clientSecret: 'secret',
        scope: 'kafka',
      },
      extensions: undefined,
    });
  });

  it('wants exactly one of token and oauth for OAUTHBEARER', () => {
    const message = `${PATH}.sasl with mechanism oauthbearer needs exactly one of token or oauth (tokenEndpointUrl, clientId, clientSecret, scope)`;
    expect(failure(() => sasl({ mechanism: 'oauthbearer' }))).toBe(message);
    expect(
      failure(() =>
        sasl({
          mechanism: 'oauthbearer',
          token: 'TOKEN-SECRET-1',
          oauth: {
            tokenEndpointUrl: 'https://idp/token',
            clientId: 'i',
            clientSecret: 'CLIENT-SECRET-2',
          },
        }),
      ),
    ).toBe(message);
  });

  it('refuses a token endpoint that is not an http(s) URL', () => {
    const oauth = (tokenEndpointUrl: string) =>
      sasl({
        mechanism: 'oauthbearer',
        oauth: { tokenEndpointUrl, clientId: 'i', clientSecret: 'SECRET-3' },
      });
    expect(failure(() => oauth('idp/token'))).toBe(
      `${PATH}.sasl.oauth.tokenEndpointUrl is not a valid URL: "idp/token"`,
    );
    expect(failure(() => oauth('ftp://idp/token'))).toBe(
      `${PATH}.sasl.oauth.tokenEndpointUrl must use https or http`,
    );
  });

  it('names a missing credential without showing the others', () => {
    const message = failure(() =>
      sasl({ mechanism: 'scram-sha-256', username: 'u' }),
    );
    expect(message).toContain('password');
    const unknown = failure(() =>
      sasl({ mechanism: 'gssapi', username: 'user-x', password: 'TOPSECRET' }),
    );
    expect(unknown).toBe(
      `${PATH}.sasl.mechanism must be one of plain, scram-sha-256, scram-sha-512, oauthbearer, got "gssapi"`,
    );
    expect(unknown).not.toContain('TOPSECRET');
  });
});
