import { Agent, fetch as undiciFetch } from 'undici';
import { SchemaRegistryConfig, TlsConfig } from '../config/types';
import { isUntrustedCertificate } from '../errors/tlsErrors';
import { tlsConnectionOptions } from '../kafka/kafkaClientOptions';
import {
  SchemaRegistryAbortError,
  SchemaRegistryError,
} from './SchemaRegistryError';
import {
  parseCompatibilityLevel,
  parseCompatibilityResult,
  parseSchemaById,
  parseSubjectVersion,
  parseSubjects,
  parseVersionNumbers,
} from './registryAnswers';
import {
  CompatibilityCheck,
  RegistrySchema,
  RegistrySchemaVersion,
} from './types';

export interface SchemaRegistryClientOptions {
  fetch?: typeof fetch;
  /** Extra attempts after a 429, a 5xx, a refused connection or a timeout. Default: 0. */
  retries?: number;
  /** First backoff delay; doubles on every retry. Default: 200 ms. */
  retryDelayMs?: number;
  /** Upper bound of one backoff delay, also of a Retry-After. Default: 5000 ms. */
  maxRetryDelayMs?: number;
}

const MAX_ERROR_BODY = 300;

/**
 * One connection pool per TLS config (that is, per environment): clients
 * are created per call by some callers, and each pool keeps its sockets.
 */
const tlsDispatchers = new WeakMap<TlsConfig, Agent>();

function tlsDispatcher(tls: TlsConfig): Agent {
  let agent = tlsDispatchers.get(tls);
  if (!agent) {
    agent = new Agent({ connect: tlsConnectionOptions(tls) });
    tlsDispatchers.set(tls, agent);
  }
  return agent;
}
const JSON_TYPES = 'application/vnd.schemaregistry.v1+json, application/json';

/** Options of every call: `signal` cancels it, a call in flight and a backoff wait included. */
export interface RegistryCallOptions {
  signal?: AbortSignal;
}

/**
 * A client of the Confluent-compatible Schema Registry API (Apicurio's
 * `/apis/ccompat/v7` or Confluent's). Every call has a timeout and, when
 * configured, retries with exponential backoff; every answer is validated
 * before it is trusted. Credentials go in the Authorization header only.
 */
export class SchemaRegistryClient {
  private readonly fetchImpl: typeof fetch;
  /** undici's own fetch with an Agent carrying the TLS options, when configured. */
  private readonly dispatcher?: Agent;
  private readonly retries: number;
  private readonly retryDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private calls = 0;

  constructor(
    private readonly config: SchemaRegistryConfig,
    options: SchemaRegistryClientOptions = {},
  ) {
    if (config.tls) {
      this.dispatcher = tlsDispatcher(config.tls);
    }
    this.fetchImpl =
      options.fetch ??
      (this.dispatcher ? (undiciFetch as unknown as typeof fetch) : fetch);
    this.retries = options.retries ?? 0;
    this.retryDelayMs = options.retryDelayMs ?? 200;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 5000;
  }

  /** HTTP requests sent so far, retries included. */
  get requestCount(): number {
    return this.calls;
  }

  /** `GET /subjects`; with `deleted`, soft-deleted subjects too. */
  async listSubjects(
    options: { deleted?: boolean } & RegistryCallOptions = {},
  ): Promise<string[]> {
    const path = `/subjects${options.deleted ? '?deleted=true' : ''}`;
    return parseSubjects(await this.getJson(path, options), path);
  }

  /** `GET /subjects/{subject}/versions`; with `deleted`, soft-deleted versions too. */
  async listVersions(
    subject: string,
    options: { deleted?: boolean } & RegistryCallOptions = {},
  ): Promise<number[]> {
    const path = `${subjectPath(subject)}/versions${
      options.deleted ? '?deleted=true' : ''
    }`;
    return parseVersionNumbers(await this.getJson(path, options), path);
  }

  /** `GET /subjects/{subject}/versions/{version}`, soft-deleted versions included. */
  async getVersion(
    subject: string,
    version: number,
    options: RegistryCallOptions = {},
  ): Promise<RegistrySchemaVersion> {
    const path = `${subjectPath(subject)}/versions/${version}?deleted=true`;
    const answer = parseSubjectVersion(await this.getJson(path, options), path);
    if (answer.version !== version) {
      throw new SchemaRegistryError(
        `Malformed answer from ${path}: asked for version ${version}, got ${answer.version}`,
        undefined,
        path,
      );
    }
    return { ...answer, subject };
  }

  /** `GET /schemas/ids/{id}`: a schema by its global id. */
  async getSchemaById(
    id: number,
    options: RegistryCallOptions = {},
  ): Promise<RegistrySchema> {
    const path = `/schemas/ids/${id}`;
    return parseSchemaById(await this.getJson(path, options), path);
  }

  /** The registry-wide compatibility level (`GET /config`). */
  async getGlobalCompatibility(
    options: RegistryCallOptions = {},
  ): Promise<string> {
    const path = '/config';
    return parseCompatibilityLevel(await this.getJson(path, options), path);
  }

  /**
   * The subject's effective compatibility level
   * (`GET /config/{subject}?defaultToGlobal=true`); undefined when the
   * registry has no level for it (older registries answer 404).
   */
  async getSubjectCompatibility(
    subject: string,
    options: RegistryCallOptions = {},
  ): Promise<string | undefined> {
    const path = `/config/${encodeURIComponent(subject)}?defaultToGlobal=true`;
    try {
      return parseCompatibilityLevel(await this.getJson(path, options), path);
    } catch (error) {
      if (error instanceof SchemaRegistryError && error.status === 404) {
        return undefined;
      }
      throw error;
    }
  }

  /**
   * Checks a schema against one version of a subject under the subject's
   * level in force
   * (`POST /compatibility/subjects/{subject}/versions/{version}?verbose=true`).
   */
  async checkCompatibilityWithVersion(
    subject: string,
    version: number,
    proposal: CompatibilityCheck,
    options: RegistryCallOptions = {},
  ): Promise<{ compatible: boolean; messages: string[] }> {
    const path = `/compatibility${subjectPath(
      subject,
    )}/versions/${version}?verbose=true`;
    return parseCompatibilityResult(
      await this.send(
        'POST',
        path,
        compatibilityBody(proposal),
        options.signal,
      ),
      path,
    );
  }

  /** GETs a path below the base URL and parses the JSON body. */
  async getJson(
    path: string,
    options: RegistryCallOptions = {},
  ): Promise<unknown> {
    return this.send('GET', path, undefined, options.signal);
  }

  private headers(withBody: boolean): Record<string, string> {
    const headers: Record<string, string> = { Accept: JSON_TYPES };
    if (withBody) {
      headers['Content-Type'] = 'application/vnd.schemaregistry.v1+json';
    }
    if (this.config.token !== undefined) {
      headers.Authorization = `Bearer ${this.config.token}`;
    } else if (this.config.username !== undefined) {
      const token = Buffer.from(
        `${this.config.username}:${this.config.password ?? ''}`,
      ).toString('base64');
      headers.Authorization = `Basic ${token}`;
    }
    return headers;
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) {
        // No new call once the caller gave up, a retry neither.
        throw new SchemaRegistryAbortError(path);
      }
      const outcome = await this.attempt(method, path, body, signal);
      if (outcome.ok) {
        return outcome.value;
      }
      if (!outcome.retriable || attempt >= this.retries) {
        throw outcome.error;
      }
      await abortableDelay(this.backoff(attempt, outcome.retryAfterMs), signal);
    }
  }

  private async attempt(
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<
    | { ok: true; value: unknown }
    | {
        ok: false;
        error: SchemaRegistryError;
        retriable: boolean;
        retryAfterMs?: number;
      }
  > {
    this.calls++;
    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(`${this.config.url}${path}`, {
        method,
        headers: this.headers(body !== undefined),
        body,
        signal: signal
          ? AbortSignal.any([
              signal,
              AbortSignal.timeout(this.config.timeoutMs),
            ])
          : AbortSignal.timeout(this.config.timeoutMs),
        ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
      } as RequestInit);
      // The timeout also covers a body that trickles in.
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) {
        return {
          ok: false,
          retriable: false,
          error: new SchemaRegistryAbortError(path),
        };
      }
      return {
        ok: false,
        retriable: true,
        error: new SchemaRegistryError(
          describeFetchError(error, this.config.timeoutMs),
          undefined,
          path,
        ),
      };
    }
    if (!response.ok) {
      const errorBody = errorBodyOf(text);
      return {
        ok: false,
        retriable: response.status === 429 || response.status >= 500,
        retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
        error: new SchemaRegistryError(
          `HTTP ${response.status} from ${path}: ${text.slice(
            0,
            MAX_ERROR_BODY,
          )}`,
          response.status,
          path,
          errorBody.code,
          errorBody.message,
        ),
      };
    }
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch {
      return {
        ok: false,
        retriable: false,
        error: new SchemaRegistryError(
          `Malformed JSON from ${path}: ${text.slice(0, MAX_ERROR_BODY)}`,
          response.status,
          path,
        ),
      };
    }
  }

  private backoff(attempt: number, retryAfter: number | undefined): number {
    const exponential = this.retryDelayMs * 2 ** attempt;
    // Jitter spreads the retries of concurrent calls.
    const jittered = exponential * (0.75 + Math.random() * 0.5);
    return Math.min(this.maxRetryDelayMs, retryAfter ?? jittered);
  }
}

/** The body of a compatibility check. */
function compatibilityBody(proposal: CompatibilityCheck): string {
  const body: Record<string, unknown> = { schema: proposal.schema };
  if (proposal.format !== 'AVRO') {
    // Confluent rejects an explicit AVRO on some versions; absent means AVRO.
    body.schemaType = proposal.format;
  }
  if (proposal.references.length > 0) {
    body.references = proposal.references;
  }
  return JSON.stringify(body);
}

/** `/subjects/{subject}`, the subject URL-encoded (`/`, `:`, spaces, unicode). */
function subjectPath(subject: string): string {
  return `/subjects/${encodeURIComponent(subject)}`;
}

/** `error_code` and `message` of a Confluent error answer, when it is one. */
function errorBodyOf(text: string): { code?: number; message?: string } {
  try {
    const body = JSON.parse(text);
    return {
      code: typeof body?.error_code === 'number' ? body.error_code : undefined,
      message: typeof body?.message === 'string' ? body.message : undefined,
    };
  } catch {
    return {};
  }
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) {
    return undefined;
  }
  return Number(header.trim()) * 1000;
}

/** Waits `ms`, or less when `signal` fires: a backoff never outlives its caller. */
function abortableDelay(
  ms: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  return new Promise(resolve => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    let timer: NodeJS.Timeout | undefined = undefined;
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
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
      const hint = isUntrustedCertificate(cause.code)
        ? " (the registry's certificate is not signed by a trusted CA; check tls.ca)"
        : '';
      return `${e.message}: ${cause.message}${hint}`;
    }
    return e.message;
  }
  return String(error);
}
