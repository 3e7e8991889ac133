import { EndOffsetTimelines } from './EndOffsetTimelines';

describe('EndOffsetTimelines', () => {
  it('interpolates when the message after the committed offset was written', () => {
    const t = new EndOffsetTimelines(10);
    // 10 messages a second from t=0.
    for (let s = 0; s <= 10; s++) t.record('o', 0, s * 10, s * 1000);
    // Offset 39 was written when the end moved to 40, at t=4s.
    expect(t.estimateSeconds('o', 0, 39, 10_000)).toBeCloseTo(6, 5);
    expect(t.estimateSeconds('o', 0, 34, 10_000)).toBeCloseTo(6.5, 5);
    expect(t.estimateSeconds('o', 0, 100, 10_000)).toBe(0);
    expect(t.estimateSeconds('x', 0, 1, 10_000)).toBeUndefined();
  });

  it('dates messages after a pause in production by when production resumed', () => {
    const t = new EndOffsetTimelines(10);
    t.record('o', 0, 100, 0);
    t.record('o', 0, 100, 50_000); // nothing written for 50 s
    const same = t.record('o', 0, 100, 60_000);
    expect(same.write).toEqual({
      topic: 'o',
      partition: 0,
      endOffset: 100,
      firstSeenMs: 0,
      lastSeenMs: 60_000,
    });
    t.record('o', 0, 110, 61_000);
    // Offset 100 was written between 60 s and 61 s, not during the pause.
    expect(t.estimateSeconds('o', 0, 100, 70_000)).toBeCloseTo(9.9, 5);
  });

  it('extrapolates beyond the oldest point with the average rate, and stays bounded', () => {
    const t = new EndOffsetTimelines(4);
    const prunes = [];
    for (let s = 0; s < 20; s++) {
      const { prune } = t.record('o', 0, 1000 + s * 10, s * 1000);
      if (prune) prunes.push(prune);
    }
    expect(prunes.length).toBeGreaterThan(0);
    // Offset 1009 was written at t=1s, long cut from the table.
    expect(t.estimateSeconds('o', 0, 1009, 20_000)).toBeCloseTo(19, 5);
  });

  it('starts over when the end offset goes down', () => {
    const t = new EndOffsetTimelines(4);
    t.record('o', 0, 500, 0);
    t.record('o', 0, 600, 1000);
    const reset = t.record('o', 0, 3, 2000);
    expect(reset.prune).toEqual({
      topic: 'o',
      partition: 0,
      belowOffset: Number.MAX_SAFE_INTEGER,
    });
    expect(t.estimateSeconds('o', 0, 0, 3000)).toBeUndefined();
  });

  it('writes an idle partition only when its stored last sighting is due, and settles the point a new one follows', () => {
    const t = new EndOffsetTimelines(10, 60_000);
    expect(t.record('o', 0, 100, 0).write).toEqual({
      topic: 'o',
      partition: 0,
      endOffset: 100,
      firstSeenMs: 0,
      lastSeenMs: 0,
    });
    expect(t.record('o', 0, 100, 10_000)).toEqual({});
    expect(t.record('o', 0, 100, 20_000)).toEqual({});

    const moved = t.record('o', 0, 110, 30_000);
    expect(moved.settle).toEqual({
      topic: 'o',
      partition: 0,
      endOffset: 100,
      firstSeenMs: 0,
      lastSeenMs: 20_000,
    });
    expect(moved.write).toMatchObject({ endOffset: 110, firstSeenMs: 30_000 });
    // Seen once only: nothing to settle when it is followed.
    expect(t.record('o', 0, 120, 40_000).settle).toBeUndefined();

    // Idle again: one refresh within 30 to 60 s (a per-partition jitter).
    const refreshed: number[] = [];
    for (let ms = 50_000; ms <= 100_000; ms += 10_000) {
      if (t.record('o', 0, 120, ms).write) refreshed.push(ms);
    }
    expect(refreshed).toHaveLength(1);
    expect(refreshed[0]).toBeGreaterThanOrEqual(70_000);
    expect(refreshed[0]).toBeLessThanOrEqual(100_000);
  });

  it('takes the last sighting of the newest point from the latest stored sample', () => {
    const t = new EndOffsetTimelines(10, 60_000);
    t.load([
      {
        topic: 'o',
        partition: 0,
        endOffset: 100,
        firstSeenMs: 0,
        lastSeenMs: 0,
      },
    ]);
    t.seen('o', 0, 100, 20_000);
    t.seen('o', 0, 90, 25_000); // another end offset: not this point
    t.seen('x', 0, 100, 25_000); // no timeline
    const moved = t.record('o', 0, 110, 30_000);
    expect(moved.settle).toMatchObject({ endOffset: 100, lastSeenMs: 20_000 });
    // Offset 100 was written between 20 s and 30 s, not during the pause.
    expect(t.estimateSeconds('o', 0, 100, 40_000)).toBeCloseTo(19, 5);
  });
});
