/** Unwraps kafkajs's retry wrappers and aggregates (one error per topic of a batch). */
function innermostKafkaError(error: unknown): unknown {
  let current: any = error;
  const seen = new Set<unknown>();
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    if (
      (current.name === 'KafkaJSNumberOfRetriesExceeded' ||
        current.name === 'KafkaJSNonRetriableError') &&
      (current.cause || current.originalError)
    ) {
      current = current.cause ?? current.originalError;
    } else if (
      current.name === 'KafkaJSAggregateError' &&
      Array.isArray(current.errors) &&
      current.errors.length > 0
    ) {
      current = current.errors[0];
    } else {
      break;
    }
  }
  return current;
}

/**
 * The real cause of a kafkajs failure, in one line. kafkajs wraps the
 * interesting error (connection refused, authentication failed, not
 * authorized) in retry errors and aggregates; users need the innermost one.
 */
export function describeKafkaError(error: unknown): string {
  const current = innermostKafkaError(error);
  if (current instanceof Error) {
    const name =
      current.name && current.name !== 'Error' ? `${current.name}: ` : '';
    return `${name}${current.message}`;
  }
  return String(current);
}
