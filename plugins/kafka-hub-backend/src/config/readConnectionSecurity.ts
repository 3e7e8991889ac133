import { createPrivateKey, X509Certificate } from 'crypto';
import { readFileSync } from 'fs';
import { createSecureContext } from 'tls';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  KafkaSaslConfig,
  OAuthClientCredentialsConfig,
  TlsConfig,
} from './types';

const PASSWORD_MECHANISMS = [
  'plain',
  'scram-sha-256',
  'scram-sha-512',
] as const;
const SASL_MECHANISMS = [...PASSWORD_MECHANISMS, 'oauthbearer'] as const;

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/**
 * A PEM value given inline or as the path of a file holding it. The file is
 * read once, at start-up, so a missing file fails the backend with the
 * config key, not the first connection with a TLS error. The value of a
 * secret key is never repeated in an error (it may be a mistyped key).
 */
function readPem(
  config: Config,
  key: 'ca' | 'cert' | 'key',
  path: string,
): string | undefined {
  const value = config.getOptionalString(key);
  if (value === undefined) return undefined;
  if (value.includes('-----BEGIN ')) return value;
  const shown = key === 'key' ? '' : ` "${value}"`;
  let contents: string;
  try {
    contents = readFileSync(value, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new InputError(
      `${path}.${key} is neither inline PEM nor a readable file${shown} (${code})`,
    );
  }
  if (!contents.includes('-----BEGIN ')) {
    throw new InputError(`${path}.${key}: the file${shown} holds no PEM block`);
  }
  return contents;
}

/** The CERTIFICATE blocks of `pem`: at least one, each a valid certificate. */
function parseCertificates(pem: string, path: string): X509Certificate[] {
  const blocks = [...pem.matchAll(PEM_BLOCK)].filter(
    ([, label]) => label === 'CERTIFICATE',
  );
  if (blocks.length === 0) {
    throw new InputError(`${path} holds no PEM CERTIFICATE block`);
  }
  return blocks.map(([block], index) => {
    try {
      return new X509Certificate(block);
    } catch {
      throw new InputError(
        `${path}: certificate ${index + 1} of ${
          blocks.length
        } is not a valid X.509 certificate`,
      );
    }
  });
}

/** An encrypted PKCS#8 key, or a traditional one with an encryption header. */
const ENCRYPTED_PEM =
  /-----BEGIN ENCRYPTED PRIVATE KEY-----|^Proc-Type: 4,ENCRYPTED$/m;

/**
 * Whether `key` is an encrypted key that `passphrase` does not open. A
 * wrong passphrase usually fails OpenSSL's padding check (BAD_DECRYPT), but
 * about once in 256 it passes and the garbage fails to parse instead
 * (e.g. ERR_OSSL_UNSUPPORTED): asked directly, so both read alike.
 */
function passphraseDoesNotOpen(
  key: string | undefined,
  passphrase: string | undefined,
): boolean {
  if (key === undefined || passphrase === undefined) return false;
  if (!ENCRYPTED_PEM.test(key)) return false;
  try {
    createPrivateKey({ key, passphrase });
    return false;
  } catch {
    return true;
  }
}

/**
 * Builds the TLS context once, as each connection will, so a wrong
 * passphrase or a key that does not match the certificate fails at start-up
 * with the config key. OpenSSL's messages name no key material.
 */
function checkTlsContext(tls: TlsConfig, path: string) {
  try {
    createSecureContext({
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      passphrase: tls.passphrase,
    });
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (
      code === 'ERR_OSSL_BAD_DECRYPT' ||
      passphraseDoesNotOpen(tls.key, tls.passphrase)
    ) {
      throw new InputError(
        tls.passphrase === undefined
          ? `${path}.key is encrypted: give its passphrase in ${path}.passphrase`
          : `${path}.passphrase does not decrypt ${path}.key`,
      );
    }
    if (code === 'ERR_OSSL_X509_KEY_VALUES_MISMATCH') {
      throw new InputError(
        `${path}.key is not the private key of ${path}.cert`,
      );
    }
    throw new InputError(
      `${path}: the certificate or key cannot be used (${code ?? message})`,
    );
  }
}

/**
 * `ssl: true` or `ssl: { ca, cert, key, passphrase, rejectUnauthorized,
 * servername }`; false when absent or `ssl: false`.
 */
export function readTls(
  parent: Config,
  key: string,
  path: string,
): TlsConfig | false {
  const raw = parent.getOptional(key);
  if (raw === undefined) return false;
  const shapeError = () =>
    new InputError(
      `${path}.${key} must be true, false or an object with ca, cert, key, passphrase, rejectUnauthorized, servername`,
    );
  if (typeof raw === 'boolean' || typeof raw === 'string') {
    // A string comes from substitution, e.g. `ssl: ${KAFKA_TLS}`.
    let enabled: boolean | undefined;
    try {
      enabled = parent.getOptionalBoolean(key);
    } catch {
      throw shapeError();
    }
    return enabled ? { rejectUnauthorized: true } : false;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw shapeError();
  }
  const config = parent.getConfig(key);
  const tlsPath = `${path}.${key}`;
  const tls: TlsConfig = {
    ca: readPem(config, 'ca', tlsPath),
    cert: readPem(config, 'cert', tlsPath),
    key: readPem(config, 'key', tlsPath),
    passphrase: config.getOptionalString('passphrase'),
    rejectUnauthorized: config.getOptionalBoolean('rejectUnauthorized') ?? true,
    servername: config.getOptionalString('servername'),
  };
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw new InputError(
      `${tlsPath} needs both cert and key for a client certificate, or neither`,
    );
  }
  if (tls.passphrase !== undefined && tls.key === undefined) {
    throw new InputError(`${tlsPath}.passphrase is given without a key`);
  }
  if (tls.ca !== undefined) parseCertificates(tls.ca, `${tlsPath}.ca`);
  if (tls.cert !== undefined) parseCertificates(tls.cert, `${tlsPath}.cert`);
  checkTlsContext(tls, tlsPath);
  return tls;
}

function readClientCredentials(
  config: Config,
  path: string,
): OAuthClientCredentialsConfig {
  const tokenEndpointUrl = config.getString('tokenEndpointUrl');
  let url: URL;
  try {
    url = new URL(tokenEndpointUrl);
  } catch {
    throw new InputError(
      `${path}.tokenEndpointUrl is not a valid URL: "${tokenEndpointUrl}"`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`${path}.tokenEndpointUrl must use https or http`);
  }
  return {
    tokenEndpointUrl,
    clientId: config.getString('clientId'),
    clientSecret: config.getString('clientSecret'),
    scope: config.getOptionalString('scope'),
  };
}

/** `kafka.sasl`: PLAIN, SCRAM-SHA-256/512 with a password, or OAUTHBEARER. */
export function readSasl(
  parent: Config,
  path: string,
): KafkaSaslConfig | undefined {
  const config = parent.getOptionalConfig('sasl');
  if (!config) return undefined;
  const saslPath = `${path}.sasl`;
  const mechanism = config.getString('mechanism').toLowerCase();
  if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
    throw new InputError(
      `${saslPath}.mechanism must be one of ${SASL_MECHANISMS.join(
        ', ',
      )}, got "${mechanism}"`,
    );
  }
  if (mechanism !== 'oauthbearer') {
    return {
      mechanism: mechanism as (typeof PASSWORD_MECHANISMS)[number],
      username: config.getString('username'),
      password: config.getString('password'),
    };
  }
  const token = config.getOptionalString('token');
  const credentials = config.getOptionalConfig('oauth');
  if ((token === undefined) === (credentials === undefined)) {
    throw new InputError(
      `${saslPath} with mechanism oauthbearer needs exactly one of token or oauth (tokenEndpointUrl, clientId, clientSecret, scope)`,
    );
  }
  const extensionsConfig = config.getOptionalConfig('extensions');
  const extensions = extensionsConfig
    ? Object.fromEntries(
        extensionsConfig.keys().map(k => [k, extensionsConfig.getString(k)]),
      )
    : undefined;
  return {
    mechanism: 'oauthbearer',
    token,
    clientCredentials: credentials
      ? readClientCredentials(credentials, `${saslPath}.oauth`)
      : undefined,
    extensions,
  };
}
