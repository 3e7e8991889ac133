import { ClaimSet } from '../claims';
import { linkClaim, namespaceClaim } from '../claims/__testUtils__/claims';
import { SubjectLinker, topicOfSubject } from './subjectLinks';

describe('topicOfSubject', () => {
  it.each([
    ['orders.created-value', { topic: 'orders.created', role: 'value' }],
    ['orders.created-key', { topic: 'orders.created', role: 'key' }],
    ['a-key-value', { topic: 'a-key', role: 'value' }],
    ['sp/é c:ial-value', { topic: 'sp/é c:ial', role: 'value' }],
    [`${'t'.repeat(249)}-key`, { topic: 't'.repeat(249), role: 'key' }],
  ])('reads %p under the topic-name strategy', (subject, expected) => {
    expect(topicOfSubject(subject)).toEqual(expected);
  });

  it.each([
    'com.acme.Money',
    '-value',
    'orders-values',
    'orders-Key',
    // Longer than any Kafka topic name can be.
    `${'t'.repeat(250)}-value`,
  ])('finds no topic in %p', subject => {
    expect(topicOfSubject(subject)).toBeUndefined();
  });
});

describe('SubjectLinker', () => {
  const linker = new SubjectLinker(
    new ClaimSet(
      [
        namespaceClaim('orders', 'component:default/orders'),
        namespaceClaim('payments', 'component:default/b-payments'),
      ],
      [
        linkClaim({
          environment: 'dev',
          kind: 'schema-subject',
          name: 'com.acme.Money',
          entityRef: 'component:default/a-billing',
        }),
        // Recorded before `orders` was claimed: the namespace wins now.
        linkClaim({
          environment: 'prod',
          kind: 'schema-subject',
          name: 'orders.created-value',
          entityRef: 'component:default/a-billing',
        }),
      ],
    ),
  );

  it("links subjects of topics inside a namespace to the namespace's holder", () => {
    expect(linker.linkFor('dev', 'orders.created-value')).toBe(
      'component:default/orders',
    );
    expect(linker.linkFor('dev', 'orders.created-key')).toBe(
      'component:default/orders',
    );
    expect(linker.linkFor('prod', 'orders.created-value')).toBe(
      'component:default/orders',
    );
  });

  it('links a subject outside every namespace to its link claim, in its environment', () => {
    expect(linker.linkFor('dev', 'com.acme.Money')).toBe(
      'component:default/a-billing',
    );
    expect(linker.linkFor('prod', 'com.acme.Money')).toBeUndefined();
  });

  it('leaves other subjects unlinked', () => {
    expect(linker.linkFor('dev', 'legacy.audit-log-value')).toBeUndefined();
    // The prefix alone is not a topic inside the namespace.
    expect(linker.linkFor('dev', 'orders.-value')).toBeUndefined();
    expect(linker.linkFor('dev', 'ordersX-value')).toBeUndefined();
    // Not under the topic-name strategy: no namespace by prefix alone.
    expect(linker.linkFor('dev', 'payments.Authorized')).toBeUndefined();
  });
});
