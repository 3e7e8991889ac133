import { ShortLivedCache } from './ShortLivedCache';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('ShortLivedCache', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 1_000;
  });

  it('reuses a value until ttlMs after it loaded, then loads again', async () => {
    const cache = new ShortLivedCache<string>({
      ttlMs: 10_000,
      maxEntries: 10,
      now: clock,
    });
    let loads = 0;
    const load = jest.fn(async () => `load ${++loads}`);
    expect(await cache.get('k', load)).toBe('load 1');
    now += 9_999;
    expect(await cache.get('k', load)).toBe('load 1');
    now += 1;
    expect(await cache.get('k', load)).toBe('load 2');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('keeps one value per key', async () => {
    const cache = new ShortLivedCache<string>({
      ttlMs: 10_000,
      maxEntries: 10,
      now: clock,
    });
    expect(await cache.get('a', async () => 'A')).toBe('A');
    expect(await cache.get('b', async () => 'B')).toBe('B');
    expect(await cache.get('a', async () => 'not loaded')).toBe('A');
  });

  it('shares one load between callers while it runs, however long it takes', async () => {
    const cache = new ShortLivedCache<string>({
      ttlMs: 10,
      maxEntries: 10,
      now: clock,
    });
    const gate = deferred<string>();
    const load = jest.fn(() => gate.promise);
    const first = cache.get('k', load);
    now += 60_000; // longer than the TTL: a running load never expires
    const second = cache.get('k', load);
    gate.resolve('value');
    expect(await Promise.all([first, second])).toEqual(['value', 'value']);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('forgets a failed load, for every caller that shared it', async () => {
    const cache = new ShortLivedCache<string>({
      ttlMs: 10_000,
      maxEntries: 10,
      now: clock,
    });
    const gate = deferred<string>();
    const first = cache.get('k', () => gate.promise);
    const second = cache.get('k', async () => 'not called');
    gate.reject(new Error('catalog down'));
    await expect(first).rejects.toThrow('catalog down');
    await expect(second).rejects.toThrow('catalog down');
    expect(cache.size).toBe(0);
    expect(await cache.get('k', async () => 'fresh')).toBe('fresh');
  });

  it('keeps at most maxEntries keys, dropping expired ones first, then the oldest', async () => {
    const cache = new ShortLivedCache<string>({
      ttlMs: 100,
      maxEntries: 2,
      now: clock,
    });
    await cache.get('old', async () => 'old');
    now += 50;
    await cache.get('newer', async () => 'newer');
    now += 60; // 'old' expired, 'newer' not
    await cache.get('third', async () => 'third');
    expect(cache.size).toBe(2);
    expect(await cache.get('newer', async () => 'reloaded')).toBe('newer');

    // Nothing expired: the oldest ('newer') goes.
    await cache.get('fourth', async () => 'fourth');
    expect(cache.size).toBe(2);
    expect(await cache.get('third', async () => 'reloaded')).toBe('third');
    expect(await cache.get('newer', async () => 'reloaded')).toBe('reloaded');
  });

  it('refuses nonsensical bounds', () => {
    expect(() => new ShortLivedCache({ ttlMs: 1, maxEntries: 0 })).toThrow(
      'ShortLivedCache needs ttlMs >= 0 and maxEntries >= 1, got 1 and 0',
    );
  });
});
