/**
 * A registry call that failed: refused, timed out, answered an error status
 * or something that is not what the API promises. The message names the
 * path below the base URL, never the credentials.
 */
export class SchemaRegistryError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly path?: string,
    /** The registry's own `error_code`, e.g. 40401 (subject not found). */
    readonly errorCode?: number,
    /** The registry's own `message` from an error answer. */
    readonly registryMessage?: string,
  ) {
    super(message);
    this.name = 'SchemaRegistryError';
  }
}

/**
 * The caller's signal fired (the scheduler aborted the task): the call was
 * cancelled or never sent, and is not retried.
 */
export class SchemaRegistryAbortError extends SchemaRegistryError {
  constructor(path: string) {
    super(`Aborted before ${path} answered`, undefined, path);
    this.name = 'SchemaRegistryAbortError';
  }
}

/**
 * An error text that names the failed call: HTTP and parse errors already
 * do; connection errors and timeouts get the path in front.
 */
export function registryErrorText(error: unknown): string {
  if (error instanceof SchemaRegistryError) {
    if (error.path && !error.message.includes(error.path)) {
      return `${error.path}: ${error.message}`;
    }
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
