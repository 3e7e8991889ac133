export { EntitySchemasContent } from './EntitySchemasContent';
