import { useCallback, useEffect, useMemo, useRef } from 'react';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { alertApiRef, configApiRef, useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  KafkaApplication,
  ProvisioningStatus,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Divider from '@material-ui/core/Divider';
import IconButton from '@material-ui/core/IconButton';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
import { makeStyles, Theme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import CloseIcon from '@material-ui/icons/Close';
import ErrorIcon from '@material-ui/icons/Error';
import OpenInNewIcon from '@material-ui/icons/OpenInNew';
import RemoveCircleOutlineIcon from '@material-ui/icons/RemoveCircleOutline';
import ScheduleIcon from '@material-ui/icons/Schedule';
import { MAX_APPLICATIONS_PAGE } from '../../api/KafkaHubApi';
import { ProvisioningStatusBadge } from '../ProvisioningStatusBadge';
import { RetryProvisioningButton } from '../RetryProvisioningButton';
import {
  environmentRows,
  environmentText,
  EnvironmentRow,
  hasProvisioningIssue,
  retryBlockedReason,
  useApplicationList,
} from '../ProvisioningCommon';
import { scopeChannel } from '../../hooks/useLivePolling';

const statusColour = (theme: Theme, colour: string): string =>
  (theme.palette as unknown as { status: Record<string, string> }).status[
    colour
  ];

const useStyles = makeStyles(theme => ({
  title: {
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    paddingRight: theme.spacing(1),
  },
  application: {
    padding: theme.spacing(2, 0),
  },
  heading: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
  actions: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    marginTop: theme.spacing(1),
  },
  envIcon: {
    minWidth: theme.spacing(4),
  },
  success: { color: statusColour(theme, 'ok') },
  failed: { color: statusColour(theme, 'error') },
  skipped: { color: theme.palette.text.secondary },
  pending: { color: statusColour(theme, 'pending') },
  secondary: {
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
  },
}));

const STATUS_LABEL: Record<ProvisioningStatus, string> = {
  pending: 'pending',
  in_progress: 'in progress',
  completed: 'completed',
  partial: 'partially failed',
  failed: 'failed',
};

const EnvironmentLine = ({ row }: { row: EnvironmentRow }) => {
  const classes = useStyles();
  const status = row.detail?.status;
  let icon = <ScheduleIcon className={classes.pending} titleAccess="Pending" />;
  if (status === 'success') {
    icon = (
      <CheckCircleIcon className={classes.success} titleAccess="Success" />
    );
  } else if (status === 'failed') {
    icon = <ErrorIcon className={classes.failed} titleAccess="Failed" />;
  } else if (status === 'skipped') {
    icon = (
      <RemoveCircleOutlineIcon
        className={classes.skipped}
        titleAccess="Skipped"
      />
    );
  }
  return (
    <ListItem disableGutters dense>
      <ListItemIcon className={classes.envIcon}>{icon}</ListItemIcon>
      <ListItemText
        primary={row.environment}
        secondary={environmentText(row)}
        secondaryTypographyProps={{ className: classes.secondary }}
      />
    </ListItem>
  );
};

const ApplicationIssues = ({
  app,
  supportUrl,
  onRetryStarted,
}: {
  app: KafkaApplication;
  supportUrl?: string;
  onRetryStarted: () => void;
}) => {
  const classes = useStyles();
  const blocked = retryBlockedReason(app);
  const rows = environmentRows(app);
  return (
    <section
      className={classes.application}
      aria-label={`Provisioning of ${app.application}`}
    >
      <Box className={classes.heading}>
        <Typography variant="h6" component="h3">
          {app.application}
        </Typography>
        <ProvisioningStatusBadge status={app.status} />
      </Box>
      <Typography variant="body2" color="textSecondary">
        <EntityRefLink entityRef={app.entityRef} />
      </Typography>
      {app.annotationErrors?.map(e => (
        <Typography
          key={e.annotation}
          variant="body2"
          color="error"
          className={classes.secondary}
        >
          Annotation {e.annotation}: "{e.value}" {e.message}
        </Typography>
      ))}
      <List dense aria-label={`Environments of ${app.application}`}>
        {rows.map(row => (
          <EnvironmentLine key={row.environment} row={row} />
        ))}
      </List>
      {hasProvisioningIssue(app) &&
        app.error &&
        !rows.some(row => row.detail?.status === 'failed') && (
          <Typography variant="body2" color="error">
            {app.error}
          </Typography>
        )}
      <Box className={classes.actions}>
        {app.status !== 'completed' && (
          <RetryProvisioningButton
            entityRef={app.entityRef}
            status={app.status}
            disabledReason={blocked}
            onStarted={onRetryStarted}
            onFailed={onRetryStarted}
          />
        )}
        {supportUrl && (
          <Button
            size="small"
            color="primary"
            href={supportUrl}
            target="_blank"
            rel="noopener noreferrer"
            endIcon={<OpenInNewIcon fontSize="small" />}
          >
            Contact support
          </Button>
        )}
      </Box>
    </section>
  );
};

/**
 * Props of {@link ProvisioningErrorModal}.
 *
 * @public
 */
export interface ProvisioningErrorModalProps {
  /** Whether the dialog is shown. */
  open: boolean;
  /** Called when the user closes the dialog. */
  onClose: () => void;
  /** Show this entity's application... */
  entityRef?: string;
  /** ...or the applications of this owner (a Group's entity ref). */
  ownerRef?: string;
  /** What the caller already loaded, shown until the dialog's own load. */
  applications?: KafkaApplication[];
}

/**
 * The provisioning issues of one entity or one team: per application its
 * overall status, each environment (success; failed with the reason; skipped
 * with why), a retry button and, when `kafkaHub.supportUrl` is configured, a
 * "Contact support" link. Stays open during a retry and reloads; polls every
 * 5 s while a run is in progress and stops when closed. Toasts when a run it
 * watched finishes.
 *
 * @public
 */
export const ProvisioningErrorModal = (props: ProvisioningErrorModalProps) => {
  const { open, onClose, entityRef, ownerRef, applications } = props;
  const classes = useStyles();
  const alertApi = useApi(alertApiRef);
  const supportUrl = useApi(configApiRef).getOptionalString(
    'kafkaHub.supportUrl',
  );
  // Unfiltered, so an application fixed by a retry stays in view with its
  // result; the largest page (a team's first 500 applications by ref).
  const request = useMemo(
    () =>
      open && (entityRef || ownerRef)
        ? { entityRef, owner: ownerRef, limit: MAX_APPLICATIONS_PAGE }
        : undefined,
    [open, entityRef, ownerRef],
  );
  const { value, error, loading, refresh } = useApplicationList(request, {
    poll: true,
    channel: scopeChannel({
      entityRefs: entityRef ? [entityRef] : undefined,
      owner: ownerRef,
    }),
  });
  const items = useMemo(
    () => value?.items ?? applications ?? [],
    [value, applications],
  );

  // Failed, partial and in progress; and whatever this dialog showed, even
  // once fixed, so a retry ends with its result in view.
  const shownRefs = useRef(new Set<string>());
  if (!open) {
    shownRefs.current.clear();
  }
  const shown = items.filter(
    app =>
      hasProvisioningIssue(app) ||
      app.status === 'in_progress' ||
      shownRefs.current.has(app.entityRef),
  );
  for (const app of shown) {
    shownRefs.current.add(app.entityRef);
  }

  // Toast the end of every run this dialog watched.
  const lastStatus = useRef(new Map<string, ProvisioningStatus>());
  useEffect(() => {
    if (!open) {
      lastStatus.current.clear();
      return;
    }
    if (!value) {
      return;
    }
    for (const app of value.items) {
      const before = lastStatus.current.get(app.entityRef);
      if (before === 'in_progress' && app.status !== 'in_progress') {
        const ok = app.status === 'completed';
        alertApi.post({
          message: `Provisioning of ${app.application} ${
            STATUS_LABEL[app.status]
          }`,
          severity: ok ? 'success' : 'error',
          display: ok ? 'transient' : 'permanent',
        });
      }
      lastStatus.current.set(app.entityRef, app.status);
    }
  }, [open, value, alertApi]);

  const onRetryStarted = useCallback(() => {
    refresh();
  }, [refresh]);

  let content;
  if (shown.length > 0) {
    content = shown.map((app, index) => (
      <div key={app.entityRef}>
        {index > 0 && <Divider />}
        <ApplicationIssues
          app={app}
          supportUrl={supportUrl}
          onRetryStarted={onRetryStarted}
        />
      </div>
    ));
  } else if (loading) {
    content = <Progress />;
  } else if (error) {
    content = (
      <ResponseErrorPanel
        error={error}
        title="Could not load provisioning status"
      />
    );
  } else {
    content = <Typography variant="body1">No provisioning issues.</Typography>;
  }

  return (
    <Dialog
      open={open}
      onClose={onClose}
      fullWidth
      maxWidth="md"
      aria-labelledby="kafka-hub-provisioning-issues-title"
    >
      <DialogTitle
        id="kafka-hub-provisioning-issues-title"
        disableTypography
        className={classes.title}
      >
        <Typography variant="h5" component="h2">
          Provisioning issues
        </Typography>
        <IconButton
          aria-label="Close provisioning issues"
          onClick={onClose}
          size="small"
        >
          <CloseIcon />
        </IconButton>
      </DialogTitle>
      <DialogContent dividers>{content}</DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
};
