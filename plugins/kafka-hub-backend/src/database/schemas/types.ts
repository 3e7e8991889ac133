import {
  CompatibilitySource,
  SchemaFormat,
  SchemaReference,
  SchemaStatus,
  SchemaSyncRun,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';

/** What the sync needs to know of one stored version to decide what to fetch. */
export interface StoredVersionState {
  globalId: number;
  format: SchemaFormat;
  deleted: boolean;
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
