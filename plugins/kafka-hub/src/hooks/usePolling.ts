import { useCallback, useEffect, useRef, useState } from 'react';

export interface PollingOptions<T> {
  /**
   * What is loaded: a new key loads at once and starts again from the base
   * interval; undefined loads nothing.
   */
  key: string | undefined;
  /** Base interval between answers; false: load only on a new key or `refresh`. */
  intervalMs: number | false;
  /** The longest interval back-off reaches. Default: 4 × `intervalMs`. */
  maxIntervalMs?: number;
  /**
   * Polls only while this holds for the latest value (something to wait
   * for); without it, polls always (live data such as lag).
   */
  pollWhile?: (value: T) => boolean;
  /** Shows the previous key's value while the first answer for a new key loads. */
  keepPrevious?: boolean;
}

export interface PollingState<T> {
  /**
   * The latest answer for the current key, kept while a reload runs or
   * fails; with `keepPrevious`, the previous key's answer until the first
   * answer for a new key arrives.
   */
  value?: T;
  /** The error of the latest attempt, if it failed. */
  error?: Error;
  /** True while a request for the current key runs. */
  loading: boolean;
  /** Reloads now (a user action: back-off starts again); never rejects. */
  refresh: () => Promise<void>;
}

type Reason = 'load' | 'poll' | 'refresh';

/**
 * The interval after `repeats` identical answers (or failures) in a row.
 * One repeat is normal (a provisioning run spans a poll or two), so the
 * interval doubles from the second one on: 5 s, 5 s, 10 s, 20 s, … capped.
 */
function backedOffInterval(
  intervalMs: number,
  maxIntervalMs: number,
  repeats: number,
): number {
  return Math.min(maxIntervalMs, intervalMs * 2 ** Math.max(0, repeats - 1));
}

function isPageVisible(): boolean {
  return (
    typeof document === 'undefined' || document.visibilityState !== 'hidden'
  );
}

/** Whether the browser tab shows the page (`document.visibilityState`). */
export function usePageVisible(): boolean {
  const [visible, setVisible] = useState(isPageVisible);
  useEffect(() => {
    const onChange = () => setVisible(isPageVisible());
    document.addEventListener('visibilitychange', onChange);
    return () => document.removeEventListener('visibilitychange', onChange);
  }, []);
  return visible;
}

/**
 * Loads `load()` whenever `options.key` changes and polls it while
 * `pollWhile` holds. Polls pause while the page is hidden; a poll that came
 * due meanwhile runs once when the page shows again. Each identical answer
 * (compared as JSON) or failure stretches the interval up to
 * `maxIntervalMs`; a changed answer, a new key, `refresh` and coming back to
 * the page return to `intervalMs`. A failed load keeps the last value and
 * sets `error`. Answers to superseded requests, and anything after unmount,
 * are dropped, and no request starts after unmount.
 */
export function usePolling<T>(
  load: () => Promise<T>,
  options: PollingOptions<T>,
): PollingState<T> {
  const { key, intervalMs, pollWhile, keepPrevious = false } = options;
  const maxIntervalMs =
    options.maxIntervalMs ?? (intervalMs ? 4 * intervalMs : 0);
  const [state, setState] = useState<{
    key?: string;
    value?: T;
    error?: Error;
    loading: boolean;
  }>({ loading: key !== undefined });
  const loadRef = useRef(load);
  loadRef.current = load;
  const sequence = useRef(0);
  const mounted = useRef(true);
  // Back-off of the current key: its last answer, how many answers in a row
  // repeated it (or failed), and when the latest one arrived.
  const lastAnswer = useRef<string>();
  const repeats = useRef(0);
  const answeredAt = useRef(0);
  const visible = usePageVisible();

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = useCallback(
    async (reason: Reason) => {
      if (key === undefined || !mounted.current) {
        return;
      }
      const current = ++sequence.current;
      if (reason !== 'poll') {
        repeats.current = 0;
      }
      setState(s => ({ ...s, loading: true }));
      try {
        const value = await loadRef.current();
        if (!mounted.current || current !== sequence.current) {
          return;
        }
        const answer = JSON.stringify(value);
        const repeated =
          lastAnswer.current !== undefined && answer === lastAnswer.current;
        repeats.current = repeated ? repeats.current + 1 : 0;
        lastAnswer.current = answer;
        answeredAt.current = Date.now();
        setState({ key, value, loading: false });
      } catch (e) {
        if (!mounted.current || current !== sequence.current) {
          return;
        }
        repeats.current += 1;
        answeredAt.current = Date.now();
        setState(s => ({
          key,
          value: s.key === key ? s.value : undefined,
          error: e as Error,
          loading: false,
        }));
      }
    },
    [key],
  );

  // A new key: forget the old one's answers and load at once.
  useEffect(() => {
    lastAnswer.current = undefined;
    if (key === undefined) {
      sequence.current++;
      setState({ loading: false });
      return;
    }
    run('load');
  }, [key, run]);

  const nextPollIn = useCallback(
    () =>
      intervalMs
        ? answeredAt.current +
          backedOffInterval(intervalMs, maxIntervalMs, repeats.current) -
          Date.now()
        : Infinity,
    [intervalMs, maxIntervalMs],
  );

  // Coming back to the page after a poll came due counts as a user action.
  const wasVisible = useRef(visible);
  useEffect(() => {
    if (visible && !wasVisible.current && nextPollIn() <= 0) {
      repeats.current = 0;
    }
    wasVisible.current = visible;
  }, [visible, nextPollIn]);

  const current = state.key === key;
  const polling =
    key !== undefined &&
    !!intervalMs &&
    current &&
    !state.loading &&
    (pollWhile === undefined ||
      (state.value !== undefined && pollWhile(state.value)));

  // One timer at a time, armed after each answer (a new `state`, even when
  // React batched away the loading render) and only while visible; a poll
  // that came due while hidden fires at once.
  useEffect(() => {
    if (!polling || !visible) {
      return undefined;
    }
    const timer = setTimeout(() => run('poll'), Math.max(0, nextPollIn()));
    return () => clearTimeout(timer);
  }, [polling, visible, state, nextPollIn, run]);

  const refresh = useCallback(() => run('refresh'), [run]);
  return {
    value: current || keepPrevious ? state.value : undefined,
    error: current ? state.error : undefined,
    loading: key !== undefined && (state.loading || !current),
    refresh,
  };
}
