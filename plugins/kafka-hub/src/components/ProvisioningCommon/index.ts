export { AnnotationErrorLines } from './AnnotationErrorLines';
export { errorMessage } from './errors';
export { formatExact, formatRelative, RelativeTime } from './time';
export { POLL_INTERVAL_MS, useApplicationList } from './useApplicationList';
export type { ApplicationListState } from './useApplicationList';
export {
  environmentRows,
  environmentText,
  EnvironmentStatus,
  firstLine,
  hasProvisioningIssue,
  issueSummary,
  retryBlockedReason,
} from './environments';
export type { EnvironmentRow } from './environments';
