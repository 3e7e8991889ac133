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

  it('runs every item after a failure, then rejects with that error', async () => {
    const done: number[] = [];
    await expect(
      mapWithConcurrency([1, 2, 3, 4], 1, async item => {
        if (item === 2) throw new Error('boom at 2');
        done.push(item);
        return item;
      }),
    ).rejects.toThrow('boom at 2');
    expect(done).toEqual([1, 3, 4]);
  });

  it('rejects with every error in input order once all items settled', async () => {
    const done: number[] = [];
    const outcome = mapWithConcurrency([40, 1, 20, 5, 0], 2, async (ms, i) => {
      await new Promise(resolve => setTimeout(resolve, ms));
      if (i % 2 === 0) throw new Error(`boom at ${i}`);
      done.push(i);
      return i;
    });
    const error: AggregateError = await outcome.then(
      () => {
        throw new Error('expected a rejection');
      },
      e => e,
    );
    expect(error).toBeInstanceOf(AggregateError);
    expect(error.message).toBe('3 of 5 items failed; the first: boom at 0');
    expect(error.errors.map((e: Error) => e.message)).toEqual([
      'boom at 0',
      'boom at 2',
      'boom at 4',
    ]);
    expect(done.sort()).toEqual([1, 3]);
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
