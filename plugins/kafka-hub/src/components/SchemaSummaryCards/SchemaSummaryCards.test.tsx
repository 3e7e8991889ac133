import { screen, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { SchemaSummaryCards } from './SchemaSummaryCards';
import {
  errorBody,
  kafkaHubTestApi,
} from '../ProvisioningCommon/__testUtils__';
import { makeSummary, SCHEMA_SUMMARY_URL } from '../SchemaTable/__testUtils__';

jest.setTimeout(30_000);

const render = (entityRefs?: string[]) =>
  renderInTestApp(<SchemaSummaryCards entityRefs={entityRefs} />, {
    apis: [kafkaHubTestApi()],
  });

const count = (label: string) =>
  within(screen.getByRole('region', { name: label })).getByText(/^\d+$/)
    .textContent;

describe('SchemaSummaryCards', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows progress, then the total and the counts per format and status', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>(r => {
      release = r;
    });
    const requests: URL[] = [];
    server.use(
      http.get(SCHEMA_SUMMARY_URL, async ({ request }) => {
        requests.push(new URL(request.url));
        await released;
        return HttpResponse.json(makeSummary());
      }),
    );
    await render();
    expect(await screen.findByTestId('progress')).toBeInTheDocument();
    release();
    await screen.findByRole('region', { name: 'Total subjects' });
    expect(count('Total subjects')).toBe('6');
    expect(count('Avro')).toBe('3');
    expect(count('Protobuf')).toBe('2');
    expect(count('JSON Schema')).toBe('1');
    expect(count('Registered')).toBe('4');
    expect(count('Deleted')).toBe('1');
    expect(count('Stale')).toBe('1');
    expect(requests[0].searchParams.has('entityRef')).toBe(false);
  });

  it("counts only the given entities' subjects", async () => {
    const requests: URL[] = [];
    server.use(
      http.get(SCHEMA_SUMMARY_URL, ({ request }) => {
        requests.push(new URL(request.url));
        return HttpResponse.json(makeSummary({ total: 2 }));
      }),
    );
    await render(['component:default/a', 'component:default/b']);
    await screen.findByRole('region', { name: 'Total subjects' });
    expect(count('Total subjects')).toBe('2');
    expect(
      requests[0].searchParams.getAll('entityRef').flatMap(v => v.split(',')),
    ).toEqual(['component:default/a', 'component:default/b']);
  });

  it('counts nothing, without asking, for no entity', async () => {
    await render([]);
    await screen.findByRole('region', { name: 'Total subjects' });
    expect(count('Total subjects')).toBe('0');
  });

  it('shows the error', async () => {
    server.use(
      http.get(SCHEMA_SUMMARY_URL, () =>
        HttpResponse.json(
          errorBody(400, 'InputError', 'entityRef "x" is not an entity ref'),
          {
            status: 400,
          },
        ),
      ),
    );
    await render(['x']);
    expect(
      await screen.findByText(/Could not load the schema summary/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/entityRef "x" is not an entity ref/).length,
    ).toBeGreaterThan(0);
  });
});
