import { LoggerService } from '@backstage/backend-plugin-api';
import { CompatibilitySource } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { ClaimSet } from '../claims';
import { mapWithConcurrency } from '../concurrency/mapWithConcurrency';
import { SchemaStore } from '../database/schemas/SchemaStore';
import {
  NewSchemaVersion,
  SchemaSyncRunRecord,
  StoredSubjectState,
  SubjectUpdate,
} from '../database/schemas/types';
import {
  registryErrorText,
  SchemaRegistryClient,
  SchemaRegistryError,
} from '../schemaRegistry';
import { schemaFingerprint } from './fingerprint';
import { SubjectLinker, topicOfSubject } from './subjectLinks';

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
  | { subject: string; ok: true; update?: SubjectUpdate; fetched: number }
  /** Listed, then deleted before it was read: as if it had not been listed. */
  | { subject: string; ok: true; gone: true }
  | { subject: string; ok: false; error: string };

/** The registry's listing of one environment at the start of a run. */
interface Listing {
  subjects: string[];
  live: Set<string>;
  globalCompatibility: string;
}

const MAX_ERRORS_SHOWN = 3;

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
      const summary = `Schema sync of ${environment}: ${status} in ${record.durationMs} ms, ${record.subjects} subjects, ${record.fetchedVersions} versions fetched, ${record.staleMarked} marked stale, ${record.httpCalls} HTTP calls`;
      if (status === 'succeeded') {
        logger.info(summary);
      } else {
        logger.warn(`${summary}: ${error}`);
      }
      return record;
    };

    let listing: Listing;
    try {
      listing = await this.list();
    } catch (error) {
      return finish('failed', `Listing failed: ${registryErrorText(error)}`);
    }
    counts.subjects = listing.subjects.length;

    let problems: string[];
    try {
      problems = await this.syncListed(listing, counts, startedAt, signal);
    } catch (error) {
      // Not the registry: the database or a bug. Record it where admins
      // look (best effort), and let the scheduler log it too.
      await finish(
        'failed',
        `Sync failed: ${error instanceof Error ? error.message : error}`,
      ).catch(() => undefined);
      throw error;
    }
    return problems.length === 0
      ? finish('succeeded')
      : finish('partial', problems.join('\n'));
  }

  /**
   * Reads and writes the listed subjects batch by batch, then marks
   * unlisted ones stale if the listing was complete. Returns why the run
   * is partial, if it is.
   */
  private async syncListed(
    listing: Listing,
    counts: Pick<
      SchemaSyncRunRecord,
      'fetchedVersions' | 'staleMarked' | 'failedSubjects'
    >,
    startedAt: Date,
    signal: AbortSignal | undefined,
  ): Promise<string[]> {
    const { environment, store } = this.options;
    const problems: string[] = [];
    const stored = await store.loadSyncState(environment);
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

    const failures: string[] = [];
    const gone = new Set<string>();
    let aborted = false;
    for (let i = 0; i < listing.subjects.length; i += this.batchSize) {
      if (signal?.aborted) {
        aborted = true;
        problems.push(
          `Aborted after ${i} of ${listing.subjects.length} subjects`,
        );
        break;
      }
      const batch = listing.subjects.slice(i, i + this.batchSize);
      const outcomes = await mapWithConcurrency(
        batch,
        this.options.concurrency,
        subject => this.readSubject(subject, listing, stored, linker),
      );
      const updates: SubjectUpdate[] = [];
      const unchanged: string[] = [];
      for (const outcome of outcomes) {
        if (!outcome.ok) {
          failures.push(`"${outcome.subject}": ${outcome.error}`);
        } else if ('gone' in outcome) {
          gone.add(outcome.subject);
        } else if (outcome.update) {
          updates.push(outcome.update);
          counts.fetchedVersions += outcome.fetched;
        } else {
          unchanged.push(outcome.subject);
        }
      }
      await store.saveSubjects(environment, updates, startedAt);
      await store.markSeen(environment, unchanged, startedAt);
    }
    counts.failedSubjects = failures.length;

    const limit = this.options.subjectListingLimit;
    const maybeCutOff = limit > 0 && listing.subjects.length >= limit;
    if (failures.length > 0) {
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
    } else if (!aborted) {
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

    return problems;
  }

  /** Live and soft-deleted subjects, and the global compatibility level. */
  private async list(): Promise<Listing> {
    const { client } = this.options;
    // Settle all three, so no call is still running when the run reports.
    const [live, all, global] = await Promise.allSettled([
      client.listSubjects(),
      client.listSubjects({ deleted: true }),
      client.getGlobalCompatibility(),
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
   * stored yet, and its compatibility level. Errors are the outcome, so one
   * subject's failure never stops the others.
   */
  private async readSubject(
    subject: string,
    listing: Listing,
    storedState: Map<string, StoredSubjectState>,
    linker: SubjectLinker | undefined,
  ): Promise<SubjectOutcome> {
    const { client, environment } = this.options;
    try {
      const allVersions = await client
        .listVersions(subject, { deleted: true })
        .catch(ifNotFound(undefined));
      if (allVersions === undefined) {
        return { subject, ok: true, gone: true };
      }
      // A soft-deleted subject has no live versions; asking would be a 404,
      // which also means it was soft-deleted since the listing.
      const liveVersions = listing.live.has(subject)
        ? await client.listVersions(subject).catch(ifNotFound(undefined))
        : undefined;
      const subjectDeleted = liveVersions === undefined;
      const live = new Set(liveVersions ?? []);
      const stored = storedState.get(subject);
      const storedVersions = stored?.versions ?? new Map();

      const newVersions: NewSchemaVersion[] = [];
      for (const version of Array.from(new Set([...allVersions, ...live]))) {
        if (storedVersions.has(version)) {
          continue;
        }
        const fetched = await this.fetchVersion(
          subject,
          version,
          live.has(version),
        );
        if (fetched) {
          newVersions.push(fetched);
        }
      }
      const level = await client.getSubjectCompatibility(subject);

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
        return { subject, ok: true, fetched: 0 };
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
      };
      const changed =
        !stored ||
        newVersions.length > 0 ||
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
        ? { subject, ok: true, update, fetched: newVersions.length }
        : { subject, ok: true, fetched: 0 };
    } catch (error) {
      return { subject, ok: false, error: registryErrorText(error) };
    }
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
  ): Promise<NewSchemaVersion | undefined> {
    const answer = await this.options.client
      .getVersion(subject, version)
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

/** A catch handler that turns a 404 into `value` and rethrows the rest. */
function ifNotFound<T>(value: T) {
  return (error: unknown): T => {
    if (error instanceof SchemaRegistryError && error.status === 404) {
      return value;
    }
    throw error;
  };
}
