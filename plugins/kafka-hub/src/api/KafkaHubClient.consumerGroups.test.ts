import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/frontend-test-utils';
import { ConsumerGroup } from '@internal/plugin-kafka-hub-common';
import { kafkaHubTestApi } from '../components/ProvisioningCommon/__testUtils__';
import {
  CONSUMER_GROUP_SUMMARY_URL,
  CONSUMER_GROUPS_URL,
  makeGroup,
  makeSummary,
} from '../components/ConsumerGroupTable/__testUtils__';

const client = kafkaHubTestApi()[1];

/** Groups of one entity, most lagging first, as the backend orders them. */
const groupsOf = (entityRef: string, lags: number[]): ConsumerGroup[] =>
  lags.map((totalLag, i) =>
    makeGroup({
      entityRef,
      groupId: `${entityRef.split('/')[1]}.${String(i).padStart(4, '0')}`,
      lag: { ...makeGroup().lag!, totalLag },
    }),
  );

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

  it('merges one list per entity into the page asked for, paging each entity as far as needed', async () => {
    const all: Record<string, ConsumerGroup[]> = {
      'component:default/a': groupsOf(
        'component:default/a',
        Array.from({ length: 700 }, (_, i) => 2000 - 2 * i),
      ),
      'component:default/b': groupsOf(
        'component:default/b',
        Array.from({ length: 300 }, (_, i) => 2001 - 2 * i),
      ),
    };
    const requests: URL[] = [];
    server.use(
      http.get(CONSUMER_GROUPS_URL, ({ request }) => {
        const url = new URL(request.url);
        requests.push(url);
        const items = all[url.searchParams.get('entityRef')!];
        const limit = Number(url.searchParams.get('limit'));
        const offset = Number(url.searchParams.get('offset') ?? 0);
        return HttpResponse.json({
          items: items.slice(offset, offset + limit),
          total: items.length,
          limit,
          offset,
        });
      }),
    );
    const page = await client.listConsumerGroups({
      entityRefs: ['component:default/a', 'component:default/b'],
      environment: 'dev',
      hasLag: true,
      sort: 'lag',
      limit: 100,
      offset: 500,
    });
    expect(page.total).toBe(1000);
    expect(page.offset).toBe(500);
    expect(page.items).toHaveLength(100);
    // Lags interleave: b has the odd ones, a the even ones.
    const lags = page.items.map(g => g.lag!.totalLag);
    expect(lags[0]).toBe(2001 - 500);
    expect(lags).toEqual([...lags].sort((x, y) => y - x));
    for (const r of requests) {
      expect(r.searchParams.get('environment')).toBe('dev');
      expect(r.searchParams.get('hasLag')).toBe('true');
      expect(r.searchParams.get('sort')).toBe('lag');
      expect(Number(r.searchParams.get('limit'))).toBeLessThanOrEqual(500);
    }
    // a: 500 then 100 more; b: all 300 at once.
    expect(
      requests.map(
        r =>
          `${r.searchParams.get('entityRef')} ${r.searchParams.get(
            'offset',
          )} ${r.searchParams.get('limit')}`,
      ),
    ).toEqual(
      expect.arrayContaining([
        'component:default/a null 500',
        'component:default/a 500 100',
        'component:default/b null 500',
      ]),
    );
    expect(requests).toHaveLength(3);
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

  it('adds up the summaries of several entities', async () => {
    server.use(
      http.get(CONSUMER_GROUP_SUMMARY_URL, ({ request }) => {
        const ref = new URL(request.url).searchParams.get('entityRef');
        return HttpResponse.json(
          ref === 'component:default/a'
            ? makeSummary()
            : makeSummary({ total: 1, totalLag: 4, groupsWithLag: 1 }),
        );
      }),
    );
    const summary = await client.getConsumerGroupSummary({
      entityRefs: ['component:default/a', 'component:default/b'],
    });
    expect(summary.total).toBe(10);
    expect(summary.totalLag).toBe(123460);
    expect(summary.groupsWithLag).toBe(5);
    expect(summary.byState.Stable).toBe(10);
    expect(summary.byStatus.WARN).toBe(4);
    expect(summary.byLifecycle.archived).toBe(2);
  });
});
