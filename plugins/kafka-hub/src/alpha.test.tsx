import { createExtensionTester } from '@backstage/frontend-test-utils';
import { entityKafkaContent } from './alpha';
import { Entity } from '@backstage/catalog-model';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';

const entity = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'x', annotations },
});

describe('entity Kafka tab', () => {
  it('is shown only on entities with the application annotation', () => {
    const tester = createExtensionTester(entityKafkaContent);
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction)!;
    expect(filter(entity({ 'kafka-hub.io/application': 'orders' }))).toBe(true);
    expect(
      filter(entity({ 'kafka.apache.org/consumer-groups': 'dev/g' })),
    ).toBe(false);
    expect(filter(entity({}))).toBe(false);
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Kafka');
  });
});
