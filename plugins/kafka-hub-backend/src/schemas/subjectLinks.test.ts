import { kafkaEntity } from './__testUtils__/kafkaEntities';
import { SubjectLinker, topicOfSubject } from './subjectLinks';

describe('topicOfSubject', () => {
  it.each([
    ['orders.created-value', { topic: 'orders.created', role: 'value' }],
    ['orders.created-key', { topic: 'orders.created', role: 'key' }],
    ['a-key-value', { topic: 'a-key', role: 'value' }],
    ['sp/é c:ial-value', { topic: 'sp/é c:ial', role: 'value' }],
  ])('reads %p under the topic-name strategy', (subject, expected) => {
    expect(topicOfSubject(subject)).toEqual(expected);
  });

  it.each(['com.acme.Money', '-value', 'orders-values', 'orders-Key'])(
    'finds no topic in %p',
    subject => {
      expect(topicOfSubject(subject)).toBeUndefined();
    },
  );
});

describe('SubjectLinker', () => {
  const linker = new SubjectLinker([
    kafkaEntity('orders', { application: 'orders' }),
    kafkaEntity('orders-eu', { application: 'orders.eu' }),
    kafkaEntity('b-payments', {
      application: 'payments',
      schemaSubjects: [{ environment: 'dev', subject: 'com.acme.Money' }],
    }),
    kafkaEntity('a-billing', {
      schemaSubjects: [
        { environment: 'dev', subject: 'com.acme.Money' },
        { environment: 'prod', subject: 'orders.created-value' },
      ],
    }),
    // No valid application: no prefix to link by.
    { ...kafkaEntity('broken'), rawApplication: 'Not A Slug' },
  ]);

  it('links subjects of topics under an application prefix', () => {
    expect(linker.linkFor('dev', 'orders.created-value')).toBe(
      'component:default/orders',
    );
    expect(linker.linkFor('dev', 'orders.created-key')).toBe(
      'component:default/orders',
    );
  });

  it('prefers the longest prefix', () => {
    expect(linker.linkFor('dev', 'orders.eu.created-value')).toBe(
      'component:default/orders-eu',
    );
  });

  it('links annotated subjects in their environment only, first entity ref wins', () => {
    expect(linker.linkFor('dev', 'com.acme.Money')).toBe(
      'component:default/a-billing',
    );
    expect(linker.linkFor('prod', 'com.acme.Money')).toBeUndefined();
    expect(linker.linkFor('prod', 'orders.created-value')).toBe(
      'component:default/a-billing',
    );
  });

  it('leaves other subjects unlinked', () => {
    expect(linker.linkFor('dev', 'legacy.audit-log-value')).toBeUndefined();
    // The prefix alone is not a topic inside the namespace.
    expect(linker.linkFor('dev', 'orders.-value')).toBeUndefined();
    expect(linker.linkFor('dev', 'ordersX-value')).toBeUndefined();
  });
});
