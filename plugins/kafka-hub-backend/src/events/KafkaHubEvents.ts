import { LoggerService } from '@backstage/backend-plugin-api';
import { errorMessage } from '../errors/errorMessage';
import { SampledGroupStatus } from '../notifications/GroupStatusNotifications';
import { ProvisioningRunEnd } from '../notifications/ProvisioningNotifications';

/**
 * What Kafka Hub's tasks tell the rest of the backend after the fact
 * (notifications, live-update signals). Events carry references, never
 * data a listener could leak: whoever shows it reads it again.
 */
export type KafkaHubEvent =
  | {
      type: 'provisioning-changed';
      /** Applications whose provisioning status was written. */
      entityRefs: string[];
      /** What wrote it. */
      reason: 'run-started' | 'retry-requested' | 'reconciled' | 'recovered';
    }
  | { type: 'provisioning-run-ended'; run: ProvisioningRunEnd }
  | {
      type: 'lag-sampled';
      environment: string;
      sampledAtMs: number;
      groups: SampledGroupStatus[];
    };

export type KafkaHubEventListener = (event: KafkaHubEvent) => Promise<void>;

/** Events a listener may fall behind by before the oldest are dropped. */
const DEFAULT_MAX_PENDING = 1_000;

interface Subscription {
  name: string;
  listener: KafkaHubEventListener;
  maxPending: number;
  pending: KafkaHubEvent[];
  /** Set while the listener works through `pending`. */
  draining?: Promise<void>;
  dropped: number;
}

/**
 * An in-process fan-out from Kafka Hub's tasks to what follows them. `emit`
 * never waits for a listener: a provisioning run ends and releases its lease,
 * and a lag sample records its run, however slow the notifications backend
 * is. Each listener works through its own queue one event at a time, in
 * order (the notification streaks depend on it), so one slow listener holds
 * up neither the tasks nor the other listeners. A queue is bounded: a
 * listener that falls `maxPending` events behind loses the oldest (logged);
 * every event describes the latest state, so a later one makes up for it.
 * What a listener throws is logged, never thrown.
 */
export class KafkaHubEvents {
  private readonly subscriptions: Subscription[] = [];
  private closed = false;

  constructor(private readonly logger: LoggerService) {}

  /** Adds a listener, named for the logs. */
  subscribe(
    name: string,
    listener: KafkaHubEventListener,
    options: { maxPending?: number } = {},
  ): void {
    this.subscriptions.push({
      name,
      listener,
      maxPending: Math.max(1, options.maxPending ?? DEFAULT_MAX_PENDING),
      pending: [],
      dropped: 0,
    });
  }

  /** Queues `event` for every listener and returns at once. */
  emit(event: KafkaHubEvent): void {
    if (this.closed) return;
    for (const subscription of this.subscriptions) {
      subscription.pending.push(event);
      if (subscription.pending.length > subscription.maxPending) {
        subscription.pending.shift();
        subscription.dropped++;
      }
      subscription.draining ??= this.drain(subscription);
    }
  }

  /** Resolves once every listener has worked through its queue. */
  async idle(): Promise<void> {
    for (;;) {
      const draining = this.subscriptions
        .map(s => s.draining)
        .filter((d): d is Promise<void> => d !== undefined);
      if (draining.length === 0) return;
      await Promise.all(draining);
    }
  }

  /** Accepts no more events and waits for the queued ones (shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
  }

  private async drain(subscription: Subscription): Promise<void> {
    // Start after the emitting task's current step, never inside it.
    await Promise.resolve();
    try {
      for (
        let event = subscription.pending.shift();
        event;
        event = subscription.pending.shift()
      ) {
        if (subscription.dropped > 0) {
          this.logger.warn(
            `Kafka Hub listener ${subscription.name} fell behind: dropped its ${subscription.dropped} oldest event(s)`,
          );
          subscription.dropped = 0;
        }
        try {
          await subscription.listener(event);
        } catch (error) {
          this.logger.warn(
            `Kafka Hub listener ${subscription.name} failed on ${
              event.type
            }: ${errorMessage(error)}`,
          );
        }
      }
    } finally {
      subscription.draining = undefined;
    }
  }
}
