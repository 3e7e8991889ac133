export { ConsumerGroupDetail } from './ConsumerGroupDetail';
export type { ConsumerGroupDetailProps } from './ConsumerGroupDetail';
export {
  ConsumerGroupLagChart,
  LagChartTooltip,
} from './ConsumerGroupLagChart';
export type { ConsumerGroupLagChartProps } from './ConsumerGroupLagChart';
export { PartitionLagTable, sortPartitions } from './PartitionLagTable';
export type { PartitionLagTableProps } from './PartitionLagTable';
export {
  ConsumerGroupMembersTable,
  partitionRanges,
} from './ConsumerGroupMembersTable';
export type { ConsumerGroupMembersTableProps } from './ConsumerGroupMembersTable';
export { ConsumerGroupRoutes } from './ConsumerGroupRoutes';
export type { ConsumerGroupRoutesProps } from './ConsumerGroupRoutes';
