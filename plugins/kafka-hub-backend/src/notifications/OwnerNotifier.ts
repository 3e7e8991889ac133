import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import { errorMessage } from '../errors/errorMessage';

/** What Kafka Hub tells owners. */
export type OwnerNotification = NotificationSendOptions['payload'];

/** The path of one of an entity's Kafka Hub tabs (`kafka`, `consumer-groups`). */
export function entityTabLink(entityRef: string, tab: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${encodeURIComponent(namespace)}/${encodeURIComponent(
    kind.toLocaleLowerCase('en-US'),
  )}/${encodeURIComponent(name)}/${tab}`;
}

/**
 * Sends notifications to the owners of an entity through the notifications
 * backend (which resolves an entity to its owners). A failed send is logged
 * and answered false, never thrown: the task that saw the trouble goes on,
 * and the caller keeps the notice to send again.
 */
export class OwnerNotifier {
  constructor(
    private readonly notifications: NotificationService,
    private readonly logger: LoggerService,
  ) {}

  /** Whether the notifications backend took it. */
  async send(entityRef: string, payload: OwnerNotification): Promise<boolean> {
    const recipient = stringifyEntityRef(parseEntityRef(entityRef));
    try {
      await this.notifications.send({
        recipients: { type: 'entity', entityRef: recipient },
        payload,
      });
      return true;
    } catch (error) {
      this.logger.warn(
        `Could not notify the owners of ${recipient} ("${
          payload.title
        }"): ${errorMessage(error)}`,
      );
      return false;
    }
  }
}
