import {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';

/**
 * A notification service that records what it was asked to send (the
 * notifications backend's own behaviour is not under test here), and can be
 * told to fail.
 */
export class RecordingNotifications implements NotificationService {
  readonly sent: NotificationSendOptions[] = [];
  failWith?: Error;

  async send(options: NotificationSendOptions): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.sent.push(options);
  }

  /** What was sent, as `<recipient>: <title> [<severity>]`. */
  lines(): string[] {
    return this.sent.map(
      ({ recipients, payload }) =>
        `${recipients.type === 'entity' ? recipients.entityRef : 'all'}: ${
          payload.title
        } [${payload.severity}]`,
    );
  }
}
