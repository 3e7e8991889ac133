import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { getContrastRatio, Theme } from '@material-ui/core/styles';
import { themes, UnifiedThemeProvider } from '@backstage/theme';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import {
  ConsumerGroupLagChart,
  ConsumerGroupLagChartProps,
  LagChartTooltip,
} from './ConsumerGroupLagChart';
import {
  errorBody,
  formatExactForTest,
  kafkaHubTestApi,
} from '../ProvisioningCommon/__testUtils__';
import {
  consumerGroupUrl,
  makeHistory,
} from '../ConsumerGroupTable/__testUtils__';

const LAG_URL = `${consumerGroupUrl('dev', 'orders/fulfilment')}/lag`;

const renderChart = (props: Partial<ConsumerGroupLagChartProps> = {}) =>
  renderInTestApp(
    <ConsumerGroupLagChart
      environment="dev"
      groupId="orders/fulfilment"
      refreshIntervalMs={false}
      {...props}
    />,
    { apis: [kafkaHubTestApi(), mockApis.permission()] },
  );

const figure = () =>
  screen.getByRole('figure', {
    name: 'Lag history of orders/fulfilment in dev',
  });

jest.setTimeout(30_000);

describe('ConsumerGroupLagChart', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const recordHistory = (answer: (url: URL) => unknown) => {
    const requests: URL[] = [];
    server.use(
      http.get(LAG_URL, ({ request }) => {
        const url = new URL(request.url);
        requests.push(url);
        return HttpResponse.json(answer(url) as Record<string, unknown>);
      }),
    );
    return requests;
  };

  it('plots total lag and time lag on two axes, with a legend and the resolution used', async () => {
    const requests = recordHistory(() => makeHistory());
    const { container } = await renderChart();
    expect(await screen.findByText('Total lag (messages)')).toBeInTheDocument();
    expect(screen.getByText('Time lag (estimated)')).toBeInTheDocument();
    expect(requests[0].searchParams.get('range')).toBe('1h');
    // The group id is one encoded path segment.
    expect(requests[0].pathname).toBe(
      '/api/kafka-hub/consumer-groups/dev/orders%2Ffulfilment/lag',
    );

    // Two lines, each through the six points.
    const lines = container.querySelectorAll('path.recharts-line-curve');
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line.getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+/);
    }
    expect(container.querySelectorAll('.recharts-line-dots')).toHaveLength(2);
    expect(container.querySelectorAll('circle.recharts-line-dot')).toHaveLength(
      12,
    );
    // Left axis in messages, right axis in seconds.
    expect(container.querySelectorAll('.recharts-yAxis.yAxis').length).toBe(2);
    expect(within(figure()).getByText('Messages')).toBeInTheDocument();
    expect(within(figure()).getByText('Time lag (est.)')).toBeInTheDocument();
    expect(within(figure()).getByText('600')).toBeInTheDocument();

    expect(
      screen.getByText(
        /^Resolution: raw samples, one point per 1 min · 6 points/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/^Time lag is an estimate: how long ago/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: '1h: last hour' }),
    ).toHaveAttribute('aria-pressed', 'true');
  });

  it("draws its axes in the theme's text colour, readable on dark paper (Recharts' grey was not)", async () => {
    recordHistory(() => makeHistory());
    const dark = themes.dark.getTheme('v4') as Theme;
    const { container } = await renderInTestApp(
      <UnifiedThemeProvider theme={themes.dark}>
        <ConsumerGroupLagChart
          environment="dev"
          groupId="orders/fulfilment"
          refreshIntervalMs={false}
        />
      </UnifiedThemeProvider>,
      { apis: [kafkaHubTestApi(), mockApis.permission()] },
    );
    await screen.findByText('Total lag (messages)');
    const axisText = [
      ...Array.from(
        container.querySelectorAll('text.recharts-cartesian-axis-tick-value'),
      ),
      within(figure()).getByText('Messages').closest('text')!,
      within(figure()).getByText('Time lag (est.)').closest('text')!,
    ];
    expect(axisText.length).toBeGreaterThan(2);
    for (const text of axisText) {
      const fill = text.getAttribute('fill')!;
      expect(fill).toBe(dark.palette.text.secondary);
      expect(
        getContrastRatio(fill, dark.palette.background.paper),
      ).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('switches the range, asking the server again and showing its resolution', async () => {
    const requests = recordHistory(url => {
      const range = url.searchParams.get('range');
      return range === '30d'
        ? makeHistory({
            range: '30d',
            resolution: 'day',
            bucketSeconds: 86400,
          })
        : makeHistory({
            range: range as '7d',
            resolution: range === '7d' ? 'hour' : 'raw',
            bucketSeconds: range === '7d' ? 3600 : 60,
          });
    });
    const onRangeChange = jest.fn();
    await renderChart({ onRangeChange });
    await screen.findByText(/^Resolution: raw samples/);

    await userEvent.click(
      screen.getByRole('button', { name: '7d: last 7 days' }),
    );
    expect(
      await screen.findByText(/^Resolution: hourly rollups, one point per 1 h/),
    ).toBeInTheDocument();
    expect(requests.at(-1)?.searchParams.get('range')).toBe('7d');
    expect(onRangeChange).toHaveBeenLastCalledWith('7d');
    expect(screen.getByText('Lag over the last 7 days')).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: '30d: last 30 days' }),
    );
    expect(
      await screen.findByText(/^Resolution: daily rollups, one point per 1 d/),
    ).toBeInTheDocument();
    expect(requests.at(-1)?.searchParams.get('range')).toBe('30d');
    expect(requests.map(r => r.searchParams.get('range'))).toEqual([
      '1h',
      '7d',
      '30d',
    ]);
  });

  const FROM = Date.parse('2026-11-21T11:00:00.000Z');
  const at = (minutes: number) =>
    new Date(FROM + minutes * 60_000).toISOString();
  /** Three points, 10 min apart: Empty, then a rebalance to two members, then Stable. */
  const bandPoints = [
    {
      time: at(0),
      totalLag: 30,
      maxTotalLag: 30,
      samples: 1,
      state: 'Empty' as const,
      minMemberCount: 0,
      maxMemberCount: 0,
    },
    {
      time: at(10),
      totalLag: 20,
      maxTotalLag: 20,
      samples: 1,
      state: 'PreparingRebalance' as const,
      minMemberCount: 1,
      maxMemberCount: 2,
    },
    {
      time: at(20),
      totalLag: 10,
      maxTotalLag: 10,
      samples: 1,
      state: 'Stable' as const,
      minMemberCount: 2,
      maxMemberCount: 2,
    },
  ];
  const seriesHistory = (by: string | null) => {
    if (by !== 'topic' && by !== 'partition') {
      return makeHistory({ by: 'total', bucketSeconds: 600 }, bandPoints);
    }
    const series = (topic: string, lags: number[], partition?: number) => ({
      topic,
      partition,
      maxLag: Math.max(...lags),
      points: lags.map((lag, i) => ({
        time: at(i * 10),
        lag,
        maxLag: lag + 1,
        samples: 1,
      })),
    });
    return makeHistory(
      {
        by,
        bucketSeconds: 600,
        series: {
          by,
          resolution: 'raw',
          bucketSeconds: 600,
          from: at(0),
          total: by === 'topic' ? 2 : 12,
          items:
            by === 'topic'
              ? [
                  series('orders.created', [20, 15, 8]),
                  series('orders.paid', [10, 5, 2]),
                ]
              : [
                  series('orders.created', [12, 9, 5], 3),
                  series('orders.paid', [10, 5, 2], 0),
                  series('orders.created', [8, 6, 3], 0),
                ],
        },
      },
      bandPoints,
    );
  };

  it('toggles total, per topic and the top 10 partitions: asks the server with by= and draws a line and a legend entry per series', async () => {
    const requests = recordHistory(url =>
      seriesHistory(url.searchParams.get('by')),
    );
    const { container } = await renderChart();
    expect(await screen.findByText('Total lag (messages)')).toBeInTheDocument();
    expect(requests[0].searchParams.has('by')).toBe(false);
    const toggle = screen.getByRole('group', { name: 'Lag shown' });
    expect(
      within(toggle).getByRole('button', { name: /^Total:/ }),
    ).toHaveAttribute('aria-pressed', 'true');

    await userEvent.click(
      within(toggle).getByRole('button', { name: /^Per topic:/ }),
    );
    expect(await screen.findByText('orders.paid')).toBeInTheDocument();
    expect(requests.at(-1)?.searchParams.get('by')).toBe('topic');
    expect(requests.at(-1)?.searchParams.get('range')).toBe('1h');
    expect(screen.getByText('orders.created')).toBeInTheDocument();
    expect(screen.queryByText('Total lag (messages)')).toBeNull();
    expect(container.querySelectorAll('path.recharts-line-curve')).toHaveLength(
      2,
    );
    expect(
      screen.getByText(
        "2 topics: the sum of the partitions' lag, averaged per point.",
      ),
    ).toBeInTheDocument();

    // By keyboard: the next toggle button, then Space.
    within(toggle)
      .getByRole('button', { name: /^Per topic:/ })
      .focus();
    await userEvent.tab();
    expect(
      within(toggle).getByRole('button', { name: /^Top 10 partitions:/ }),
    ).toHaveFocus();
    await userEvent.keyboard(' ');
    expect(await screen.findByText('orders.created-3')).toBeInTheDocument();
    expect(requests.at(-1)?.searchParams.get('by')).toBe('partition');
    const legend = Array.from(
      container.querySelectorAll('.recharts-legend-item-text'),
    ).map(e => e.textContent);
    expect(legend).toEqual([
      'orders.created-3',
      'orders.paid-0',
      'orders.created-0',
    ]);
    expect(
      screen.getByText(
        'The 3 partitions with the highest lag in the range, of 12 with a committed offset; average lag per point.',
      ),
    ).toBeInTheDocument();
    // Each line in its own theme colour.
    const strokes = Array.from(
      container.querySelectorAll('path.recharts-line-curve'),
    ).map(line => line.getAttribute('stroke'));
    expect(new Set(strokes).size).toBe(3);

    await userEvent.click(
      within(toggle).getByRole('button', { name: /^Total:/ }),
    );
    expect(await screen.findByText('Total lag (messages)')).toBeInTheDocument();
    expect(requests.map(r => r.searchParams.get('by'))).toEqual([
      null,
      'topic',
      'partition',
      null,
    ]);
  });

  it('shows the state and member count over time as a band, with a text alternative', async () => {
    recordHistory(url => seriesHistory(url.searchParams.get('by')));
    const { container } = await renderChart();
    const list = await screen.findByRole('list', {
      name: 'Members and state over time',
    });
    const items = within(list)
      .getAllByRole('listitem')
      .map(i => i.textContent);
    expect(items).toEqual([
      `Empty with 0 members, ${formatExactForTest(
        at(0),
      )} to ${formatExactForTest(at(10))}`,
      `PreparingRebalance with 1–2 members, ${formatExactForTest(
        at(10),
      )} to ${formatExactForTest(at(20))}`,
      `Stable with 2 members, ${formatExactForTest(
        at(20),
      )} to ${formatExactForTest(at(30))}`,
    ]);
    const segments = Array.from(container.querySelectorAll('[data-state]'));
    expect(
      segments.map(s => [s.getAttribute('data-state'), s.textContent]),
    ).toEqual([
      ['Empty', '0'],
      ['PreparingRebalance', '2'],
      ['Stable', '2'],
    ]);
    // Coloured by the theme: three different colours.
    expect(
      new Set(segments.map(s => (s as HTMLElement).style.background)).size,
    ).toBe(3);
    expect(screen.getByText('Rebalancing')).toBeInTheDocument();
    expect(screen.getByText('Empty (no members)')).toBeInTheDocument();

    // The band stays under the per-topic chart.
    await userEvent.click(screen.getByRole('button', { name: /^Per topic:/ }));
    await screen.findByText('orders.paid');
    expect(
      screen.getByRole('list', { name: 'Members and state over time' }),
    ).toBeInTheDocument();
  });

  it('says when nothing per partition was recorded yet, and when no state was', async () => {
    const requests = recordHistory(url => {
      const by = url.searchParams.get('by');
      return makeHistory(
        by === 'partition'
          ? {
              by,
              series: {
                by,
                resolution: 'raw',
                bucketSeconds: 60,
                from: at(0),
                total: 0,
                items: [],
              },
            }
          : {},
      );
    });
    await renderChart({ by: 'partition' });
    expect(
      await screen.findByText(
        /^No lag per partition in the last hour yet\. It is recorded with the partition history/,
      ),
    ).toBeInTheDocument();
    expect(requests[0].searchParams.get('by')).toBe('partition');
    // Points without a state (rollups from before it was recorded).
    expect(
      screen.getByText(
        'Member count and state were not recorded in this range.',
      ),
    ).toBeInTheDocument();
  });

  it('shows the server error of a split', async () => {
    server.use(
      http.get(LAG_URL, () =>
        HttpResponse.json(
          errorBody(
            400,
            'InputError',
            'request/query/by must be equal to one of the allowed values',
          ),
          { status: 400 },
        ),
      ),
    );
    await renderChart({ by: 'topic' });
    expect(
      await screen.findByText(/Could not load the lag history/),
    ).toBeInTheDocument();
  });

  it('follows a controlled range', async () => {
    const requests = recordHistory(() => makeHistory({ range: '6h' }));
    await renderChart({ range: '6h' });
    await screen.findByText('Total lag (messages)');
    expect(requests[0].searchParams.get('range')).toBe('6h');
  });

  it('shows progress, then an empty range', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>(r => {
      release = r;
    });
    server.use(
      http.get(LAG_URL, async () => {
        await released;
        return HttpResponse.json(makeHistory({}, []));
      }),
    );
    await renderChart({ range: '1h' });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    release();
    expect(
      await screen.findByText(/^No lag history in the last hour/),
    ).toBeInTheDocument();
  });

  it('leaves out the time lag line when nothing could be estimated', async () => {
    recordHistory(() =>
      makeHistory({}, [
        {
          time: '2026-11-21T11:00:00.000Z',
          totalLag: 5,
          maxTotalLag: 5,
          samples: 1,
        },
        {
          time: '2026-11-21T11:10:00.000Z',
          totalLag: 7,
          maxTotalLag: 7,
          samples: 1,
        },
      ]),
    );
    const { container } = await renderChart();
    expect(await screen.findByText('Total lag (messages)')).toBeInTheDocument();
    expect(screen.queryByText('Time lag (estimated)')).toBeNull();
    expect(container.querySelectorAll('path.recharts-line-curve')).toHaveLength(
      1,
    );
    expect(
      screen.getByText(/No estimate in this range yet\./),
    ).toBeInTheDocument();
  });

  it('shows the server error', async () => {
    server.use(
      http.get(LAG_URL, () =>
        HttpResponse.json(
          errorBody(
            404,
            'NotFoundError',
            'No consumer group orders/fulfilment',
          ),
          { status: 404 },
        ),
      ),
    );
    await renderChart();
    expect(
      await screen.findByText(/Could not load the lag history/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/No consumer group orders\/fulfilment/).length,
    ).toBeGreaterThan(0);
  });

  it('reloads while visible', async () => {
    let calls = 0;
    server.use(
      http.get(LAG_URL, () => {
        calls += 1;
        return HttpResponse.json(makeHistory());
      }),
    );
    await renderChart({ refreshIntervalMs: 200 });
    await screen.findByText('Total lag (messages)');
    await waitFor(() => expect(calls).toBeGreaterThanOrEqual(3));
  });
});

describe('LagChartTooltip', () => {
  it('shows the exact time and values of a bucket', () => {
    const t = Date.parse('2026-11-21T11:00:00.000Z');
    render(
      <LagChartTooltip
        active
        bucketSeconds={3600}
        payload={[
          {
            payload: {
              t,
              totalLag: 1234,
              maxTotalLag: 2000,
              timeLag: 12.4,
              maxTimeLag: 95,
              samples: 120,
            },
          },
        ]}
      />,
    );
    expect(
      screen.getByText(formatExactForTest('2026-11-21T11:00:00.000Z')),
    ).toBeInTheDocument();
    expect(screen.getByText('1 h bucket, 120 samples')).toBeInTheDocument();
    expect(
      screen.getByText('Total lag: 1,234 messages (average; max 2,000)'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Time lag: ~12 s (estimate); max ~1 min 35 s'),
    ).toBeInTheDocument();
  });

  it('says when the time lag was not estimated, and shows nothing when inactive', () => {
    const point = {
      t: 0,
      totalLag: 3,
      maxTotalLag: 3,
      timeLag: null,
      maxTimeLag: null,
      samples: 1,
    };
    const { rerender } = render(
      <LagChartTooltip active payload={[{ payload: point }]} />,
    );
    expect(screen.getByText('Total lag: 3 messages')).toBeInTheDocument();
    expect(screen.getByText('Time lag: not estimated')).toBeInTheDocument();
    rerender(<LagChartTooltip active={false} payload={[{ payload: point }]} />);
    expect(screen.queryByText('Total lag: 3 messages')).toBeNull();
  });
});
