export { SchemaSummaryCards } from './SchemaSummaryCards';
export type { SchemaSummaryCardsProps } from './SchemaSummaryCards';
