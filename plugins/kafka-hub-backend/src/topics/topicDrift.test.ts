import { topicDrift } from './topicDrift';

describe('topicDrift', () => {
  it('names missing, undeclared and fewer-partition topics, by name', () => {
    const drift = topicDrift(
      [
        { topic: 'app.orders', partitions: 6 },
        { topic: 'app.payments', partitions: 3 },
        { topic: 'app.refunds', partitions: 1 },
      ],
      [
        { topic: 'app.orders', partitions: 3 },
        { topic: 'app.payments', partitions: 3 },
        { topic: 'app.scratch', partitions: 2 },
      ],
    );
    expect(drift).toEqual([
      {
        kind: 'fewer-partitions',
        topic: 'app.orders',
        declaredPartitions: 6,
        partitions: 3,
        message: '3 partitions, 6 declared',
      },
      {
        kind: 'missing',
        topic: 'app.refunds',
        declaredPartitions: 1,
        message: 'Declared with 1 partition, not on the broker',
      },
      {
        kind: 'undeclared',
        topic: 'app.scratch',
        partitions: 2,
        message: 'On the broker under the namespace, not declared',
      },
    ]);
  });

  it('is not drift to have more partitions than declared', () => {
    expect(
      topicDrift(
        [{ topic: 'app.orders', partitions: 3 }],
        [{ topic: 'app.orders', partitions: 12 }],
      ),
    ).toEqual([]);
  });
});
