/**
 * Format of a schema; a registry answer without `schemaType` means AVRO.
 *
 * @public
 */
export type SchemaFormat = 'AVRO' | 'PROTOBUF' | 'JSON';

/** @public */
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

/** @public */
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
  subject: string;
  version: number;
}

/**
 * One subject of one environment's Schema Registry, as `GET /schemas` lists it.
 *
 * @public
 */
export interface SchemaSubject {
  environment: string;
  subject: string;
  /** Catalog entity the subject belongs to; absent for unlinked subjects (admins only). */
  entityRef?: string;
  /** Topic under the topic-name strategy (`<topic>-key`, `<topic>-value`). */
  topic?: string;
  /** Whether the subject holds the topic's key or value schema. */
  role?: 'key' | 'value';
  format: SchemaFormat;
  /** Highest live version; the highest version when all are deleted. */
  latestVersion?: number;
  /** Global schema id of `latestVersion`. */
  latestGlobalId?: number;
  /** Versions stored for the subject, deleted ones included: its timeline's length. */
  versionCount: number;
  /** Effective compatibility level, e.g. `BACKWARD`. */
  compatibility?: string;
  compatibilitySource?: CompatibilitySource;
  status: SchemaStatus;
  /** ISO timestamps: when a sync first and last saw the subject in the registry. */
  firstSeenAt: string;
  lastSeenAt: string;
}

/**
 * `GET /schemas`: one page of the subjects the caller may read.
 *
 * @public
 */
export interface SchemaSubjectList {
  items: SchemaSubject[];
  /** All matching subjects the caller may read, across pages. */
  total: number;
  limit: number;
  offset: number;
}

/**
 * `GET /schemas/summary`.
 *
 * @public
 */
export interface SchemaSummary {
  total: number;
  byFormat: Record<SchemaFormat, number>;
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
 * One version of a subject. The registry does not expose when a version was
 * registered: `firstSeenAt` is when a sync first saw it.
 *
 * @public
 */
export interface SchemaVersion {
  version: number;
  globalId: number;
  format: SchemaFormat;
  /** The schema text exactly as the registry returned it. */
  schema: string;
  references: SchemaReference[];
  /** SHA-256 of the normalized schema: equal for schemas that differ only in layout. */
  fingerprint: string;
  /** Soft-deleted in the registry, or gone from it after it was synced. */
  deleted: boolean;
  /** ISO timestamps. */
  firstSeenAt: string;
  syncedAt: string;
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
  limit: number;
  offset: number;
}

/**
 * Body of `POST /schemas/:environment/:subject/compatibility`.
 *
 * @public
 */
export interface SchemaCompatibilityRequest {
  schema: string;
  /** Default: the subject's format. */
  schemaType?: SchemaFormat;
  references?: SchemaReference[];
}

/**
 * Answer of `POST /schemas/:environment/:subject/compatibility`: the
 * registry's verdict against all versions of the subject. `messages` are the
 * registry's own; some registries (Apicurio) give none.
 *
 * @public
 */
export interface SchemaCompatibilityResult {
  compatible: boolean;
  messages: string[];
}

/**
 * Outcome of the latest schema sync of one environment.
 *
 * @public
 */
export interface SchemaSyncRun {
  environment: string;
  /** `partial`: some subjects could not be read; nothing was marked stale. */
  status: 'succeeded' | 'partial' | 'failed';
  /** ISO timestamps. */
  startedAt: string;
  finishedAt: string;
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
  error?: string;
  /** ISO timestamp of the latest run that succeeded. */
  lastSuccessAt?: string;
}
