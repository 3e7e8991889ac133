export { SchemaTable } from './SchemaTable';
export type { SchemaTableProps } from './SchemaTable';
export {
  compatibilityText,
  FORMAT_LABELS,
  FormatBadge,
  SchemaStatusLabel,
  STATUS_LABELS,
} from './SchemaBadges';
export { schemaDetailPath } from './links';
