/** Unwraps kafkajs's retry wrappers down to the error they carry. */
function unwrapRetries(error: unknown): any {
  let current: any = error;
  const seen = new Set<unknown>();
  while (
    current &&
    typeof current === 'object' &&
    !seen.has(current) &&
    (current.name === 'KafkaJSNumberOfRetriesExceeded' ||
      current.name === 'KafkaJSNonRetriableError') &&
    (current.cause || current.originalError)
  ) {
    seen.add(current);
    current = current.cause ?? current.originalError;
  }
  return current;
}

/**
 * The per-item errors of a batch request (CreateTopics answers one error per
 * topic), or undefined when the failure was not a batch of item errors.
 */
export function kafkaBatchErrors(
  error: unknown,
): Array<Error & { topic?: string; type?: string }> | undefined {
  const inner = unwrapRetries(error);
  return inner?.name === 'KafkaJSAggregateError' &&
    Array.isArray(inner.errors) &&
    inner.errors.length > 0
    ? inner.errors
    : undefined;
}

/** Unwraps retry wrappers and aggregates down to the first real cause. */
function innermostKafkaError(error: unknown): unknown {
  return kafkaBatchErrors(error)?.[0] ?? unwrapRetries(error);
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
