import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ConfigReader } from '@backstage/config';
import { readSasl, readTls } from './readConnectionSecurity';

const PATH = 'kafkaHub.environments.prod.kafka';
const PASSPHRASE = 'pass-phrase-x1';

let dir: string;
const file = (name: string) => join(dir, name);
const pem = (name: string) => readFileSync(file(name), 'utf8');

// Two throwaway certificates made with openssl (as scripts/services/kafka.sh does).
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kafka-hub-tls-'));
  for (const name of ['a', 'b']) {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        `/CN=${name}`,
        '-keyout',
        file(`${name}-key.pem`),
        '-out',
        file(`${name}.pem`),
      ],
      { stdio: 'ignore' },
    );
  }
  execFileSync(
    'openssl',
    [
      'pkcs8',
      '-topk8',
      '-v2',
      'aes-256-cbc',
      '-in',
      file('a-key.pem'),
      '-out',
      file('a-key-encrypted.pem'),
      '-passout',
      `pass:${PASSPHRASE}`,
    ],
    { stdio: 'ignore' },
  );
  writeFileSync(file('not-pem.txt'), 'hello\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tls = (ssl: unknown) => readTls(new ConfigReader({ ssl }), 'ssl', PATH);
const sasl = (value: unknown) =>
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
      ca: file('b.pem'),
      cert: pem('a.pem'),
      key: file('a-key-encrypted.pem'),
      passphrase: PASSPHRASE,
      rejectUnauthorized: false,
      servername: 'kafka.internal',
    });
    expect(config).toEqual({
      ca: pem('b.pem'),
      cert: pem('a.pem'),
      key: pem('a-key-encrypted.pem'),
      passphrase: PASSPHRASE,
      rejectUnauthorized: false,
      servername: 'kafka.internal',
    });
    expect(tls({ ca: file('a.pem') })).toEqual({
      ca: pem('a.pem'),
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
      failure(() => tls({ cert: file('not-pem.txt'), key: file('a-key.pem') })),
    ).toBe(
      `${PATH}.ssl.cert: the file "${file('not-pem.txt')}" holds no PEM block`,
    );
  });

  it('never repeats the value of ssl.key, which may be a mistyped secret', () => {
    const secret = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-not-really-a-path';
    const message = failure(() => tls({ cert: file('a.pem'), key: secret }));
    expect(message).toBe(
      `${PATH}.ssl.key is neither inline PEM nor a readable file (ENOENT)`,
    );
    expect(message).not.toContain(secret);
  });

  it('wants cert and key together, and a passphrase only with a key', () => {
    expect(failure(() => tls({ cert: file('a.pem') }))).toBe(
      `${PATH}.ssl needs both cert and key for a client certificate, or neither`,
    );
    expect(failure(() => tls({ key: file('a-key.pem') }))).toBe(
      `${PATH}.ssl needs both cert and key for a client certificate, or neither`,
    );
    expect(failure(() => tls({ passphrase: PASSPHRASE }))).toBe(
      `${PATH}.ssl.passphrase is given without a key`,
    );
  });

  it('checks at start-up that the key opens and belongs to the certificate', () => {
    const wrong = 'not-the-passphrase-77';
    const wrongPassphrase = failure(() =>
      tls({
        cert: file('a.pem'),
        key: file('a-key-encrypted.pem'),
        passphrase: wrong,
      }),
    );
    expect(wrongPassphrase).toBe(
      `${PATH}.ssl.passphrase does not decrypt ${PATH}.ssl.key`,
    );
    expect(wrongPassphrase).not.toContain(wrong);
    expect(
      failure(() =>
        tls({ cert: file('a.pem'), key: file('a-key-encrypted.pem') }),
      ),
    ).toBe(
      `${PATH}.ssl.key is encrypted: give its passphrase in ${PATH}.ssl.passphrase`,
    );
    expect(
      failure(() => tls({ cert: file('a.pem'), key: file('b-key.pem') })),
    ).toBe(`${PATH}.ssl.key is not the private key of ${PATH}.ssl.cert`);
  });

  it('refuses a CA that holds no certificate or a broken one', () => {
    expect(failure(() => tls({ ca: pem('a-key.pem') }))).toBe(
      `${PATH}.ssl.ca holds no PEM CERTIFICATE block`,
    );
    const broken =
      '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n';
    expect(failure(() => tls({ ca: `${pem('a.pem')}${broken}` }))).toBe(
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
