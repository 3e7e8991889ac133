import { screen, within } from '@testing-library/react';
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
const rowOf = (cellText: HTMLElement) => cellText.closest('tr')!;

describe('TaskRunsCard', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  it('shows each task with how it ended, what it did or its whole error, and refreshes', async () => {
    let calls = 0;
    const body: KafkaHubTaskRunList = {
      items: [
        {
          environment: 'dev',
          task: 'schema-sync',
          lastRunAt: minutesAgo(2),
          lastSuccessAt: minutesAgo(2),
          durationMs: 1250,
          outcome: 'succeeded',
          summary: '11 subjects, 0 versions fetched',
        },
        {
          environment: 'prod',
          task: 'lag-sampler',
          lastRunAt: minutesAgo(1),
          durationMs: 40,
          outcome: 'failed',
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

    const schemaSync = rowOf(await screen.findByText('Schema sync'));
    expect(within(schemaSync).getByText('Succeeded')).toBeInTheDocument();
    expect(
      within(schemaSync).getByText('11 subjects, 0 versions fetched'),
    ).toBeInTheDocument();
    expect(within(schemaSync).getByText('took 1.3 s')).toBeInTheDocument();
    const lag = rowOf(screen.getByText('Lag sampler'));
    expect(within(lag).getByText('Failed')).toBeInTheDocument();
    expect(within(lag).getByText('took 40 ms')).toBeInTheDocument();
    expect(
      within(lag).getByText(
        /Connection error: connect ECONNREFUSED\s+at Socket/,
      ),
    ).toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Refresh task runs' }),
    );
    await screen.findByText('Schema sync');
    expect(calls).toBe(2);
  });

  it("shows provisioning's tasks across environments: a reconcile that refused a mass removal, a run-due that ran out of time", async () => {
    const message =
      'Reconcile skipped removing 812 of 1000 applications (81%, limit 50%): the catalog may be incomplete. If the removal is intended, raise kafkaHub.provisioning.maxRemovalShare.';
    const stopped =
      "Provisioning of due applications stopped: the task's time ran out; the 3 it claimed run again at their next attempt";
    const body: KafkaHubTaskRunList = {
      items: [
        {
          task: 'provisioning-reconcile',
          lastRunAt: minutesAgo(1),
          lastSuccessAt: minutesAgo(30),
          durationMs: 900,
          outcome: 'partial',
          error: message,
          summary: '0 new, 0 changed, 188 unchanged, 0 removed',
        },
        {
          task: 'provisioning-run-due',
          lastRunAt: minutesAgo(2),
          lastSuccessAt: minutesAgo(3),
          durationMs: 900_000,
          outcome: 'aborted',
          error: stopped,
        },
      ],
    };
    server.use(http.get(TASKS_URL, () => HttpResponse.json(body)));
    await renderInTestApp(<TaskRunsCard />, { apis: [kafkaHubTestApi()] });

    const reconcile = rowOf(
      await screen.findByText('Provisioning reconcile with the catalog'),
    );
    expect(within(reconcile).getByText('All environments')).toBeInTheDocument();
    expect(within(reconcile).getByText('Partial')).toBeInTheDocument();
    expect(within(reconcile).getByText(message)).toBeInTheDocument();
    expect(
      within(reconcile).getByText('0 new, 0 changed, 188 unchanged, 0 removed'),
    ).toBeInTheDocument();

    const runDue = rowOf(screen.getByText('Provisioning of due applications'));
    expect(within(runDue).getByText('All environments')).toBeInTheDocument();
    expect(within(runDue).getByText('Aborted')).toBeInTheDocument();
    expect(within(runDue).getByText('took 15.0 min')).toBeInTheDocument();
    expect(within(runDue).getByText(stopped)).toBeInTheDocument();
  });

  it('says when no task has run yet', async () => {
    server.use(http.get(TASKS_URL, () => HttpResponse.json({ items: [] })));
    await renderInTestApp(<TaskRunsCard />, { apis: [kafkaHubTestApi()] });
    expect(
      await screen.findByText(/No scheduled task has run yet/),
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
