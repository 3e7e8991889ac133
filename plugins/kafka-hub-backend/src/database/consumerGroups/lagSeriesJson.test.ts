import {
  decodeTopics,
  encodeTopics,
  mergeTopics,
  sampleTopics,
} from './lagSeriesJson';

describe('lag series JSON', () => {
  const sample = (lags: Array<[string, number, number | undefined]>) =>
    sampleTopics(
      lags.map(([topic, partition, lag]) => ({
        topic,
        partition,
        endOffset: 100,
        committedOffset: lag === undefined ? undefined : 100 - lag,
        lag,
      })),
    );

  it('sums a sample per topic and leaves out partitions without a commit', () => {
    expect(
      sample([
        ['b', 1, 4],
        ['a', 0, undefined],
        ['b', 0, 6],
        ['c', 0, undefined],
      ]),
    ).toEqual([
      {
        topic: 'b',
        samples: 1,
        sumLag: 10,
        maxLag: 10,
        partitions: [
          { partition: 0, samples: 1, sumLag: 6, maxLag: 6 },
          { partition: 1, samples: 1, sumLag: 4, maxLag: 4 },
        ],
      },
    ]);
  });

  it('merges samples: sums add up; a topic keeps its largest sampled sum, not the sum of partition maxima', () => {
    const merged = mergeTopics([
      sample([
        ['t', 0, 10],
        ['t', 1, 0],
      ]),
      sample([
        ['t', 0, 0],
        ['t', 1, 8],
        ['u', 0, 1],
      ]),
    ]);
    expect(merged).toEqual([
      {
        topic: 't',
        samples: 2,
        sumLag: 18,
        maxLag: 10,
        partitions: [
          { partition: 0, samples: 2, sumLag: 10, maxLag: 10 },
          { partition: 1, samples: 2, sumLag: 8, maxLag: 8 },
        ],
      },
      {
        topic: 'u',
        samples: 1,
        sumLag: 1,
        maxLag: 1,
        partitions: [{ partition: 0, samples: 1, sumLag: 1, maxLag: 1 }],
      },
    ]);
    // Merging rollups is merging their samples.
    expect(mergeTopics([merged, merged])[0]).toMatchObject({
      samples: 4,
      sumLag: 36,
      maxLag: 10,
    });
  });

  it('round-trips through its JSON', () => {
    const topics = mergeTopics([
      sample([
        ['orders.created', 3, 12],
        ['orders.created', 0, 1],
      ]),
    ]);
    const json = encodeTopics(topics);
    expect(JSON.parse(json)).toEqual([
      {
        t: 'orders.created',
        n: 1,
        s: 13,
        m: 13,
        p: [
          [0, 1, 1, 1],
          [3, 1, 12, 12],
        ],
      },
    ]);
    expect(decodeTopics(json)).toEqual(topics);
  });
});
