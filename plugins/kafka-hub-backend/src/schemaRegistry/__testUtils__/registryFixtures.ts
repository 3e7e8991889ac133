import { randomBytes } from 'crypto';
import {
  SchemaFormat,
  SchemaReference,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';

/**
 * Writes test data into the real registry through its own API. The registry
 * is shared with other test runs: every subject a run creates carries the
 * run's suffix, and a run deletes only its own subjects.
 */
export class RegistryFixtures {
  readonly suffix = randomBytes(4).toString('hex');
  private readonly created = new Set<string>();

  constructor(readonly url: string) {}

  /** A subject name unique to this run: `<base>` with the run's suffix. */
  name(base: string): string {
    return base.replace('{suffix}', this.suffix);
  }

  /** True for the subjects of this run. */
  owns(subject: string): boolean {
    return subject.includes(this.suffix);
  }

  async register(
    subject: string,
    schema: string,
    options: { format?: SchemaFormat; references?: SchemaReference[] } = {},
  ): Promise<number> {
    const body: Record<string, unknown> = { schema };
    if (options.format && options.format !== 'AVRO') {
      body.schemaType = options.format;
    }
    if (options.references) body.references = options.references;
    const answer = await this.call(
      'POST',
      `/subjects/${encodeURIComponent(subject)}/versions`,
      body,
    );
    this.created.add(subject);
    return (answer as { id: number }).id;
  }

  async setCompatibility(subject: string, level: string): Promise<void> {
    await this.call('PUT', `/config/${encodeURIComponent(subject)}`, {
      compatibility: level,
    });
  }

  /** Soft-deletes a subject, or with `permanent` removes a soft-deleted one. */
  async deleteSubject(subject: string, permanent = false): Promise<void> {
    await this.call(
      'DELETE',
      `/subjects/${encodeURIComponent(subject)}${
        permanent ? '?permanent=true' : ''
      }`,
    );
  }

  async deleteVersion(subject: string, version: number): Promise<void> {
    await this.call(
      'DELETE',
      `/subjects/${encodeURIComponent(subject)}/versions/${version}`,
    );
  }

  /** Removes every subject this run created, referencing ones first. */
  async cleanUp(): Promise<void> {
    const subjects = [...this.created].reverse();
    for (const subject of subjects) {
      await this.deleteSubject(subject).catch(() => undefined);
      await this.deleteSubject(subject, true).catch(() => undefined);
    }
    this.created.clear();
  }

  async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) {
      throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
    }
    return text === '' ? undefined : JSON.parse(text);
  }
}

/** One HTTP call as a counting fetch saw it. */
export interface RecordedCall {
  method: string;
  /** Path and query below the registry's base URL, still URL-encoded. */
  path: string;
  status?: number;
}

/**
 * A real fetch that records every call, and optionally narrows subject
 * listings to some subjects: the shared registry then looks to the code
 * under test like a registry holding only this run's subjects, so other
 * runs' subjects coming and going cannot change the outcome.
 */
export function recordingFetch(
  baseUrl: string,
  options: { onlySubjects?: (subject: string) => boolean } = {},
): { fetch: typeof fetch; calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const recording: typeof fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    const path = url.startsWith(baseUrl) ? url.slice(baseUrl.length) : url;
    const call: RecordedCall = { method: init?.method ?? 'GET', path };
    calls.push(call);
    const response = await fetch(input, init);
    call.status = response.status;
    const only = options.onlySubjects;
    if (only && /^\/subjects(\?|$)/.test(path) && response.ok) {
      const subjects = (await response.json()) as string[];
      return new Response(JSON.stringify(subjects.filter(only)), {
        status: response.status,
        headers: { 'Content-Type': 'application/json' },
      });
    }
    return response;
  };
  return { fetch: recording, calls };
}
