export { SchemaRegistryClient } from './SchemaRegistryClient';
export type {
  RegistryCallOptions,
  SchemaRegistryClientOptions,
} from './SchemaRegistryClient';
export {
  registryErrorText,
  SchemaRegistryAbortError,
  SchemaRegistryError,
} from './SchemaRegistryError';
export type {
  CompatibilityCheck,
  RegistrySchema,
  RegistrySchemaVersion,
} from './types';
