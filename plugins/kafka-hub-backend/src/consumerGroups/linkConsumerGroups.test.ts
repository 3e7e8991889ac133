import { ClaimSet } from '../claims';
import { linkClaim, namespaceClaim } from '../claims/__testUtils__/claims';
import { offsetsPartitionFor } from './describeGroup';
import { consumerGroupLinker } from './linkConsumerGroups';

describe('consumerGroupLinker', () => {
  const claims = new ClaimSet(
    [
      namespaceClaim('orders', 'component:default/orders'),
      namespaceClaim('payments', 'component:default/payments'),
    ],
    [
      linkClaim({
        environment: 'dev',
        kind: 'consumer-group',
        name: 'old-reader',
        entityRef: 'component:default/legacy',
        annotation: 'kafka.apache.org/consumer-groups',
      }),
      linkClaim({
        environment: 'prod',
        kind: 'consumer-group',
        name: 'prod-only',
        entityRef: 'component:default/new',
      }),
      // Recorded before `orders` was claimed: the namespace wins now.
      linkClaim({
        environment: 'dev',
        kind: 'consumer-group',
        name: 'orders.claimed',
        entityRef: 'component:default/legacy',
      }),
      // A subject claim never links a group of the same name.
      linkClaim({
        environment: 'dev',
        kind: 'schema-subject',
        name: 'shared-name',
        entityRef: 'component:default/legacy',
      }),
    ],
  );
  const linkOf = consumerGroupLinker(claims, 'dev');

  it("links a group inside a namespace to the namespace's holder", () => {
    expect(linkOf('orders.reader')).toEqual({
      entityRef: 'component:default/orders',
      linkedBy: 'prefix',
    });
    expect(linkOf('orders.claimed')).toEqual({
      entityRef: 'component:default/orders',
      linkedBy: 'prefix',
    });
    expect(linkOf('payments.settlement')?.entityRef).toBe(
      'component:default/payments',
    );
  });

  it('links a group outside every namespace to its link claim, in its environment', () => {
    expect(linkOf('old-reader')).toEqual({
      entityRef: 'component:default/legacy',
      linkedBy: 'kafka.apache.org/consumer-groups',
    });
    expect(linkOf('prod-only')).toBeUndefined();
    expect(consumerGroupLinker(claims, 'prod')('prod-only')).toEqual({
      entityRef: 'component:default/new',
      linkedBy: 'kafka-hub.io/consumer-groups',
    });
    expect(linkOf('shared-name')).toBeUndefined();
    expect(linkOf('ordersX.reader')).toBeUndefined();
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
