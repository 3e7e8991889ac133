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
import {
  SchemaSubjectDetail,
  SchemaVersion,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { SchemaRoutes } from './SchemaRoutes';
import {
  catalogRoutes,
  errorBody,
  kafkaHubTestApi,
} from '../ProvisioningCommon/__testUtils__';
import {
  avroVersions,
  makeDetail,
  makeVersion,
  subjectUrl,
} from '../SchemaTable/__testUtils__';

jest.setTimeout(30_000);

const Probe = () => {
  const location = useLocation();
  return (
    <div data-testid="location">{`${location.pathname}${location.search}`}</div>
  );
};

const render = (path: string) =>
  renderInTestApp(
    <>
      <SchemaRoutes>
        <div>The list</div>
      </SchemaRoutes>
      <Probe />
    </>,
    {
      initialRouteEntries: [path],
      mountedRoutes: catalogRoutes,
      apis: [kafkaHubTestApi(), mockApis.permission()],
    },
  );

const serve = (
  server: ReturnType<typeof setupServer>,
  detail: SchemaSubjectDetail,
  versions: SchemaVersion[] = avroVersions(),
  /** The most versions one answer holds (the backend's is 500). */
  maxPage = 500,
) => {
  const url = subjectUrl(detail.environment, detail.subject);
  const versionRequests: URL[] = [];
  server.use(
    http.get(url, () => HttpResponse.json(detail)),
    // Pages as the backend does: newest first, default 100.
    http.get(`${url}/versions`, ({ request }) => {
      const query = new URL(request.url);
      versionRequests.push(query);
      const limit = Math.min(
        Number(query.searchParams.get('limit') ?? 100),
        maxPage,
      );
      const offset = Number(query.searchParams.get('offset') ?? 0);
      return HttpResponse.json({
        items: versions.slice(offset, offset + limit),
        total: versions.length,
        limit,
        offset,
      });
    }),
  );
  return { versionRequests };
};

/** The text of a code snippet without its line numbers. */
const codeText = (region: HTMLElement) => {
  const copy = region.cloneNode(true) as HTMLElement;
  copy.querySelectorAll('.linenumber').forEach(n => n.remove());
  return copy.querySelector('code')?.textContent;
};

describe('SchemaDetail', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it("shows the subject's facts, references, pretty-printed latest version, timeline and diff", async () => {
    serve(
      server,
      makeDetail({
        references: [
          {
            name: 'com.example.Money',
            subject: 'shared/money:v é',
            version: 3,
          },
        ],
      }),
    );
    await render('/dev/orders.created-value');
    expect(await screen.findByTestId('progress')).toBeInTheDocument();

    expect(
      await screen.findByRole('heading', { name: 'orders.created-value' }),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Format: Avro')).toBeInTheDocument();
    const facts = screen.getByRole('table', { name: 'Subject details' });
    const fact = (label: string) =>
      within(facts)
        .getAllByRole('row')
        .find(row => row.firstElementChild?.textContent === label)
        ?.lastElementChild?.textContent;
    expect(fact('Environment')).toBe('dev');
    expect(fact('Compatibility')).toBe('BACKWARD (global)');
    expect(fact('Topic')).toBe('orders.created (value)');
    expect(fact('Latest version')).toBe('v2 (global id 12), 3 versions stored');
    expect(
      within(facts).getByRole('link', { name: 'orders-service' }),
    ).toHaveAttribute('href', '/catalog/default/component/orders-service');
    expect(
      within(facts).getByRole('link', { name: 'shared/money:v é v3' }),
    ).toHaveAttribute('href', '/dev/shared%2Fmoney%3Av%20%C3%A9');

    // The latest live version, pretty-printed.
    await waitFor(() =>
      expect(
        codeText(screen.getByRole('region', { name: 'Schema text of v2' })),
      ).toContain('    {\n      "name": "currency",\n      "type": "string",'),
    );

    const timeline = screen.getByRole('list', {
      name: 'Version history, newest first',
    });
    expect(
      within(timeline)
        .getAllByRole('listitem')
        .map(i => i.getAttribute('aria-label')),
    ).toEqual(['Version 3, deleted', 'Version 2', 'Version 1']);

    expect(
      screen.getByRole('table', { name: 'Differences between v2 and v3' }),
    ).toBeInTheDocument();

    // Another version, and another pair to compare, from the timeline.
    await userEvent.click(screen.getByRole('button', { name: 'View v1' }));
    await waitFor(() =>
      expect(
        codeText(screen.getByRole('region', { name: 'Schema text of v1' })),
      ).toContain('"type": "double"'),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Diff with v1' }));
    const diff = screen.getByRole('table', {
      name: 'Differences between v1 and v2',
    });
    expect(
      Array.from(diff.querySelectorAll('td[data-kind="removed"]')).map(
        c => c.textContent,
      ),
    ).toEqual(['      "type": "double"']);

    // Following a reference opens that subject.
    serve(
      server,
      makeDetail({ subject: 'shared/money:v é', topic: undefined }),
      [makeVersion()],
    );
    await userEvent.click(
      within(facts).getByRole('link', { name: 'shared/money:v é v3' }),
    );
    expect(
      await screen.findByRole('heading', { name: 'shared/money:v é' }),
    ).toBeInTheDocument();
  });

  it('says the compatibility level is the subject’s own, and shows Protobuf as it is', async () => {
    const proto = 'syntax = "proto3";\nmessage Key {\n  string id = 1;\n}\n';
    serve(
      server,
      makeDetail({
        subject: 'orders.created-key',
        format: 'PROTOBUF',
        compatibilitySource: 'subject',
        compatibility: 'FULL_TRANSITIVE',
        latestVersion: 1,
        versionCount: 1,
        entityRef: undefined,
      }),
      [makeVersion({ format: 'PROTOBUF', schema: proto })],
    );
    await render('/dev/orders.created-key');
    const facts = await screen.findByRole('table', { name: 'Subject details' });
    expect(facts).toHaveTextContent('FULL_TRANSITIVE (own setting)');
    expect(facts).toHaveTextContent('Not linked to a catalog entity');
    expect(screen.getByLabelText('Format: Protobuf')).toBeInTheDocument();
    await waitFor(() =>
      expect(
        codeText(screen.getByRole('region', { name: 'Schema text of v1' })),
      ).toBe(proto),
    );
    expect(
      screen.getByText(/This subject has a single version/),
    ).toBeInTheDocument();
  });

  it('checks compatibility from the header, starting from the latest version', async () => {
    serve(server, makeDetail());
    const bodies: unknown[] = [];
    server.use(
      http.post(
        `${subjectUrl('dev', 'orders.created-value')}/compatibility`,
        async ({ request }) => {
          bodies.push(await request.json());
          return HttpResponse.json({
            compatible: false,
            messages: ['Incompatible: field currency has no default'],
            level: 'BACKWARD',
            against: [2],
          });
        },
      ),
    );
    await render('/dev/orders.created-value');
    await userEvent.click(
      await screen.findByRole('button', { name: 'Check compatibility' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Check compatibility',
    });
    expect(
      within(dialog).getByRole('textbox', { name: 'Proposed schema' }),
    ).toHaveValue(
      JSON.stringify(JSON.parse(avroVersions()[1].schema), null, 2),
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Check' }),
    );
    expect(
      await within(dialog).findByText(
        'Incompatible: field currency has no default',
      ),
    ).toBeInTheDocument();
    expect(bodies).toHaveLength(1);
  });

  /** Presses Tab until `target` has the focus (at most 30 times). */
  async function tabTo(target: Element) {
    for (let i = 0; i < 30 && document.activeElement !== target; i++) {
      await userEvent.tab();
    }
  }

  it('offers no compatibility check for a stale subject, and says why to the keyboard too', async () => {
    serve(server, makeDetail({ status: 'stale' }));
    await render('/dev/orders.created-value');
    const check = await screen.findByRole('button', {
      name: 'Check compatibility',
    });
    expect(check).toBeDisabled();
    expect(screen.getByText('Stale')).toBeInTheDocument();
    await tabTo(check.parentElement!);
    expect(check.parentElement).toHaveFocus();
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'Only subjects still registered can be checked',
    );
  });

  it('shows why the subject could not be loaded, with a way back', async () => {
    server.use(
      http.get(subjectUrl('dev', 'gone'), () =>
        HttpResponse.json(
          errorBody(
            404,
            'NotFoundError',
            'No schema subject "gone" in environment "dev"',
          ),
          { status: 404 },
        ),
      ),
      http.get(`${subjectUrl('dev', 'gone')}/versions`, () =>
        HttpResponse.json(errorBody(404, 'NotFoundError', 'gone'), {
          status: 404,
        }),
      ),
    );
    await render('/dev/gone');
    expect(
      await screen.findByText(/Could not load the subject gone of dev/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/No schema subject "gone" in environment "dev"/)
        .length,
    ).toBeGreaterThan(0);
    await userEvent.click(
      screen.getByRole('link', { name: 'Back to schemas' }),
    );
    expect(await screen.findByText('The list')).toBeInTheDocument();
    expect(screen.getByTestId('location')).toHaveTextContent(/^\/$/);
  });

  it('loads the newest versions, and older ones on demand', async () => {
    // A backend answering two versions at a time: the page continues from
    // what arrived.
    const { versionRequests } = serve(
      server,
      makeDetail({ latestVersion: 2 }),
      avroVersions(),
      2,
    );
    await render('/dev/orders.created-value');
    expect(
      await screen.findByText('Newest 2 of 3 versions'),
    ).toBeInTheDocument();
    expect(versionRequests.map(r => r.search)).toEqual(['?limit=100']);

    await userEvent.click(
      screen.getByRole('button', { name: 'Load older versions (1 more)' }),
    );
    expect(
      await screen.findByText('3 versions, newest first'),
    ).toBeInTheDocument();
    expect(versionRequests.map(r => r.search)).toEqual([
      '?limit=100',
      '?limit=100&offset=2',
    ]);
    expect(
      screen.queryByRole('button', { name: /Load older versions/ }),
    ).not.toBeInTheDocument();
    for (const label of ['Version 3, deleted', 'Version 2', 'Version 1']) {
      expect(screen.getByLabelText(label)).toBeInTheDocument();
    }
  });

  it('keeps the facts when only the versions fail', async () => {
    const detail = makeDetail();
    const url = subjectUrl('dev', detail.subject);
    server.use(
      http.get(url, () => HttpResponse.json(detail)),
      http.get(`${url}/versions`, () =>
        HttpResponse.json(errorBody(500, 'Error', 'database is locked'), {
          status: 500,
        }),
      ),
    );
    await render('/dev/orders.created-value');
    expect(
      await screen.findByText(/Could not load the versions/),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('table', { name: 'Subject details' }),
    ).toBeInTheDocument();
  });
});
