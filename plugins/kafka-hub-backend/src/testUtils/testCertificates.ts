import { execFileSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

export interface TestCertificates {
  /** Path of a file in the directory, e.g. `file('ca.pem')`. */
  file(name: string): string;
  /** Contents of a file in the directory. */
  pem(name: string): string;
  /** The passphrase of `client-key-encrypted.pem`. */
  passphrase: string;
  remove(): void;
}

function openssl(cwd: string, ...args: string[]) {
  execFileSync('openssl', args, { cwd, stdio: 'ignore' });
}

/**
 * Throwaway PEM files made with openssl, as scripts/services/kafka.sh makes
 * the broker's: `ca.pem`; `server.pem` + `server-key.pem` (127.0.0.1,
 * localhost) and `client.pem` + `client-key.pem` (CN=test-client), both
 * signed by the CA; `client-key-encrypted.pem`; and `other-ca.pem` with
 * `other-client.pem` + `other-client-key.pem`, which the CA did not sign.
 */
export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-hub-certs-'));
  const passphrase = 'test-key-passphrase';
  const ca = (name: string) =>
    openssl(
      dir,
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      `${name}-key.pem`,
      '-out',
      `${name}.pem`,
    );
  const sign = (caName: string, name: string, subject: string, ext: string) => {
    writeFileSync(join(dir, `${name}.ext`), ext);
    openssl(
      dir,
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      subject,
      '-keyout',
      `${name}-key.pem`,
      '-out',
      `${name}.csr`,
    );
    openssl(
      dir,
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${caName}.pem`,
      '-CAkey',
      `${caName}-key.pem`,
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
      '-out',
      `${name}.pem`,
    );
  };
  ca('ca');
  sign(
    'ca',
    'server',
    '/CN=localhost',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
  );
  sign('ca', 'client', '/CN=test-client', 'extendedKeyUsage=clientAuth\n');
  openssl(
    dir,
    'pkcs8',
    '-topk8',
    '-v2',
    'aes-256-cbc',
    '-in',
    'client-key.pem',
    '-out',
    'client-key-encrypted.pem',
    '-passout',
    `pass:${passphrase}`,
  );
  ca('other-ca');
  sign(
    'other-ca',
    'other-client',
    '/CN=test-client',
    'extendedKeyUsage=clientAuth\n',
  );
  const file = (name: string) => join(dir, name);
  return {
    file,
    pem: name => readFileSync(file(name), 'utf8'),
    passphrase,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
