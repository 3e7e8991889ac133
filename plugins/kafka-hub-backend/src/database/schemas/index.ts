export { SchemaStore } from './SchemaStore';
export type {
  NewSchemaVersion,
  SchemaFilter,
  SchemaSyncRunRecord,
  StoredSubjectState,
  StoredVersionState,
  SubjectLinkChange,
  SubjectUpdate,
} from './types';
