import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { KafkaApplication } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { ProvisioningStatusBadge } from '../ProvisioningStatusBadge';
import { RetryProvisioningButton } from '../RetryProvisioningButton';
import {
  environmentRows,
  environmentText,
  EnvironmentStatus,
  hasProvisioningIssue,
  RelativeTime,
  retryBlockedReason,
} from '../ProvisioningCommon';
import { useTableTextStyles } from '../ListControls';

const useStyles = makeStyles(theme => ({
  summary: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  detail: {
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
  },
}));

const ProvisioningSummary = ({
  app,
  onChange,
}: {
  app: KafkaApplication;
  onChange: () => void;
}) => {
  const classes = useStyles();
  const completed = app.status === 'completed';
  return (
    <Box className={classes.summary}>
      <ProvisioningStatusBadge status={app.status} />
      <Typography variant="body2" color="textSecondary">
        {app.attemptCount} attempt{app.attemptCount === 1 ? '' : 's'}
        {app.lastAttemptAt && (
          <>
            {' · last '}
            <RelativeTime iso={app.lastAttemptAt} />
          </>
        )}
        {app.nextAttemptAt && !completed && (
          <>
            {' · next automatic attempt '}
            <RelativeTime iso={app.nextAttemptAt} />
          </>
        )}
      </Typography>
      <span style={{ flexGrow: 1 }} />
      <RetryProvisioningButton
        entityRef={app.entityRef}
        status={app.status}
        disabledReason={retryBlockedReason(app)}
        all={completed}
        label={completed ? 'Provision again' : 'Retry provisioning'}
        onStarted={onChange}
        onFailed={onChange}
      />
    </Box>
  );
};

/**
 * Props of {@link EntityProvisioningCard}.
 *
 * @public
 */
export interface EntityProvisioningCardProps {
  /** The entity's application, from `KafkaHubApi.getApplication`. */
  app?: KafkaApplication;
  /** Whether the application is being (re)loaded. */
  loading: boolean;
  /** Why loading the application failed. */
  error?: Error;
  /** Called after a retry started or failed, to reload the application. */
  onChange: () => void;
}

/**
 * The entity's provisioning per environment: overall status, attempts,
 * retry, and a table of each environment's outcome.
 *
 * @public
 */
export const EntityProvisioningCard = ({
  app,
  loading,
  error,
  onChange,
}: EntityProvisioningCardProps) => {
  const classes = useStyles();
  const tableText = useTableTextStyles();
  let content;
  if (loading && !app) {
    content = <Progress />;
  } else if (error && !app) {
    content = (
      <ResponseErrorPanel
        error={error}
        title="Could not load the provisioning status"
      />
    );
  } else if (!app) {
    content = (
      <Typography variant="body2" color="textSecondary">
        Kafka Hub has not recorded this application yet. Its reconcile task
        picks up new applications on its next run, then provisions them in each
        environment.
      </Typography>
    );
  } else {
    const rows = environmentRows(app);
    const showError =
      hasProvisioningIssue(app) &&
      !!app.error &&
      !rows.some(row => row.detail?.status === 'failed');
    content = (
      <>
        <ProvisioningSummary app={app} onChange={onChange} />
        {showError && (
          <Typography variant="body2" color="error" paragraph>
            {app.error}
          </Typography>
        )}
        <Table
          size="small"
          aria-label="Provisioning per environment"
          className={tableText.table}
        >
          <TableHead>
            <TableRow>
              <TableCell>Environment</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>Detail</TableCell>
              <TableCell>Finished</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(row => (
              <TableRow key={row.environment}>
                <TableCell className={tableText.noWrap}>
                  {row.environment}
                </TableCell>
                <TableCell className={tableText.noWrap}>
                  <EnvironmentStatus row={row} />
                </TableCell>
                <TableCell className={classes.detail}>
                  {environmentText(row)}
                </TableCell>
                <TableCell className={tableText.noWrap}>
                  <RelativeTime iso={row.detail?.finishedAt} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </>
    );
  }
  return <InfoCard title="Provisioning">{content}</InfoCard>;
};
