import { offsetsPartitionFor } from './describeGroup';
import { consumerGroupLinker } from './linkConsumerGroups';
import { entity } from './testKafka';

describe('consumerGroupLinker', () => {
  const linkOf = consumerGroupLinker(
    [
      entity('component:default/orders', 'orders.'),
      entity('component:default/billing', 'orders.billing.'),
      entity('component:default/legacy', undefined, [
        {
          environment: 'dev',
          groupId: 'old-reader',
          source: 'kafka.apache.org/consumer-groups',
        },
        {
          environment: 'dev',
          groupId: 'orders.claimed',
          source: 'kafka.apache.org/consumer-groups',
        },
      ]),
      entity('component:default/new', undefined, [
        {
          environment: 'dev',
          groupId: 'old-reader',
          source: 'kafka-hub.io/consumer-groups',
        },
        {
          environment: 'prod',
          groupId: 'prod-only',
          source: 'kafka-hub.io/consumer-groups',
        },
      ]),
    ],
    'dev',
  );

  it('links by the longest prefix', () => {
    expect(linkOf('orders.reader')).toEqual({
      entityRef: 'component:default/orders',
      linkedBy: 'prefix',
    });
    expect(linkOf('orders.billing.reader')?.entityRef).toBe(
      'component:default/billing',
    );
    expect(linkOf('payments.reader')).toBeUndefined();
  });

  it("prefers annotations, Kafka Hub's over the community plugin's, for the environment", () => {
    expect(linkOf('old-reader')).toEqual({
      entityRef: 'component:default/new',
      linkedBy: 'kafka-hub.io/consumer-groups',
    });
    expect(linkOf('orders.claimed')).toEqual({
      entityRef: 'component:default/legacy',
      linkedBy: 'kafka.apache.org/consumer-groups',
    });
    expect(linkOf('prod-only')).toBeUndefined();
  });
});

describe('offsetsPartitionFor', () => {
  it("matches Kafka's Utils.abs(groupId.hashCode()) % partitions", () => {
    // Java (jshell): "console-consumer-1".hashCode() == 35782224,
    // "kafka-hub.orders-reader".hashCode() == 1280294027.
    expect(offsetsPartitionFor('console-consumer-1', 50)).toBe(35782224 % 50);
    expect(offsetsPartitionFor('kafka-hub.orders-reader', 50)).toBe(
      1280294027 % 50,
    );
    expect(offsetsPartitionFor('', 50)).toBe(0);
  });
});
