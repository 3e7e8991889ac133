import { readFileSync } from 'fs';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { KafkaSaslConfig, OAuthClientCredentialsConfig, TlsConfig } from './types';

const PASSWORD_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
const SASL_MECHANISMS = [...PASSWORD_MECHANISMS, 'oauthbearer'] as const;

/**
 * A PEM value given inline or as the path of a file holding it. The file is
 * read once, at start-up, so a missing file fails the backend with the
 * config key, not the first connection with a TLS error.
 */
function readPem(
  config: Config,
  key: string,
  path: string,
): string | undefined {
  const value = config.getOptionalString(key);
  if (value === undefined) return undefined;
  if (value.includes('-----BEGIN ')) return value;
  let contents: string;
  try {
    contents = readFileSync(value, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new InputError(
      `${path}.${key} is neither inline PEM nor a readable file: "${value}" (${code})`,
    );
  }
  if (!contents.includes('-----BEGIN ')) {
    throw new InputError(`${path}.${key}: the file "${value}" holds no PEM block`);
  }
  return contents;
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
  if (raw === undefined || raw === false) return false;
  if (raw === true) return { rejectUnauthorized: true };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new InputError(
      `${path}.${key} must be true, false or an object with ca, cert, key, passphrase, rejectUnauthorized, servername`,
    );
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
