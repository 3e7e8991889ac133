import { SchemaRegistryConfig } from '../config/types';

/** A registry answer that was not what the API promises. */
export class SchemaRegistryError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
    this.name = 'SchemaRegistryError';
  }
}

const MAX_ERROR_BODY = 300;

/**
 * A minimal client of the Confluent-compatible Schema Registry API (Apicurio's
 * `/apis/ccompat/v7` or Confluent's). Every call has a timeout; credentials go
 * in the Authorization header only and never into messages.
 */
export class SchemaRegistryClient {
  constructor(
    private readonly config: SchemaRegistryConfig,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  private headers(): Record<string, string> {
    const headers: Record<string, string> = {
      Accept: 'application/vnd.schemaregistry.v1+json, application/json',
    };
    if (this.config.username !== undefined) {
      const token = Buffer.from(
        `${this.config.username}:${this.config.password ?? ''}`,
      ).toString('base64');
      headers.Authorization = `Basic ${token}`;
    }
    return headers;
  }

  /** GETs a path below the base URL and parses the JSON body. */
  async getJson<T>(path: string): Promise<T> {
    const url = `${this.config.url}${path}`;
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        headers: this.headers(),
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
    } catch (error) {
      throw new SchemaRegistryError(
        describeFetchError(error, this.config.timeoutMs),
      );
    }
    const text = await response.text();
    if (!response.ok) {
      throw new SchemaRegistryError(
        `HTTP ${response.status} from ${path}: ${text.slice(
          0,
          MAX_ERROR_BODY,
        )}`,
        response.status,
      );
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new SchemaRegistryError(
        `Malformed JSON from ${path}: ${text.slice(0, MAX_ERROR_BODY)}`,
        response.status,
      );
    }
  }

  /** The registry-wide compatibility level (`GET /config`). */
  async getGlobalCompatibility(): Promise<string> {
    const body = await this.getJson<{ compatibilityLevel?: unknown }>(
      '/config',
    );
    if (typeof body?.compatibilityLevel !== 'string') {
      throw new SchemaRegistryError(
        `Malformed answer from /config: no compatibilityLevel in ${JSON.stringify(
          body,
        ).slice(0, MAX_ERROR_BODY)}`,
      );
    }
    return body.compatibilityLevel;
  }
}

/**
 * Node's fetch hides the socket error in `cause`; surface it. Errors are
 * duck-typed: undici's come from another realm under test runners.
 */
function describeFetchError(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: unknown };
  if (e && typeof e === 'object' && typeof e.message === 'string') {
    if (e.name === 'TimeoutError' || e.name === 'AbortError') {
      return `No answer within ${timeoutMs} ms`;
    }
    const cause = e.cause as { message?: string; code?: string } | undefined;
    if (cause && typeof cause.message === 'string') {
      return `${e.message}: ${cause.message}`;
    }
    return e.message;
  }
  return String(error);
}
