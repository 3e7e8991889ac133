import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { useLocation } from 'react-router-dom';
import { SchemaTable, SchemaTableProps } from './SchemaTable';
import { schemaDetailPath } from './links';
import {
  catalogRoutes,
  errorBody,
  kafkaHubTestApi,
} from '../ProvisioningCommon/__testUtils__';
import { makeSubject, SCHEMAS_URL, subjectList } from './__testUtils__';

const Probe = () => {
  const location = useLocation();
  return (
    <div data-testid="location">{`${location.pathname}${location.search}`}</div>
  );
};

const render = (props: Partial<SchemaTableProps> = {}, initialRoute = '/') =>
  renderInTestApp(
    <>
      <SchemaTable
        detailLink={s => schemaDetailPath(s.environment, s.subject)}
        {...props}
      />
      <Probe />
    </>,
    {
      initialRouteEntries: [initialRoute],
      mountedRoutes: catalogRoutes,
      apis: [kafkaHubTestApi(), mockApis.permission()],
    },
  );

const location = () => screen.getByTestId('location').textContent ?? '';

/** Answers every list request with `answer`, recording the query. */
const recordList = (
  server: ReturnType<typeof setupServer>,
  answer: (url: URL) => unknown = () => subjectList([makeSubject()]),
) => {
  const requests: URL[] = [];
  server.use(
    http.get(SCHEMAS_URL, ({ request }) => {
      const url = new URL(request.url);
      requests.push(url);
      return HttpResponse.json(answer(url) as Record<string, unknown>);
    }),
  );
  return requests;
};

const chooseOption = async (select: RegExp, option: string) => {
  await userEvent.click(screen.getByRole('button', { name: select }));
  await userEvent.click(await screen.findByRole('option', { name: option }));
};

// A whole test app per test is slow on a loaded machine.
jest.setTimeout(30_000);

describe('SchemaTable', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows progress, then one row per subject with every column', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>(r => {
      release = r;
    });
    const requests: URL[] = [];
    server.use(
      http.get(SCHEMAS_URL, async ({ request }) => {
        requests.push(new URL(request.url));
        await released;
        return HttpResponse.json(
          subjectList(
            [
              makeSubject(),
              makeSubject({
                environment: 'prod',
                subject: 'orders.created-key',
                role: 'key',
                format: 'PROTOBUF',
                latestVersion: 1,
                compatibility: 'FULL',
                compatibilitySource: 'subject',
                status: 'stale',
                entityRef: undefined,
              }),
              makeSubject({
                subject: 'custom subject',
                topic: undefined,
                role: undefined,
                format: 'JSON',
                compatibility: undefined,
                compatibilitySource: undefined,
                status: 'deleted',
              }),
            ],
            { total: 3 },
          ),
        );
      }),
    );
    await render({
      showEntity: true,
      entityRefs: ['component:default/orders-service', 'component:default/b'],
    });
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    release();

    const table = await screen.findByRole('table', { name: 'Schema subjects' });
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map(h => h.textContent),
    ).toEqual([
      'Subject',
      'Environment',
      'Entity',
      'Topic',
      'Key/value',
      'Format',
      'Latest version',
      'Compatibility',
      'Status',
    ]);
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);
    const cells = (row: HTMLElement) =>
      within(row)
        .getAllByRole('cell')
        .map(c => c.textContent);
    expect(cells(rows[0])).toEqual([
      'orders.created-value',
      'dev',
      'orders-service',
      'orders.created',
      'Value',
      'Avro',
      'v2',
      'BACKWARD (global)',
      'Registered',
    ]);
    expect(cells(rows[1])).toEqual([
      'orders.created-key',
      'prod',
      'Not linked',
      'orders.created',
      'Key',
      'Protobuf',
      'v1',
      'FULL',
      'Stale',
    ]);
    expect(cells(rows[2])).toEqual([
      'custom subject',
      'dev',
      'orders-service',
      '—',
      '—',
      'JSON Schema',
      'v2',
      '—',
      'Deleted',
    ]);
    expect(
      within(rows[0]).getByRole('link', { name: 'orders-service' }),
    ).toHaveAttribute('href', '/catalog/default/component/orders-service');
    expect(screen.getByText('3 subjects')).toBeInTheDocument();

    expect(requests).toHaveLength(1);
    expect(
      requests[0].searchParams.getAll('entityRef').flatMap(v => v.split(',')),
    ).toEqual(['component:default/orders-service', 'component:default/b']);
    expect(requests[0].searchParams.get('limit')).toBe('25');
    expect(requests[0].searchParams.has('offset')).toBe(false);
    expect(requests[0].searchParams.has('format')).toBe(false);
    expect(requests[0].searchParams.has('environment')).toBe(false);
  });

  it('hides the entity column unless asked', async () => {
    recordList(server);
    await render();
    const table = await screen.findByRole('table', { name: 'Schema subjects' });
    expect(within(table).queryByText('Entity')).not.toBeInTheDocument();
  });

  it('shows the server error', async () => {
    server.use(
      http.get(SCHEMAS_URL, () =>
        HttpResponse.json(
          errorBody(400, 'InputError', 'search must be at most 200 characters'),
          { status: 400 },
        ),
      ),
    );
    await render();
    expect(
      await screen.findByText(/Could not load the schemas/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/search must be at most 200 characters/).length,
    ).toBeGreaterThan(0);
  });

  it('explains an empty list, with the given description', async () => {
    recordList(server, () => subjectList([]));
    await render({ emptyDescription: 'Nothing linked to this entity.' });
    expect(await screen.findByText('No schemas yet')).toBeInTheDocument();
    expect(
      screen.getByText('Nothing linked to this entity.'),
    ).toBeInTheDocument();
  });

  it('says when filters match nothing, and clears them', async () => {
    const requests = recordList(server, url =>
      subjectList(url.searchParams.has('format') ? [] : [makeSubject()]),
    );
    await render({}, '/?format=PROTOBUF&search=zzz&page=3');
    expect(
      await screen.findByText('No schemas match the filters'),
    ).toBeInTheDocument();
    expect(requests[0].searchParams.get('format')).toBe('PROTOBUF');
    expect(requests[0].searchParams.get('search')).toBe('zzz');
    expect(requests[0].searchParams.get('offset')).toBe('50');

    await userEvent.click(
      screen.getByRole('button', { name: 'Clear filters' }),
    );
    expect(
      await screen.findByRole('table', { name: 'Schema subjects' }),
    ).toBeInTheDocument();
    expect(location()).toBe('/');
    expect(screen.getByRole('textbox', { name: 'Search schemas' })).toHaveValue(
      '',
    );
  });

  it('reads the environment filter from the URL and writes changes back', async () => {
    const requests = recordList(server, url =>
      subjectList([
        makeSubject({
          environment: url.searchParams.get('environment') ?? 'dev',
        }),
      ]),
    );
    await render({ environments: ['dev', 'prod'] }, '/?environment=stage');
    await screen.findByRole('table', { name: 'Schema subjects' });
    expect(requests[0].searchParams.get('environment')).toBe('stage');
    expect(
      screen.getByRole('button', { name: /^Environment/ }),
    ).toHaveTextContent('stage');

    await userEvent.click(screen.getByRole('button', { name: /^Environment/ }));
    expect(screen.getAllByRole('option').map(o => o.textContent)).toEqual([
      'All environments',
      'dev',
      'prod',
      'stage',
    ]);
    await userEvent.click(screen.getByRole('option', { name: 'prod' }));
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('environment')).toBe('prod'),
    );
    expect(location()).toBe('/?environment=prod');

    await chooseOption(/^Environment/, 'All environments');
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.has('environment')).toBe(false),
    );
    expect(location()).toBe('/');
  });

  it('filters by format and status, back to the first page', async () => {
    const requests = recordList(server, () =>
      subjectList([makeSubject()], { total: 200, offset: 25 }),
    );
    await render({}, '/?page=2');
    await screen.findByRole('table', { name: 'Schema subjects' });
    expect(requests[0].searchParams.get('offset')).toBe('25');

    await chooseOption(/^Format/, 'Protobuf');
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('format')).toBe('PROTOBUF'),
    );
    expect(requests.at(-1)?.searchParams.has('offset')).toBe(false);
    expect(location()).toBe('/?format=PROTOBUF');

    await chooseOption(/^Status/, 'Stale');
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('status')).toBe('stale'),
    );
    expect(requests.at(-1)?.searchParams.get('format')).toBe('PROTOBUF');
    expect(location()).toBe('/?format=PROTOBUF&status=stale');
  });

  it('searches once typing pauses, not on every key', async () => {
    const requests = recordList(server);
    await render();
    await screen.findByRole('table', { name: 'Schema subjects' });
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Search schemas' }),
      'payments',
    );
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('search')).toBe('payments'),
    );
    expect(
      requests
        .filter(r => r.searchParams.has('search'))
        .map(r => r.searchParams.get('search')),
    ).toEqual(['payments']);
    expect(location()).toBe('/?search=payments');
  });

  it('pages on the server', async () => {
    const requests = recordList(server, url =>
      subjectList(
        [
          makeSubject({
            subject: `subject-${url.searchParams.get('offset') ?? '0'}`,
          }),
        ],
        {
          total: 60,
          limit: Number(url.searchParams.get('limit')),
          offset: Number(url.searchParams.get('offset') ?? 0),
        },
      ),
    );
    await render();
    expect(await screen.findByText('subject-0')).toBeInTheDocument();
    expect(screen.getByText('1-25 of 60')).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('subject-25')).toBeInTheDocument();
    expect(requests.at(-1)?.searchParams.get('offset')).toBe('25');
    expect(requests.at(-1)?.searchParams.get('limit')).toBe('25');
    expect(location()).toBe('/?page=2');
    expect(screen.getByText('26-50 of 60')).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: /Rows per page/ }),
    );
    await userEvent.click(await screen.findByRole('option', { name: '50' }));
    await waitFor(() =>
      expect(requests.at(-1)?.searchParams.get('limit')).toBe('50'),
    );
    expect(requests.at(-1)?.searchParams.has('offset')).toBe(false);
    expect(location()).toBe('/?pageSize=50');
  });

  it('opens the detail of a clicked row, with the subject URL-encoded', async () => {
    recordList(server, () =>
      subjectList([makeSubject({ subject: 'a/b:c d-é', environment: 'dev' })]),
    );
    await render({}, '/?environment=dev');
    const link = await screen.findByRole('link', { name: 'a/b:c d-é' });
    expect(link).toHaveAttribute('href', '/dev/a%2Fb%3Ac%20d-%C3%A9');

    const table = screen.getByRole('table', { name: 'Schema subjects' });
    await userEvent.click(within(table).getAllByRole('row')[1].children[4]);
    expect(location()).toBe('/dev/a%2Fb%3Ac%20d-%C3%A9');
  });

  it('reloads on refresh', async () => {
    let calls = 0;
    recordList(server, () => {
      calls += 1;
      return subjectList([makeSubject({ subject: `answer-${calls}` })]);
    });
    await render();
    expect(await screen.findByText('answer-1')).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Refresh schemas' }),
    );
    expect(await screen.findByText('answer-2')).toBeInTheDocument();
  });
});
