import { ServiceHealth } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { SchemaRegistryConfig } from '../config/types';
import { SchemaRegistryClient } from '../schemaRegistry';
import { errorMessage } from '../errors/errorMessage';

/** Reads the global compatibility level: the cheapest call that proves the API answers. */
export async function checkSchemaRegistry(
  config: SchemaRegistryConfig | undefined,
  timeoutMs: number,
): Promise<ServiceHealth> {
  if (!config) {
    return { status: 'not-configured' };
  }
  const started = Date.now();
  // The client's own per-call timeout bounds the check.
  const client = new SchemaRegistryClient({
    ...config,
    timeoutMs: Math.min(config.timeoutMs, timeoutMs),
  });
  try {
    const compatibility = await client.getGlobalCompatibility();
    return {
      status: 'up',
      latencyMs: Date.now() - started,
      details: { compatibility },
    };
  } catch (error) {
    return {
      status: 'down',
      error: errorMessage(error),
    };
  }
}
