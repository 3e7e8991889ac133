import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { KafkaApplicationList } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { kafkaHubApiRef } from '../../api';
import { ListApplicationsRequest } from '../../api/KafkaHubApi';

/** How often lists are reloaded while provisioning work is outstanding. */
const POLL_INTERVAL_MS = 5000;

export interface ApplicationListState {
  value?: KafkaApplicationList;
  error?: Error;
  /** True until the first answer (or while a manual refresh runs). */
  loading: boolean;
  /** Reloads now; resolves when done (never rejects). */
  refresh: () => Promise<void>;
}

/**
 * `listApplications` for a filter, or nothing while `request` is undefined.
 * With `poll`, reloads every {@link POLL_INTERVAL_MS} while an application
 * of the list waits for its first run or is being provisioned (`pending` or
 * `in_progress`), and with `pollWhileEmpty` also while the list is empty (an
 * entity the reconcile task has not recorded yet). Polling stops as soon as
 * nothing is outstanding, the request becomes undefined or the component
 * unmounts. A reload that fails keeps the last list and sets `error`.
 */
export function useApplicationList(
  request: ListApplicationsRequest | undefined,
  options: {
    poll?: boolean;
    pollWhileEmpty?: boolean;
    intervalMs?: number;
  } = {},
): ApplicationListState {
  const api = useApi(kafkaHubApiRef);
  const {
    poll = false,
    pollWhileEmpty = false,
    intervalMs = POLL_INTERVAL_MS,
  } = options;
  const key = request ? JSON.stringify(request) : undefined;
  const [state, setState] = useState<{
    key?: string;
    value?: KafkaApplicationList;
    error?: Error;
    loading: boolean;
  }>({ loading: request !== undefined });
  const sequence = useRef(0);
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );

  const load = useCallback(
    async (showLoading: boolean) => {
      if (key === undefined) {
        return;
      }
      const current = ++sequence.current;
      if (showLoading) {
        setState(s => ({ ...s, loading: true }));
      }
      try {
        const value = await api.listApplications(
          JSON.parse(key) as ListApplicationsRequest,
        );
        if (mounted.current && current === sequence.current) {
          setState({ key, value, loading: false });
        }
      } catch (e) {
        if (mounted.current && current === sequence.current) {
          setState(s => ({
            key,
            value: s.key === key ? s.value : undefined,
            error: e as Error,
            loading: false,
          }));
        }
      }
    },
    [api, key],
  );

  // Load whenever the request changes; forget everything when it goes away.
  useEffect(() => {
    if (key === undefined) {
      sequence.current++;
      setState({ loading: false });
      return;
    }
    load(true);
  }, [key, load]);

  const items = state.key === key ? state.value?.items : undefined;
  const outstanding =
    !!items &&
    ((pollWhileEmpty && items.length === 0) ||
      items.some(
        item => item.status === 'pending' || item.status === 'in_progress',
      ));

  // Poll while work is outstanding; every answer re-arms the timer.
  useEffect(() => {
    if (!poll || key === undefined || !outstanding) {
      return undefined;
    }
    const timer = setTimeout(() => load(false), intervalMs);
    return () => clearTimeout(timer);
  }, [poll, key, outstanding, intervalMs, load, state]);

  const refresh = useCallback(() => load(false), [load]);
  const current = state.key === key;
  return {
    value: current ? state.value : undefined,
    error: current ? state.error : undefined,
    loading: key !== undefined && (state.loading || !current),
    refresh,
  };
}
