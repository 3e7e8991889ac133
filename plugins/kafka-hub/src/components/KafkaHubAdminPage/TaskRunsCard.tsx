import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  KafkaHubTaskName,
  KafkaHubTaskRun,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import IconButton from '@material-ui/core/IconButton';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import RefreshIcon from '@material-ui/icons/Refresh';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { kafkaHubApiRef } from '../../api';
import { RelativeTime } from '../ProvisioningCommon';

const TASK_LABEL: Record<KafkaHubTaskName, string> = {
  'schema-sync': 'Schema sync',
  'consumer-group-sync': 'Consumer group sync',
  'lag-sampler': 'Lag sampler',
  'lag-retention': 'Lag history retention',
  'provisioning-reconcile': 'Provisioning reconcile with the catalog',
};

const useStyles = makeStyles(theme => ({
  error: {
    margin: 0,
    whiteSpace: 'pre-wrap',
    fontFamily: theme.typography.fontFamily,
    color: theme.palette.error.main,
  },
}));

function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * The last run of every scheduled sync task per environment, and of the
 * provisioning reconcile: when it ran, how long it took, what it did or the
 * whole error (e.g. a mass removal the reconcile refused).
 */
export const TaskRunsCard = () => {
  const classes = useStyles();
  const api = useApi(kafkaHubApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.listTaskRuns(),
    [api],
  );

  const columns: TableColumn<KafkaHubTaskRun>[] = [
    {
      title: 'Environment',
      render: run => run.environment ?? 'All environments',
    },
    { title: 'Task', render: run => TASK_LABEL[run.task] ?? run.task },
    { title: 'Last run', render: run => <RelativeTime iso={run.lastRunAt} /> },
    { title: 'Duration', render: run => formatDuration(run.durationMs) },
    {
      title: 'Last success',
      render: run => <RelativeTime iso={run.lastSuccessAt} />,
    },
    {
      title: 'Outcome',
      render: run =>
        run.error ? (
          <pre className={classes.error}>{run.error}</pre>
        ) : (
          <Typography variant="body2">{run.summary ?? 'Succeeded'}</Typography>
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
      <Table<KafkaHubTaskRun>
        options={{
          paging: false,
          search: false,
          toolbar: false,
          padding: 'dense',
        }}
        columns={columns}
        data={value?.items ?? []}
        emptyContent={
          <Typography variant="body2" style={{ padding: 16 }}>
            No scheduled sync task has run yet. Schema sync and consumer-group
            tasks run on their schedules (kafkaHub.schemas and
            kafkaHub.consumerGroups).
          </Typography>
        }
      />
    );
  }
  return (
    <InfoCard
      title="Scheduled tasks"
      subheader="The last run of each scheduled task"
      action={
        <IconButton aria-label="Refresh task runs" onClick={retry}>
          <RefreshIcon />
        </IconButton>
      }
    >
      {content}
    </InfoCard>
  );
};
