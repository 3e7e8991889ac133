import { act, renderHook } from '@testing-library/react';
import { PollingOptions, usePolling } from './usePolling';

const BASE = 5000;

/** A loader that counts its requests and notes when each started. */
function countingLoader<T>(answer: (call: number) => T | Promise<T>) {
  const start = Date.now();
  const startedAt: number[] = [];
  const load = async () => {
    startedAt.push(Date.now() - start);
    return answer(startedAt.length);
  };
  const gaps = () => startedAt.slice(1).map((t, i) => t - startedAt[i]);
  return { load, startedAt, gaps };
}

/** Moves the fake clock in steps, letting React re-arm timers between them. */
async function advance(ms: number, step = 1000) {
  for (let done = 0; done < ms; done += step) {
    await act(() => jest.advanceTimersByTimeAsync(Math.min(step, ms - done)));
  }
}

function setPageVisibility(state: 'visible' | 'hidden') {
  Object.defineProperty(document, 'visibilityState', {
    configurable: true,
    get: () => state,
  });
  act(() => {
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

function renderPolling<T>(
  load: () => Promise<T>,
  options: Partial<PollingOptions<T>> = {},
) {
  return renderHook(
    (props: Partial<PollingOptions<T>>) =>
      usePolling(load, { key: 'k', intervalMs: BASE, ...props }),
    { initialProps: options },
  );
}

describe('usePolling', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    // Back to jsdom's own (visible) document.
    delete (document as { visibilityState?: unknown }).visibilityState;
    jest.useRealTimers();
  });

  it('makes no request while the page is hidden; shown again after a poll came due, reloads at once and from the base interval', async () => {
    const { load, startedAt } = countingLoader(() => ({ status: 'pending' }));
    renderPolling(load);
    await advance(45_000);
    // Backed off: the next poll is due at 60 s.
    expect(startedAt).toEqual([0, 5000, 10_000, 20_000, 40_000]);

    setPageVisibility('hidden');
    await advance(10 * 60_000, 60_000);
    expect(startedAt).toHaveLength(5);

    setPageVisibility('visible');
    await act(() => jest.advanceTimersByTimeAsync(0));
    expect(startedAt).toHaveLength(6);
    await advance(BASE - 1);
    expect(startedAt).toHaveLength(6);
    await advance(1);
    expect(startedAt).toHaveLength(7);
  });

  it('does not reload when the page shows again before a poll is due', async () => {
    const { load, startedAt } = countingLoader(call => ({ call }));
    renderPolling(load);
    await advance(1000);
    setPageVisibility('hidden');
    await advance(1000);
    setPageVisibility('visible');
    await act(() => jest.advanceTimersByTimeAsync(0));
    expect(startedAt).toEqual([0]);
    await advance(3000);
    expect(startedAt).toEqual([0, BASE]);
  });

  it('backs off while the answers stay the same: 5 s, 5 s, 10 s, then 20 s (the cap)', async () => {
    const { load, gaps } = countingLoader(() => ({ status: 'pending' }));
    renderPolling(load);
    await advance(100_000);
    expect(gaps()).toEqual([
      5000, 5000, 10_000, 20_000, 20_000, 20_000, 20_000,
    ]);
  });

  it('starts again from the base interval on a changed answer', async () => {
    const { load, gaps } = countingLoader(call => ({
      status: call < 5 ? 'pending' : 'in_progress',
    }));
    renderPolling(load);
    await advance(60_000);
    // Calls 1-4 repeat one answer; call 5 (at 40 s) brings a new one.
    expect(gaps()).toEqual([5000, 5000, 10_000, 20_000, 5000, 5000, 10_000]);
  });

  it('starts again from the base interval on refresh', async () => {
    const { load, startedAt } = countingLoader(() => ({ status: 'pending' }));
    const { result } = renderPolling(load);
    await advance(45_000);
    // Backed off: polls at 0, 5, 10, 20 and 40 s, the next one due at 60 s.
    expect(startedAt).toEqual([0, 5000, 10_000, 20_000, 40_000]);

    await act(() => result.current.refresh());
    await advance(10_000);
    expect(startedAt).toEqual([
      0, 5000, 10_000, 20_000, 40_000, 45_000, 50_000,
    ]);
  });

  it('loads a new key at once and starts it from the base interval', async () => {
    const { load, startedAt } = countingLoader(() => ({ status: 'pending' }));
    const { rerender } = renderPolling(load);
    await advance(45_000);
    expect(startedAt).toEqual([0, 5000, 10_000, 20_000, 40_000]);

    rerender({ key: 'other' });
    await act(() => jest.advanceTimersByTimeAsync(0));
    await advance(5000);
    expect(startedAt).toEqual([
      0, 5000, 10_000, 20_000, 40_000, 45_000, 50_000,
    ]);
  });

  it('makes no request after unmount', async () => {
    const { load, startedAt } = countingLoader(call => ({ call }));
    const { unmount } = renderPolling(load);
    await advance(BASE + 1000);
    expect(startedAt).toEqual([0, BASE]);

    // Unmounted while the next poll is due in 4 s.
    unmount();
    await advance(60 * 60_000, 60_000);
    expect(startedAt).toEqual([0, BASE]);
  });

  it('stops once pollWhile no longer holds, and never starts when it does not hold at first', async () => {
    const answers = ['pending', 'pending', 'done'];
    const waiting = countingLoader(call => ({
      status: answers[Math.min(call, answers.length) - 1],
    }));
    renderPolling(waiting.load, {
      pollWhile: v => v.status === 'pending',
    });
    await advance(15_000, 5000);
    await advance(60 * 60_000, 60_000);
    expect(waiting.startedAt).toEqual([0, 5000, 10_000]);

    const done = countingLoader(() => ({ status: 'done' }));
    renderPolling(done.load, { pollWhile: v => v.status === 'pending' });
    await advance(60 * 60_000, 60_000);
    expect(done.startedAt).toHaveLength(1);
  });

  it('keeps the last value and sets the error when a poll fails, and clears the error on the next answer', async () => {
    const { load } = countingLoader(call => {
      if (call === 2) throw new Error('database is busy');
      return { call };
    });
    const { result } = renderPolling(load);
    await advance(1);
    expect(result.current.value).toEqual({ call: 1 });
    expect(result.current.error).toBeUndefined();

    await advance(BASE);
    expect(result.current.value).toEqual({ call: 1 });
    expect(result.current.error?.message).toBe('database is busy');

    await advance(BASE);
    expect(result.current.value).toEqual({ call: 3 });
    expect(result.current.error).toBeUndefined();
  });
});
