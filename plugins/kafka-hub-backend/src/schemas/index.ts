export type { SchemaSyncOptions } from './SchemaSync';
export { scheduleSchemaSync } from './scheduleSchemaSync';
export type {
  ScheduleSchemaSyncOptions,
  SchemaSyncSettings,
} from './scheduleSchemaSync';
