import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { CheckCompatibilityDialog } from './CheckCompatibilityDialog';
import {
  errorBody,
  kafkaHubTestApi,
} from '../ProvisioningCommon/__testUtils__';
import { subjectUrl } from '../SchemaTable/__testUtils__';

jest.setTimeout(30_000);

const SUBJECT = 'orders/created:value é';
const COMPAT_URL = `${subjectUrl('dev', SUBJECT)}/compatibility`;

const render = (onClose = jest.fn()) =>
  renderInTestApp(
    <CheckCompatibilityDialog
      open
      onClose={onClose}
      environment="dev"
      subject={SUBJECT}
      format="AVRO"
      compatibility="BACKWARD"
      initialSchema='{"type": "string"}'
    />,
    { apis: [kafkaHubTestApi()] },
  );

const editor = () => screen.getByRole('textbox', { name: 'Proposed schema' });

describe('CheckCompatibilityDialog', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('sends the proposed schema and shows that it is compatible', async () => {
    const bodies: unknown[] = [];
    server.use(
      http.post(COMPAT_URL, async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json({
          compatible: true,
          messages: [],
          level: 'BACKWARD',
          against: [3],
        });
      }),
    );
    await render();
    const dialog = screen.getByRole('dialog', { name: 'Check compatibility' });
    expect(dialog).toHaveTextContent('(its level is BACKWARD)');
    expect(editor()).toHaveValue('{"type": "string"}');
    await userEvent.clear(editor());
    await userEvent.type(editor(), '{{"type": "long"}');
    await userEvent.click(screen.getByRole('button', { name: 'Check' }));

    expect(await screen.findByText('Compatible')).toBeInTheDocument();
    expect(
      screen.getByText(
        `The registry accepts this schema as the next version of ${SUBJECT}: compatible with v3 under BACKWARD.`,
      ),
    ).toBeInTheDocument();
    expect(bodies).toEqual([
      { schema: '{"type": "long"}', schemaType: 'AVRO' },
    ]);

    // Editing the schema clears the verdict.
    await userEvent.type(editor(), ' ');
    expect(screen.queryByText('Compatible')).not.toBeInTheDocument();
  });

  it('says that NONE accepts any schema and nothing was compared', async () => {
    server.use(
      http.post(COMPAT_URL, () =>
        HttpResponse.json({
          compatible: true,
          messages: [],
          level: 'NONE',
          against: [],
        }),
      ),
    );
    await render();
    await userEvent.click(screen.getByRole('button', { name: 'Check' }));
    expect(
      await screen.findByText(
        `Under NONE the registry accepts any schema as the next version of ${SUBJECT}; nothing was compared.`,
      ),
    ).toBeInTheDocument();
  });

  it('says that a subject without live versions accepts any schema', async () => {
    server.use(
      http.post(COMPAT_URL, () =>
        HttpResponse.json({
          compatible: true,
          messages: [],
          level: 'BACKWARD',
          against: [],
        }),
      ),
    );
    await render();
    await userEvent.click(screen.getByRole('button', { name: 'Check' }));
    expect(
      await screen.findByText(
        `${SUBJECT} has no live version: the registry accepts any schema as its next version.`,
      ),
    ).toBeInTheDocument();
  });

  it("names the version it breaks and lists the registry's messages when incompatible", async () => {
    server.use(
      http.post(COMPAT_URL, () =>
        HttpResponse.json({
          compatible: false,
          level: 'BACKWARD_TRANSITIVE',
          against: [2],
          messages: [
            "READER_FIELD_MISSING_DEFAULT_VALUE at /fields/1: 'currency' has no default",
            'oldSchemaVersion: 2',
          ],
        }),
      ),
    );
    await render();
    await userEvent.click(screen.getByRole('button', { name: 'Check' }));
    expect(await screen.findByText('Not compatible')).toBeInTheDocument();
    expect(
      screen.getByText('It breaks v2 under BACKWARD_TRANSITIVE.'),
    ).toBeInTheDocument();
    const list = screen.getByRole('list', { name: 'Registry messages' });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map(i => i.textContent),
    ).toEqual([
      "READER_FIELD_MISSING_DEFAULT_VALUE at /fields/1: 'currency' has no default",
      'oldSchemaVersion: 2',
    ]);
  });

  it('says so when the registry rejects without detail', async () => {
    server.use(
      http.post(COMPAT_URL, () =>
        HttpResponse.json({
          compatible: false,
          messages: [],
          level: 'BACKWARD',
          against: [4],
        }),
      ),
    );
    await render();
    await userEvent.click(screen.getByRole('button', { name: 'Check' }));
    expect(
      await screen.findByText(/gave no further detail/),
    ).toBeInTheDocument();
  });

  it("shows the server's error when the check cannot run", async () => {
    server.use(
      http.post(COMPAT_URL, () =>
        HttpResponse.json(
          errorBody(
            503,
            'ServiceUnavailableError',
            'The Schema Registry of "dev" could not check the schema: connect ECONNREFUSED',
          ),
          { status: 503 },
        ),
      ),
    );
    await render();
    await userEvent.click(screen.getByRole('button', { name: 'Check' }));
    expect(
      await screen.findByText('The check could not run'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(
        'The Schema Registry of "dev" could not check the schema: connect ECONNREFUSED',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Check' })).toBeEnabled();
  });

  it('sends the references it is given', async () => {
    const bodies: unknown[] = [];
    server.use(
      http.post(COMPAT_URL, async ({ request }) => {
        bodies.push(await request.json());
        return HttpResponse.json({
          compatible: true,
          messages: [],
          level: 'BACKWARD',
          against: [1],
        });
      }),
    );
    const references = [
      { name: 'com.example.Money', subject: 'shared-money', version: 2 },
    ];
    await renderInTestApp(
      <CheckCompatibilityDialog
        open
        onClose={jest.fn()}
        environment="dev"
        subject={SUBJECT}
        format="AVRO"
        initialSchema='{"type": "com.example.Money"}'
        references={references}
      />,
      { apis: [kafkaHubTestApi()] },
    );
    expect(
      screen.getByText(
        /sent with the references of the latest version: shared-money v2/,
      ),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Check' }));
    expect(await screen.findByText('Compatible')).toBeInTheDocument();
    expect(bodies).toEqual([
      {
        schema: '{"type": "com.example.Money"}',
        schemaType: 'AVRO',
        references,
      },
    ]);
  });

  it('cannot check an empty schema, and closes', async () => {
    const onClose = jest.fn();
    await render(onClose);
    await userEvent.clear(editor());
    expect(screen.getByRole('button', { name: 'Check' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });
});
