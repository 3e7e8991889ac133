import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import {
  KafkaApplicationTopics,
  KafkaMessageList,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { EntityTopicsCard } from './EntityTopicsCard';
import {
  applicationUrl,
  errorBody,
  kafkaHubTestApi,
  permissionsDenying,
} from '../ProvisioningCommon/__testUtils__';

const REF = 'component:default/orders-service';
const TOPIC = 'orders.created';
const messagesUrl = (ref: string) =>
  `${applicationUrl(ref)}/topics/${encodeURIComponent(TOPIC)}/messages`;

const topics = (ref: string): KafkaApplicationTopics => ({
  entityRef: ref,
  prefix: 'orders.',
  environments: [
    {
      environment: 'dev',
      sampledAt: new Date().toISOString(),
      topics: [
        {
          name: TOPIC,
          partitions: 2,
          replicationFactor: 1,
          underReplicatedPartitions: 0,
          offlinePartitions: 0,
          minInSyncReplicas: 1,
          leaders: [1],
          partitionDetail: [],
          consumerGroups: [],
          declared: true,
        },
      ],
      drift: [],
    },
  ],
});

const list = (
  messages: KafkaMessageList['messages'],
  stoppedBy: KafkaMessageList['stoppedBy'] = 'end',
): KafkaMessageList => ({
  environment: 'dev',
  topic: TOPIC,
  messages,
  partitions: [],
  stoppedBy,
  bounds: { maxMessages: 500, maxBytes: 5242880, timeoutMs: 10000 },
});

const avroMessage: KafkaMessageList['messages'][number] = {
  partition: 1,
  offset: '41',
  timestamp: '2026-12-01T10:00:00.000Z',
  key: { format: 'text', data: 'order-41', sizeBytes: 8 },
  value: {
    format: 'avro',
    schemaId: 7,
    data: { id: 'order-41', email: '***', amount: 12.5 },
    sizeBytes: 30,
  },
  headers: [{ key: 'trace', value: 'abc', format: 'text' }],
};

describe('TopicMessagesDialog on the topics card', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  const requests: URL[] = [];

  function serve(
    ref: string,
    answer: (url: URL) => Response | Promise<Response>,
  ) {
    requests.length = 0;
    server.use(
      http.get(`${applicationUrl(ref)}/topics`, () =>
        HttpResponse.json(topics(ref)),
      ),
      http.get(messagesUrl(ref), ({ request }) => {
        const url = new URL(request.url);
        requests.push(url);
        return answer(url);
      }),
    );
  }

  async function openMessages() {
    const button = await screen.findByRole('button', {
      name: `Read messages of ${TOPIC}`,
    });
    // Keyboard reachable: focus it and press Enter.
    button.focus();
    await userEvent.keyboard('{Enter}');
    return screen.findByRole('dialog', {
      name: `Messages of ${TOPIC} in dev`,
    });
  }

  it('opens the latest messages decoded, with their format and headers', async () => {
    serve(REF, () => HttpResponse.json(list([avroMessage], 'limit')));
    await renderInTestApp(<EntityTopicsCard entityRef={REF} />, {
      apis: [kafkaHubTestApi()],
    });
    const dialog = await openMessages();
    const table = await within(dialog).findByRole('table', {
      name: `Messages of ${TOPIC}`,
    });
    const row = within(table).getAllByRole('row')[1];
    expect(within(row).getByText('41')).toBeInTheDocument();
    expect(within(row).getByText('Avro · schema 7')).toBeInTheDocument();
    expect(within(row).getByText('Text')).toBeInTheDocument();
    expect(within(row).getByText(/"email": "\*\*\*"/)).toBeInTheDocument();
    expect(within(row).getByText(/"amount": 12.5/)).toBeInTheDocument();
    expect(within(row).getByText('trace: abc')).toBeInTheDocument();
    expect(
      within(dialog).getByText(/Stopped at the message limit/),
    ).toBeInTheDocument();
    expect(requests[0].searchParams.get('environment')).toBe('dev');
    expect(requests[0].searchParams.get('start')).toBe('latest');
    expect(requests[0].searchParams.get('limit')).toBe('20');
    expect(requests[0].searchParams.get('partition')).toBeNull();
  });

  it('reads one partition from an offset, and says when nothing is there', async () => {
    const ref = 'component:default/orders-offsets';
    serve(ref, url =>
      HttpResponse.json(
        list(url.searchParams.get('start') === 'offset' ? [] : [avroMessage]),
      ),
    );
    await renderInTestApp(<EntityTopicsCard entityRef={ref} />, {
      apis: [kafkaHubTestApi()],
    });
    const dialog = await openMessages();
    await within(dialog).findByRole('table');

    await userEvent.click(within(dialog).getByRole('button', { name: /All/ }));
    await userEvent.click(await screen.findByRole('option', { name: '1' }));
    await userEvent.click(
      within(dialog).getByRole('button', { name: /Latest/ }),
    );
    await userEvent.click(
      await screen.findByRole('option', { name: 'From offset' }),
    );
    const offset = within(dialog).getByLabelText('Offset');
    await userEvent.clear(offset);
    await userEvent.type(offset, '5000');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Read' }));

    expect(
      await within(dialog).findByText('No messages in this range.'),
    ).toBeInTheDocument();
    const last = requests[requests.length - 1].searchParams;
    expect(last.get('start')).toBe('offset');
    expect(last.get('offset')).toBe('5000');
    expect(last.get('partition')).toBe('1');
  });

  it('shows why a read failed', async () => {
    const ref = 'component:default/orders-failing';
    serve(ref, () =>
      HttpResponse.json(
        errorBody(400, 'InputError', 'environment "dev" is not configured'),
        { status: 400 },
      ),
    );
    await renderInTestApp(<EntityTopicsCard entityRef={ref} />, {
      apis: [kafkaHubTestApi()],
    });
    const dialog = await openMessages();
    expect(
      await within(dialog).findByText(/Could not read the messages/),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText(/environment "dev" is not configured/),
    ).toBeInTheDocument();
  });

  it('offers no messages without the permission on that entity', async () => {
    const ref = 'component:default/not-mine';
    serve(ref, () => HttpResponse.json(list([avroMessage])));
    const permissionApi = permissionsDenying('kafka-hub.messages.read');
    const authorize = jest.spyOn(permissionApi, 'authorize');
    await renderInTestApp(<EntityTopicsCard entityRef={ref} />, {
      apis: [kafkaHubTestApi(), permissionApi],
    });
    expect(await screen.findByText(TOPIC)).toBeInTheDocument();
    await waitFor(() =>
      expect(authorize).toHaveBeenCalledWith(
        expect.objectContaining({
          permission: expect.objectContaining({
            name: 'kafka-hub.messages.read',
          }),
          resourceRef: ref,
        }),
      ),
    );
    expect(
      screen.queryByRole('button', { name: `Read messages of ${TOPIC}` }),
    ).not.toBeInTheDocument();
    expect(requests).toHaveLength(0);
  });
});
