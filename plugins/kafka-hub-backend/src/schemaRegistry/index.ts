export {
  SchemaRegistryClient,
  SchemaRegistryError,
} from './SchemaRegistryClient';
