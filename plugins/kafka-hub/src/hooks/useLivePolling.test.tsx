import { signalApiRef } from '@backstage/plugin-signals-react';
import { TestApiProvider } from '@backstage/test-utils';
import { act, renderHook } from '@testing-library/react';
import { ReactNode } from 'react';
import { FakeSignalApi } from './__testUtils__/FakeSignalApi';
import { SAFETY_POLL_MS, scopeChannel, useLivePolling } from './useLivePolling';

const BASE = 5000;
const CHANNEL = 'kafka-hub:entity:component:default/orders';

/** A loader that counts its requests; each waits for the test to answer when held. */
function countingLoader() {
  const calls: number[] = [];
  let hold: Array<() => void> | undefined;
  const load = async () => {
    calls.push(Date.now());
    if (hold) await new Promise<void>(resolve => hold!.push(resolve));
    return { status: 'pending', call: calls.length };
  };
  return {
    load,
    calls,
    holdAnswers: () => {
      hold = [];
    },
    answerAll: () => {
      const waiting = hold ?? [];
      hold = undefined;
      waiting.forEach(resolve => resolve());
    },
  };
}

async function advance(ms: number, step = 1000) {
  for (let done = 0; done < ms; done += step) {
    await act(() => jest.advanceTimersByTimeAsync(Math.min(step, ms - done)));
  }
}

/** Lets pending answers and effects settle without moving the clock. */
async function flush() {
  for (let i = 0; i < 3; i++) {
    await act(() => jest.advanceTimersByTimeAsync(0));
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

function renderLive(
  load: () => Promise<unknown>,
  signals: FakeSignalApi | undefined,
  { channel }: { channel: string | undefined } = { channel: CHANNEL },
) {
  // No signals: an app without the signals plugin has no signal API.
  const wrapper = ({ children }: { children: ReactNode }) =>
    signals ? (
      <TestApiProvider apis={[[signalApiRef, signals]]}>
        {children}
      </TestApiProvider>
    ) : (
      <TestApiProvider apis={[]}>{children}</TestApiProvider>
    );
  return renderHook(
    () =>
      useLivePolling(load, {
        key: 'k',
        intervalMs: BASE,
        live: { channel, kinds: ['provisioning'] },
      }),
    { wrapper },
  );
}

describe('useLivePolling', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    delete (document as { visibilityState?: unknown }).visibilityState;
    jest.useRealTimers();
  });

  it('reloads at once on a signal of its kinds on its channel, and on nothing else', async () => {
    const signals = new FakeSignalApi();
    const { load, calls } = countingLoader();
    const { result } = renderLive(load, signals);
    await flush();
    expect(calls).toHaveLength(1);
    expect(signals.channels()).toEqual([CHANNEL]);

    act(() => signals.send(CHANNEL, 'provisioning'));
    await flush();
    expect(calls).toHaveLength(2);
    expect(result.current.value).toEqual({ status: 'pending', call: 2 });

    act(() => signals.send(CHANNEL, 'consumer-groups'));
    act(() =>
      signals.send('kafka-hub:entity:component:default/other', 'provisioning'),
    );
    await flush();
    expect(calls).toHaveLength(2);
  });

  it('answers signals that arrive while a request runs with one more request after it', async () => {
    const signals = new FakeSignalApi();
    const loader = countingLoader();
    renderLive(loader.load, signals);
    await flush();
    loader.holdAnswers();
    act(() => signals.send(CHANNEL, 'provisioning'));
    await flush();
    expect(loader.calls).toHaveLength(2);
    for (let i = 0; i < 50; i++) {
      act(() => signals.send(CHANNEL, 'provisioning'));
    }
    await flush();
    expect(loader.calls).toHaveLength(2);
    act(() => loader.answerAll());
    await flush();
    expect(loader.calls).toHaveLength(3);
    act(() => loader.answerAll());
    await flush();
    expect(loader.calls).toHaveLength(3);
  });

  it('with signals, polls only as the safety net', async () => {
    const signals = new FakeSignalApi();
    const { load, calls } = countingLoader();
    renderLive(load, signals);
    await flush();
    await advance(SAFETY_POLL_MS - 1000);
    expect(calls).toHaveLength(1);
    await advance(1000);
    expect(calls).toHaveLength(2);
  });

  it.each([
    ['without the signals plugin', undefined, CHANNEL],
    ['without a channel', new FakeSignalApi(), undefined],
  ] as const)('%s, polls as before', async (_, signals, channel) => {
    const { load, calls } = countingLoader();
    renderLive(load, signals, { channel });
    await flush();
    await advance(BASE);
    expect(calls).toHaveLength(2);
    await advance(BASE);
    expect(calls).toHaveLength(3);
    expect(signals?.channels() ?? []).toEqual([]);
  });

  it('without the signals plugin, pauses polling while the page is hidden and reloads when it shows again', async () => {
    const { load, calls } = countingLoader();
    renderLive(load, undefined);
    await flush();
    setPageVisibility('hidden');
    await advance(60_000);
    expect(calls).toHaveLength(1);
    setPageVisibility('visible');
    await flush();
    expect(calls).toHaveLength(2);
  });

  it('keeps a signal received while the page is hidden until it shows again, then reloads once', async () => {
    const signals = new FakeSignalApi();
    const { load, calls } = countingLoader();
    renderLive(load, signals);
    await flush();
    setPageVisibility('hidden');
    act(() => signals.send(CHANNEL, 'provisioning'));
    act(() => signals.send(CHANNEL, 'provisioning'));
    await advance(5000);
    expect(calls).toHaveLength(1);
    setPageVisibility('visible');
    await flush();
    expect(calls).toHaveLength(2);
  });

  it('follows one application, or one owner; lists across entities have no channel', () => {
    expect(scopeChannel({ entityRefs: ['component:default/Orders'] })).toBe(
      'kafka-hub:entity:component:default/orders',
    );
    expect(scopeChannel({ owner: 'group:default/team-a' })).toBe(
      'kafka-hub:entity:group:default/team-a',
    );
    expect(
      scopeChannel({
        entityRefs: ['component:default/a', 'component:default/b'],
      }),
    ).toBeUndefined();
    expect(scopeChannel({})).toBeUndefined();
  });
});
