import {
  CompatibilitySource,
  SchemaFormat,
  SchemaReference,
  SchemaStatus,
  SchemaSyncRun,
  VersionCompatibilityStatus,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';

/** What the sync records of a version's compatibility with the ones before it. */
export interface VersionCompatibilityRecord {
  status: VersionCompatibilityStatus;
  /** The level in force when the version was first seen; undefined when it predates Kafka Hub. */
  level?: string;
  /** See `SchemaVersionCompatibility.against`. */
  against?: number[];
  /** When the registry answered. */
  checkedAt?: Date;
}

/** What the sync needs to know of one stored version to decide what to fetch. */
export interface StoredVersionState {
  globalId: number;
  format: SchemaFormat;
  deleted: boolean;
  compatibility: Pick<VersionCompatibilityRecord, 'status' | 'level'>;
}

/** A stored subject as the sync compares it with the registry. */
export interface StoredSubjectState {
  subject: string;
  entityRef?: string;
  format: SchemaFormat;
  latestVersion?: number;
  latestGlobalId?: number;
  versionCount: number;
  compatibility?: string;
  compatibilitySource?: CompatibilitySource;
  status: SchemaStatus;
  versions: Map<number, StoredVersionState>;
}

/** A version fetched from the registry for the first time. */
export interface NewSchemaVersion {
  version: number;
  globalId: number;
  format: SchemaFormat;
  schema: string;
  references: SchemaReference[];
  fingerprint: string;
  deleted: boolean;
  compatibility: VersionCompatibilityRecord;
}

/** A stored version's compatibility, answered by a later sync. */
export interface CompatibilityAnswer {
  version: number;
  compatibility: VersionCompatibilityRecord;
}

/** The registry's current view of one subject, to be written. */
export interface SubjectUpdate {
  subject: string;
  /** Only subjects the registry lists are written: never `stale`. */
  status: Exclude<SchemaStatus, 'stale'>;
  entityRef?: string;
  topic?: string;
  role?: 'key' | 'value';
  format: SchemaFormat;
  latestVersion?: number;
  latestGlobalId?: number;
  versionCount: number;
  compatibility?: string;
  compatibilitySource?: CompatibilitySource;
  newVersions: NewSchemaVersion[];
  /** Stored versions to flag deleted (soft-deleted or gone from the registry). */
  deletedVersions: number[];
  /** Stored versions flagged deleted that the registry serves as live again. */
  restoredVersions: number[];
  /** Stored versions whose compatibility was pending and is now known. */
  compatibilityAnswers: CompatibilityAnswer[];
}

/** A change of the entity a subject links to; undefined unlinks it. */
export interface SubjectLinkChange {
  subject: string;
  entityRef?: string;
}

/**
 * Which subjects a query covers. `entityRefs` restricts to subjects linked
 * to those entities (and so excludes unlinked ones); without it, every
 * subject, unlinked ones included, which only admins may see.
 */
export interface SchemaFilter {
  entityRefs?: readonly string[];
  /** Only subjects linked to some entity (for non-admins who may read every entity). */
  linkedOnly?: boolean;
  environment?: string;
  formats?: SchemaFormat[];
  statuses?: SchemaStatus[];
  /** Case-insensitive substring of the subject name. */
  search?: string;
}

/** The outcome of one environment's sync, as the sync records it. */
export type SchemaSyncRunRecord = Omit<
  SchemaSyncRun,
  'startedAt' | 'finishedAt' | 'lastSuccessAt'
> & {
  startedAt: Date;
  finishedAt: Date;
};
