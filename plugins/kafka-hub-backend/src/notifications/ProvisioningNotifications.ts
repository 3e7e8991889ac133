import { ProvisioningStatus } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { NotificationStreakStore } from '../database/notifications/NotificationStreakStore';
import { firstLine } from '../errors/firstLine';
import { entityTabLink, OwnerNotifier } from './OwnerNotifier';

/** A provisioning run's recorded end. */
export interface ProvisioningRunEnd {
  entityRef: string;
  application: string;
  status: ProvisioningStatus;
  error?: string;
}

/**
 * Tells an application's owners when its provisioning fails (once per
 * failure streak: the runs retried while it keeps failing say nothing) and
 * when it recovers. Replicas agree through the streak store: the one whose
 * statement starts or ends the streak sends.
 */
export class ProvisioningNotifications {
  private readonly now: () => Date;

  constructor(
    private readonly options: {
      streaks: NotificationStreakStore;
      notifier: OwnerNotifier;
      now?: () => Date;
    },
  ) {
    this.now = options.now ?? (() => new Date());
  }

  async runEnded(run: ProvisioningRunEnd): Promise<void> {
    const { streaks, notifier } = this.options;
    const subject = { scope: '', subject: run.entityRef };
    const link = entityTabLink(run.entityRef, 'kafka');
    const scope = `kafka-hub:provisioning:${run.entityRef}`;
    if (run.status === 'failed' || run.status === 'partial') {
      const [started] = await streaks.startStreaks(
        'provisioning',
        [subject],
        this.now(),
      );
      if (started) {
        await notifier.send(run.entityRef, {
          title: `Kafka provisioning of ${run.application} ${
            run.status === 'partial' ? 'partly failed' : 'failed'
          }`,
          // The first line, as non-admins see errors on the tab.
          description: run.error
            ? firstLine(run.error)
            : 'See the Kafka tab for each environment.',
          link,
          severity: 'high',
          topic: 'Kafka provisioning',
          scope,
        });
      }
    } else if (run.status === 'completed') {
      const [recovered] = await streaks.recordGood(
        'provisioning',
        [subject],
        1,
        this.now(),
      );
      if (recovered) {
        await notifier.send(run.entityRef, {
          title: `Kafka provisioning of ${run.application} recovered`,
          description: 'Its namespace is provisioned in every environment.',
          link,
          severity: 'low',
          topic: 'Kafka provisioning',
          scope,
        });
      }
    }
  }
}
