import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
} from '@backstage/core-components';
import {
  EnvironmentProvisioningDetail,
  KafkaApplication,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';

/** One environment of an application, with its outcome when it has one. */
export interface EnvironmentRow {
  environment: string;
  detail?: EnvironmentProvisioningDetail;
}

/**
 * Every environment of an application: the desired ones in their order,
 * then any other with a recorded outcome (for example one removed from the
 * annotation since).
 */
export function environmentRows(app: KafkaApplication): EnvironmentRow[] {
  const names = [...app.desiredEnvironments];
  for (const name of Object.keys(app.environments ?? {}).sort()) {
    if (!names.includes(name)) {
      names.push(name);
    }
  }
  return names.map(environment => ({
    environment,
    detail: app.environments?.[environment],
  }));
}

/** The one-line text of an environment's outcome. */
export function environmentText(row: EnvironmentRow): string {
  const { detail } = row;
  if (!detail) {
    return 'Not provisioned yet';
  }
  switch (detail.status) {
    case 'success':
      return detail.message ?? 'Provisioned successfully';
    case 'failed':
      return detail.error ?? detail.message ?? 'Failed';
    case 'skipped':
      return detail.message ?? 'Skipped';
    default:
      return detail.message ?? '';
  }
}

/** The first line of a text, for one-line summaries. */
function firstLine(text: string): string {
  return text.split('\n', 1)[0].trim();
}

/** Environment outcome as a status indicator with its label. */
export const EnvironmentStatus = ({ row }: { row: EnvironmentRow }) => {
  switch (row.detail?.status) {
    case 'success':
      return <StatusOK>Success</StatusOK>;
    case 'failed':
      return <StatusError>Failed</StatusError>;
    case 'skipped':
      return <StatusAborted>Skipped</StatusAborted>;
    default:
      return <StatusPending>Pending</StatusPending>;
  }
};

/** Failed or partial: what the banner counts as an issue. */
export function hasProvisioningIssue(app: KafkaApplication): boolean {
  return app.status === 'failed' || app.status === 'partial';
}

/** Why a retry cannot start for this application, if it cannot. */
export function retryBlockedReason(app: KafkaApplication): string | undefined {
  if (app.annotationErrors?.length) {
    return `Fix the malformed annotation first: ${app.annotationErrors
      .map(e => e.annotation)
      .join(', ')}`;
  }
  return undefined;
}

/** What went wrong, on one line: a malformed annotation, a failed environment or the run's error. */
export function issueSummary(app: KafkaApplication): string {
  if (app.annotationErrors?.length) {
    const e = app.annotationErrors[0];
    return `${e.annotation}: ${e.message}`;
  }
  const failed = environmentRows(app).find(
    row => row.detail?.status === 'failed',
  );
  if (failed?.detail?.error) {
    return `${failed.environment}: ${firstLine(failed.detail.error)}`;
  }
  return app.error ? firstLine(app.error) : '';
}
