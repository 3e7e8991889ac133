export { SchemaTable } from './SchemaTable';
export type { SchemaTableProps } from './SchemaTable';
export { schemaDetailPath } from './links';
