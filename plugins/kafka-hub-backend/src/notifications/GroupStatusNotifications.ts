import { ConsumerGroupStatus } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import {
  NoticeBatch,
  NotificationStreakStore,
  SubjectNotice,
} from '../database/notifications/NotificationStreakStore';
import { mapWithConcurrency } from '../concurrency/mapWithConcurrency';
import { entityTabLink, OwnerNotifier } from './OwnerNotifier';

/** More groups of one application changing in one sample are told in one notification. */
const GROUPS_TOLD_ONE_BY_ONE = 3;
/** Group ids a summary names. */
const GROUPS_NAMED_IN_SUMMARY = 10;
/** Notifications sent at once: the notifications backend resolves owners per send. */
const SENDS_AT_ONCE = 4;
/** A notice unsent this long (its send failed, or its replica died) is sent again. */
export const RESEND_AFTER_MS = 2 * 60_000;
/** Notices sent again per sample, at most. */
const RESENT_PER_SAMPLE = 200;

/** A group's status in one lag sample. */
export interface SampledGroupStatus {
  groupId: string;
  /** The application the group belongs to; unlinked groups have no owner to tell. */
  entityRef?: string;
  status: ConsumerGroupStatus;
  statusReason?: string;
}

/** What a group's notification says: stored until it is sent. */
interface GroupChange extends SampledGroupStatus {
  entityRef: string;
  change: 'entered' | 'recovered';
}

/**
 * Tells a consumer group's owners when it enters one of the configured
 * statuses (STOP, STALL, REWIND by default) and when it recovered. A group
 * recovers only after `statusWindow` good samples in a row, so one flapping
 * within the window the status looks back on sends one notification. Every
 * replica may observe a sample; the one whose statement starts or ends the
 * streak sends. A notice whose send failed is kept and sent again by a
 * sample {@link RESEND_AFTER_MS} later, on whichever replica takes it.
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
    const failing = await streaks.failing('consumer-group', environment);
    const notice =
      (change: GroupChange['change']) =>
      (g: SampledGroupStatus): SubjectNotice<GroupChange> => ({
        scope: environment,
        subject: g.groupId,
        notice: { ...g, entityRef: g.entityRef!, change },
      });

    const bad = linked.filter(g => statuses.includes(g.status));
    await streaks.stillFailing(
      'consumer-group',
      bad
        .filter(g => failing.has(g.groupId))
        .map(g => ({ scope: environment, subject: g.groupId })),
    );
    const entered = await streaks.startStreaks(
      'consumer-group',
      bad.filter(g => !failing.has(g.groupId)).map(notice('entered')),
      this.now(),
    );
    const good = linked.filter(
      g => !statuses.includes(g.status) && failing.has(g.groupId),
    );
    const recovered = await streaks.recordGood(
      'consumer-group',
      good.map(notice('recovered')),
      statusWindow,
      new Date(sampledAtMs),
    );
    await this.tell(environment, entered);
    await this.tell(environment, recovered);

    // Notices whose send failed before (or whose replica died sending).
    const now = this.now();
    const unsent = await streaks.takeUnsent<GroupChange>(
      'consumer-group',
      environment,
      new Date(now.getTime() - RESEND_AFTER_MS),
      now,
      RESENT_PER_SAMPLE,
    );
    await this.tell(environment, unsent);
  }

  /**
   * Sends a batch of notices, then marks those sent: one notification per
   * group, or per application and change when more than
   * {@link GROUPS_TOLD_ONE_BY_ONE} of its groups changed (a cluster-wide
   * stall must not bury an owner in notifications); a few sends at a time.
   * A failed send leaves its notices for a later sample.
   */
  private async tell(
    environment: string,
    batch: NoticeBatch<GroupChange>,
  ): Promise<void> {
    if (batch.items.length === 0) return;
    const byOwnerAndChange = new Map<string, GroupChange[]>();
    for (const { notice } of batch.items) {
      const key = `${notice.change} ${notice.entityRef}`;
      const list = byOwnerAndChange.get(key) ?? [];
      list.push(notice);
      byOwnerAndChange.set(key, list);
    }
    const sends = [...byOwnerAndChange.values()].flatMap(changed =>
      changed.length > GROUPS_TOLD_ONE_BY_ONE
        ? [
            {
              groups: changed,
              send: () => this.tellSummary(environment, changed),
            },
          ]
        : changed.map(g => ({
            groups: [g],
            send: () => this.tellOne(environment, g),
          })),
    );
    const told = await mapWithConcurrency(sends, SENDS_AT_ONCE, async s =>
      (await s.send()) ? s.groups : [],
    );
    await this.options.streaks.noticesSent(
      'consumer-group',
      batch.token,
      told.flat().map(g => ({ scope: environment, subject: g.groupId })),
    );
  }

  private tellOne(environment: string, group: GroupChange): Promise<boolean> {
    const { change, entityRef } = group;
    return this.options.notifier.send(entityRef, {
      title:
        change === 'entered'
          ? `Consumer group ${group.groupId} (${environment}) is ${group.status}`
          : `Consumer group ${group.groupId} (${environment}) recovered: ${group.status}`,
      description:
        change === 'entered'
          ? group.statusReason ?? `Its lag status is ${group.status}.`
          : this.recoveredDescription('Its'),
      link: entityTabLink(entityRef, 'consumer-groups'),
      severity: severityOf(change, group.status),
      topic: 'Kafka consumer groups',
      scope: `kafka-hub:consumer-group:${environment}:${group.groupId}`,
    });
  }

  private tellSummary(
    environment: string,
    groups: readonly GroupChange[],
  ): Promise<boolean> {
    const { change, entityRef } = groups[0];
    const ids = groups.map(g => g.groupId).sort();
    const named = ids.slice(0, GROUPS_NAMED_IN_SUMMARY).join(', ');
    const more = ids.length - GROUPS_NAMED_IN_SUMMARY;
    const list = more > 0 ? `${named} and ${more} more` : named;
    const statuses = [...new Set(groups.map(g => g.status))].sort();
    return this.options.notifier.send(entityRef, {
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
          : `${this.recoveredDescription('Their')} Groups: ${list}.`,
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

  private recoveredDescription(whose: 'Its' | 'Their'): string {
    const { statuses, statusWindow } = this.options;
    return `${whose} lag status stayed out of ${statuses.join(
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
