export { SchemaSync } from './SchemaSync';
export type { SchemaSyncOptions } from './SchemaSync';
export { scheduleSchemaSync, schemaSyncTaskId } from './scheduleSchemaSync';
export type {
  ScheduleSchemaSyncOptions,
  SchemaSyncSettings,
} from './scheduleSchemaSync';
export { SubjectLinker, topicOfSubject } from './subjectLinks';
