import { ConsumerGroupStatus } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { NotificationStreakStore } from '../database/notifications/NotificationStreakStore';
import { mapWithConcurrency } from '../concurrency/mapWithConcurrency';
import { entityTabLink, OwnerNotifier } from './OwnerNotifier';

/** More groups of one application changing in one sample are told in one notification. */
const GROUPS_TOLD_ONE_BY_ONE = 3;
/** Group ids a summary names. */
const GROUPS_NAMED_IN_SUMMARY = 10;
/** Notifications sent at once: the notifications backend resolves owners per send. */
const SENDS_AT_ONCE = 4;

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
    const badById = new Map(bad.map(g => [g.groupId, g]));
    const entered = await streaks.startStreaks(
      'consumer-group',
      bad.filter(g => !failing.has(g.groupId)).map(subject),
      this.now(),
    );

    const good = linked.filter(
      g => !statuses.includes(g.status) && failing.has(g.groupId),
    );
    const goodById = new Map(good.map(g => [g.groupId, g]));
    const recovered =
      good.length === 0
        ? []
        : await streaks.recordGood(
            'consumer-group',
            good.map(subject),
            statusWindow,
            new Date(sampledAtMs),
          );

    await this.tell(
      environment,
      'entered',
      entered.map(s => badById.get(s.subject)!),
    );
    await this.tell(
      environment,
      'recovered',
      recovered.map(s => goodById.get(s.subject)!),
    );
  }

  /**
   * One notification per group, or per application when more than
   * {@link GROUPS_TOLD_ONE_BY_ONE} of its groups changed in one sample (a
   * cluster-wide stall must not bury an owner in notifications); a few
   * sends at a time.
   */
  private async tell(
    environment: string,
    change: 'entered' | 'recovered',
    groups: readonly SampledGroupStatus[],
  ): Promise<void> {
    const byEntity = new Map<string, SampledGroupStatus[]>();
    for (const group of groups) {
      const list = byEntity.get(group.entityRef!) ?? [];
      list.push(group);
      byEntity.set(group.entityRef!, list);
    }
    const sends = [...byEntity].flatMap(([entityRef, changed]) =>
      changed.length > GROUPS_TOLD_ONE_BY_ONE
        ? [() => this.tellSummary(environment, change, entityRef, changed)]
        : changed.map(g => () => this.tellOne(environment, change, g)),
    );
    await mapWithConcurrency(sends, SENDS_AT_ONCE, send => send());
  }

  private async tellOne(
    environment: string,
    change: 'entered' | 'recovered',
    group: SampledGroupStatus,
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
          : this.recoveredDescription(),
      link: entityTabLink(entityRef, 'consumer-groups'),
      severity: severityOf(change, group.status),
      topic: 'Kafka consumer groups',
      scope: `kafka-hub:consumer-group:${environment}:${group.groupId}`,
    });
  }

  private async tellSummary(
    environment: string,
    change: 'entered' | 'recovered',
    entityRef: string,
    groups: readonly SampledGroupStatus[],
  ): Promise<void> {
    const ids = groups.map(g => g.groupId).sort();
    const named = ids.slice(0, GROUPS_NAMED_IN_SUMMARY).join(', ');
    const more = ids.length - GROUPS_NAMED_IN_SUMMARY;
    const list = more > 0 ? `${named} and ${more} more` : named;
    const statuses = [...new Set(groups.map(g => g.status))].sort();
    await this.options.notifier.send(entityRef, {
      title:
        change === 'entered'
          ? `${
              groups.length
            } consumer groups of ${entityRef} (${environment}) are ${statuses.join(
              ' or ',
            )}`
          : `${groups.length} consumer groups of ${entityRef} (${environment}) recovered`,
      description:
        change === 'entered'
          ? `Groups: ${list}.`
          : `${this.recoveredDescription()} Groups: ${list}.`,
      link: entityTabLink(entityRef, 'consumer-groups'),
      severity: groups.reduce<'high' | 'normal' | 'low'>(
        (worst, g) =>
          severityOf(change, g.status) === 'high' ? 'high' : worst,
        change === 'entered' ? 'normal' : 'low',
      ),
      topic: 'Kafka consumer groups',
      scope: `kafka-hub:consumer-groups:${environment}:${entityRef}:${change}`,
    });
  }

  private recoveredDescription(): string {
    const { statuses, statusWindow } = this.options;
    return `Its lag status stayed out of ${statuses.join(
      ', ',
    )} for ${statusWindow} samples in a row.`;
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
