import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  KafkaTopicList,
  KafkaTopicListItem,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { useLocation } from 'react-router-dom';
import { KafkaHubPage } from './KafkaHubPage';
import {
  BASE_URL,
  catalogRoutes,
  kafkaHubTestApi,
} from '../ProvisioningCommon/__testUtils__';

jest.setTimeout(30_000);

const TOPICS_URL = `${BASE_URL}/topics`;

const Probe = () => {
  const location = useLocation();
  return (
    <div data-testid="location">{`${location.pathname}${location.search}`}</div>
  );
};

const groups = ['team-a', 'team-b'].map(name => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default', title: `Team ${name.slice(-1)}` },
  spec: { type: 'team', children: [] },
}));

const render = (path: string) =>
  renderInTestApp(
    <>
      <KafkaHubPage />
      <Probe />
    </>,
    {
      mountPath: '/kafka-hub',
      initialRouteEntries: [path],
      mountedRoutes: catalogRoutes,
      apis: [
        kafkaHubTestApi(),
        mockApis.permission(),
        [catalogApiRef, catalogApiMock({ entities: groups })],
      ],
    },
  );

const topic = (more: Partial<KafkaTopicListItem> = {}): KafkaTopicListItem => ({
  environment: 'dev',
  entityRef: 'component:default/orders',
  name: 'orders.checkout.completed',
  partitions: 3,
  replicationFactor: 3,
  underReplicatedPartitions: 0,
  offlinePartitions: 0,
  sizeBytes: 1536,
  messageEstimate: 1234,
  retentionMs: 604_800_000,
  retentionBytes: -1,
  cleanupPolicy: 'delete',
  consumerGroups: ['orders.billing'],
  sampledAt: '2026-12-06T12:00:00.000Z',
  ...more,
});

const list = (
  items: KafkaTopicListItem[],
  total = items.length,
): KafkaTopicList => ({
  items,
  total,
  limit: 25,
  offset: 0,
});

const environments = {
  items: [
    { name: 'dev', hasSchemaRegistry: true },
    { name: 'prod', hasSchemaRegistry: true },
  ],
};

describe('KafkaHubPage topics', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('lists every readable topic with its application, replicas, size, messages, readers and drift, paged and filtered on the server from the URL', async () => {
    const requests: URL[] = [];
    server.use(
      http.get(`${BASE_URL}/environments`, () =>
        HttpResponse.json(environments),
      ),
      http.get(TOPICS_URL, ({ request }) => {
        requests.push(new URL(request.url));
        return HttpResponse.json(
          list(
            [
              topic(),
              topic({
                name: 'orders.scratch',
                partitions: 1,
                underReplicatedPartitions: 1,
                offlinePartitions: 1,
                sizeBytes: undefined,
                messageEstimate: undefined,
                consumerGroups: ['a.one', 'a.two', 'a.three'],
                drift: {
                  kind: 'undeclared',
                  topic: 'orders.scratch',
                  partitions: 1,
                  message: 'On the broker under the namespace, not declared',
                },
              }),
              topic({
                name: 'payments.events',
                entityRef: 'component:default/payments',
                environment: 'prod',
                drift: {
                  kind: 'fewer-partitions',
                  topic: 'payments.events',
                  partitions: 3,
                  declaredPartitions: 6,
                  message: '3 partitions, 6 declared',
                },
              }),
            ],
            60,
          ),
        );
      }),
    );
    await render('/kafka-hub/topics?drift=true&sort=size');
    expect(screen.getByRole('tab', { name: 'Topics' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    const table = await screen.findByRole('table', { name: 'Topics' });
    expect(requests[0].searchParams.get('drift')).toBe('true');
    expect(requests[0].searchParams.get('sort')).toBe('size');
    expect(requests[0].searchParams.get('limit')).toBe('25');
    expect(requests[0].searchParams.has('entityRef')).toBe(false);
    expect(screen.getByText(/60 topics/)).toBeInTheDocument();

    const rows = within(table).getAllByRole('row');
    expect(
      within(rows[0])
        .getAllByRole('columnheader')
        .map(h => h.textContent),
    ).toEqual([
      'Topic',
      'Application',
      'Environment',
      'Partitions × replicas',
      'Replicas in sync',
      'Size',
      'Messages',
      'Consumer groups',
      'Drift',
    ]);
    const first = within(rows[1]).getAllByRole('cell');
    expect(first.map(c => c.textContent)).toEqual([
      'orders.checkout.completed',
      'orders',
      'dev',
      '3 × 3',
      'All in sync',
      '1.5 KiB',
      '~1,234',
      'orders.billing',
      'As declared',
    ]);
    // Topic names wrap only after . - _ (IdText), never mid-word.
    expect(first[0].querySelectorAll('wbr')).toHaveLength(2);
    expect(
      within(first[1]).getByRole('link', { name: 'orders' }),
    ).toHaveAttribute('href', '/catalog/default/component/orders');
    const scratch = within(rows[2]).getAllByRole('cell');
    expect(scratch[4]).toHaveTextContent('1 under-replicated, 1 offline');
    expect(scratch[5]).toHaveTextContent('—');
    expect(scratch[7]).toHaveTextContent('3 groups');
    expect(
      within(scratch[8]).getByText('Undeclared').closest('[title]'),
    ).toHaveAttribute(
      'title',
      'On the broker under the namespace, not declared',
    );
    expect(
      within(rows[3]).getByText('Fewer partitions (3 < 6 declared)'),
    ).toBeInTheDocument();

    // Sorting by messages, by keyboard; back to page 1.
    const messages = within(table).getByRole('button', { name: 'Messages' });
    messages.focus();
    await userEvent.keyboard('{Enter}');
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('sort')).toBe('messages'),
    );
    expect(screen.getByTestId('location')).toHaveTextContent(
      '/kafka-hub/topics?drift=true&sort=messages',
    );

    // The next page asks the server for it.
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('offset')).toBe('25'),
    );

    // The owner filter offers the catalog's groups.
    await userEvent.click(screen.getByRole('button', { name: /^Owner/ }));
    await waitFor(() =>
      expect(screen.getAllByRole('option').map(o => o.textContent)).toEqual([
        'All owners',
        'Team a',
        'Team b',
      ]),
    );
    await userEvent.click(screen.getByRole('option', { name: 'Team b' }));
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('owner')).toBe(
        'group:default/team-b',
      ),
    );
    expect(requests.at(-1)?.searchParams.has('offset')).toBe(false);

    // Under-replicated only, and the configured environments.
    await userEvent.click(screen.getByRole('button', { name: /^Replicas/ }));
    await userEvent.click(
      screen.getByRole('option', { name: 'Under-replicated only' }),
    );
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('underReplicated')).toBe('true'),
    );
    await userEvent.click(screen.getByRole('button', { name: /^Environment/ }));
    await waitFor(() =>
      expect(screen.getAllByRole('option').map(o => o.textContent)).toEqual([
        'All environments',
        'dev',
        'prod',
      ]),
    );
    await userEvent.click(screen.getByRole('option', { name: 'prod' }));
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('environment')).toBe('prod'),
    );

    await userEvent.type(
      screen.getByRole('textbox', { name: 'Search topics' }),
      'checkout',
    );
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('search')).toBe('checkout'),
    );
  });

  it('says when no topic is sampled yet, and offers to clear filters that match nothing', async () => {
    server.use(
      http.get(`${BASE_URL}/environments`, () =>
        HttpResponse.json(environments),
      ),
      http.get(TOPICS_URL, () => HttpResponse.json(list([]))),
    );
    await render('/kafka-hub/topics');
    expect(await screen.findByText('No topics yet')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: /^Drift/ }));
    await userEvent.click(screen.getByRole('option', { name: 'Drift only' }));
    expect(
      await screen.findByText('No topics match the filters'),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Clear filters' }),
    );
    expect(await screen.findByText('No topics yet')).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent(
      /^\/kafka-hub\/topics$/,
    );
  });

  it('shows why the topics could not be loaded', async () => {
    server.use(
      http.get(`${BASE_URL}/environments`, () =>
        HttpResponse.json(environments),
      ),
      http.get(TOPICS_URL, () =>
        HttpResponse.json(
          {
            error: {
              name: 'InputError',
              message: 'request/query/limit must be <= 200',
            },
          },
          { status: 400 },
        ),
      ),
    );
    await render('/kafka-hub/topics');
    expect(
      await screen.findByText(/Could not load the topics/),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/request\/query\/limit must be <= 200/),
    ).toBeInTheDocument();
  });
});
