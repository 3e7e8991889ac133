import { useApiHolder } from '@backstage/core-plugin-api';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  kafkaHubEntityChannel,
  KafkaHubSignal,
  KafkaHubSignalKind,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { useEffect, useRef, useState } from 'react';
import {
  PollingOptions,
  PollingState,
  usePageVisible,
  usePolling,
} from './usePolling';

/**
 * The safety poll while signals are available: signals reach owners and
 * the configured admins only, and one published while the connection was
 * re-established is lost; this bounds how stale a page can get anyway.
 */
export const SAFETY_POLL_MS = 60_000;

export interface LiveOptions {
  /** The Kafka Hub signal channel to follow; undefined: none (polls). */
  channel: string | undefined;
  /** The kinds of change that reload. */
  kinds: readonly KafkaHubSignalKind[];
}

/**
 * {@link usePolling} that reloads when a Kafka Hub signal of `kinds` arrives
 * on `live.channel`. Where the signals plugin is installed (its API is
 * present), it polls at most every {@link SAFETY_POLL_MS}; where it is not,
 * it polls as `usePolling` does. Signals are coalesced: while a request
 * runs or the page is hidden they wait, and one reload answers them all.
 */
export function useLivePolling<T>(
  load: () => Promise<T>,
  options: PollingOptions<T> & { live: LiveOptions },
): PollingState<T> {
  const { live, ...polling } = options;
  const signalApi = useApiHolder().get(signalApiRef);
  const { channel } = live;
  const followed = signalApi !== undefined && channel !== undefined;
  const state = usePolling(load, {
    ...polling,
    intervalMs:
      followed && polling.intervalMs
        ? Math.max(polling.intervalMs, SAFETY_POLL_MS)
        : polling.intervalMs,
    maxIntervalMs: followed ? undefined : polling.maxIntervalMs,
  });

  // Signals received, and how many a reload has answered.
  const [received, setReceived] = useState(0);
  const answered = useRef(0);
  const kinds = live.kinds.join(',');
  useEffect(() => {
    if (!signalApi || channel === undefined) return undefined;
    const wanted = kinds.split(',');
    const subscription = signalApi.subscribe<KafkaHubSignal>(
      channel,
      message => {
        if (wanted.includes(message.kind)) setReceived(n => n + 1);
      },
    );
    return () => subscription.unsubscribe();
  }, [signalApi, channel, kinds]);

  const visible = usePageVisible();
  const { loading, refresh } = state;
  useEffect(() => {
    if (received === answered.current || loading || !visible) return;
    answered.current = received;
    refresh();
  }, [received, loading, visible, refresh]);

  return state;
}

/**
 * The channel of a list scoped to one application or one owner (a Group
 * entity: Kafka Hub signals each change on its owner's channel too); none
 * for lists across entities.
 */
export function scopeChannel(scope: {
  entityRefs?: readonly string[];
  owner?: string;
}): string | undefined {
  if (scope.entityRefs?.length === 1) {
    return kafkaHubEntityChannel(scope.entityRefs[0]);
  }
  if (!scope.entityRefs?.length && scope.owner) {
    return kafkaHubEntityChannel(scope.owner);
  }
  return undefined;
}
