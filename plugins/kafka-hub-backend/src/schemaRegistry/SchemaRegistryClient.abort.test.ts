import { testServices } from '../testUtils/testServices';
import {
  gate,
  registryFaultProxy,
  RegistryFaultProxy,
  requestsTo,
} from './__testUtils__/registryFaultProxy';
import { SchemaRegistryClient } from './SchemaRegistryClient';
import { SchemaRegistryAbortError } from './SchemaRegistryError';

jest.setTimeout(60_000);

/**
 * The caller's signal ends a call at once, whatever it is doing: never
 * sent, in flight or waiting to retry. Timeouts and backoff are set far
 * beyond the test's own timeout, so only the signal can end the calls.
 */
describe('SchemaRegistryClient with an abort signal', () => {
  let proxy: RegistryFaultProxy;
  const forever = 600_000;

  beforeEach(async () => {
    proxy = await registryFaultProxy(testServices.registryUrl);
  });
  afterEach(() => proxy.close());

  const client = (fetchImpl?: typeof fetch) =>
    new SchemaRegistryClient(
      { url: proxy.url, timeoutMs: forever },
      {
        retries: 3,
        retryDelayMs: forever,
        maxRetryDelayMs: forever,
        fetch: fetchImpl,
      },
    );

  it('sends nothing once the signal has fired', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      client().listSubjects({ signal: controller.signal }),
    ).rejects.toThrow(new SchemaRegistryAbortError('/subjects'));
    expect(proxy.requests).toEqual([]);
  });

  it('cancels a call in flight and does not retry it', async () => {
    const held = gate();
    proxy.on(requestsTo.listing, { kind: 'hold', gate: held });
    const controller = new AbortController();
    const call = client().listSubjects({ signal: controller.signal });
    await held.arrived;
    controller.abort();
    await expect(call).rejects.toBeInstanceOf(SchemaRegistryAbortError);
    expect(proxy.requests).toHaveLength(1);
    held.release();
  });

  it('ends a backoff wait and sends no retry', async () => {
    proxy.on(requestsTo.listing, {
      kind: 'error',
      status: 503,
      headers: { 'Retry-After': String(forever / 1000) },
    });
    const controller = new AbortController();
    // The signal fires once the 503 is in the client's hands: the wait
    // before the retry is all that is left to end.
    const abortOn503: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const body = await response.text();
      if (response.status === 503) controller.abort();
      return new Response(body, {
        status: response.status,
        headers: response.headers,
      });
    };
    await expect(
      client(abortOn503).listSubjects({ signal: controller.signal }),
    ).rejects.toBeInstanceOf(SchemaRegistryAbortError);
    expect(proxy.requests).toHaveLength(1);
  });

  it('still answers through the proxy when nothing aborts', async () => {
    const subjects = await client().listSubjects({
      signal: new AbortController().signal,
    });
    expect(Array.isArray(subjects)).toBe(true);
    expect(proxy.requests.map(r => r.path)).toEqual(['/subjects']);
  });
});
