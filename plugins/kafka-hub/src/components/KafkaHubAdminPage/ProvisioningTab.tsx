import { useCallback, useMemo, useRef, useState } from 'react';
import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  KafkaApplication,
  kafkaHubAdminRetryPermission,
  ProvisioningStatus,
  RetryAllFailedResponse,
  KAFKA_HUB_ADMIN_CHANNEL,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Collapse from '@material-ui/core/Collapse';
import IconButton from '@material-ui/core/IconButton';
import Paper from '@material-ui/core/Paper';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import KeyboardArrowDownIcon from '@material-ui/icons/KeyboardArrowDown';
import KeyboardArrowUpIcon from '@material-ui/icons/KeyboardArrowUp';
import RefreshIcon from '@material-ui/icons/Refresh';
import ReplayIcon from '@material-ui/icons/Replay';
import { kafkaHubApiRef } from '../../api';
import { ListPagination, useListQuery } from '../ListControls';
import { ProvisioningStatusBadge } from '../ProvisioningStatusBadge';
import { RetryProvisioningButton } from '../RetryProvisioningButton';
import {
  errorMessage,
  issueSummary,
  RelativeTime,
  retryBlockedReason,
  useApplicationList,
} from '../ProvisioningCommon';
import { ApplicationDetail } from './ApplicationDetail';

/** Every status but completed: what the Provisioning tab lists. */
const NOT_COMPLETED: ProvisioningStatus[] = [
  'failed',
  'partial',
  'in_progress',
  'pending',
];

const FILTER_LABEL: Record<ProvisioningStatus | 'all', string> = {
  all: 'All not completed',
  failed: 'Failed',
  partial: 'Partial',
  in_progress: 'In progress',
  pending: 'Pending',
  completed: 'Completed',
};

const useStyles = makeStyles(theme => ({
  toolbar: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  filter: {
    minWidth: 200,
  },
  filterLabel: { color: theme.palette.text.primary },
  spacer: {
    flexGrow: 1,
  },
  row: {
    '& > *': {
      borderBottom: 'unset',
    },
  },
  // max-width 0 lets the error column take the room left and ellipsize,
  // instead of pushing the other columns into one letter per line.
  lastError: {
    width: '100%',
    maxWidth: 0,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
  nowrap: {
    whiteSpace: 'nowrap',
  },
  detailCell: {
    paddingTop: 0,
    paddingBottom: 0,
  },
}));

const ApplicationRow = ({
  app,
  onChange,
}: {
  app: KafkaApplication;
  onChange: () => void;
}) => {
  const classes = useStyles();
  const [open, setOpen] = useState(false);
  const error = issueSummary(app);
  return (
    <>
      <TableRow className={classes.row} hover>
        <TableCell padding="checkbox">
          <IconButton
            size="small"
            aria-label={`${open ? 'Hide' : 'Show'} details of ${
              app.application
            }`}
            aria-expanded={open}
            onClick={() => setOpen(o => !o)}
          >
            {open ? <KeyboardArrowUpIcon /> : <KeyboardArrowDownIcon />}
          </IconButton>
        </TableCell>
        <TableCell className={classes.nowrap}>
          <Typography variant="body2">
            <strong>{app.application}</strong>
          </Typography>
          <EntityRefLink entityRef={app.entityRef} />
        </TableCell>
        <TableCell className={classes.nowrap}>
          {app.ownerRef ? <EntityRefLink entityRef={app.ownerRef} /> : '—'}
        </TableCell>
        <TableCell>
          <ProvisioningStatusBadge status={app.status} />
        </TableCell>
        <TableCell className={classes.lastError} title={error}>
          {error || '—'}
        </TableCell>
        <TableCell className={classes.nowrap}>
          <RelativeTime iso={app.lastAttemptAt} />
        </TableCell>
        <TableCell align="right">{app.attemptCount}</TableCell>
        <TableCell className={classes.nowrap}>
          <RetryProvisioningButton
            entityRef={app.entityRef}
            status={app.status}
            disabledReason={retryBlockedReason(app)}
            label="Retry"
            onStarted={onChange}
            onFailed={onChange}
          />
        </TableCell>
      </TableRow>
      <TableRow>
        <TableCell className={classes.detailCell} colSpan={8}>
          <Collapse in={open} timeout="auto" unmountOnExit>
            <ApplicationDetail app={app} />
          </Collapse>
        </TableCell>
      </TableRow>
    </>
  );
};

const RetryAllFailedButton = ({ onDone }: { onDone: () => void }) => {
  const api = useApi(kafkaHubApiRef);
  const alertApi = useApi(alertApiRef);
  const permission = usePermission({
    permission: kafkaHubAdminRetryPermission,
  });
  const [pending, setPending] = useState(false);
  const pendingRef = useRef(false);

  const onClick = useCallback(async () => {
    if (pendingRef.current) {
      return;
    }
    pendingRef.current = true;
    setPending(true);
    try {
      const result: RetryAllFailedResponse = await api.retryAllFailed();
      const skipped = result.skipped
        ? `; ${result.skipped} already in progress`
        : '';
      alertApi.post({
        message:
          result.total === 0
            ? 'No failed or partial applications to retry'
            : `Retry started for ${result.started} of ${result.total} failed or partial applications${skipped}`,
        severity: 'success',
        display: 'transient',
      });
      onDone();
    } catch (e) {
      alertApi.post({
        message: `Failed to retry all failed applications: ${errorMessage(e)}`,
        severity: 'error',
      });
    } finally {
      pendingRef.current = false;
      setPending(false);
    }
  }, [api, alertApi, onDone]);

  if (!permission.allowed) {
    return null;
  }
  return (
    <Button
      variant="contained"
      color="primary"
      disabled={pending}
      aria-busy={pending}
      onClick={onClick}
      startIcon={
        pending ? (
          <CircularProgress
            size={16}
            color="inherit"
            aria-label="Starting retries"
          />
        ) : (
          <ReplayIcon />
        )
      }
    >
      Retry all failed
    </Button>
  );
};

/**
 * The URL query parameters of the application table start with this
 * (`?apps.page=2`).
 */
const APPLICATION_QUERY_PREFIX = 'apps.';

/**
 * The admin page's Provisioning tab: every application that is not
 * completed, filterable by status and paged on the server, each row
 * expanding to its full detail.
 */
export const ProvisioningTab = () => {
  const classes = useStyles();
  const [filter, setFilter] = useState<ProvisioningStatus | 'all'>('all');
  const query = useListQuery(APPLICATION_QUERY_PREFIX);
  const { page, pageSize } = query;
  const request = useMemo(
    () => ({
      status: filter === 'all' ? NOT_COMPLETED : [filter],
      limit: pageSize,
      offset: page * pageSize,
    }),
    [filter, page, pageSize],
  );
  // The backend retries failed applications on its own (run-due), and a
  // status filter hides the runs that bring applications into it: the
  // admin's list reloads on every provisioning signal of the admin channel,
  // or without signals polls whatever it holds, backing off to 20 s while
  // nothing changes.
  const { value, error, loading, refresh } = useApplicationList(request, {
    poll: 'always',
    channel: KAFKA_HUB_ADMIN_CHANNEL,
  });
  const [refreshing, setRefreshing] = useState(false);
  const onRefresh = useCallback(async () => {
    setRefreshing(true);
    await refresh();
    setRefreshing(false);
  }, [refresh]);
  const onChange = useCallback(() => {
    refresh();
  }, [refresh]);

  let body;
  if (loading && !value) {
    body = <Progress />;
  } else if (error && !value) {
    body = (
      <ResponseErrorPanel
        error={error}
        title="Could not load the provisioning status"
      />
    );
  } else if (!value?.total) {
    body =
      filter === 'all' ? (
        <EmptyState
          missing="data"
          title="All clear"
          description="Every Kafka application is provisioned in all its environments."
        />
      ) : (
        <EmptyState
          missing="data"
          title={`No applications with status ${FILTER_LABEL[filter]}`}
          description="Choose another status to see the others."
        />
      );
  } else {
    body = (
      <TableContainer component={Paper}>
        <Table size="small" aria-label="Applications not completed">
          <TableHead>
            <TableRow>
              <TableCell />
              <TableCell>Application</TableCell>
              <TableCell>Owner</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>Last error</TableCell>
              <TableCell className={classes.nowrap}>Last attempt</TableCell>
              <TableCell align="right" className={classes.nowrap}>
                Attempts
              </TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {value.items.map(app => (
              <ApplicationRow
                key={app.entityRef}
                app={app}
                onChange={onChange}
              />
            ))}
          </TableBody>
        </Table>
        <ListPagination query={query} total={value.total} />
      </TableContainer>
    );
  }

  return (
    <>
      <Box className={classes.toolbar}>
        <TextField
          select
          label="Status"
          value={filter}
          onChange={e => {
            setFilter(e.target.value as ProvisioningStatus | 'all');
            // Another filter starts at its first page.
            query.update({});
          }}
          SelectProps={{ native: true }}
          // On the page's background the theme's secondary label text is
          // 4.47:1: the primary text colour keeps it readable.
          InputLabelProps={{ className: classes.filterLabel }}
          variant="outlined"
          size="small"
          className={classes.filter}
          id="kafka-hub-admin-status-filter"
        >
          {(['all', ...NOT_COMPLETED] as const).map(status => (
            <option key={status} value={status}>
              {FILTER_LABEL[status]}
            </option>
          ))}
        </TextField>
        <Button
          variant="outlined"
          onClick={onRefresh}
          disabled={refreshing}
          startIcon={<RefreshIcon />}
        >
          Refresh
        </Button>
        <span className={classes.spacer} />
        <RetryAllFailedButton onDone={onChange} />
      </Box>
      {error && value && (
        <Box mb={2}>
          <ResponseErrorPanel error={error} title="Could not refresh" />
        </Box>
      )}
      {body}
    </>
  );
};
