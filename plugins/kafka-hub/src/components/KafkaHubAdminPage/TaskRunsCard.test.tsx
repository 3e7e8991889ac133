import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { KafkaHubTaskRunList } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import { TaskRunsCard } from './TaskRunsCard';
import { BASE_URL, kafkaHubTestApi } from '../ProvisioningCommon/__testUtils__';

// A whole test app can take seconds to start on a loaded machine.
jest.setTimeout(30_000);

const TASKS_URL = `${BASE_URL}/admin/tasks`;
const minutesAgo = (m: number) =>
  new Date(Date.now() - m * 60_000).toISOString();

describe('TaskRunsCard', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows each task with what it did or its whole error, and refreshes', async () => {
    let calls = 0;
    const body: KafkaHubTaskRunList = {
      items: [
        {
          environment: 'dev',
          task: 'schema-sync',
          lastRunAt: minutesAgo(2),
          lastSuccessAt: minutesAgo(2),
          durationMs: 1250,
          summary: 'succeeded: 11 subjects, 0 versions fetched',
        },
        {
          environment: 'prod',
          task: 'lag-sampler',
          lastRunAt: minutesAgo(1),
          durationMs: 40,
          error: 'Connection error: connect ECONNREFUSED\n  at Socket',
        },
      ],
    };
    server.use(
      http.get(TASKS_URL, () => {
        calls++;
        return HttpResponse.json(body);
      }),
    );
    await renderInTestApp(<TaskRunsCard />, { apis: [kafkaHubTestApi()] });

    expect(await screen.findByText('Schema sync')).toBeInTheDocument();
    expect(
      screen.getByText('succeeded: 11 subjects, 0 versions fetched'),
    ).toBeInTheDocument();
    expect(screen.getByText('1.3 s')).toBeInTheDocument();
    expect(screen.getByText('Lag sampler')).toBeInTheDocument();
    expect(screen.getByText('40 ms')).toBeInTheDocument();
    expect(
      screen.getByText(/Connection error: connect ECONNREFUSED\s+at Socket/),
    ).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Refresh task runs' }),
    );
    await screen.findByText('Schema sync');
    expect(calls).toBe(2);
  });

  it('shows a reconcile that refused a mass removal, across environments', async () => {
    const message =
      'Reconcile skipped removing 812 of 1000 applications (81%, limit 50%): the catalog may be incomplete. If the removal is intended, raise kafkaHub.provisioning.maxRemovalShare.';
    const body: KafkaHubTaskRunList = {
      items: [
        {
          task: 'provisioning-reconcile',
          lastRunAt: minutesAgo(1),
          lastSuccessAt: minutesAgo(30),
          durationMs: 900,
          error: message,
          summary: '0 new, 0 changed, 188 unchanged, 0 removed',
        },
      ],
    };
    server.use(http.get(TASKS_URL, () => HttpResponse.json(body)));
    await renderInTestApp(<TaskRunsCard />, { apis: [kafkaHubTestApi()] });

    expect(
      await screen.findByText('Provisioning reconcile with the catalog'),
    ).toBeInTheDocument();
    expect(screen.getByText('All environments')).toBeInTheDocument();
    expect(screen.getByText(message)).toBeInTheDocument();
  });

  it('says when no task has run yet', async () => {
    server.use(http.get(TASKS_URL, () => HttpResponse.json({ items: [] })));
    await renderInTestApp(<TaskRunsCard />, { apis: [kafkaHubTestApi()] });
    expect(
      await screen.findByText(/No scheduled sync task has run yet/),
    ).toBeInTheDocument();
  });

  it('shows the server error when loading fails', async () => {
    server.use(
      http.get(TASKS_URL, () =>
        HttpResponse.json(
          { error: { name: 'NotAllowedError', message: 'Missing permission' } },
          { status: 403 },
        ),
      ),
    );
    await renderInTestApp(<TaskRunsCard />, { apis: [kafkaHubTestApi()] });
    expect(
      await screen.findByText(/Could not load the task runs/),
    ).toBeInTheDocument();
  });
});
