import {
  CompatibilitySource,
  SCHEMA_FORMATS,
  SCHEMA_STATUSES,
  SchemaFormat,
  SchemaReference,
  SchemaStatus,
  SchemaSubject,
  SchemaSubjectDetail,
  SchemaSummary,
  SchemaSyncRun,
  SchemaVersion,
  SchemaVersionCompatibility,
  VersionCompatibilityStatus,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { Knex } from 'knex';
import { readTimestamp, StoredTimestamp } from '../timestamps';
import {
  SchemaFilter,
  SchemaSyncRunRecord,
  StoredSubjectState,
  SubjectLinkChange,
  SubjectUpdate,
  VersionCompatibilityRecord,
} from './types';
import { chunks } from '../chunks';
import { whereEntityRefIn } from '../entityRefFilter';

const SCHEMAS = 'kafka_hub_schemas';
const VERSIONS = 'kafka_hub_schema_versions';
const RUNS = 'kafka_hub_schema_sync_runs';

/** Stays well under SQLite's bound-variable limit (999 on old builds). */
/** Version rows have 15 columns: 50 rows stay under that limit too. */
const VERSION_INSERT_BATCH = 50;

/**
 * The longest subject stored, in UTF-8 bytes: the subject is part of the
 * primary keys, and a PostgreSQL btree entry holds at most 2704 bytes
 * (with the environment, up to 252 bytes, and the version beside it).
 */
export const MAX_SUBJECT_BYTES = 2000;

interface SchemaRow {
  environment: string;
  subject: string;
  entity_ref: string | null;
  topic: string | null;
  role: 'key' | 'value' | null;
  format: SchemaFormat;
  latest_version: number | string | null;
  latest_global_id: number | string | null;
  version_count: number | string;
  compatibility: string | null;
  compatibility_source: CompatibilitySource | null;
  status: SchemaStatus;
  first_seen_at: StoredTimestamp;
  last_seen_at: StoredTimestamp;
  updated_at: StoredTimestamp;
}

interface VersionRow {
  environment: string;
  subject: string;
  version: number | string;
  global_id: number | string;
  format: SchemaFormat;
  schema_text: string;
  schema_references: string;
  fingerprint: string;
  deleted: boolean | number;
  first_seen_at: StoredTimestamp;
  synced_at: StoredTimestamp;
  compatibility_level: string | null;
  compatibility_status: VersionCompatibilityStatus;
  compatibility_against: string | null;
  compatibility_checked_at: StoredTimestamp | null;
}

interface RunRow {
  environment: string;
  status: SchemaSyncRun['status'];
  started_at: StoredTimestamp;
  finished_at: StoredTimestamp;
  duration_ms: number | string;
  subjects: number | string;
  fetched_versions: number | string;
  stale_marked: number | string;
  failed_subjects: number | string;
  http_calls: number | string;
  error: string | null;
  last_success_at: StoredTimestamp | null;
}

/**
 * Schema Registry subjects and their versions per environment, as the
 * schema sync last saw them, and the outcome of each environment's sync.
 * Nothing is ever deleted here: a subject gone from the registry turns
 * `stale`, a version gone from it is flagged `deleted`.
 */
export class SchemaStore {
  constructor(private readonly db: Knex) {}

  /** Every stored subject of an environment with the versions it has. */
  async loadSyncState(
    environment: string,
  ): Promise<Map<string, StoredSubjectState>> {
    const rows: SchemaRow[] = await this.db(SCHEMAS).where({ environment });
    const state = new Map<string, StoredSubjectState>();
    for (const row of rows) {
      state.set(row.subject, {
        subject: row.subject,
        entityRef: row.entity_ref ?? undefined,
        format: row.format,
        latestVersion: optionalNumber(row.latest_version),
        latestGlobalId: optionalNumber(row.latest_global_id),
        versionCount: Number(row.version_count),
        compatibility: row.compatibility ?? undefined,
        compatibilitySource: row.compatibility_source ?? undefined,
        status: row.status,
        versions: new Map(),
      });
    }
    const versions: Array<
      Pick<
        VersionRow,
        | 'subject'
        | 'version'
        | 'global_id'
        | 'format'
        | 'deleted'
        | 'compatibility_level'
        | 'compatibility_status'
      >
    > = await this.db(VERSIONS)
      .where({ environment })
      .select(
        'subject',
        'version',
        'global_id',
        'format',
        'deleted',
        'compatibility_level',
        'compatibility_status',
      );
    for (const row of versions) {
      state.get(row.subject)?.versions.set(Number(row.version), {
        globalId: Number(row.global_id),
        format: row.format,
        deleted: Boolean(row.deleted),
        compatibility: {
          status: row.compatibility_status,
          level: row.compatibility_level ?? undefined,
        },
      });
    }
    return state;
  }

  /** The schema of stored versions, to ask the registry about them again. */
  async getVersionSchemas(
    environment: string,
    subject: string,
    versions: number[],
  ): Promise<
    Map<
      number,
      { schema: string; format: SchemaFormat; references: SchemaReference[] }
    >
  > {
    const schemas = new Map<
      number,
      { schema: string; format: SchemaFormat; references: SchemaReference[] }
    >();
    for (const chunk of chunks(versions)) {
      const rows: Array<
        Pick<
          VersionRow,
          'version' | 'schema_text' | 'format' | 'schema_references'
        >
      > = await this.db(VERSIONS)
        .where({ environment, subject })
        .whereIn('version', chunk)
        .select('version', 'schema_text', 'format', 'schema_references');
      for (const row of rows) {
        schemas.set(Number(row.version), {
          schema: row.schema_text,
          format: row.format,
          references: parseReferences(row.schema_references),
        });
      }
    }
    return schemas;
  }

  /** When the latest sync of an environment that succeeded started. */
  async lastSuccessfulSync(environment: string): Promise<Date | undefined> {
    const row: Pick<RunRow, 'last_success_at'> | undefined = await this.db(RUNS)
      .where({ environment })
      .first('last_success_at');
    return row?.last_success_at
      ? readTimestamp(row.last_success_at)
      : undefined;
  }

  /**
   * Writes subjects as the registry shows them, with their new versions and
   * changed deleted flags, in one transaction: a batch is stored whole or
   * not at all.
   */
  async saveSubjects(
    environment: string,
    updates: SubjectUpdate[],
    now: Date,
  ): Promise<void> {
    if (updates.length === 0) {
      return;
    }
    await this.db.transaction(async tx => {
      for (const update of updates) {
        await writeSubject(tx, environment, update, now);
      }
    });
  }

  /**
   * Writes one subject in its own transaction: stored whole or not at all,
   * whatever happens to the others.
   */
  async saveSubject(
    environment: string,
    update: SubjectUpdate,
    now: Date,
  ): Promise<void> {
    await this.db.transaction(tx => writeSubject(tx, environment, update, now));
  }

  /** Records that a sync read these subjects and found nothing to change. */
  async markSeen(
    environment: string,
    subjects: string[],
    now: Date,
  ): Promise<void> {
    for (const chunk of chunks(subjects)) {
      await this.db(SCHEMAS)
        .where({ environment })
        .whereIn('subject', chunk)
        .update({ last_seen_at: now });
    }
  }

  /**
   * Marks `stale` every subject of the environment that is not in `listed`,
   * the registry's complete listing. Returns how many turned stale.
   */
  async markStale(
    environment: string,
    listed: ReadonlySet<string>,
    now: Date,
  ): Promise<number> {
    const rows: Array<{ subject: string }> = await this.db(SCHEMAS)
      .where({ environment })
      .whereNot({ status: 'stale' })
      .select('subject');
    const gone = rows.map(r => r.subject).filter(s => !listed.has(s));
    let marked = 0;
    for (const chunk of chunks(gone)) {
      marked += await this.db(SCHEMAS)
        .where({ environment })
        .whereIn('subject', chunk)
        .whereNot({ status: 'stale' })
        .update({ status: 'stale', updated_at: now });
    }
    return marked;
  }

  /** Links subjects to other entities, or unlinks them. */
  async setLinks(
    environment: string,
    changes: SubjectLinkChange[],
    now: Date,
  ): Promise<void> {
    if (changes.length === 0) {
      return;
    }
    await this.db.transaction(async tx => {
      for (const change of changes) {
        await tx(SCHEMAS)
          .where({ environment, subject: change.subject })
          .update({ entity_ref: change.entityRef ?? null, updated_at: now });
      }
    });
  }

  /** The outcome of an environment's latest sync, replacing the one before. */
  async recordSyncRun(run: SchemaSyncRunRecord): Promise<void> {
    const row = {
      environment: run.environment,
      status: run.status,
      started_at: run.startedAt,
      finished_at: run.finishedAt,
      duration_ms: run.durationMs,
      subjects: run.subjects,
      fetched_versions: run.fetchedVersions,
      stale_marked: run.staleMarked,
      failed_subjects: run.failedSubjects,
      http_calls: run.httpCalls,
      error: run.error ?? null,
      last_success_at: run.status === 'succeeded' ? run.startedAt : null,
    };
    const merged: Array<keyof typeof row> = [
      'status',
      'started_at',
      'finished_at',
      'duration_ms',
      'subjects',
      'fetched_versions',
      'stale_marked',
      'failed_subjects',
      'http_calls',
      'error',
    ];
    if (run.status === 'succeeded') {
      // A failed run keeps the time of the latest success.
      merged.push('last_success_at');
    }
    await this.db(RUNS).insert(row).onConflict('environment').merge(merged);
  }

  /**
   * The registered key and value subjects of `topics` in an environment
   * (topic-name strategy: `<topic>-key`, `<topic>-value`), in chunked
   * queries on the stored topic column.
   */
  async subjectsOfTopics(
    environment: string,
    topics: readonly string[],
  ): Promise<Array<{ topic: string; role: 'key' | 'value'; subject: string }>> {
    const result: Array<{
      topic: string;
      role: 'key' | 'value';
      subject: string;
    }> = [];
    for (const chunk of chunks(topics)) {
      const rows: Array<Pick<SchemaRow, 'topic' | 'role' | 'subject'>> =
        await this.db(SCHEMAS)
          .where({ environment, status: 'registered' })
          .whereIn('topic', chunk)
          .whereNotNull('role')
          .select('topic', 'role', 'subject');
      for (const row of rows) {
        if (row.topic && row.role) {
          result.push({
            topic: row.topic,
            role: row.role,
            subject: row.subject,
          });
        }
      }
    }
    return result;
  }

  /** The latest sync of every environment that has had one. */
  async getSyncRuns(): Promise<SchemaSyncRun[]> {
    const rows: RunRow[] = await this.db(RUNS).orderBy('environment');
    return rows.map(toSyncRun);
  }

  /** One page of subjects, ordered by subject then environment, with the total. */
  async listSubjects(
    filter: SchemaFilter,
    page: { limit: number; offset: number },
  ): Promise<{ items: SchemaSubject[]; total: number }> {
    const [{ total }] = await this.filtered(filter).count({ total: '*' });
    const rows: SchemaRow[] = await this.filtered(filter)
      .select('*')
      .orderByRaw(this.byteOrder(['subject', 'environment']))
      .limit(page.limit)
      .offset(page.offset);
    return { items: rows.map(toSubject), total: Number(total) };
  }

  /** Subject counts by format and by status. */
  async summarize(filter: SchemaFilter): Promise<SchemaSummary> {
    const rows: Array<{
      format: SchemaFormat;
      status: SchemaStatus;
      n: number | string;
    }> = await this.filtered(filter)
      .select('format', 'status')
      .count({ n: '*' })
      .groupBy('format', 'status');
    const summary: SchemaSummary = {
      total: 0,
      byFormat: Object.fromEntries(SCHEMA_FORMATS.map(f => [f, 0])) as Record<
        SchemaFormat,
        number
      >,
      byStatus: Object.fromEntries(SCHEMA_STATUSES.map(s => [s, 0])) as Record<
        SchemaStatus,
        number
      >,
    };
    for (const row of rows) {
      const n = Number(row.n);
      summary.total += n;
      summary.byFormat[row.format] = (summary.byFormat[row.format] ?? 0) + n;
      summary.byStatus[row.status] = (summary.byStatus[row.status] ?? 0) + n;
    }
    return summary;
  }

  /** The entities that subjects link to, for permission checks. */
  async linkedEntityRefs(): Promise<string[]> {
    const rows: Array<{ entity_ref: string }> = await this.db(SCHEMAS)
      .whereNotNull('entity_ref')
      .distinct('entity_ref');
    return rows.map(r => r.entity_ref);
  }

  async getSubject(
    environment: string,
    subject: string,
  ): Promise<SchemaSubjectDetail | undefined> {
    const row: SchemaRow | undefined = await this.db(SCHEMAS)
      .where({ environment, subject })
      .first();
    if (!row) {
      return undefined;
    }
    const latest: Pick<VersionRow, 'schema_references'> | undefined =
      row.latest_version === null
        ? undefined
        : await this.db(VERSIONS)
            .where({ environment, subject, version: row.latest_version })
            .first('schema_references');
    return {
      ...toSubject(row),
      references: latest ? parseReferences(latest.schema_references) : [],
    };
  }

  /** The stored versions of a subject (or one page of them), newest first. */
  async listVersions(
    environment: string,
    subject: string,
    page?: { limit: number; offset: number },
  ): Promise<SchemaVersion[]> {
    const query = this.db(VERSIONS)
      .where({ environment, subject })
      .orderBy('version', 'desc');
    if (page) query.limit(page.limit).offset(page.offset);
    const rows: VersionRow[] = await query;
    return rows.map(row => ({
      version: Number(row.version),
      globalId: Number(row.global_id),
      format: row.format,
      schema: row.schema_text,
      references: parseReferences(row.schema_references),
      fingerprint: row.fingerprint,
      deleted: Boolean(row.deleted),
      firstSeenAt: readTimestamp(row.first_seen_at).toISOString(),
      syncedAt: readTimestamp(row.synced_at).toISOString(),
      compatibility: toCompatibility(row),
    }));
  }

  /** How many versions of a subject are stored, deleted ones included. */
  async countVersions(environment: string, subject: string): Promise<number> {
    const [{ n }] = await this.db(VERSIONS)
      .where({ environment, subject })
      .count({ n: '*' });
    return Number(n);
  }

  /**
   * ORDER BY in code-point order on both databases: PostgreSQL's default
   * collation depends on the server's locale, SQLite's is binary.
   */
  private byteOrder(columns: string[]): string {
    const pg = this.db.client.config.client === 'pg';
    return columns.map(c => (pg ? `${c} COLLATE "C"` : c)).join(', ');
  }

  private filtered(filter: SchemaFilter): Knex.QueryBuilder {
    const query = this.db(SCHEMAS);
    if (filter.entityRefs !== undefined) {
      // One statement however many refs a caller may read.
      whereEntityRefIn(query, 'entity_ref', filter.entityRefs);
    }
    if (filter.linkedOnly) {
      query.whereNotNull('entity_ref');
    }
    if (filter.environment !== undefined) {
      query.where('environment', filter.environment);
    }
    if (filter.formats !== undefined) {
      query.whereIn('format', filter.formats);
    }
    if (filter.statuses !== undefined) {
      query.whereIn('status', filter.statuses);
    }
    if (filter.search !== undefined && filter.search !== '') {
      query.whereRaw(`LOWER(subject) LIKE ? ESCAPE '\\'`, [
        `%${escapeLike(filter.search.toLowerCase())}%`,
      ]);
    }
    return query;
  }
}

/** The writes of one subject, inside the caller's transaction. */
async function writeSubject(
  tx: Knex.Transaction,
  environment: string,
  update: SubjectUpdate,
  now: Date,
): Promise<void> {
  await tx(SCHEMAS)
    .insert({
      environment,
      subject: update.subject,
      entity_ref: update.entityRef ?? null,
      topic: update.topic ?? null,
      role: update.role ?? null,
      format: update.format,
      latest_version: update.latestVersion ?? null,
      latest_global_id: update.latestGlobalId ?? null,
      version_count: update.versionCount,
      compatibility: update.compatibility ?? null,
      compatibility_source: update.compatibilitySource ?? null,
      status: update.status,
      first_seen_at: now,
      last_seen_at: now,
      updated_at: now,
    })
    .onConflict(['environment', 'subject'])
    .merge([
      'entity_ref',
      'topic',
      'role',
      'format',
      'latest_version',
      'latest_global_id',
      'version_count',
      'compatibility',
      'compatibility_source',
      'status',
      'last_seen_at',
      'updated_at',
    ]);

  const rows = update.newVersions.map(v => ({
    environment,
    subject: update.subject,
    version: v.version,
    global_id: v.globalId,
    format: v.format,
    schema_text: v.schema,
    schema_references: JSON.stringify(v.references),
    fingerprint: v.fingerprint,
    deleted: v.deleted,
    first_seen_at: now,
    synced_at: now,
    ...compatibilityColumns(v.compatibility),
  }));
  for (let i = 0; i < rows.length; i += VERSION_INSERT_BATCH) {
    // Another replica may have stored the same version meanwhile.
    await tx(VERSIONS)
      .insert(rows.slice(i, i + VERSION_INSERT_BATCH))
      .onConflict(['environment', 'subject', 'version'])
      .ignore();
  }
  for (const [versions, deleted] of [
    [update.deletedVersions, true],
    [update.restoredVersions, false],
  ] as const) {
    for (const chunk of chunks(versions)) {
      await tx(VERSIONS)
        .where({ environment, subject: update.subject })
        .whereIn('version', chunk)
        .update({ deleted, synced_at: now });
    }
  }
  for (const answer of update.compatibilityAnswers) {
    // Only a pending question is answered: an answer is never replaced.
    await tx(VERSIONS)
      .where({
        environment,
        subject: update.subject,
        version: answer.version,
        compatibility_status: 'pending',
      })
      .update({
        ...compatibilityColumns(answer.compatibility),
        synced_at: now,
      });
  }
}

function compatibilityColumns(compatibility: VersionCompatibilityRecord) {
  return {
    compatibility_level: compatibility.level ?? null,
    compatibility_status: compatibility.status,
    compatibility_against: compatibility.against
      ? JSON.stringify(compatibility.against)
      : null,
    compatibility_checked_at: compatibility.checkedAt ?? null,
  };
}

function toCompatibility(row: VersionRow): SchemaVersionCompatibility {
  const compatibility: SchemaVersionCompatibility = {
    status: row.compatibility_status,
  };
  if (row.compatibility_level !== null) {
    compatibility.level = row.compatibility_level;
  }
  if (row.compatibility_against !== null) {
    compatibility.against = JSON.parse(row.compatibility_against) as number[];
  }
  if (row.compatibility_checked_at !== null) {
    compatibility.checkedAt = readTimestamp(
      row.compatibility_checked_at,
    ).toISOString();
  }
  return compatibility;
}

function toSubject(row: SchemaRow): SchemaSubject {
  return {
    environment: row.environment,
    subject: row.subject,
    entityRef: row.entity_ref ?? undefined,
    topic: row.topic ?? undefined,
    role: row.role ?? undefined,
    format: row.format,
    latestVersion: optionalNumber(row.latest_version),
    latestGlobalId: optionalNumber(row.latest_global_id),
    versionCount: Number(row.version_count),
    compatibility: row.compatibility ?? undefined,
    compatibilitySource: row.compatibility_source ?? undefined,
    status: row.status,
    firstSeenAt: readTimestamp(row.first_seen_at).toISOString(),
    lastSeenAt: readTimestamp(row.last_seen_at).toISOString(),
  };
}

function toSyncRun(row: RunRow): SchemaSyncRun {
  return {
    environment: row.environment,
    status: row.status,
    startedAt: readTimestamp(row.started_at).toISOString(),
    finishedAt: readTimestamp(row.finished_at).toISOString(),
    durationMs: Number(row.duration_ms),
    subjects: Number(row.subjects),
    fetchedVersions: Number(row.fetched_versions),
    staleMarked: Number(row.stale_marked),
    failedSubjects: Number(row.failed_subjects),
    httpCalls: Number(row.http_calls),
    error: row.error ?? undefined,
    lastSuccessAt: row.last_success_at
      ? readTimestamp(row.last_success_at).toISOString()
      : undefined,
  };
}

/** PostgreSQL returns bigint columns as strings. */
function optionalNumber(value: number | string | null): number | undefined {
  return value === null ? undefined : Number(value);
}

function parseReferences(text: string): SchemaReference[] {
  return JSON.parse(text) as SchemaReference[];
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, c => `\\${c}`);
}
