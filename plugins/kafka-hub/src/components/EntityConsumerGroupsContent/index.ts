export { EntityConsumerGroupsContent } from './EntityConsumerGroupsContent';
export type { EntityConsumerGroupsContentProps } from './EntityConsumerGroupsContent';
