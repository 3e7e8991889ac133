import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import {
  KafkaApplicationTopics,
  KafkaTopic,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { EntityTopicsCard } from './EntityTopicsCard';
import {
  applicationUrl,
  errorBody,
  kafkaHubTestApi,
} from '../ProvisioningCommon/__testUtils__';

const REF = 'component:default/orders-service';
const TOPICS_URL = `${applicationUrl(REF)}/topics`;
const SAMPLED_AT = new Date(Date.now() - 3 * 60_000).toISOString();

const topic = (overrides: Partial<KafkaTopic>): KafkaTopic => ({
  name: 'orders.created',
  partitions: 3,
  replicationFactor: 3,
  underReplicatedPartitions: 0,
  offlinePartitions: 0,
  minInSyncReplicas: 3,
  leaders: [1, 2, 3],
  partitionDetail: [0, 1, 2].map(partition => ({
    partition,
    leader: partition + 1,
    replicas: [1, 2, 3],
    inSyncReplicas: [1, 2, 3],
  })),
  sizeBytes: 1536,
  diskBytes: 4608,
  messageEstimate: 1234,
  retentionMs: 604_800_000,
  retentionBytes: -1,
  cleanupPolicy: 'delete',
  configOverrides: {
    'retention.ms': '604800000',
    'max.message.bytes': '2097152',
  },
  consumerGroups: ['orders.billing'],
  valueSubject: 'orders.created-value',
  declared: true,
  declaredPartitions: 6,
  ...overrides,
});

const body = (
  environments: KafkaApplicationTopics['environments'],
): KafkaApplicationTopics => ({
  entityRef: REF,
  prefix: 'orders.',
  environments,
});

const render = () =>
  renderInTestApp(<EntityTopicsCard entityRef={REF} />, {
    apis: [kafkaHubTestApi()],
  });

describe('EntityTopicsCard', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows each topic with its figures and its drift, and a missing one', async () => {
    server.use(
      http.get(TOPICS_URL, () =>
        HttpResponse.json(
          body([
            {
              environment: 'dev',
              sampledAt: SAMPLED_AT,
              lastRunAt: SAMPLED_AT,
              topics: [
                topic({}),
                topic({
                  name: 'orders.scratch',
                  partitions: 1,
                  underReplicatedPartitions: 1,
                  sizeBytes: undefined,
                  messageEstimate: undefined,
                  retentionMs: -1,
                  cleanupPolicy: 'compact',
                  consumerGroups: [],
                  valueSubject: undefined,
                  declared: false,
                  declaredPartitions: undefined,
                }),
              ],
              drift: [
                {
                  kind: 'fewer-partitions',
                  topic: 'orders.created',
                  partitions: 3,
                  declaredPartitions: 6,
                  message: '3 partitions, 6 declared',
                },
                {
                  kind: 'missing',
                  topic: 'orders.refunds',
                  declaredPartitions: 2,
                  message: 'Declared with 2 partitions, not on the broker',
                },
                {
                  kind: 'undeclared',
                  topic: 'orders.scratch',
                  partitions: 1,
                  message: 'On the broker under the namespace, not declared',
                },
              ],
            },
          ]),
        ),
      ),
    );
    await render();
    const table = await screen.findByRole('table', {
      name: 'Topics of orders.* in dev',
    });
    const rows = within(table).getAllByRole('row');
    // Header, then each topic with its detail row; a missing one alone.
    const created = rows[1];
    expect(within(created).getByText('orders.created')).toBeInTheDocument();
    expect(
      within(created).getByText('Fewer partitions (3 < 6 declared)'),
    ).toBeInTheDocument();
    expect(within(created).getByText('1.5 KiB')).toBeInTheDocument();
    expect(within(created).getByText('~1,234')).toBeInTheDocument();
    expect(within(created).getByText('7 days')).toBeInTheDocument();
    expect(within(created).getByText('All in sync')).toBeInTheDocument();
    expect(within(created).getByText('orders.billing')).toBeInTheDocument();
    expect(
      within(created).getByText('orders.created-value'),
    ).toBeInTheDocument();

    const refunds = rows[3];
    expect(within(refunds).getByText('orders.refunds')).toBeInTheDocument();
    expect(within(refunds).getByText('Missing')).toBeInTheDocument();
    expect(
      within(refunds).getByText(
        'Declared with 2 partitions, not on the broker',
      ),
    ).toBeInTheDocument();

    const scratch = rows[4];
    expect(within(scratch).getByText('Undeclared')).toBeInTheDocument();
    expect(within(scratch).getByText('1 under-replicated')).toBeInTheDocument();
    expect(within(scratch).getByText('forever')).toBeInTheDocument();
    expect(within(scratch).getByText('compact')).toBeInTheDocument();
    expect(screen.getByText(/Sampled/)).toBeInTheDocument();
  });

  it('opens the configs set on a topic and its partitions from the keyboard', async () => {
    server.use(
      http.get(TOPICS_URL, () =>
        HttpResponse.json(
          body([
            {
              environment: 'dev',
              sampledAt: SAMPLED_AT,
              topics: [topic({})],
              drift: [],
            },
          ]),
        ),
      ),
    );
    await render();
    const toggle = await screen.findByRole('button', {
      name: 'Show configs and partitions of orders.created',
    });
    expect(toggle).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByText('max.message.bytes')).not.toBeInTheDocument();
    // Reached with Tab, like any control of the page.
    for (let i = 0; i < 20 && document.activeElement !== toggle; i++) {
      await userEvent.tab();
    }
    expect(toggle).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    expect(toggle).toHaveAttribute('aria-expanded', 'true');
    const configs = await screen.findByRole('table', {
      name: 'Configs set on orders.created',
    });
    expect(within(configs).getByText('max.message.bytes')).toBeInTheDocument();
    expect(within(configs).getByText('2097152')).toBeInTheDocument();
    expect(
      screen.getByRole('table', { name: 'Partitions of orders.created' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('On disk with every replica: 4.5 KiB'),
    ).toBeInTheDocument();
  });

  it('shows the topics a failed sample kept, with its error, and says what is not sampled yet', async () => {
    server.use(
      http.get(TOPICS_URL, () =>
        HttpResponse.json(
          body([
            {
              environment: 'dev',
              sampledAt: SAMPLED_AT,
              lastRunAt: new Date().toISOString(),
              error: 'Connection error: connect ECONNREFUSED 127.0.0.1:9092',
              topics: [topic({})],
              drift: [],
            },
            { environment: 'prod', topics: [], drift: [] },
          ]),
        ),
      ),
    );
    await render();
    expect(
      await screen.findByText(
        'Warning: The last sample failed: these topics are from the last one that worked',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/connect ECONNREFUSED 127\.0\.0\.1:9092/),
    ).toBeInTheDocument();
    expect(screen.getByText('orders.created')).toBeInTheDocument();
    const prod = screen.getByRole('region', { name: 'Topics in prod' });
    expect(
      within(prod).getByText(
        'Not sampled yet: the topic sampler has not read this environment yet.',
      ),
    ).toBeInTheDocument();
  });

  it('says when Kafka Hub does not know the application, and shows other errors', async () => {
    server.use(
      http.get(TOPICS_URL, () =>
        HttpResponse.json(
          errorBody(404, 'NotFoundError', `No Kafka application for ${REF}`),
          { status: 404 },
        ),
      ),
    );
    const { unmount } = await render();
    expect(
      await screen.findByText(/Kafka Hub does not know this application yet/),
    ).toBeInTheDocument();
    unmount();

    server.use(
      http.get(TOPICS_URL, () =>
        HttpResponse.json(errorBody(500, 'Error', 'The database is down'), {
          status: 500,
        }),
      ),
    );
    await render();
    expect(
      await screen.findByText('Error: Could not load the topics'),
    ).toBeInTheDocument();
    expect(screen.getByText('The database is down')).toBeInTheDocument();
  });
});
