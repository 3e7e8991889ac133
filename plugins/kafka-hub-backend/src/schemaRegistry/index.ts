export { SchemaRegistryClient } from './SchemaRegistryClient';
export type { SchemaRegistryClientOptions } from './SchemaRegistryClient';
export { registryErrorText, SchemaRegistryError } from './SchemaRegistryError';
export type {
  CompatibilityCheck,
  RegistrySchema,
  RegistrySchemaVersion,
} from './types';
