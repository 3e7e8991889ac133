import { useCallback, useEffect, useRef, useState } from 'react';

/** How often consumer group views reload while the page is visible. */
export const CONSUMER_GROUP_REFRESH_MS = 30_000;

/** @public */
export interface PolledAsyncState<T> {
  /**
   * The latest answer for the current key; kept while a reload runs or
   * fails. With `keepPrevious`, the previous key's answer while the first
   * answer for a new key loads.
   */
  value?: T;
  /** The error of the latest attempt, if it failed. */
  error?: Error;
  /** True while a request for the current key runs. */
  loading: boolean;
  /** Reloads now, keeping what is shown. */
  refresh: () => void;
}

function pageVisible(): boolean {
  return typeof document === 'undefined' || !document.hidden;
}

/**
 * Loads `load()` whenever `key` changes, and again every `intervalMs` while
 * the browser tab is visible (a tab coming back to view reloads at once when
 * a reload was missed). A failed reload keeps the last value and sets
 * `error`; answers to superseded requests are dropped.
 */
export function usePolledAsync<T>(
  load: () => Promise<T>,
  key: string,
  intervalMs: number | false = CONSUMER_GROUP_REFRESH_MS,
  options: { keepPrevious?: boolean } = {},
): PolledAsyncState<T> {
  const [state, setState] = useState<{
    key?: string;
    value?: T;
    error?: Error;
    loading: boolean;
  }>({ loading: true });
  const loadRef = useRef(load);
  loadRef.current = load;
  const sequence = useRef(0);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = useCallback(async () => {
    const current = ++sequence.current;
    setState(s => ({ ...s, loading: true }));
    try {
      const value = await loadRef.current();
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
  }, [key]);

  useEffect(() => {
    run();
  }, [run]);

  useEffect(() => {
    if (!intervalMs) {
      return undefined;
    }
    let missed = false;
    const timer = setInterval(() => {
      if (pageVisible()) {
        run();
      } else {
        missed = true;
      }
    }, intervalMs);
    const onVisibility = () => {
      if (missed && pageVisible()) {
        missed = false;
        run();
      }
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [intervalMs, run]);

  const current = state.key === key;
  return {
    value: current || options.keepPrevious ? state.value : undefined,
    error: current ? state.error : undefined,
    loading: state.loading || !current,
    refresh: run,
  };
}
