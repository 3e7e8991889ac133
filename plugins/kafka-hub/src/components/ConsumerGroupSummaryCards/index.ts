export { ConsumerGroupSummaryCards } from './ConsumerGroupSummaryCards';
export type { ConsumerGroupSummaryCardsProps } from './ConsumerGroupSummaryCards';
