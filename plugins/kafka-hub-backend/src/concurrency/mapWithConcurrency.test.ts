import { mapWithConcurrency } from './mapWithConcurrency';

describe('mapWithConcurrency', () => {
  it('keeps the input order and never exceeds the limit', async () => {
    let inFlight = 0;
    let peak = 0;
    const result = await mapWithConcurrency(
      [30, 5, 20, 1, 10, 2],
      2,
      async (ms, index) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise(resolve => setTimeout(resolve, ms));
        inFlight--;
        return `${index}:${ms}`;
      },
    );
    expect(result).toEqual(['0:30', '1:5', '2:20', '3:1', '4:10', '5:2']);
    expect(peak).toBe(2);
  });

  it('rejects with the first error and starts nothing after it', async () => {
    const started: number[] = [];
    await expect(
      mapWithConcurrency([1, 2, 3, 4], 1, async item => {
        started.push(item);
        if (item === 2) throw new Error('boom at 2');
        return item;
      }),
    ).rejects.toThrow('boom at 2');
    expect(started).toEqual([1, 2]);
  });

  it('rejects a limit below one', async () => {
    await expect(mapWithConcurrency([1], 0, async x => x)).rejects.toThrow(
      'concurrency must be a positive integer, got 0',
    );
  });

  it('maps an empty list to an empty list', async () => {
    await expect(mapWithConcurrency([], 3, async x => x)).resolves.toEqual([]);
  });
});
