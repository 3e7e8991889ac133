import {
  ConsumerGroupLag,
  ConsumerGroupLifecycle,
  ConsumerGroupState,
  ConsumerGroupStatus,
  ConsumerGroupType,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Chip from '@material-ui/core/Chip';
import { makeStyles, Theme } from '@material-ui/core/styles';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import {
  formatCount,
  formatTimeLag,
  groupTypeDescription,
  groupTypeLabel,
  LIFECYCLE_DESCRIPTIONS,
  LIFECYCLE_LABELS,
  STATE_LABELS,
  STATUS_DESCRIPTIONS,
  TIME_LAG_EXPLANATION,
} from './format';
import { readableColour } from '../../theme/readableColour';

const statusColor = (theme: Theme, status: ConsumerGroupStatus | 'none') => {
  switch (status) {
    case 'OK':
      return theme.palette.success.main;
    case 'WARN':
      return theme.palette.warning.main;
    case 'STALL':
    case 'STOP':
      return theme.palette.error.main;
    case 'REWIND':
      return theme.palette.info.main;
    default:
      return theme.palette.grey[500];
  }
};

// The status colour as a fill under white text, darkened just enough for AA
// contrast (the themes' warning and success colours are 2.2-2.8:1 to white).
const statusFill = (theme: Theme, status: ConsumerGroupStatus | 'none') =>
  readableColour(statusColor(theme, status), theme.palette.common.white);

const useStyles = makeStyles(theme => ({
  chip: {
    fontWeight: 600,
    color: theme.palette.common.white,
    minWidth: 64,
  },
  OK: { backgroundColor: statusFill(theme, 'OK') },
  WARN: { backgroundColor: statusFill(theme, 'WARN') },
  STALL: { backgroundColor: statusFill(theme, 'STALL') },
  STOP: { backgroundColor: statusFill(theme, 'STOP') },
  REWIND: { backgroundColor: statusFill(theme, 'REWIND') },
  none: { backgroundColor: statusFill(theme, 'none') },
  estimate: {
    textDecoration: 'underline dotted',
    cursor: 'help',
    whiteSpace: 'nowrap',
  },
  muted: { color: theme.palette.text.secondary },
  nowrap: { whiteSpace: 'nowrap' },
  mutedNowrap: { color: theme.palette.text.secondary, whiteSpace: 'nowrap' },
}));

/**
 * Props of {@link ConsumerGroupStatusChip}.
 *
 * @public
 */
export interface ConsumerGroupStatusChipProps {
  /** The group's latest lag; undefined until its first sample. */
  lag?: ConsumerGroupLag;
  /** The chip's size. */
  size?: 'small' | 'medium';
}

/**
 * The Burrow-style status of a group as a coloured chip, with the reason in
 * words as its tooltip; "Not sampled" before the first sample.
 *
 * @public
 */
export const ConsumerGroupStatusChip = ({
  lag,
  size = 'small',
}: ConsumerGroupStatusChipProps) => {
  const classes = useStyles();
  const status = lag?.status;
  const title = status
    ? `${status}: ${lag?.statusReason || STATUS_DESCRIPTIONS[status]}`
    : 'No lag sample of this group yet';
  return (
    <Tooltip title={title}>
      <Chip
        size={size}
        label={status ?? 'Not sampled'}
        className={`${classes.chip} ${classes[status ?? 'none']}`}
      />
    </Tooltip>
  );
};

/** The group's state, with its lifecycle when it is no longer active. */
export const ConsumerGroupStateText = ({
  state,
  lifecycle,
}: {
  state: ConsumerGroupState;
  lifecycle?: ConsumerGroupLifecycle;
}) => {
  const classes = useStyles();
  return (
    <>
      <Typography variant="body2" component="span">
        {STATE_LABELS[state] ?? state}
      </Typography>
      {lifecycle && lifecycle !== 'active' && (
        <Tooltip title={LIFECYCLE_DESCRIPTIONS[lifecycle]}>
          <Typography
            variant="caption"
            component="span"
            display="block"
            className={classes.muted}
          >
            {LIFECYCLE_LABELS[lifecycle]}
          </Typography>
        </Tooltip>
      )}
    </>
  );
};

/** The group's type (and protocol type when it says more), on one line, with its meaning on hover. */
export const ConsumerGroupTypeText = ({
  type,
  protocolType,
}: {
  type?: ConsumerGroupType;
  protocolType?: string;
}) => {
  const classes = useStyles();
  return (
    <Tooltip title={groupTypeDescription(type)}>
      <span className={type ? classes.nowrap : classes.mutedNowrap}>
        {groupTypeLabel(type, protocolType)}
      </span>
    </Tooltip>
  );
};

/**
 * An estimated time lag, `~12 s`, with what the estimate is on hover; a
 * dash with the reason while it cannot be estimated.
 */
export const TimeLagText = ({ seconds }: { seconds?: number }) => {
  const classes = useStyles();
  const text = formatTimeLag(seconds);
  if (text === undefined) {
    return (
      <Tooltip title="Not estimated yet: the sampler needs a few samples of the end offsets first">
        <span className={classes.muted}>—</span>
      </Tooltip>
    );
  }
  return (
    <Tooltip title={`Estimated: ${text}. ${TIME_LAG_EXPLANATION}`}>
      <span className={classes.estimate}>{text}</span>
    </Tooltip>
  );
};

/**
 * The total lag of a group, or a dash before its first sample; partitions
 * without a committed offset are named, since they are not counted.
 */
export const TotalLagText = ({ lag }: { lag?: ConsumerGroupLag }) => {
  const classes = useStyles();
  if (!lag) {
    return (
      <Tooltip title="No lag sample of this group yet">
        <span className={classes.muted}>—</span>
      </Tooltip>
    );
  }
  const count = formatCount(lag.totalLag);
  if (lag.partitionsWithoutCommit > 0) {
    const n = lag.partitionsWithoutCommit;
    return (
      <Tooltip
        title={`${n} partition${
          n === 1 ? ' has' : 's have'
        } no committed offset and ${n === 1 ? 'is' : 'are'} not counted`}
      >
        <span className={classes.estimate}>
          {count}
          <Typography variant="caption" display="block" component="span">
            {formatCount(n)} without commit
          </Typography>
        </span>
      </Tooltip>
    );
  }
  return <span>{count}</span>;
};
