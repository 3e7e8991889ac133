/**
 * Turns `@platformatic/kafka` failures into one line a user can act on.
 * The client wraps the interesting cause (refused connection, TLS failure,
 * failed authentication, a broker error code) in retry aggregates
 * (`MultipleErrors`) whose own message only says which call failed.
 */

import { isUntrustedCertificate } from '../errors/tlsErrors';

interface KafkaErrorLike extends Error {
  code?: string;
  apiId?: string;
  serverErrorMessage?: string | null;
  errors?: unknown[];
  cause?: unknown;
}

// Duck-typed: socket errors come from another realm under Jest, so
// `instanceof Error` would miss them.
function isError(value: unknown): value is KafkaErrorLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Error).message === 'string'
  );
}

/** The leaf errors under retry aggregates and causes, first to last. */
export function kafkaErrorCauses(error: unknown): KafkaErrorLike[] {
  const leaves: KafkaErrorLike[] = [];
  const seen = new Set<unknown>();
  const visit = (current: unknown) => {
    if (!isError(current) || seen.has(current)) return;
    seen.add(current);
    if (Array.isArray(current.errors) && current.errors.length > 0) {
      current.errors.forEach(visit);
      return;
    }
    // A network error's own message names the broker; its cause says why.
    if (isError(current.cause) && current.code !== 'PLT_KFK_PROTOCOL') {
      leaves.push(current);
      visit(current.cause);
      return;
    }
    leaves.push(current);
  };
  visit(error);
  return leaves;
}

/** TLS alerts a server sends when it does not accept the client certificate. */
const CLIENT_CERTIFICATE_ALERTS = new Set([
  'bad certificate',
  'unsupported certificate',
  'certificate revoked',
  'certificate expired',
  'certificate unknown',
  'unknown ca',
  'certificate required',
]);

/**
 * A TLS failure in words, or undefined for other errors. OpenSSL's own
 * message of an alert is a long line of library internals.
 */
function describeTlsFailure(error: KafkaErrorLike): string | undefined {
  if (isUntrustedCertificate(error.code)) {
    return `${error.message} (the broker's certificate is not signed by a trusted CA; check ssl.ca)`;
  }
  if (!/^ERR_SSL_.*ALERT/.test(error.code ?? '')) return undefined;
  const alert = /alert ([a-z ]+?)(?::|$)/.exec(error.message)?.[1];
  if (!alert) return undefined;
  return CLIENT_CERTIFICATE_ALERTS.has(alert)
    ? `the broker rejected the client certificate (TLS alert "${alert}"; check ssl.cert, ssl.key and the broker's trusted CAs)`
    : `TLS alert from the broker: ${alert}`;
}

/**
 * A broker's authorization message is a dump of the request's internals
 * (Kafka 4.3 prints the session as an object id); keep what is missing.
 */
function brokerMessage(message: string): string {
  const dump = /^Request Request\(.*\) (needs .*)$/s.exec(message);
  return dump ? `the connecting principal ${dump[1]}` : message;
}

function describeLeaf(error: KafkaErrorLike): string {
  const tls = describeTlsFailure(error);
  if (tls) return tls;
  if (error.apiId) {
    // A broker error code: name it like Kafka's own tools do.
    const detail =
      error.serverErrorMessage && error.serverErrorMessage !== error.message
        ? ` (${brokerMessage(error.serverErrorMessage)})`
        : '';
    return `${error.apiId}: ${error.message}${detail}`;
  }
  const name =
    error.name &&
    error.name !== 'Error' &&
    !String(error.code ?? '').startsWith('PLT_KFK')
      ? `${error.name}: `
      : '';
  return `${name}${error.message}`;
}

/**
 * The real cause of a Kafka failure, in one line: the distinct leaf
 * messages (a network error followed by its socket cause) joined with ': '.
 */
export function describeKafkaError(error: unknown): string {
  if (!isError(error)) return String(error);
  const leaves = kafkaErrorCauses(error);
  if (leaves.length === 0) return error.message;
  const lines: string[] = [];
  for (const leaf of leaves) {
    const line = describeLeaf(leaf);
    if (!lines.includes(line)) lines.push(line);
    if (lines.length === 3) break;
  }
  return lines.map(line => line.replace(/\.$/, '')).join(': ');
}

/** The broker's error code name (e.g. `TOPIC_ALREADY_EXISTS`) of a failure, if any. */
export function kafkaErrorCode(error: unknown): string | undefined {
  return kafkaErrorCauses(error).find(leaf => leaf.apiId)?.apiId;
}
