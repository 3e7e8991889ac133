import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  KAFKA_HUB_ADMIN_CHANNEL,
  kafkaHubEntityChannel,
  KafkaHubSignal,
  KafkaHubSignalKind,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { mapWithConcurrency } from '../concurrency/mapWithConcurrency';
import { errorMessage } from '../errors/errorMessage';
import { KafkaHubEvent } from '../events/KafkaHubEvents';

/** Signals in flight at once while one event is published. */
const PUBLISH_CONCURRENCY = 8;

export interface KafkaHubSignalsOptions {
  signals: SignalsService;
  /** The recorded owner of each application (the store's `ownersOf`). */
  ownersOf: (entityRefs: readonly string[]) => Promise<Map<string, string>>;
  /**
   * Users and groups (entity refs) that may read every application: they get
   * every entity's signals and the admin channel.
   */
  adminRecipients: readonly string[];
  logger: LoggerService;
  now?: () => Date;
}

/**
 * Publishes Kafka Hub's events as signals, so open pages refetch instead of
 * polling. The signals backend delivers a signal to every subscribed
 * connection whose user's ownership refs include one of its recipients, and
 * a broadcast to every signed-in user: so nothing is broadcast. An entity's
 * signals go to its owner (a group reaches its members) and the admin
 * recipients, on the entity's channel and, once per event, on the owner's
 * (its Group page); the admin channel to the admin recipients only.
 * Messages say what changed and when, never the data.
 */
export class KafkaHubSignals {
  private readonly adminRecipients: string[];
  private readonly now: () => Date;

  constructor(private readonly options: KafkaHubSignalsOptions) {
    this.adminRecipients = [
      ...new Set(options.adminRecipients.map(recipientRef)),
    ];
    this.now = options.now ?? (() => new Date());
  }

  /** The listener of {@link KafkaHubEvents}. */
  readonly onEvent = async (event: KafkaHubEvent): Promise<void> => {
    switch (event.type) {
      case 'provisioning-changed':
        await this.publish('provisioning', event.entityRefs);
        return;
      case 'provisioning-run-ended':
        await this.publish('provisioning', [event.run.entityRef]);
        return;
      case 'lag-sampled':
        // One signal per application, however many of its groups sampled.
        await this.publish(
          'consumer-groups',
          event.groups.flatMap(g => (g.entityRef ? [g.entityRef] : [])),
        );
        return;
      default:
        return;
    }
  };

  private async publish(
    kind: KafkaHubSignalKind,
    entityRefs: readonly string[],
  ): Promise<void> {
    const { signals, ownersOf, logger } = this.options;
    const message: KafkaHubSignal = { kind, at: this.now().toISOString() };
    const distinct = [...new Set(entityRefs)];
    const owners = distinct.length > 0 ? await ownersOf(distinct) : new Map();
    const sends = distinct.flatMap(entityRef => {
      const owner = owners.get(entityRef);
      const recipients = [
        ...new Set([
          ...(owner ? [recipientRef(owner)] : []),
          ...this.adminRecipients,
        ]),
      ];
      return recipients.length > 0
        ? [{ channel: kafkaHubEntityChannel(entityRef), recipients }]
        : [];
    });
    // A Group entity's pages follow its applications on its own channel.
    for (const owner of new Set(
      distinct.flatMap(ref => {
        const o = owners.get(ref);
        return o ? [recipientRef(o)] : [];
      }),
    )) {
      sends.push({
        channel: kafkaHubEntityChannel(owner),
        recipients: [...new Set([owner, ...this.adminRecipients])],
      });
    }
    if (this.adminRecipients.length > 0) {
      sends.push({
        channel: KAFKA_HUB_ADMIN_CHANNEL,
        recipients: this.adminRecipients,
      });
    }
    let failed = 0;
    let lastError: unknown;
    await mapWithConcurrency(
      sends,
      PUBLISH_CONCURRENCY,
      async ({ channel, recipients }) => {
        try {
          await signals.publish<KafkaHubSignal>({
            channel,
            recipients: { type: 'user', entityRef: recipients },
            message,
          });
        } catch (error) {
          failed++;
          lastError = error;
        }
      },
    );
    if (failed > 0) {
      logger.warn(
        `Could not publish ${failed} of ${
          sends.length
        } Kafka Hub ${kind} signal(s): ${errorMessage(lastError)}`,
      );
    }
  }
}

/**
 * An entity ref as a connection's ownership refs hold it: the signals
 * backend compares them exactly, and sign-in resolvers write them with
 * `stringifyEntityRef` (lower case).
 */
function recipientRef(ref: string): string {
  return stringifyEntityRef(
    parseEntityRef(ref, { defaultKind: 'group', defaultNamespace: 'default' }),
  );
}
