import { useEffect, useState } from 'react';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  LAG_HISTORY_BY,
  LAG_HISTORY_RANGES,
  LagHistory,
  LagHistoryBy,
  LagHistoryRange,
  LagSeriesSet,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Paper from '@material-ui/core/Paper';
import { makeStyles, Theme, useTheme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { kafkaHubApiRef } from '../../api';
import {
  CONSUMER_GROUP_REFRESH_MS,
  formatCompact,
  formatCount,
  formatDuration,
  formatTimeLag,
  resolutionText,
  TIME_LAG_METHOD,
} from '../ConsumerGroupTable';
import { usePolling } from '../../hooks/usePolling';
import { errorMessage, formatExact } from '../ProvisioningCommon';
import { GroupStateBand } from './GroupStateBand';

const RANGE_LABELS: Record<LagHistoryRange, string> = {
  '1h': 'last hour',
  '6h': 'last 6 hours',
  '24h': 'last 24 hours',
  '7d': 'last 7 days',
  '30d': 'last 30 days',
};

// Lag is watched live: the last hour, at its finest resolution, first.
export const DEFAULT_RANGE: LagHistoryRange = '1h';
const TOTAL_LAG_NAME = 'Total lag (messages)';
const TIME_LAG_NAME = 'Time lag (estimated)';

const BY_LABELS: Record<LagHistoryBy, string> = {
  total: 'Total',
  topic: 'Per topic',
  partition: 'Top 10 partitions',
};

const BY_DESCRIPTIONS: Record<LagHistoryBy, string> = {
  total: 'the group’s total lag and estimated time lag',
  topic: 'one line per topic: the sum of its partitions’ lag',
  partition: 'the 10 partitions with the highest lag in the range',
};

const SERIES_RESOLUTION_LABELS: Record<LagSeriesSet['resolution'], string> = {
  raw: 'raw samples (kept as long as the partition history)',
  halfhour: 'half-hourly rollups of the partition history',
  hour: 'hourly rollups of the partition history',
  day: 'daily rollups of the partition history',
};

/** Plot margins and axis widths: the state band lines up with the plot. */
const MARGIN = { top: 8, right: 16, bottom: 8, left: 8 };
const Y_AXIS_WIDTH = 60;

/**
 * Props of {@link ConsumerGroupLagChart}.
 *
 * @public
 */
export interface ConsumerGroupLagChartProps {
  /** The environment the group runs in. */
  environment: string;
  /** The consumer group's id. */
  groupId: string;
  /** The range shown; uncontrolled (starting at 1h) when undefined. */
  range?: LagHistoryRange;
  /** Called when the user picks another range. */
  onRangeChange?: (range: LagHistoryRange) => void;
  /** How the lag is split; uncontrolled (starting at total) when undefined. */
  by?: LagHistoryBy;
  /** Called when the user picks another split. */
  onByChange?: (by: LagHistoryBy) => void;
  /** Reload interval while the page is visible; false: only on range change. */
  refreshIntervalMs?: number | false;
  /** Height of the plot in pixels. */
  height?: number;
}

const useStyles = makeStyles(theme => ({
  toolbar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(1),
  },
  tooltip: { padding: theme.spacing(1, 1.5) },
  plot: { width: '100%', overflow: 'hidden' },
  toggles: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
}));

/** One plotted point: a bucket of the server's history. */
interface ChartPoint {
  t: number;
  totalLag: number;
  maxTotalLag: number;
  timeLag: number | null;
  maxTimeLag: number | null;
  samples: number;
}

function toPoints(history: LagHistory): ChartPoint[] {
  return history.points.map(p => ({
    t: Date.parse(p.time),
    totalLag: p.totalLag,
    maxTotalLag: p.maxTotalLag,
    timeLag: p.timeLagSeconds ?? null,
    maxTimeLag: p.maxTimeLagSeconds ?? null,
    samples: p.samples,
  }));
}

function tickFormatter(range: LagHistoryRange) {
  const short = range === '1h' || range === '6h' || range === '24h';
  const format = new Intl.DateTimeFormat(
    undefined,
    short
      ? { hour: '2-digit', minute: '2-digit' }
      : { month: 'short', day: 'numeric' },
  );
  return (t: number) => format.format(new Date(t));
}

/** Short durations for the time axis: `45s`, `12m`, `3h`, `2d`. */
function shortDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m`;
  if (seconds < 86400) return `${Math.round(seconds / 360) / 10}h`;
  return `${Math.round(seconds / 8640) / 10}d`;
}

/** A series' name in the legend: the topic, or Kafka's `topic-partition`. */
function seriesName(series: { topic: string; partition?: number }) {
  return series.partition === undefined
    ? series.topic
    : `${series.topic}-${series.partition}`;
}

/**
 * Colours of the series from the theme (light and dark alike); past the
 * palette they repeat, dashed.
 */
function seriesStyle(theme: Theme, index: number) {
  const { palette } = theme;
  const colours = [
    palette.primary.main,
    palette.secondary.main,
    palette.success.main,
    palette.warning.main,
    palette.error.main,
    palette.info.main,
    palette.primary.dark,
    palette.secondary.dark,
    palette.success.dark,
    palette.info.dark,
  ];
  return {
    stroke: colours[index % colours.length],
    strokeDasharray:
      Math.floor(index / colours.length) % 2 === 1 ? '6 3' : undefined,
  };
}

/** One plotted time of the series: `s<i>` is series i's average, `m<i>` its max. */
type SeriesRow = { t: number } & Record<string, number>;

function toSeriesRows(series: LagSeriesSet): SeriesRow[] {
  const rows = new Map<number, SeriesRow>();
  series.items.forEach((item, i) => {
    for (const p of item.points) {
      const t = Date.parse(p.time);
      let row = rows.get(t);
      if (!row) {
        row = { t } as SeriesRow;
        rows.set(t, row);
      }
      row[`s${i}`] = p.lag;
      row[`m${i}`] = p.maxLag;
    }
  });
  return [...rows.values()].sort((a, b) => a.t - b.t);
}

/** The tooltip of the per-topic and per-partition chart: each series' lag. */
const SeriesTooltip = (props: {
  active?: boolean;
  payload?: Array<{
    name?: string;
    value?: number;
    color?: string;
    dataKey?: string | number;
    payload?: SeriesRow;
  }>;
}) => {
  const classes = useStyles();
  const entries = (props.payload ?? []).filter(
    e => typeof e.value === 'number',
  );
  if (!props.active || entries.length === 0 || !entries[0].payload) {
    return null;
  }
  const row = entries[0].payload;
  return (
    <Paper className={classes.tooltip} elevation={3} role="status">
      <Typography variant="subtitle2">
        {formatExact(new Date(row.t).toISOString())}
      </Typography>
      {[...entries]
        .sort((a, b) => (b.value ?? 0) - (a.value ?? 0))
        .map(e => {
          const max = row[`m${String(e.dataKey).slice(1)}`];
          return (
            <Typography key={String(e.dataKey)} variant="body2">
              {`${e.name}: ${formatCount(e.value ?? 0)} messages`}
              {max !== undefined && max !== e.value
                ? ` (average; max ${formatCount(max)})`
                : ''}
            </Typography>
          );
        })}
    </Paper>
  );
};

/**
 * The chart's tooltip: a bucket's exact time, its lag and estimated time lag
 * (average and maximum) and how many samples it aggregates.
 */
export const LagChartTooltip = (props: {
  active?: boolean;
  payload?: Array<{ payload?: ChartPoint }>;
  bucketSeconds?: number;
}) => {
  const classes = useStyles();
  const point = props.payload?.[0]?.payload;
  if (!props.active || !point) {
    return null;
  }
  const bucket = props.bucketSeconds ?? 0;
  const start = new Date(point.t).toISOString();
  const several = point.samples > 1;
  return (
    <Paper className={classes.tooltip} elevation={3} role="status">
      <Typography variant="subtitle2">{formatExact(start)}</Typography>
      {several && bucket > 0 && (
        <Typography variant="caption" color="textSecondary" display="block">
          {`${formatDuration(bucket)} bucket, ${point.samples} samples`}
        </Typography>
      )}
      <Typography variant="body2">
        {`Total lag: ${formatCount(point.totalLag)} messages`}
        {several && point.maxTotalLag !== point.totalLag
          ? ` (average; max ${formatCount(point.maxTotalLag)})`
          : ''}
      </Typography>
      <Typography variant="body2">
        {point.timeLag === null
          ? 'Time lag: not estimated'
          : `Time lag: ${formatTimeLag(point.timeLag)} (estimate)${
              several && point.maxTimeLag !== null
                ? `; max ${formatTimeLag(point.maxTimeLag)}`
                : ''
            }`}
      </Typography>
    </Paper>
  );
};

/** The width of an element, following resizes; `fallback` until measured. */
function useElementWidth(fallback: number) {
  const [element, setElement] = useState<HTMLElement | null>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    if (!element) {
      return undefined;
    }
    const measure = () => {
      const w = element.clientWidth;
      if (w > 0) setWidth(w);
    };
    measure();
    if (typeof ResizeObserver === 'undefined') {
      window.addEventListener('resize', measure);
      return () => window.removeEventListener('resize', measure);
    }
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, [element]);
  return [setElement, width] as const;
}

/**
 * Total lag and estimated time lag of a group over a chosen range (1h, 6h,
 * 24h, 7d, 30d) on two axes, or its lag per topic or of its 10 partitions
 * with the highest lag (toggled); under it a band of the group's state and
 * member count over time. The server buckets the history into at
 * most ~500 points; says which stored resolution answered (raw samples,
 * hourly or daily rollups). Reloads every 30 s while the page is visible,
 * less often while nothing changes.
 *
 * @public
 */
export const ConsumerGroupLagChart = (props: ConsumerGroupLagChartProps) => {
  const {
    environment,
    groupId,
    onRangeChange,
    refreshIntervalMs = CONSUMER_GROUP_REFRESH_MS,
    height = 300,
  } = props;
  const classes = useStyles();
  const theme = useTheme();
  const api = useApi(kafkaHubApiRef);
  const [ownRange, setOwnRange] = useState<LagHistoryRange>(DEFAULT_RANGE);
  const range = props.range ?? ownRange;
  const [ownBy, setOwnBy] = useState<LagHistoryBy>('total');
  const by = props.by ?? ownBy;
  const [plotRef, width] = useElementWidth(800);

  const key = JSON.stringify([environment, groupId, range, by]);
  const { value, error, loading } = usePolling(
    () => api.getConsumerGroupLag(environment, groupId, range, by),
    { key, intervalMs: refreshIntervalMs, keepPrevious: true },
  );

  const chooseRange = (next: LagHistoryRange | null) => {
    if (!next || next === range) return;
    if (props.range === undefined) setOwnRange(next);
    onRangeChange?.(next);
  };

  const chooseBy = (next: LagHistoryBy | null) => {
    if (!next || next === by) return;
    if (props.by === undefined) setOwnBy(next);
    props.onByChange?.(next);
  };

  // Recharts draws axes in fixed greys (#666 ticks): the theme's text
  // colours keep them readable on light and dark paper.
  const axisText = theme.palette.text.secondary;
  const axisColours = { stroke: axisText, tick: { fill: axisText } };
  const timeAxis = (history: LagHistory, from: number) => {
    const to = Date.parse(history.to);
    return (
      <XAxis
        {...axisColours}
        dataKey="t"
        type="number"
        scale="time"
        domain={[
          Number.isFinite(from) ? from : 'dataMin',
          Number.isFinite(to) ? to : 'dataMax',
        ]}
        tickFormatter={tickFormatter(range)}
        minTickGap={24}
      />
    );
  };
  const messagesAxis = (
    <YAxis
      {...axisColours}
      yAxisId="lag"
      width={Y_AXIS_WIDTH}
      tickFormatter={formatCompact}
      allowDecimals={false}
      label={{
        value: 'Messages',
        fill: axisText,
        angle: -90,
        position: 'insideLeft',
      }}
    />
  );
  // The answer on screen may be of the previous split while the next loads.
  const shown: LagHistoryBy = value?.by ?? 'total';

  let body;
  if (error && !value) {
    body = (
      <ResponseErrorPanel
        error={error}
        title="Could not load the lag history"
      />
    );
  } else if (!value) {
    body = <Progress />;
  } else if (value.points.length === 0) {
    body = (
      <Typography variant="body2" color="textSecondary">
        {`No lag history in the ${RANGE_LABELS[range]}. The sampler records the lag of active groups on a schedule; inactive and archived groups are not sampled.`}
      </Typography>
    );
  } else if (shown !== 'total') {
    const series = value.series;
    // On the chart's time axis, which starts at the series' first bucket.
    const band = (fromMs: number) => (
      <GroupStateBand
        points={value.points}
        bucketSeconds={value.bucketSeconds}
        fromMs={fromMs}
        toMs={Date.parse(value.to)}
        insetLeft={MARGIN.left + Y_AXIS_WIDTH}
        insetRight={MARGIN.right}
      />
    );
    if (!series || series.items.length === 0) {
      body = (
        <>
          <Typography variant="body2" color="textSecondary">
            {`No lag ${
              shown === 'topic' ? 'per topic' : 'per partition'
            } in the ${
              RANGE_LABELS[range]
            } yet. It is recorded with the partition history (kafkaHub.consumerGroups.retention.partitionHistory; 0 records none), for partitions with a committed offset.`}
          </Typography>
          {band(Date.parse(value.from))}
        </>
      );
    } else {
      const rows = toSeriesRows(series);
      const seriesFrom = Date.parse(series.from);
      const what = shown === 'topic' ? 'topic' : 'partition';
      body = (
        <>
          {error && (
            <Alert severity="warning">
              Could not refresh the lag history: {errorMessage(error)}. Showing
              the last answer.
            </Alert>
          )}
          <LineChart
            width={width}
            height={height}
            data={rows}
            margin={MARGIN}
            accessibilityLayer
          >
            <CartesianGrid
              strokeDasharray="3 3"
              stroke={theme.palette.divider}
            />
            {timeAxis(value, seriesFrom)}
            {messagesAxis}
            <Tooltip content={<SeriesTooltip />} />
            <Legend />
            {series.items.map((item, i) => (
              <Line
                key={seriesName(item)}
                yAxisId="lag"
                type="monotone"
                dataKey={`s${i}`}
                name={seriesName(item)}
                {...seriesStyle(theme, i)}
                strokeWidth={2}
                dot={rows.length <= 60}
                connectNulls={false}
                isAnimationActive={false}
              />
            ))}
          </LineChart>
          {band(seriesFrom)}
          <Typography variant="caption" color="textSecondary" display="block">
            {shown === 'partition'
              ? `The ${series.items.length} partitions with the highest lag in the range, of ${series.total} with a committed offset; average lag per point.`
              : `${
                  series.items.length < series.total
                    ? `The ${series.items.length} topics with the highest lag in the range, of ${series.total}`
                    : `${series.total} ${what}${series.total === 1 ? '' : 's'}`
                }: the sum of the partitions' lag, averaged per point.`}
          </Typography>
          <Typography variant="caption" color="textSecondary" display="block">
            {`Resolution: ${
              SERIES_RESOLUTION_LABELS[series.resolution]
            }, one point per ${formatDuration(series.bucketSeconds)} · ${
              rows.length
            } point${rows.length === 1 ? '' : 's'} from ${formatExact(
              series.from,
            )} to ${formatExact(value.to)}.`}
          </Typography>
        </>
      );
    }
  } else {
    const points = toPoints(value);
    const from = Date.parse(value.from);
    const to = Date.parse(value.to);
    const hasTimeLag = points.some(p => p.timeLag !== null);
    body = (
      <>
        {error && (
          <Alert severity="warning">
            Could not refresh the lag history: {errorMessage(error)}. Showing
            the last answer.
          </Alert>
        )}
        <LineChart
          width={width}
          height={height}
          data={points}
          margin={MARGIN}
          accessibilityLayer
        >
          <CartesianGrid strokeDasharray="3 3" stroke={theme.palette.divider} />
          {timeAxis(value, from)}
          {messagesAxis}
          <YAxis
            {...axisColours}
            yAxisId="time"
            orientation="right"
            width={Y_AXIS_WIDTH}
            tickFormatter={shortDuration}
            label={{
              value: 'Time lag (est.)',
              fill: axisText,
              angle: 90,
              position: 'insideRight',
            }}
          />
          <Tooltip
            content={<LagChartTooltip bucketSeconds={value.bucketSeconds} />}
          />
          <Legend />
          <Line
            yAxisId="lag"
            type="monotone"
            dataKey="totalLag"
            name={TOTAL_LAG_NAME}
            stroke={theme.palette.primary.main}
            strokeWidth={2}
            dot={points.length <= 60}
            isAnimationActive={false}
          />
          {hasTimeLag && (
            <Line
              yAxisId="time"
              type="monotone"
              dataKey="timeLag"
              name={TIME_LAG_NAME}
              stroke={theme.palette.secondary.main}
              strokeDasharray="6 3"
              strokeWidth={2}
              dot={points.length <= 60}
              connectNulls={false}
              isAnimationActive={false}
            />
          )}
        </LineChart>
        <GroupStateBand
          points={value.points}
          bucketSeconds={value.bucketSeconds}
          fromMs={from}
          toMs={to}
          insetLeft={MARGIN.left + Y_AXIS_WIDTH}
          insetRight={MARGIN.right + Y_AXIS_WIDTH}
        />
        <Typography variant="caption" color="textSecondary" display="block">
          {`Resolution: ${resolutionText(value)} · ${points.length} point${
            points.length === 1 ? '' : 's'
          } from ${formatExact(value.from)} to ${formatExact(value.to)}.`}
        </Typography>
        <Typography variant="caption" color="textSecondary" display="block">
          {`Time lag is an estimate: ${TIME_LAG_METHOD}`}
          {hasTimeLag ? '' : ' No estimate in this range yet.'}
        </Typography>
      </>
    );
  }

  return (
    <Box>
      <Box className={classes.toolbar}>
        <Typography variant="body2" color="textSecondary">
          {`Lag over the ${RANGE_LABELS[range]}`}
        </Typography>
        <Box className={classes.toggles}>
          <ToggleButtonGroup
            size="small"
            exclusive
            value={by}
            onChange={(_e, next) => chooseBy(next as LagHistoryBy | null)}
            aria-label="Lag shown"
          >
            {LAG_HISTORY_BY.map(b => (
              <ToggleButton
                key={b}
                value={b}
                aria-label={`${BY_LABELS[b]}: ${BY_DESCRIPTIONS[b]}`}
              >
                {BY_LABELS[b]}
              </ToggleButton>
            ))}
          </ToggleButtonGroup>
          <ToggleButtonGroup
            size="small"
            exclusive
            value={range}
            onChange={(_e, next) => chooseRange(next as LagHistoryRange | null)}
            aria-label="History range"
          >
            {LAG_HISTORY_RANGES.map(r => (
              <ToggleButton
                key={r}
                value={r}
                aria-label={`${r}: ${RANGE_LABELS[r]}`}
              >
                {r}
              </ToggleButton>
            ))}
          </ToggleButtonGroup>
        </Box>
      </Box>
      {loading && value && (
        <LinearProgress aria-label="Reloading the lag history" />
      )}
      <div
        ref={plotRef}
        className={classes.plot}
        role="figure"
        aria-label={`Lag history of ${groupId} in ${environment}`}
      >
        {body}
      </div>
    </Box>
  );
};
