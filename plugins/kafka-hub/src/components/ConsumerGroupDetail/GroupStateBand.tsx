import {
  ConsumerGroupState,
  LagHistoryPoint,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Box from '@material-ui/core/Box';
import { makeStyles, Theme, useTheme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { formatExact } from '../ProvisioningCommon';

/** How the band groups the states, with its colour and words. */
type StateKind = 'stable' | 'rebalancing' | 'empty' | 'trouble' | 'unknown';

const KIND_OF: Record<ConsumerGroupState, StateKind> = {
  Stable: 'stable',
  PreparingRebalance: 'rebalancing',
  CompletingRebalance: 'rebalancing',
  Assigning: 'rebalancing',
  Reconciling: 'rebalancing',
  Empty: 'empty',
  NotReady: 'trouble',
  Dead: 'trouble',
  Unknown: 'unknown',
};

const KIND_LABELS: Record<StateKind, string> = {
  stable: 'Stable',
  rebalancing: 'Rebalancing',
  empty: 'Empty (no members)',
  trouble: 'Dead or not ready',
  unknown: 'Unknown',
};

/** Theme colours, so the band reads on light and dark paper alike. */
function kindColour(theme: Theme, kind: StateKind): string {
  switch (kind) {
    case 'stable':
      return theme.palette.success.main;
    case 'rebalancing':
      return theme.palette.warning.main;
    case 'trouble':
      return theme.palette.error.main;
    case 'unknown':
      return theme.palette.info.main;
    default:
      return theme.palette.action.disabled;
  }
}

const useStyles = makeStyles(theme => ({
  strip: {
    position: 'relative',
    height: theme.spacing(2.5),
    borderRadius: theme.shape.borderRadius,
    background: theme.palette.action.hover,
    overflow: 'hidden',
  },
  segment: {
    position: 'absolute',
    top: 0,
    bottom: 0,
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    fontSize: theme.typography.caption.fontSize,
    lineHeight: 1,
    overflow: 'hidden',
    whiteSpace: 'nowrap',
  },
  legend: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1.5),
    marginTop: theme.spacing(0.5),
  },
  swatch: {
    display: 'inline-block',
    width: theme.spacing(1.5),
    height: theme.spacing(1.5),
    borderRadius: 2,
    marginRight: theme.spacing(0.5),
    verticalAlign: 'middle',
  },
  // Read by screen readers, not shown: the band's text alternative.
  visuallyHidden: {
    position: 'absolute',
    width: 1,
    height: 1,
    margin: -1,
    padding: 0,
    overflow: 'hidden',
    clip: 'rect(0 0 0 0)',
    border: 0,
  },
}));

/** Consecutive buckets with the same state and member counts. */
interface StateSegment {
  state: ConsumerGroupState;
  minMembers?: number;
  maxMembers?: number;
  startMs: number;
  endMs: number;
}

/**
 * The band's segments: buckets with a recorded state, each as wide as its
 * bucket, joined while state and member counts stay the same.
 */
function stateSegments(
  points: readonly LagHistoryPoint[],
  bucketSeconds: number,
): StateSegment[] {
  const segments: StateSegment[] = [];
  for (const p of points) {
    if (!p.state) continue;
    const startMs = Date.parse(p.time);
    const endMs = startMs + Math.max(1, bucketSeconds) * 1000;
    const last = segments[segments.length - 1];
    if (
      last &&
      last.state === p.state &&
      last.minMembers === p.minMemberCount &&
      last.maxMembers === p.maxMemberCount &&
      last.endMs >= startMs
    ) {
      last.endMs = endMs;
      continue;
    }
    segments.push({
      state: p.state,
      minMembers: p.minMemberCount,
      maxMembers: p.maxMemberCount,
      startMs,
      endMs,
    });
  }
  return segments;
}

function membersText(segment: StateSegment): string {
  const { minMembers: min, maxMembers: max } = segment;
  if (max === undefined) return 'members not recorded';
  const count = min === undefined || min === max ? `${max}` : `${min}–${max}`;
  return `${count} member${max === 1 && (min ?? 1) === 1 ? '' : 's'}`;
}

/** Props of {@link GroupStateBand}. */
export interface GroupStateBandProps {
  points: readonly LagHistoryPoint[];
  bucketSeconds: number;
  /** The chart's time range, in epoch ms: the band lines up with its axis. */
  fromMs: number;
  toMs: number;
  /** Left and right margins of the chart's plot area, in pixels. */
  insetLeft?: number;
  insetRight?: number;
}

/**
 * A thin strip under the lag chart: the group's state over time as
 * coloured segments (the least healthy state of each bucket) with their
 * member count, a legend, and the same as a list for screen readers.
 */
export const GroupStateBand = (props: GroupStateBandProps) => {
  const { points, bucketSeconds, fromMs, toMs } = props;
  const classes = useStyles();
  const theme = useTheme();
  const segments = stateSegments(points, bucketSeconds);
  if (segments.length === 0) {
    return (
      <Typography variant="caption" color="textSecondary" display="block">
        Member count and state were not recorded in this range.
      </Typography>
    );
  }
  const span = Math.max(1, toMs - fromMs);
  const kinds = [...new Set(segments.map(s => KIND_OF[s.state]))];
  const describe = (s: StateSegment) =>
    `${s.state} with ${membersText(s)}, ${formatExact(
      new Date(s.startMs).toISOString(),
    )} to ${formatExact(new Date(s.endMs).toISOString())}`;
  return (
    <Box
      mt={1}
      pl={`${props.insetLeft ?? 0}px`}
      pr={`${props.insetRight ?? 0}px`}
    >
      <Typography variant="caption" color="textSecondary" display="block">
        Members and state (the least healthy state of each point)
      </Typography>
      <div className={classes.strip} aria-hidden="true">
        {segments.map(s => {
          const background = kindColour(theme, KIND_OF[s.state]);
          const left = Math.max(0, (s.startMs - fromMs) / span) * 100;
          const right = Math.min(1, (s.endMs - fromMs) / span) * 100;
          return (
            <div
              key={s.startMs}
              className={classes.segment}
              data-state={s.state}
              title={describe(s)}
              style={{
                left: `${left}%`,
                width: `${Math.max(0.2, right - left)}%`,
                background,
                color: theme.palette.getContrastText(background),
              }}
            >
              {s.maxMembers ?? ''}
            </div>
          );
        })}
      </div>
      <Box className={classes.legend} aria-hidden="true">
        {kinds.map(kind => (
          <Typography key={kind} variant="caption" color="textSecondary">
            <span
              className={classes.swatch}
              style={{ background: kindColour(theme, kind) }}
            />
            {KIND_LABELS[kind]}
          </Typography>
        ))}
        <Typography variant="caption" color="textSecondary">
          Numbers: members
        </Typography>
      </Box>
      <ul
        className={classes.visuallyHidden}
        aria-label="Members and state over time"
      >
        {segments.map(s => (
          <li key={s.startMs}>{describe(s)}</li>
        ))}
      </ul>
    </Box>
  );
};
