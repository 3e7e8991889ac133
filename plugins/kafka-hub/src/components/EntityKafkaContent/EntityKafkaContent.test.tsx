import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { Entity } from '@backstage/catalog-model';
import { EntityKafkaContent } from './EntityKafkaContent';

const component = (annotations: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'orders-service', annotations },
  spec: { type: 'service', owner: 'team-orders', lifecycle: 'production' },
});

describe('EntityKafkaContent', () => {
  it("shows the application's namespace, environments and prefixed topics", async () => {
    await renderInTestApp(
      <EntityProvider
        entity={component({
          'kafka-hub.io/application': 'orders',
          'kafka-hub.io/environments': 'dev,stage',
          'kafka-hub.io/topics': 'created,shipped:6',
        })}
      >
        <EntityKafkaContent />
      </EntityProvider>,
    );
    expect(await screen.findByText('orders.*')).toBeInTheDocument();
    expect(screen.getByText('dev, stage')).toBeInTheDocument();
    expect(
      screen.getByText('orders.created, orders.shipped (6 partitions)'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/malformed/)).not.toBeInTheDocument();
  });

  it('names the malformed annotation and its bad value', async () => {
    await renderInTestApp(
      <EntityProvider
        entity={component({
          'kafka-hub.io/application': 'fraud-detector',
          'kafka-hub.io/topics': 'scores:0,alerts',
        })}
      >
        <EntityKafkaContent />
      </EntityProvider>,
    );
    expect(
      await screen.findByText(/1 malformed Kafka Hub annotation/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'Annotation kafka-hub.io/topics: "scores:0,alerts" "scores:0" has an invalid partition count; use a whole number from 1 to 10000',
      ),
    ).toBeInTheDocument();
    expect(screen.getByText('None declared')).toBeInTheDocument();
  });
});
