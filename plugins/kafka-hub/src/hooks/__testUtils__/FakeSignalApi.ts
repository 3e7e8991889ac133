import { SignalApi } from '@backstage/plugin-signals-react';
import { KafkaHubSignal } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { JsonObject } from '@backstage/types';

/**
 * A signal API the test drives: it records the channels subscribed to and
 * delivers what the test sends to their subscribers.
 */
export class FakeSignalApi implements SignalApi {
  private readonly subscribers = new Map<
    string,
    Set<(message: JsonObject) => void>
  >();

  subscribe<TMessage extends JsonObject = JsonObject>(
    channel: string,
    onMessage: (message: TMessage) => void,
  ) {
    const listener = onMessage as (message: JsonObject) => void;
    const set = this.subscribers.get(channel) ?? new Set();
    set.add(listener);
    this.subscribers.set(channel, set);
    return { unsubscribe: () => set.delete(listener) };
  }

  /** The channels with a subscriber now. */
  channels(): string[] {
    return [...this.subscribers]
      .filter(([, set]) => set.size > 0)
      .map(([channel]) => channel);
  }

  send(channel: string, kind: KafkaHubSignal['kind']): void {
    const message: KafkaHubSignal = { kind, at: new Date().toISOString() };
    this.subscribers.get(channel)?.forEach(listener => listener(message));
  }
}
