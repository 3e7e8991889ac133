import { ConsumerGroupStatus } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { NotificationStreakStore } from '../database/notifications/NotificationStreakStore';
import { entityTabLink, OwnerNotifier } from './OwnerNotifier';

/** A group's status in one lag sample. */
export interface SampledGroupStatus {
  groupId: string;
  /** The application the group belongs to; unlinked groups have no owner to tell. */
  entityRef?: string;
  status: ConsumerGroupStatus;
  statusReason?: string;
}

/**
 * Tells a consumer group's owners when it enters one of the configured
 * statuses (STOP, STALL, REWIND by default) and when it recovered. A group
 * recovers only after `statusWindow` good samples in a row, so one flapping
 * within the window the status looks back on sends one notification. Every
 * replica may observe a sample; the one whose statement starts or ends the
 * streak sends.
 */
export class GroupStatusNotifications {
  private readonly now: () => Date;

  constructor(
    private readonly options: {
      streaks: NotificationStreakStore;
      notifier: OwnerNotifier;
      /** The statuses that notify. */
      statuses: readonly ConsumerGroupStatus[];
      /** Good samples in a row after which a failing group has recovered. */
      statusWindow: number;
      now?: () => Date;
    },
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** The statuses of a sample of `environment` taken at `sampledAtMs`. */
  async sampled(
    environment: string,
    sampledAtMs: number,
    groups: readonly SampledGroupStatus[],
  ): Promise<void> {
    const { streaks, statuses, statusWindow } = this.options;
    const linked = groups.filter(g => g.entityRef !== undefined);
    if (linked.length === 0) return;
    const failing = await streaks.failing('consumer-group', environment);
    const subject = (g: SampledGroupStatus) => ({
      scope: environment,
      subject: g.groupId,
    });

    const bad = linked.filter(g => statuses.includes(g.status));
    await streaks.stillFailing(
      'consumer-group',
      bad.filter(g => failing.has(g.groupId)).map(subject),
    );
    for (const group of bad.filter(g => !failing.has(g.groupId))) {
      if (
        await streaks.startStreak('consumer-group', subject(group), this.now())
      ) {
        await this.tell(environment, group, 'entered');
      }
    }

    const good = linked.filter(
      g => !statuses.includes(g.status) && failing.has(g.groupId),
    );
    if (good.length === 0) return;
    const byId = new Map(good.map(g => [g.groupId, g]));
    const recovered = await streaks.recordGood(
      'consumer-group',
      good.map(subject),
      statusWindow,
      new Date(sampledAtMs),
    );
    for (const { subject: groupId } of recovered) {
      await this.tell(environment, byId.get(groupId)!, 'recovered');
    }
  }

  private async tell(
    environment: string,
    group: SampledGroupStatus,
    change: 'entered' | 'recovered',
  ): Promise<void> {
    const entityRef = group.entityRef!;
    await this.options.notifier.send(entityRef, {
      title:
        change === 'entered'
          ? `Consumer group ${group.groupId} (${environment}) is ${group.status}`
          : `Consumer group ${group.groupId} (${environment}) recovered: ${group.status}`,
      description:
        change === 'entered'
          ? group.statusReason ?? `Its lag status is ${group.status}.`
          : `Its lag status stayed out of ${this.options.statuses.join(
              ', ',
            )} for ${this.options.statusWindow} samples in a row.`,
      link: entityTabLink(entityRef, 'consumer-groups'),
      severity: severityOf(change, group.status),
      topic: 'Kafka consumer groups',
      scope: `kafka-hub:consumer-group:${environment}:${group.groupId}`,
    });
  }
}

/** Stopped or stalled consumers need someone now; a rewind may be deliberate. */
function severityOf(
  change: 'entered' | 'recovered',
  status: ConsumerGroupStatus,
): 'high' | 'normal' | 'low' {
  if (change === 'recovered') return 'low';
  return status === 'STOP' || status === 'STALL' ? 'high' : 'normal';
}
