/**
 * The real cause of a kafkajs failure, in one line. kafkajs wraps the
 * interesting error (connection refused, authentication failed, not
 * authorized) in retry errors; users need the innermost one.
 */
export function describeKafkaError(error: unknown): string {
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
  if (current instanceof Error) {
    const name =
      current.name && current.name !== 'Error' ? `${current.name}: ` : '';
    return `${name}${current.message}`;
  }
  return String(current);
}
