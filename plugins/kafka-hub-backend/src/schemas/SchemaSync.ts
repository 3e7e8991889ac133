import { LoggerService } from '@backstage/backend-plugin-api';
import { CompatibilitySource } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { ClaimSet } from '../claims';
import { mapWithConcurrency } from '../concurrency/mapWithConcurrency';
import {
  MAX_SUBJECT_BYTES,
  SchemaStore,
} from '../database/schemas/SchemaStore';
import {
  CompatibilityAnswer,
  NewSchemaVersion,
  SchemaSyncRunRecord,
  StoredSubjectState,
  StoredVersionState,
  SubjectUpdate,
} from '../database/schemas/types';
import {
  registryErrorText,
  SchemaRegistryClient,
  SchemaRegistryError,
} from '../schemaRegistry';
import { schemaFingerprint } from './fingerprint';
import { SubjectLinker, topicOfSubject } from './subjectLinks';
import { askCompatibility } from './versionCompatibility';

export interface SchemaSyncOptions {
  environment: string;
  client: SchemaRegistryClient;
  store: SchemaStore;
  /** The recorded namespace and link claims, for linking (read from the database). */
  claims: () => Promise<ClaimSet>;
  logger: LoggerService;
  /** Registry calls in flight at once. */
  concurrency: number;
  /**
   * A listing this long may have been cut off by the registry (Apicurio's
   * `apicurio.ccompat.max-subjects`, 1000 by default): nothing is marked
   * stale then. 0 trusts every listing.
   */
  subjectListingLimit: number;
  /** Subjects read, then written in one transaction. Default: 100. */
  batchSize?: number;
  now?: () => Date;
}

type SubjectOutcome =
  | {
      subject: string;
      ok: true;
      update?: SubjectUpdate;
      fetched: number;
      /** Compatibility questions asked, and why some stay pending. */
      questions: QuestionsAsked;
    }
  /** Listed, then deleted before it was read: as if it had not been listed. */
  | { subject: string; ok: true; gone: true }
  /** The run was aborted before the subject was read whole. */
  | { subject: string; ok: false; aborted: true }
  | { subject: string; ok: false; error: string };

/** Compatibility questions asked of the registry for one subject or a run. */
interface QuestionsAsked {
  asked: number;
  /** Failures of the registry: these questions are asked again next run. */
  pending: string[];
  /** Refused for good (e.g. HTTP 403): these versions stay unknown. */
  unanswerable: string[];
}

/** What a run did with the listed subjects. */
interface SyncOutcome {
  /** Why the run is partial, if it is. */
  problems: string[];
  /** Set when the signal fired: why the run stopped. */
  aborted?: string;
}

/** The registry's listing of one environment at the start of a run. */
interface Listing {
  subjects: string[];
  live: Set<string>;
  globalCompatibility: string;
}

const MAX_ERRORS_SHOWN = 3;

/** A version as fetched, before its compatibility is known. */
type FetchedVersion = Omit<NewSchemaVersion, 'compatibility'>;

/**
 * Syncs one environment's Schema Registry into the database. Only versions
 * not stored yet are fetched; a subject is written only when the registry
 * read of it completed, and subjects absent from the registry are marked
 * stale only after a complete listing. Any registry failure therefore
 * leaves what earlier runs stored as it was.
 */
export class SchemaSync {
  private readonly batchSize: number;
  private readonly now: () => Date;

  constructor(private readonly options: SchemaSyncOptions) {
    this.batchSize = options.batchSize ?? 100;
    this.now = options.now ?? (() => new Date());
  }

  async run(signal?: AbortSignal): Promise<SchemaSyncRunRecord> {
    const { environment, client, store, logger } = this.options;
    const startedAt = this.now();
    const started = Date.now();
    const callsBefore = client.requestCount;
    const counts = {
      subjects: 0,
      fetchedVersions: 0,
      staleMarked: 0,
      failedSubjects: 0,
    };
    const questions: QuestionsAsked = {
      asked: 0,
      pending: [],
      unanswerable: [],
    };
    const finish = async (
      status: SchemaSyncRunRecord['status'],
      error?: string,
    ) => {
      const record: SchemaSyncRunRecord = {
        environment,
        status,
        startedAt,
        finishedAt: this.now(),
        durationMs: Date.now() - started,
        ...counts,
        httpCalls: client.requestCount - callsBefore,
        error,
      };
      await store.recordSyncRun(record);
      const summary = `Schema sync of ${environment}: ${status} in ${record.durationMs} ms, ${record.subjects} subjects, ${record.fetchedVersions} versions fetched, ${record.staleMarked} marked stale, ${questions.asked} compatibility questions, ${record.httpCalls} HTTP calls`;
      if (status === 'succeeded') {
        logger.info(summary);
      } else {
        logger.warn(`${summary}: ${error}`);
      }
      // Not failures of the run: those versions are stored either way.
      for (const [unanswered, then] of [
        [questions.pending, 'asked again at the next sync'],
        [questions.unanswerable, 'those versions stay unknown'],
      ] as const) {
        if (unanswered.length > 0) {
          logger.warn(
            `Schema sync of ${environment}: the registry did not answer ${
              unanswered.length
            } compatibility ${
              unanswered.length === 1 ? 'question' : 'questions'
            }, ${then}: ${unanswered.slice(0, MAX_ERRORS_SHOWN).join('; ')}`,
          );
        }
      }
      return record;
    };

    let listing: Listing;
    try {
      listing = await this.list(signal);
    } catch (error) {
      if (signal?.aborted) {
        return finish('failed', abortedText('during the listing'));
      }
      return finish('failed', `Listing failed: ${registryErrorText(error)}`);
    }
    counts.subjects = listing.subjects.length;

    let outcome: SyncOutcome;
    try {
      outcome = await this.syncListed(
        listing,
        counts,
        questions,
        startedAt,
        signal,
      );
    } catch (error) {
      // Not the registry: the database or a bug. Record it where admins
      // look (best effort), and let the scheduler log it too.
      await finish(
        'failed',
        `Sync failed: ${error instanceof Error ? error.message : error}`,
      ).catch(() => undefined);
      throw error;
    }
    const { problems, aborted } = outcome;
    if (aborted) {
      // Partial, as when subjects could not be read: what was read is stored.
      return finish('partial', [aborted, ...problems].join('\n'));
    }
    return problems.length === 0
      ? finish('succeeded')
      : finish('partial', problems.join('\n'));
  }

  /**
   * Reads and writes the listed subjects batch by batch, each subject in a
   * transaction of its own, then marks unlisted ones stale if the listing
   * was complete, every subject was read and the run was not aborted.
   */
  private async syncListed(
    listing: Listing,
    counts: Pick<
      SchemaSyncRunRecord,
      'fetchedVersions' | 'staleMarked' | 'failedSubjects'
    >,
    questions: QuestionsAsked,
    startedAt: Date,
    signal: AbortSignal | undefined,
  ): Promise<SyncOutcome> {
    const { environment, store } = this.options;
    const problems: string[] = [];
    const stored = await store.loadSyncState(environment);
    // A run that succeeded listed and read every subject: one not stored
    // since came to the registry while Kafka Hub was watching.
    const watching =
      (await store.lastSuccessfulSync(environment)) !== undefined;
    let linker: SubjectLinker | undefined;
    try {
      linker = new SubjectLinker(await this.options.claims());
    } catch (error) {
      problems.push(
        `Claims unavailable, links kept as they were: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    }

    // Too long to store: refused one by one, never read, never blocking
    // the others (nor marking stale, as the listing is still complete).
    const refused = listing.subjects.filter(
      s => Buffer.byteLength(s, 'utf8') > MAX_SUBJECT_BYTES,
    );
    const refusedSet = new Set(refused);
    const storable = listing.subjects.filter(s => !refusedSet.has(s));

    const failures: string[] = [];
    const gone = new Set<string>();
    let read = 0;
    let aborted: string | undefined;
    for (let i = 0; i < storable.length; i += this.batchSize) {
      if (signal?.aborted) {
        break;
      }
      const batch = storable.slice(i, i + this.batchSize);
      const outcomes = await mapWithConcurrency(
        batch,
        this.options.concurrency,
        subject =>
          this.readSubject(subject, listing, stored, watching, linker, signal),
      );
      const unchanged: string[] = [];
      for (const outcome of outcomes) {
        if (!outcome.ok) {
          if (!('aborted' in outcome)) {
            failures.push(`"${shortened(outcome.subject)}": ${outcome.error}`);
          }
          continue;
        }
        read++;
        if ('questions' in outcome) {
          questions.asked += outcome.questions.asked;
          questions.pending.push(...outcome.questions.pending);
          questions.unanswerable.push(...outcome.questions.unanswerable);
        }
        if ('gone' in outcome) {
          gone.add(outcome.subject);
        } else if (outcome.update) {
          // Read whole before the signal, if it fired: written whole.
          try {
            await store.saveSubject(environment, outcome.update, startedAt);
            counts.fetchedVersions += outcome.fetched;
          } catch (error) {
            failures.push(
              `"${shortened(outcome.subject)}": not stored: ${
                error instanceof Error ? error.message : String(error)
              }`,
            );
          }
        } else {
          unchanged.push(outcome.subject);
        }
      }
      await store.markSeen(environment, unchanged, startedAt);
    }
    if (signal?.aborted) {
      aborted = abortedText(
        `after ${read} of ${storable.length} subjects were read`,
      );
    }
    counts.failedSubjects = failures.length + refused.length;

    const limit = this.options.subjectListingLimit;
    const maybeCutOff = limit > 0 && listing.subjects.length >= limit;
    if (aborted) {
      // Not every subject was read: nothing is marked stale.
    } else if (failures.length > 0) {
      problems.unshift(
        `${failures.length} of ${
          listing.subjects.length
        } subjects could not be read, nothing was marked stale: ${failures
          .slice(0, MAX_ERRORS_SHOWN)
          .join('; ')}${failures.length > MAX_ERRORS_SHOWN ? '; ...' : ''}`,
      );
    } else if (maybeCutOff) {
      problems.unshift(
        `The registry listed ${listing.subjects.length} subjects, at least the listing limit of ${limit}: the listing may be cut off, nothing was marked stale`,
      );
    } else {
      const listed = new Set(listing.subjects.filter(s => !gone.has(s)));
      counts.staleMarked = await store.markStale(
        environment,
        listed,
        startedAt,
      );
      if (linker) {
        await this.relinkUnlisted(stored, listed, linker, startedAt);
      }
    }
    if (refused.length > 0) {
      problems.push(
        `${refused.length} ${
          refused.length === 1 ? 'subject' : 'subjects'
        } not synced, longer than the ${MAX_SUBJECT_BYTES} bytes (UTF-8) Kafka Hub stores: ${refused
          .slice(0, MAX_ERRORS_SHOWN)
          .map(
            s =>
              `"${shortened(s)}" (${s.length} characters, ${Buffer.byteLength(
                s,
                'utf8',
              )} bytes)`,
          )
          .join('; ')}${refused.length > MAX_ERRORS_SHOWN ? '; ...' : ''}`,
      );
    }

    return { problems, aborted };
  }

  /** Live and soft-deleted subjects, and the global compatibility level. */
  private async list(signal: AbortSignal | undefined): Promise<Listing> {
    const { client } = this.options;
    // Settle all three, so no call is still running when the run reports.
    const [live, all, global] = await Promise.allSettled([
      client.listSubjects({ signal }),
      client.listSubjects({ deleted: true, signal }),
      client.getGlobalCompatibility({ signal }),
    ]);
    for (const result of [live, all, global]) {
      if (result.status === 'rejected') throw result.reason;
    }
    const valueOf = <T>(result: PromiseSettledResult<T>) =>
      (result as PromiseFulfilledResult<T>).value;
    const globalCompatibility = valueOf(global);
    const subjects = Array.from(
      new Set([...valueOf(all), ...valueOf(live)]),
    ).sort();
    return { subjects, live: new Set(valueOf(live)), globalCompatibility };
  }

  /**
   * Reads one subject: its versions, live and soft-deleted, the versions not
   * stored yet, and its compatibility level, and asks the registry about
   * the compatibility of the versions it sees arrive. Errors are the
   * outcome, so one subject's failure never stops the others.
   */
  private async readSubject(
    subject: string,
    listing: Listing,
    storedState: Map<string, StoredSubjectState>,
    watching: boolean,
    linker: SubjectLinker | undefined,
    signal: AbortSignal | undefined,
  ): Promise<SubjectOutcome> {
    const { client, environment } = this.options;
    if (signal?.aborted) {
      return { subject, ok: false, aborted: true };
    }
    try {
      const allVersions = await client
        .listVersions(subject, { deleted: true, signal })
        .catch(ifNotFound(undefined));
      if (allVersions === undefined) {
        return { subject, ok: true, gone: true };
      }
      // A soft-deleted subject has no live versions; asking would be a 404,
      // which also means it was soft-deleted since the listing.
      const liveVersions = listing.live.has(subject)
        ? await client
            .listVersions(subject, { signal })
            .catch(ifNotFound(undefined))
        : undefined;
      const subjectDeleted = liveVersions === undefined;
      const live = new Set(liveVersions ?? []);
      const stored = storedState.get(subject);
      const storedVersions = stored?.versions ?? new Map();

      const listed = Array.from(new Set([...allVersions, ...live])).sort(
        (a, b) => a - b,
      );
      const fetchedVersions: FetchedVersion[] = [];
      for (const version of listed) {
        if (storedVersions.has(version)) {
          continue;
        }
        const fetched = await this.fetchVersion(
          subject,
          version,
          live.has(version),
          signal,
        );
        if (fetched) {
          fetchedVersions.push(fetched);
        }
      }
      const level = await client.getSubjectCompatibility(subject, { signal });
      const levelInForce = level ?? listing.globalCompatibility;

      const questions: QuestionsAsked = {
        asked: 0,
        pending: [],
        unanswerable: [],
      };
      const ask = async (
        version: number,
        schema: Pick<FetchedVersion, 'schema' | 'format' | 'references'>,
      ) => {
        const { compatibility, asked, error } = await askCompatibility(
          client,
          {
            subject,
            version,
            schema,
            level: levelInForce,
            earlier: listed.filter(v => v < version),
          },
          this.now,
          signal,
        );
        if (asked) questions.asked++;
        if (error) {
          (compatibility.status === 'pending'
            ? questions.pending
            : questions.unanswerable
          ).push(`"${shortened(subject)}" v${version}: ${error}`);
        }
        return compatibility;
      };
      // Which versions Kafka Hub saw arrive; the others predate it. Versions
      // are numbered upwards: one below the highest stored was already
      // there (listed, but not served then), one above it came since. A
      // subject never stored came since the environment's complete sync.
      const highestStored = Math.max(...storedVersions.keys());
      const seenArriving = (version: number) =>
        stored ? version > highestStored : watching;
      const newVersions: NewSchemaVersion[] = [];
      for (const fetched of fetchedVersions) {
        let compatibility: NewSchemaVersion['compatibility'];
        if (seenArriving(fetched.version)) {
          compatibility = await ask(fetched.version, fetched);
        } else if (fetched.version === 1) {
          // Nothing before it, whenever it came: a fact, not a guess.
          compatibility = { status: 'first' };
        } else {
          compatibility = { status: 'unknown' };
        }
        newVersions.push({ ...fetched, compatibility });
      }
      const compatibilityAnswers = await this.askAgain(
        subject,
        storedVersions,
        levelInForce,
        ask,
      );

      const versions = new Map<
        number,
        { globalId: number; format: NewSchemaVersion['format'] }
      >(storedVersions);
      for (const v of newVersions) {
        versions.set(v.version, v);
      }
      if (versions.size === 0) {
        // Soft-deleted before any sync saw it, and the registry no longer
        // serves its versions (Apicurio): nothing to show.
        return { subject, ok: true, fetched: 0, questions };
      }
      const liveKnown = [...live].filter(v => versions.has(v));
      const latestVersion = Math.max(
        ...(liveKnown.length > 0 ? liveKnown : versions.keys()),
      );
      const latest = versions.get(latestVersion)!;
      const compatibility = level ?? listing.globalCompatibility;
      const compatibilitySource: CompatibilitySource =
        level === undefined || level === listing.globalCompatibility
          ? 'global'
          : 'subject';
      const deletedVersions: number[] = [];
      const restoredVersions: number[] = [];
      for (const [version, state] of storedVersions) {
        if (!state.deleted && !live.has(version)) deletedVersions.push(version);
        if (state.deleted && live.has(version)) restoredVersions.push(version);
      }
      const topic = topicOfSubject(subject);
      const update: SubjectUpdate = {
        subject,
        status: subjectDeleted ? 'deleted' : 'registered',
        entityRef: linker
          ? linker.linkFor(environment, subject)
          : stored?.entityRef,
        topic: topic?.topic,
        role: topic?.role,
        format: latest.format,
        latestVersion,
        latestGlobalId: latest.globalId,
        versionCount: versions.size,
        compatibility,
        compatibilitySource,
        newVersions,
        deletedVersions,
        restoredVersions,
        compatibilityAnswers,
      };
      const changed =
        !stored ||
        newVersions.length > 0 ||
        compatibilityAnswers.length > 0 ||
        deletedVersions.length > 0 ||
        restoredVersions.length > 0 ||
        stored.status !== update.status ||
        stored.entityRef !== update.entityRef ||
        stored.format !== update.format ||
        stored.latestVersion !== update.latestVersion ||
        stored.latestGlobalId !== update.latestGlobalId ||
        stored.versionCount !== update.versionCount ||
        stored.compatibility !== update.compatibility ||
        stored.compatibilitySource !== update.compatibilitySource;
      return changed
        ? { subject, ok: true, update, fetched: newVersions.length, questions }
        : { subject, ok: true, fetched: 0, questions };
    } catch (error) {
      if (signal?.aborted) {
        return { subject, ok: false, aborted: true };
      }
      return { subject, ok: false, error: registryErrorText(error) };
    }
  }

  /**
   * Asks again about the stored versions whose question the registry did
   * not answer in an earlier run (the only question asked twice), as long
   * as the level is still the one they were seen under: the registry only
   * answers under the level in force.
   */
  private async askAgain(
    subject: string,
    storedVersions: Map<number, StoredVersionState>,
    levelInForce: string,
    ask: (
      version: number,
      schema: Pick<FetchedVersion, 'schema' | 'format' | 'references'>,
    ) => Promise<CompatibilityAnswer['compatibility']>,
  ): Promise<CompatibilityAnswer[]> {
    const pending = [...storedVersions]
      .filter(([, state]) => state.compatibility.status === 'pending')
      .map(([version, state]) => ({
        version,
        level: state.compatibility.level,
      }));
    if (pending.length === 0) {
      return [];
    }
    const schemas = await this.options.store.getVersionSchemas(
      this.options.environment,
      subject,
      pending.map(p => p.version),
    );
    const answers: CompatibilityAnswer[] = [];
    for (const { version, level } of pending) {
      const schema = schemas.get(version);
      if (!schema) continue;
      if (level !== levelInForce) {
        // Asked now, the answer would be under another level.
        answers.push({ version, compatibility: { status: 'unknown', level } });
        continue;
      }
      const compatibility = await ask(version, schema);
      if (compatibility.status !== 'pending') {
        answers.push({ version, compatibility });
      }
    }
    return answers;
  }

  /**
   * Fetches a version not stored yet; undefined when the registry no longer
   * serves it: deleted since the listing, or a version of a soft-deleted
   * subject, which Apicurio answers with 404. A later run retries it.
   */
  private async fetchVersion(
    subject: string,
    version: number,
    live: boolean,
    signal: AbortSignal | undefined,
  ): Promise<FetchedVersion | undefined> {
    const answer = await this.options.client
      .getVersion(subject, version, { signal })
      .catch(ifNotFound(undefined));
    if (!answer) {
      return undefined;
    }
    return {
      version,
      globalId: answer.id,
      format: answer.format,
      schema: answer.schema,
      references: answer.references,
      fingerprint: schemaFingerprint(answer.format, answer.schema),
      deleted: !live,
    };
  }

  /** Subjects gone from the registry still follow claim changes. */
  private async relinkUnlisted(
    stored: Map<string, StoredSubjectState>,
    listed: ReadonlySet<string>,
    linker: SubjectLinker,
    now: Date,
  ): Promise<void> {
    const { environment, store } = this.options;
    const changes = [];
    for (const [subject, state] of stored) {
      if (listed.has(subject)) continue;
      const entityRef = linker.linkFor(environment, subject);
      if (entityRef !== state.entityRef) {
        changes.push({ subject, entityRef });
      }
    }
    await store.setLinks(environment, changes, now);
  }
}

/**
 * A catch handler that turns the registry's own 404 into `value` and
 * rethrows the rest. A 404 without the registry's `error_code` comes from
 * something in front of it (a proxy, a wrong path): taking it for "deleted"
 * would mark a live subject stale.
 */
function ifNotFound<T>(value: T) {
  return (error: unknown): T => {
    if (
      error instanceof SchemaRegistryError &&
      error.status === 404 &&
      error.errorCode !== undefined
    ) {
      return value;
    }
    throw error;
  };
}

/** Why an aborted run stopped, for the run record. */
function abortedText(when: string): string {
  return `Aborted ${when}: the scheduler cancelled the run (it ran past its timeout, or the backend is stopping). Subjects synced before are kept; nothing was marked stale`;
}

const SHOWN_HEAD = 60;
const SHOWN_TAIL = 20;

/** A subject short enough for an error message, its start and end kept. */
function shortened(subject: string): string {
  return subject.length <= SHOWN_HEAD + SHOWN_TAIL + 1
    ? subject
    : `${subject.slice(0, SHOWN_HEAD)}…${subject.slice(-SHOWN_TAIL)}`;
}
