import { ProvisioningStatus } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import {
  NoticeBatch,
  NotificationStreakStore,
  SubjectNotice,
} from '../database/notifications/NotificationStreakStore';
import { firstLine } from '../errors/firstLine';
import { RESEND_AFTER_MS } from './GroupStatusNotifications';
import { entityTabLink, OwnerNotifier } from './OwnerNotifier';

/** Notices sent again per run, at most. */
const RESENT_PER_RUN = 50;

/** What an application's notification says: stored until it is sent. */
type ProvisioningChange = Pick<
  ProvisioningRunEnd,
  'entityRef' | 'application' | 'status' | 'error'
>;

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
 * statement starts or ends the streak sends. A notice whose send failed is
 * sent again by a run {@link RESEND_AFTER_MS} later.
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
    const { streaks } = this.options;
    const notice: SubjectNotice<ProvisioningChange> = {
      scope: '',
      subject: run.entityRef,
      notice: {
        entityRef: run.entityRef,
        application: run.application,
        status: run.status,
        // The first line, as non-admins see errors on the tab.
        error: run.error ? firstLine(run.error) : undefined,
      },
    };
    if (run.status === 'failed' || run.status === 'partial') {
      await this.tell(
        await streaks.startStreaks('provisioning', [notice], this.now()),
      );
    } else if (run.status === 'completed') {
      await this.tell(
        await streaks.recordGood('provisioning', [notice], 1, this.now()),
      );
    }
    // Notices whose send failed before (or whose replica died sending).
    const now = this.now();
    await this.tell(
      await streaks.takeUnsent<ProvisioningChange>(
        'provisioning',
        '',
        new Date(now.getTime() - RESEND_AFTER_MS),
        now,
        RESENT_PER_RUN,
      ),
    );
  }

  private async tell(batch: NoticeBatch<ProvisioningChange>): Promise<void> {
    const told = [];
    for (const item of batch.items) {
      if (await this.tellOne(item.notice)) told.push(item);
    }
    await this.options.streaks.noticesSent('provisioning', batch.token, told);
  }

  private tellOne(change: ProvisioningChange): Promise<boolean> {
    const { entityRef, application, status, error } = change;
    const common = {
      link: entityTabLink(entityRef, 'kafka'),
      topic: 'Kafka provisioning',
      scope: `kafka-hub:provisioning:${entityRef}`,
    };
    if (status === 'completed') {
      return this.options.notifier.send(entityRef, {
        ...common,
        title: `Kafka provisioning of ${application} recovered`,
        description: 'Its namespace is provisioned in every environment.',
        severity: 'low',
      });
    }
    return this.options.notifier.send(entityRef, {
      ...common,
      title: `Kafka provisioning of ${application} ${
        status === 'partial' ? 'partly failed' : 'failed'
      }`,
      description: error ?? 'See the Kafka tab for each environment.',
      severity: 'high',
    });
  }
}
