import { useApi } from '@backstage/core-plugin-api';
import { KafkaApplicationList } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { kafkaHubApiRef } from '../../api';
import { ListApplicationsRequest } from '../../api/KafkaHubApi';
import { useLivePolling } from '../../hooks/useLivePolling';

const PROVISIONING = ['provisioning'] as const;

/** How often lists are reloaded while provisioning work is outstanding. */
const POLL_INTERVAL_MS = 5000;

export interface ApplicationListState {
  value?: KafkaApplicationList;
  error?: Error;
  /** True until the first answer. */
  loading: boolean;
  /** Reloads now; resolves when done (never rejects). */
  refresh: () => Promise<void>;
}

/**
 * `listApplications` for a filter, or nothing while `request` is undefined.
 * With `poll`, reloads from every {@link POLL_INTERVAL_MS} (backing off while
 * the answers stay the same, see `usePolling`) while an application of the
 * list waits for its first run or is being provisioned (`pending` or
 * `in_progress`), and with `pollWhileEmpty` also while the list is empty (an
 * entity the reconcile task has not recorded yet). Polling stops as soon as
 * nothing is outstanding, the request becomes undefined or the component
 * unmounts, and pauses while the page is hidden. A reload that fails keeps
 * the last list and sets `error`. With `poll: 'always'` it polls whatever the
 * list holds (still backing off and pausing): for a list filtered to other
 * statuses, whose applications reach it from runs it does not show.
 * With `channel`, it reloads on each provisioning signal there, and where
 * signals are installed polls only as a slow safety net (see
 * `useLivePolling`).
 */
export function useApplicationList(
  request: ListApplicationsRequest | undefined,
  options: {
    poll?: boolean | 'always';
    pollWhileEmpty?: boolean;
    /** The Kafka Hub signal channel whose provisioning changes reload. */
    channel?: string;
  } = {},
): ApplicationListState {
  const api = useApi(kafkaHubApiRef);
  const { poll = false, pollWhileEmpty = false, channel } = options;
  const key = request ? JSON.stringify(request) : undefined;
  const { value, error, loading, refresh } = useLivePolling(
    // Runs only while `key`, hence `request`, is defined.
    () => api.listApplications(request as ListApplicationsRequest),
    {
      key,
      live: { channel, kinds: PROVISIONING },
      intervalMs: poll ? POLL_INTERVAL_MS : false,
      pollWhile:
        poll === 'always'
          ? undefined
          : ({ items }) =>
              (pollWhileEmpty && items.length === 0) ||
              items.some(
                item =>
                  item.status === 'pending' || item.status === 'in_progress',
              ),
    },
  );
  return {
    value,
    error,
    // Only the first answer shows as loading; polls and refreshes keep the list.
    loading: loading && !value && !error,
    refresh,
  };
}
