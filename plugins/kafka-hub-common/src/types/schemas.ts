/**
 * Format of a schema; a registry answer without `schemaType` means AVRO.
 *
 * @public
 */
export type SchemaFormat = 'AVRO' | 'PROTOBUF' | 'JSON';

/**
 * Every schema format, in display order.
 *
 * @public
 */
export const SCHEMA_FORMATS: readonly SchemaFormat[] = [
  'AVRO',
  'PROTOBUF',
  'JSON',
];

/**
 * State of a subject as the last complete sync saw it: `registered` (live in
 * the registry), `deleted` (soft-deleted there) or `stale` (absent from the
 * registry's listing; kept, never deleted).
 *
 * @public
 */
export type SchemaStatus = 'registered' | 'deleted' | 'stale';

/**
 * Every schema subject status, in display order.
 *
 * @public
 */
export const SCHEMA_STATUSES: readonly SchemaStatus[] = [
  'registered',
  'deleted',
  'stale',
];

/**
 * Where a subject's compatibility level comes from: its own setting, or the
 * registry-wide default. A registry that echoes the global level for a
 * subject without its own (Apicurio) is reported as `global` whenever the
 * two are equal.
 *
 * @public
 */
export type CompatibilitySource = 'subject' | 'global';

/**
 * A reference from one schema to another subject's version.
 *
 * @public
 */
export interface SchemaReference {
  /** Name the referencing schema uses (Avro full name, proto import, $ref). */
  name: string;
  /** The referenced subject. */
  subject: string;
  /** The referenced version. */
  version: number;
}

/**
 * One subject of one environment's Schema Registry, as `GET /schemas` lists it.
 *
 * @public
 */
export interface SchemaSubject {
  /** The environment whose Schema Registry holds the subject. */
  environment: string;
  /** The Schema Registry subject. */
  subject: string;
  /** Catalog entity the subject belongs to; absent for unlinked subjects (admins only). */
  entityRef?: string;
  /** Topic under the topic-name strategy (`<topic>-key`, `<topic>-value`). */
  topic?: string;
  /** Whether the subject holds the topic's key or value schema. */
  role?: 'key' | 'value';
  /** The format of the subject's latest version. */
  format: SchemaFormat;
  /** Highest live version; the highest version when all are deleted. */
  latestVersion?: number;
  /** Global schema id of `latestVersion`. */
  latestGlobalId?: number;
  /** Versions stored for the subject, deleted ones included: its timeline's length. */
  versionCount: number;
  /** Effective compatibility level, e.g. `BACKWARD`. */
  compatibility?: string;
  /** Whether the compatibility is set on the subject or inherited. */
  compatibilitySource?: CompatibilitySource;
  /** Whether the subject is registered, deleted or stale. */
  status: SchemaStatus;
  /** ISO timestamps: when a sync first and last saw the subject in the registry. */
  firstSeenAt: string;
  /** When a sync last saw the subject (ISO 8601). */
  lastSeenAt: string;
}

/**
 * `GET /schemas`: one page of the subjects the caller may read.
 *
 * @public
 */
export interface SchemaSubjectList {
  /** The page's subjects. */
  items: SchemaSubject[];
  /** All matching subjects the caller may read, across pages. */
  total: number;
  /** The page size used. */
  limit: number;
  /** How many subjects were skipped before this page. */
  offset: number;
}

/**
 * `GET /schemas/summary`.
 *
 * @public
 */
export interface SchemaSummary {
  /** How many subjects the caller may read. */
  total: number;
  /** How many subjects have each format. */
  byFormat: Record<SchemaFormat, number>;
  /** How many subjects have each status. */
  byStatus: Record<SchemaStatus, number>;
}

/**
 * `GET /schemas/:environment/:subject`.
 *
 * @public
 */
export interface SchemaSubjectDetail extends SchemaSubject {
  /** References of the latest version. */
  references: SchemaReference[];
}

/**
 * What Kafka Hub knows of a version's compatibility with the versions before
 * it, under the compatibility level in force when it first saw the version:
 * - `compatible`, `incompatible`: the registry's answer, asked once;
 * - `first`: nothing before it to check against (version 1);
 * - `unchecked`: the level was `NONE`, under which the registry checks
 *   nothing, so it was not asked (its "compatible" would say nothing);
 * - `pending`: the registry did not answer yet; asked again at the next sync;
 * - `unknown`: never a guess: the version was already registered when Kafka
 *   Hub first synced the subject (then `level` is unknown too), or the
 *   question can no longer be asked under the level it was seen under.
 *
 * @public
 */
export type VersionCompatibilityStatus =
  | 'compatible'
  | 'incompatible'
  | 'first'
  | 'unchecked'
  | 'pending'
  | 'unknown';

/**
 * A version's compatibility with the versions before it, as the registry
 * answered when Kafka Hub first saw the version.
 *
 * @public
 */
export interface SchemaVersionCompatibility {
  /** What is known; see {@link VersionCompatibilityStatus}. */
  status: VersionCompatibilityStatus;
  /**
   * The subject's compatibility level (or the registry's global one when the
   * subject has none) when Kafka Hub first saw the version; absent when the
   * version predates Kafka Hub.
   */
  level?: string;
  /**
   * `compatible`: the earlier versions the registry checked it against
   * (the one before for non-transitive levels, all before for `*_TRANSITIVE`);
   * `incompatible`: the earlier version the registry found it incompatible with.
   */
  against?: number[];
  /** When the registry answered (ISO 8601). */
  checkedAt?: string;
}

/**
 * One version of a subject. The registry does not expose when a version was
 * registered: `firstSeenAt` is when a sync first saw it.
 *
 * @public
 */
export interface SchemaVersion {
  /** The version number within the subject. */
  version: number;
  /** The registry-wide id of the schema. */
  globalId: number;
  /** The schema's format. */
  format: SchemaFormat;
  /** The schema text exactly as the registry returned it. */
  schema: string;
  /** The schemas this one references. */
  references: SchemaReference[];
  /** SHA-256 of the normalized schema: equal for schemas that differ only in layout. */
  fingerprint: string;
  /** Soft-deleted in the registry, or gone from it after it was synced. */
  deleted: boolean;
  /** ISO timestamps. */
  firstSeenAt: string;
  /** When the version was synced (ISO 8601). */
  syncedAt: string;
  /** Its compatibility with the versions before it. */
  compatibility: SchemaVersionCompatibility;
}

/**
 * `GET /schemas/:environment/:subject/versions`: newest first.
 *
 * @public
 */
export interface SchemaVersionList {
  /** One page of the versions, newest first. */
  items: SchemaVersion[];
  /** Stored versions of the subject, deleted ones included. */
  total: number;
  /** The page size used. */
  limit: number;
  /** How many versions were skipped before this page. */
  offset: number;
}

/**
 * Body of `POST /schemas/:environment/:subject/compatibility`.
 *
 * @public
 */
export interface SchemaCompatibilityRequest {
  /** The candidate schema's text. */
  schema: string;
  /** Default: the subject's format. */
  schemaType?: SchemaFormat;
  /** The schemas the candidate references. */
  references?: SchemaReference[];
}

/**
 * Answer of `POST /schemas/:environment/:subject/compatibility`: the
 * registry's verdict against the live versions the subject's level covers,
 * as registration would check: the latest for BACKWARD, FORWARD and FULL,
 * each one (newest first, up to the first it breaks) for the `*_TRANSITIVE`
 * levels, none under NONE. `messages` are the registry's own; some
 * registries (Apicurio) give none.
 *
 * @public
 */
export interface SchemaCompatibilityResult {
  /** Whether the registry accepts the candidate as the next version. */
  compatible: boolean;
  /** The registry's reasons when it is not compatible. */
  messages: string[];
  /** The subject's compatibility level in force (or the global one) that the check followed. */
  level: string;
  /**
   * When compatible, the versions checked against (newest first; empty
   * under NONE or without live versions); when not, the version it breaks.
   */
  against: number[];
}

/**
 * Outcome of the latest schema sync of one environment.
 *
 * @public
 */
export interface SchemaSyncRun {
  /** The environment that was synced. */
  environment: string;
  /** `partial`: some subjects could not be read; nothing was marked stale. */
  status: 'succeeded' | 'partial' | 'failed';
  /** ISO timestamps. */
  startedAt: string;
  /** When the sync finished (ISO 8601). */
  finishedAt: string;
  /** How long the sync took, in milliseconds. */
  durationMs: number;
  /** Subjects the registry listed, soft-deleted ones included. */
  subjects: number;
  /** Versions fetched in this run (versions not stored before). */
  fetchedVersions: number;
  /** Subjects newly marked stale in this run. */
  staleMarked: number;
  /** Subjects whose data could not be read in this run. */
  failedSubjects: number;
  /** HTTP calls made to the registry. */
  httpCalls: number;
  /** Why the sync failed. */
  error?: string;
  /** ISO timestamp of the latest run that succeeded. */
  lastSuccessAt?: string;
}
