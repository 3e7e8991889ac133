import { createHash } from 'crypto';
import { Knex } from 'knex';
import { chunks } from '../chunks';

const STREAKS = 'kafka_hub_notification_streaks';

/** What a streak is about. */
export type StreakKind = 'provisioning' | 'consumer-group';

/** A subject of one kind: an application (scope '') or an environment's group. */
export interface StreakSubject {
  /** The environment of a consumer group; '' for an application. */
  scope: string;
  /** An application's entity ref, or a group id. */
  subject: string;
}

const hashOf = ({ scope, subject }: StreakSubject) =>
  createHash('sha256').update(`${scope}\u0000${subject}`).digest('hex');

/**
 * The trouble streaks owners were told about. Every change is one
 * conditional statement, so when several replicas observe the same subject
 * exactly one of them starts (or ends) its streak and sends the
 * notification.
 */
export class NotificationStreakStore {
  constructor(private readonly db: Knex) {}

  /** The subjects of `kind` in `scope` that are failing now. */
  async failing(kind: StreakKind, scope: string): Promise<Set<string>> {
    const rows: Array<{ subject: string }> = await this.db(STREAKS)
      .where({ kind, scope, failing: true })
      .select('subject');
    return new Set(rows.map(r => r.subject));
  }

  /**
   * Bad observations. Returns the subjects whose streak this call started
   * (they were not failing): the caller tells their owners. Subjects
   * already failing only start counting their recovery again. One
   * conditional upsert per chunk, so two replicas observing the same
   * subjects start each streak once.
   */
  async startStreaks(
    kind: StreakKind,
    subjects: readonly StreakSubject[],
    now: Date,
  ): Promise<StreakSubject[]> {
    const started: StreakSubject[] = [];
    const already: StreakSubject[] = [];
    for (const batch of chunks(subjects)) {
      const byHash = new Map(batch.map(s => [hashOf(s), s]));
      const rows: Array<{ subject_hash: string }> = await this.db(STREAKS)
        .insert(
          [...byHash].map(([subjectHash, subject]) => ({
            kind,
            subject_hash: subjectHash,
            scope: subject.scope,
            subject: subject.subject,
            failing: true,
            ok_samples: 0,
            changed_at: now,
          })),
        )
        .onConflict(['kind', 'subject_hash'])
        .merge({ failing: true, ok_samples: 0, changed_at: now })
        .where(`${STREAKS}.failing`, false)
        .returning('subject_hash');
      const startedHere = new Set(rows.map(r => r.subject_hash));
      for (const [subjectHash, subject] of byHash) {
        (startedHere.has(subjectHash) ? started : already).push(subject);
      }
    }
    await this.stillFailing(kind, already);
    return started;
  }

  /**
   * Bad observations of subjects already failing: each counts its recovery
   * from zero again.
   */
  async stillFailing(
    kind: StreakKind,
    subjects: readonly StreakSubject[],
  ): Promise<void> {
    for (const batch of chunks(subjects)) {
      await this.db(STREAKS)
        .where({ kind, failing: true })
        .whereIn('subject_hash', batch.map(hashOf))
        .where('ok_samples', '>', 0)
        .update({ ok_samples: 0 });
    }
  }

  /**
   * Good observations, made at `observedAt`, of failing subjects; an
   * observation already counted (the same sample seen twice) counts once.
   * Returns the subjects whose streak this call ended: those with
   * `okSamplesToRecover` good observations in a row.
   */
  async recordGood(
    kind: StreakKind,
    subjects: readonly StreakSubject[],
    okSamplesToRecover: number,
    observedAt: Date,
  ): Promise<StreakSubject[]> {
    const recovered: StreakSubject[] = [];
    for (const batch of chunks(subjects)) {
      const byHash = new Map(batch.map(s => [hashOf(s), s]));
      const hashes = [...byHash.keys()];
      await this.db(STREAKS)
        .where({ kind, failing: true })
        .whereIn('subject_hash', hashes)
        .where(q =>
          q.whereNull('last_good_at').orWhere('last_good_at', '<', observedAt),
        )
        .update({
          ok_samples: this.db.raw('?? + 1', ['ok_samples']),
          last_good_at: observedAt,
        });
      const ended: Array<{ subject_hash: string }> = await this.db(STREAKS)
        .where({ kind, failing: true })
        .whereIn('subject_hash', hashes)
        .where('ok_samples', '>=', okSamplesToRecover)
        .update({ failing: false, ok_samples: 0, changed_at: observedAt })
        .returning('subject_hash');
      for (const { subject_hash } of ended) {
        recovered.push(byHash.get(subject_hash)!);
      }
    }
    return recovered;
  }
}
