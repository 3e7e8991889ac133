export { SchemaDetail } from './SchemaDetail';
export type { SchemaDetailProps } from './SchemaDetail';
export type { SchemaVersionTimelineProps } from './SchemaVersionTimeline';
export type { SchemaVersionDiffProps } from './SchemaVersionDiff';
export type { CheckCompatibilityDialogProps } from './CheckCompatibilityDialog';
export { SchemaRoutes } from './SchemaRoutes';
export type { SchemaRoutesProps } from './SchemaRoutes';
