import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  StatusAborted,
  StatusError,
  StatusOK,
  StatusWarning,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  KafkaHubTaskName,
  KafkaHubTaskOutcome,
  KafkaHubTaskRun,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { readableColour, surfaces } from '../../theme/readableColour';
import { RefreshButton } from '../RefreshButton';
import { PropsWithChildren } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { kafkaHubApiRef } from '../../api';
import { useTableTextStyles } from '../ListControls';
import { RelativeTime } from '../ProvisioningCommon';

const TASK_LABEL: Record<KafkaHubTaskName, string> = {
  'schema-sync': 'Schema sync',
  'consumer-group-sync': 'Consumer group sync',
  'lag-sampler': 'Lag sampler',
  'lag-retention': 'Lag history retention',
  'topic-sampler': 'Topic sampler',
  'provisioning-reconcile': 'Provisioning reconcile with the catalog',
  'provisioning-run-due': 'Provisioning of due applications',
};

/** Each outcome in words, with Backstage's status icon beside the word. */
const OUTCOME: Record<
  KafkaHubTaskOutcome,
  { label: string; Status: (props: PropsWithChildren<{}>) => JSX.Element }
> = {
  succeeded: { label: 'Succeeded', Status: StatusOK },
  partial: { label: 'Partial', Status: StatusWarning },
  failed: { label: 'Failed', Status: StatusError },
  aborted: { label: 'Aborted', Status: StatusAborted },
};

const Outcome = ({ outcome }: { outcome: KafkaHubTaskOutcome }) => {
  const known = OUTCOME[outcome];
  if (!known) {
    // A backend newer than this page: say what it said.
    return <Typography variant="body2">{outcome}</Typography>;
  }
  const { Status, label } = known;
  return <Status>{label}</Status>;
};

const useStyles = makeStyles(theme => ({
  error: {
    margin: 0,
    whiteSpace: 'pre-wrap',
    fontFamily: theme.typography.fontFamily,
    // Readable on the card and on striped rows (error.main is 3.5:1).
    color: readableColour(theme.palette.error.main, surfaces(theme)),
  },
}));

function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/**
 * The last run of every scheduled task of Kafka Hub: the sync tasks per
 * environment and provisioning's reconcile and run-due across them. Each
 * with how it ended (succeeded, partial, failed, aborted), when, how long
 * it took, its last success, and what it did or its whole error (e.g. a
 * mass removal the reconcile refused).
 */
export const TaskRunsCard = () => {
  const classes = useStyles();
  const tableText = useTableTextStyles();
  const api = useApi(kafkaHubApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listTaskRuns(),
    [api],
  );

  // Headers stay on one line and words never break (the table's styles),
  // so the columns are few enough to fit a 1280 px window: the duration
  // goes under the last run.
  const columns: TableColumn<KafkaHubTaskRun>[] = [
    {
      title: 'Environment',
      width: '13%',
      render: run => run.environment ?? 'All environments',
    },
    {
      title: 'Task',
      width: '16%',
      render: run => TASK_LABEL[run.task] ?? run.task,
    },
    {
      title: 'Result',
      width: '12%',
      render: run => (
        <span className={tableText.noWrap}>
          <Outcome outcome={run.outcome} />
        </span>
      ),
    },
    {
      title: 'Last run',
      width: '13%',
      render: run => (
        <>
          <RelativeTime iso={run.lastRunAt} />
          <Typography
            variant="body2"
            color="textSecondary"
            className={tableText.noWrap}
          >
            took {formatDuration(run.durationMs)}
          </Typography>
        </>
      ),
    },
    {
      title: 'Last success',
      width: '12%',
      render: run => <RelativeTime iso={run.lastSuccessAt} />,
    },
    {
      title: 'Details',
      // The widest column: whole errors and summaries.
      width: '34%',
      render: run => (
        <>
          {run.error && <pre className={classes.error}>{run.error}</pre>}
          {run.summary && (
            <Typography variant="body2">{run.summary}</Typography>
          )}
        </>
      ),
    },
  ];

  let content;
  if (loading && !value) {
    content = <Progress />;
  } else if (error) {
    content = (
      <ResponseErrorPanel error={error} title="Could not load the task runs" />
    );
  } else {
    content = (
      <div className={tableText.table}>
        <Table<KafkaHubTaskRun>
          options={{
            paging: false,
            search: false,
            // Draggable headers nest a focusable wrapper around the sort button.
            draggable: false,
            toolbar: false,
            padding: 'dense',
          }}
          columns={columns}
          data={value?.items ?? []}
          emptyContent={
            <Typography variant="body2" style={{ padding: 16 }}>
              No scheduled task has run yet. Provisioning, schema sync and
              consumer-group tasks run on their schedules
              (kafkaHub.provisioning, kafkaHub.schemas and
              kafkaHub.consumerGroups).
            </Typography>
          }
        />
      </div>
    );
  }
  return (
    <InfoCard
      title="Scheduled tasks"
      subheader="How the last run of each scheduled task ended, when, and how long it took"
      action={<RefreshButton label="Refresh task runs" onRefresh={retry} />}
    >
      {content}
    </InfoCard>
  );
};
