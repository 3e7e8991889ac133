import * as kafka from '@platformatic/kafka';
import { Channel } from 'diagnostics_channel';
import { kafkaErrorCauses } from './describeKafkaError';

/*
 * Under TLS 1.3 a broker checks the client certificate only after the
 * handshake: it answers a rejected (or missing) certificate with a TLS alert
 * that fails the socket once the first request is on its way. The client
 * library emits that socket error on the connection, which nothing reads,
 * and fails the request with a bare "Connection closed". This module keeps
 * the socket error of each client's last closed connection and sets it as
 * the cause of such a "Connection closed" failure, so describeKafkaError can
 * say "TLS alert: certificate unknown" instead.
 */

interface ClientLike {
  on(event: string, listener: (...args: any[]) => void): unknown;
}

interface ConnectionLike {
  on(event: string, listener: (...args: any[]) => void): unknown;
  once(event: string, listener: (...args: any[]) => void): unknown;
}

interface TracingChannelLike {
  name: string;
  error: Channel;
}

const CLIENT_TYPES = new Set(['admin', 'producer', 'consumer']);

/** Client -> the socket error of its last closed connection (none if it closed cleanly). */
const lastClosedWith = new WeakMap<object, unknown>();

let installed = false;

function watchClient(client: ClientLike) {
  client.on(
    'client:broker:connect',
    ({ connection }: { connection: ConnectionLike }) => {
      let socketError: unknown;
      connection.on('error', (error: { cause?: unknown }) => {
        socketError ??= error.cause ?? error;
      });
      // 'close' is emitted before the pending requests fail.
      connection.once('close', () => lastClosedWith.set(client, socketError));
    },
  );
}

function explainClosedConnection(context: {
  client?: object;
  error?: unknown;
}) {
  if (!context.client || !context.error) return;
  const socketError = lastClosedWith.get(context.client);
  if (!socketError) return;
  for (const leaf of kafkaErrorCauses(context.error)) {
    if (
      leaf.code === kafka.NetworkError.code &&
      leaf.message.startsWith('Connection closed') &&
      leaf.cause === undefined
    ) {
      leaf.cause = socketError;
    }
  }
}

function isTracingChannel(value: unknown): value is TracingChannelLike {
  const candidate = value as Partial<TracingChannelLike> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.name === 'string' &&
    candidate.name.startsWith(`${kafka.channelsNamespace}:`) &&
    typeof candidate.error?.subscribe === 'function'
  );
}

/**
 * Makes every `@platformatic/kafka` client created from now on report the
 * socket error behind a "Connection closed" failure. Idempotent.
 */
export function explainClosedConnections(): void {
  if (installed) return;
  installed = true;
  kafka.instancesChannel.subscribe(message => {
    const { type, instance } = message as {
      type: string;
      instance: ClientLike;
    };
    if (CLIENT_TYPES.has(type)) watchClient(instance);
  });
  for (const value of Object.values(kafka)) {
    if (isTracingChannel(value)) {
      value.error.subscribe(context =>
        explainClosedConnection(
          context as { client?: object; error?: unknown },
        ),
      );
    }
  }
}
