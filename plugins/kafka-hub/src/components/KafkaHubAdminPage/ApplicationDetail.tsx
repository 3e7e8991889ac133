import { Fragment, ReactNode } from 'react';
import {
  CopyTextButton,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  KafkaApplication,
  ProvisioningRunSummary,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { kafkaHubApiRef } from '../../api';
import { ProvisioningStatusBadge } from '../ProvisioningStatusBadge';
import { IdText, useTableTextStyles } from '../ListControls';
import {
  environmentRows,
  EnvironmentStatus,
  RelativeTime,
} from '../ProvisioningCommon';

const useStyles = makeStyles(theme => ({
  root: {
    padding: theme.spacing(2, 2, 3, 2),
  },
  section: {
    marginTop: theme.spacing(2),
  },
  label: {
    color: theme.palette.text.secondary,
  },
  pre: {
    margin: theme.spacing(0.5, 0, 0, 0),
    padding: theme.spacing(1, 1.5),
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
    fontFamily: 'monospace',
    fontSize: theme.typography.body2.fontSize,
    color: theme.palette.text.primary,
    backgroundColor: theme.palette.background.default,
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    // Shown whole: a scrolling box would need keyboard focus to be read.
  },
  runId: {
    display: 'inline-flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    fontFamily: 'monospace',
  },
  env: {
    marginTop: theme.spacing(1.5),
  },
  envHeading: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1.5),
  },
}));

const TRIGGER_LABEL: Record<ProvisioningRunSummary['trigger'], string> = {
  schedule: 'Schedule',
  retry: 'Retry',
  'retry-all': 'Retry all failed',
  'desired-state-changed': 'Desired state changed',
};

const RunId = ({ runId }: { runId: string }) => {
  const classes = useStyles();
  return (
    <span className={classes.runId}>
      <code>{runId}</code>
      <CopyTextButton
        text={runId}
        aria-label={`Copy run ID ${runId}`}
        tooltipText="Run ID copied"
      />
    </span>
  );
};

const Field = ({ label, children }: { label: string; children: ReactNode }) => {
  const classes = useStyles();
  return (
    <Grid item xs={12} sm={6} md={3}>
      <Typography variant="caption" component="div" className={classes.label}>
        {label}
      </Typography>
      <Typography variant="body2" component="div">
        {children}
      </Typography>
    </Grid>
  );
};

const RunHistory = ({ runs }: { runs: ProvisioningRunSummary[] }) => {
  const classes = useStyles();
  const tableText = useTableTextStyles();
  if (runs.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No runs yet.
      </Typography>
    );
  }
  return (
    // Words stay whole and ids break at '.', '-' and '_' (the Backstage
    // theme broke "Trigger" into "Trig / ger"); a run's error gets a row of
    // its own, the table's width, instead of a narrow column.
    <Table size="small" aria-label="Run history" className={tableText.table}>
      <TableHead>
        <TableRow>
          <TableCell>Run ID</TableCell>
          <TableCell>Trigger</TableCell>
          <TableCell>Requested by</TableCell>
          <TableCell>Environments</TableCell>
          <TableCell>Started</TableCell>
          <TableCell>Finished</TableCell>
          <TableCell>Result</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {runs.map(run => (
          <Fragment key={run.runId}>
            <TableRow>
              <TableCell className={tableText.idCell}>
                <RunId runId={run.runId} />
              </TableCell>
              <TableCell>{TRIGGER_LABEL[run.trigger] ?? run.trigger}</TableCell>
              <TableCell>
                {run.requestedBy ? <IdText text={run.requestedBy} /> : '—'}
              </TableCell>
              <TableCell>{run.environments.join(', ') || '—'}</TableCell>
              <TableCell>
                <RelativeTime iso={run.startedAt} />
              </TableCell>
              <TableCell>
                {run.finishedAt ? <RelativeTime iso={run.finishedAt} /> : '—'}
              </TableCell>
              <TableCell>
                {!run.result && 'Running'}
                {run.result === 'interrupted' && 'Interrupted'}
                {run.result && run.result !== 'interrupted' && (
                  <ProvisioningStatusBadge status={run.result} />
                )}
              </TableCell>
            </TableRow>
            {run.error && (
              <TableRow aria-label={`Error of run ${run.runId}`}>
                <TableCell colSpan={7}>
                  <pre className={classes.pre}>{run.error}</pre>
                </TableCell>
              </TableRow>
            )}
          </Fragment>
        ))}
      </TableBody>
    </Table>
  );
};

/**
 * The full detail of one application for admins: every error whole, the
 * copyable run id, attempts, and the run history.
 */
export const ApplicationDetail = ({ app }: { app: KafkaApplication }) => {
  const classes = useStyles();
  const api = useApi(kafkaHubApiRef);
  const detail = useAsyncRetry(
    () => api.getApplication(app.entityRef),
    [api, app.entityRef, app.status, app.lastAttemptAt],
  );
  // The detail route's answer is newer; the list row is shown until then.
  const shown: KafkaApplication = detail.value ?? app;
  const runs = detail.value?.runs;
  const runId = shown.currentRunId ?? runs?.[0]?.runId;

  return (
    <Box
      className={classes.root}
      role="region"
      aria-label={`Details of ${app.application}`}
    >
      <Grid container spacing={2}>
        <Field label={shown.currentRunId ? 'Current run' : 'Latest run'}>
          {runId ? <RunId runId={runId} /> : '—'}
        </Field>
        <Field label="Last attempt">
          <RelativeTime iso={shown.lastAttemptAt} />
        </Field>
        <Field label="Next automatic attempt">
          <RelativeTime iso={shown.nextAttemptAt} />
        </Field>
        <Field label="Attempts">{shown.attemptCount}</Field>
        <Field label="Prefix">
          <code>{shown.prefix}</code>
        </Field>
        <Field label="Environments">
          {shown.desiredEnvironments.join(', ') || '—'}
        </Field>
        <Field label="Topics">
          {shown.topics.map(t => `${shown.prefix}${t.name}`).join(', ') ||
            'None declared'}
        </Field>
      </Grid>

      {shown.error && (
        <div className={classes.section}>
          <Typography variant="subtitle2">Error</Typography>
          <pre className={classes.pre}>{shown.error}</pre>
        </div>
      )}

      {!!shown.annotationErrors?.length && (
        <div className={classes.section}>
          <Typography variant="subtitle2">Malformed annotations</Typography>
          {shown.annotationErrors.map(e => (
            <pre key={e.annotation} className={classes.pre}>
              {`${e.annotation}: "${e.value}" ${e.message}`}
            </pre>
          ))}
        </div>
      )}

      <div className={classes.section}>
        <Typography variant="subtitle2">Environments</Typography>
        {environmentRows(shown).map(row => (
          <div
            key={row.environment}
            className={classes.env}
            aria-label={`Environment ${row.environment}`}
            role="group"
          >
            <div className={classes.envHeading}>
              <Typography variant="body2">
                <strong>{row.environment}</strong>
              </Typography>
              <EnvironmentStatus row={row} />
              {row.detail?.finishedAt && (
                <Typography variant="caption" color="textSecondary">
                  <RelativeTime iso={row.detail.finishedAt} />
                </Typography>
              )}
            </div>
            {row.detail?.error && (
              <pre className={classes.pre}>{row.detail.error}</pre>
            )}
            {row.detail?.message && (
              <Typography variant="body2" color="textSecondary">
                {row.detail.message}
              </Typography>
            )}
          </div>
        ))}
      </div>

      <div className={classes.section}>
        <Typography variant="subtitle2" gutterBottom>
          Run history
        </Typography>
        {detail.loading && !detail.value && <Progress />}
        {detail.error && (
          <ResponseErrorPanel
            error={detail.error}
            title="Could not load the run history"
          />
        )}
        {runs && <RunHistory runs={runs} />}
        {detail.value && !runs && (
          <Typography variant="body2" color="textSecondary">
            The run history is only given to Kafka Hub admins.
          </Typography>
        )}
      </div>
    </Box>
  );
};
