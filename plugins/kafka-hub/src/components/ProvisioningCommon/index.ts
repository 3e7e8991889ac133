export { AnnotationErrorLines } from './AnnotationErrorLines';
export { errorMessage } from './errors';
export { formatExact, RelativeTime } from './time';
export { useApplicationList } from './useApplicationList';
export type { ApplicationListState } from './useApplicationList';
export {
  environmentRows,
  environmentText,
  EnvironmentStatus,
  hasProvisioningIssue,
  issueSummary,
  retryBlockedReason,
} from './environments';
export type { EnvironmentRow } from './environments';
