import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { kafkaHubTestApi } from '../components/ProvisioningCommon/__testUtils__';
import {
  CONSUMER_GROUP_SUMMARY_URL,
  CONSUMER_GROUPS_URL,
  makeSummary,
} from '../components/ConsumerGroupTable/__testUtils__';

const client = kafkaHubTestApi()[1];

describe('KafkaHubClient consumer groups', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('encodes the environment and group id as one path segment each', async () => {
    const paths: string[] = [];
    server.use(
      http.get(`${CONSUMER_GROUPS_URL}/*`, ({ request }) => {
        const url = new URL(request.url);
        paths.push(`${url.pathname}${url.search}`);
        return HttpResponse.json({});
      }),
    );
    await client.getConsumerGroup('dev/x', 'a/b?c#d %');
    await client.getConsumerGroupLag('dev', 'a/b', '7d');
    expect(paths).toEqual([
      '/api/kafka-hub/consumer-groups/dev%2Fx/a%2Fb%3Fc%23d%20%25',
      '/api/kafka-hub/consumer-groups/dev/a%2Fb/lag?range=7d',
    ]);
  });

  it('asks once for several entities, and not at all for none', async () => {
    const requests: URL[] = [];
    server.use(
      http.get(CONSUMER_GROUPS_URL, ({ request }) => {
        requests.push(new URL(request.url));
        return HttpResponse.json({ items: [], total: 0, limit: 50, offset: 0 });
      }),
      http.get(CONSUMER_GROUP_SUMMARY_URL, ({ request }) => {
        requests.push(new URL(request.url));
        return HttpResponse.json(makeSummary());
      }),
    );
    await client.listConsumerGroups({
      entityRefs: ['component:default/a', 'component:default/b'],
    });
    await client.getConsumerGroupSummary({
      entityRefs: ['component:default/a', 'component:default/b'],
    });
    // One parameter, comma-separated (the contract's form style).
    expect(requests.map(r => r.searchParams.getAll('entityRef'))).toEqual([
      ['component:default/a,component:default/b'],
      ['component:default/a,component:default/b'],
    ]);

    expect(await client.listConsumerGroups({ entityRefs: [] })).toEqual({
      items: [],
      total: 0,
      limit: 50,
      offset: 0,
    });
    const none = await client.getConsumerGroupSummary({ entityRefs: [] });
    expect(none.total).toBe(0);
    expect(none.byState.Stable).toBe(0);
    expect(requests).toHaveLength(2);
  });

  it('asks once, with the filters, for one entity or none', async () => {
    const requests: URL[] = [];
    server.use(
      http.get(CONSUMER_GROUPS_URL, ({ request }) => {
        requests.push(new URL(request.url));
        return HttpResponse.json({ items: [], total: 0, limit: 50, offset: 0 });
      }),
    );
    await client.listConsumerGroups({
      entityRefs: ['component:default/a'],
      state: 'Empty',
      lifecycle: 'inactive',
      hasLag: false,
      search: '  orders ',
      sort: 'timeLag',
      limit: 10,
      offset: 20,
    });
    await client.listConsumerGroups();
    expect(Object.fromEntries(requests[0].searchParams)).toEqual({
      entityRef: 'component:default/a',
      state: 'Empty',
      lifecycle: 'inactive',
      hasLag: 'false',
      search: 'orders',
      sort: 'timeLag',
      limit: '10',
      offset: '20',
    });
    expect(requests[1].search).toBe('');
  });
});
