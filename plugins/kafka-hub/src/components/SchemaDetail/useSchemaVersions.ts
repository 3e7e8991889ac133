import { useCallback, useEffect, useRef, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { SchemaVersion } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { kafkaHubApiRef } from '../../api';

/** Versions per request: the newest page first, older ones on demand. */
const VERSIONS_PAGE = 100;

export interface SchemaVersionsState {
  /** The versions loaded so far, newest first. */
  items?: SchemaVersion[];
  /** Stored versions of the subject, deleted ones included. */
  total?: number;
  error?: Error;
  loading: boolean;
  /** Loads the next older page, if any. */
  loadMore: () => void;
  /** Starts again from the newest page. */
  reload: () => void;
}

/**
 * A subject's versions, newest first, one page of {@link VERSIONS_PAGE}
 * at a time: the first page on mount and on `reload`, the next older one
 * on `loadMore`. An answer that arrives after the subject changed or a
 * newer request started is dropped.
 */
export function useSchemaVersions(
  environment: string,
  subject: string,
): SchemaVersionsState {
  const api = useApi(kafkaHubApiRef);
  const [state, setState] = useState<{
    items?: SchemaVersion[];
    total?: number;
    error?: Error;
    loading: boolean;
  }>({ loading: true });
  const sequence = useRef(0);

  const load = useCallback(
    async (offset: number, previous: SchemaVersion[]) => {
      const current = ++sequence.current;
      setState(s => ({ ...s, loading: true, error: undefined }));
      try {
        const page = await api.listSchemaVersions(environment, subject, {
          limit: VERSIONS_PAGE,
          offset,
        });
        if (current === sequence.current) {
          setState({
            items: [...previous, ...page.items],
            total: page.total,
            loading: false,
          });
        }
      } catch (error) {
        if (current === sequence.current) {
          setState(s => ({ ...s, error: error as Error, loading: false }));
        }
      }
    },
    [api, environment, subject],
  );

  useEffect(() => {
    setState({ loading: true });
    load(0, []);
    // Drops answers still on their way when the subject changes.
    const requests = sequence;
    return () => {
      requests.current++;
    };
  }, [load]);

  const { items, total, loading } = state;
  const loadMore = useCallback(() => {
    if (!loading && items && total !== undefined && items.length < total) {
      load(items.length, items);
    }
  }, [load, items, total, loading]);
  const reload = useCallback(() => load(0, []), [load]);

  return { ...state, loadMore, reload };
}
