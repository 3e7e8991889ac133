import { createHash, randomUUID } from 'crypto';
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

/** A subject and the notification its change should send (JSON-serialisable). */
export interface SubjectNotice<N> extends StreakSubject {
  notice: N;
}

/** Notifications of one sending attempt: marked sent with its token. */
export interface NoticeBatch<N> {
  token: string;
  items: SubjectNotice<N>[];
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
  async startStreaks<N>(
    kind: StreakKind,
    subjects: readonly SubjectNotice<N>[],
    now: Date,
  ): Promise<NoticeBatch<N>> {
    const token = randomUUID();
    const started: SubjectNotice<N>[] = [];
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
            pending: JSON.stringify(subject.notice),
            pending_since: now,
            pending_token: token,
          })),
        )
        .onConflict(['kind', 'subject_hash'])
        .merge([
          'failing',
          'ok_samples',
          'changed_at',
          'pending',
          'pending_since',
          'pending_token',
        ])
        .where(`${STREAKS}.failing`, false)
        .returning('subject_hash');
      const startedHere = new Set(rows.map(r => r.subject_hash));
      for (const [subjectHash, subject] of byHash) {
        (startedHere.has(subjectHash) ? started : already).push(subject);
      }
    }
    await this.stillFailing(kind, already);
    return { token, items: started };
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
  async recordGood<N>(
    kind: StreakKind,
    subjects: readonly SubjectNotice<N>[],
    okSamplesToRecover: number,
    observedAt: Date,
  ): Promise<NoticeBatch<N>> {
    const token = randomUUID();
    const recovered: SubjectNotice<N>[] = [];
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
        .update({
          failing: false,
          ok_samples: 0,
          changed_at: observedAt,
          // The recovery's own notice replaces an unsent one of the streak.
          pending: this.noticeByHash(byHash),
          pending_since: observedAt,
          pending_token: token,
        })
        .returning('subject_hash');
      for (const { subject_hash } of ended) {
        recovered.push(byHash.get(subject_hash)!);
      }
    }
    return { token, items: recovered };
  }

  /** Marks the notices of an attempt sent, unless another attempt took them over since. */
  async noticesSent(
    kind: StreakKind,
    token: string,
    subjects: readonly StreakSubject[],
  ): Promise<void> {
    for (const batch of chunks(subjects)) {
      await this.db(STREAKS)
        .where({ kind, pending_token: token })
        .whereIn('subject_hash', batch.map(hashOf))
        .update({ pending: null, pending_since: null, pending_token: null });
    }
  }

  /**
   * Takes over at most `limit` notices of `scope` whose latest attempt
   * started before `attemptedBefore` (it failed, or its replica died): one
   * conditional statement, so each is taken by one replica.
   */
  async takeUnsent<N>(
    kind: StreakKind,
    scope: string,
    attemptedBefore: Date,
    now: Date,
    limit: number,
  ): Promise<NoticeBatch<N>> {
    const token = randomUUID();
    const stale = (q: Knex.QueryBuilder) =>
      q
        .where({ kind, scope })
        .whereNotNull('pending')
        .where('pending_since', '<', attemptedBefore);
    const rows: Array<{ scope: string; subject: string; pending: string }> =
      await stale(this.db(STREAKS))
        .whereIn(
          'subject_hash',
          stale(this.db(STREAKS).select('subject_hash'))
            .orderBy('pending_since')
            .limit(limit),
        )
        .update({ pending_since: now, pending_token: token })
        .returning(['scope', 'subject', 'pending']);
    return {
      token,
      items: rows.map(r => ({
        scope: r.scope,
        subject: r.subject,
        notice: JSON.parse(r.pending) as N,
      })),
    };
  }

  /** `CASE subject_hash WHEN <hash> THEN <notice JSON> ... END` for one chunk. */
  private noticeByHash<N>(byHash: Map<string, SubjectNotice<N>>): Knex.Raw {
    const entries = [...byHash];
    return this.db.raw(
      `CASE subject_hash ${entries.map(() => 'WHEN ? THEN ?').join(' ')} END`,
      entries.flatMap(([hash, s]) => [hash, JSON.stringify(s.notice)]),
    );
  }
}
