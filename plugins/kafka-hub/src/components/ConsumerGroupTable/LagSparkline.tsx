import { useTheme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { formatCount } from './format';

/**
 * Props of {@link LagSparkline}.
 *
 * @public
 */
export interface LagSparklineProps {
  /** Total lag values, oldest first. */
  values: number[];
  /** Width in pixels. */
  width?: number;
  /** Height in pixels. */
  height?: number;
}

/**
 * A small line of recent total lag values, scaled from zero to the largest
 * value; a dash with fewer than two values.
 *
 * @public
 */
export const LagSparkline = ({
  values,
  width = 96,
  height = 24,
}: LagSparklineProps) => {
  const theme = useTheme();
  const points = values.filter(v => Number.isFinite(v));
  if (points.length < 2) {
    return (
      <Typography variant="body2" color="textSecondary" component="span">
        —
      </Typography>
    );
  }
  const max = Math.max(...points, 1);
  const pad = 2;
  const step = (width - 2 * pad) / (points.length - 1);
  const y = (v: number) => height - pad - (v / max) * (height - 2 * pad);
  const line = points
    .map((v, i) => `${(pad + i * step).toFixed(1)},${y(v).toFixed(1)}`)
    .join(' ');
  const first = points[0];
  const last = points[points.length - 1];
  let trend = 'flat';
  if (last > first) trend = 'rising';
  else if (last < first) trend = 'falling';
  const color =
    trend === 'rising' ? theme.palette.warning.main : theme.palette.info.main;
  const label = `Lag trend of the last ${
    points.length
  } samples, ${trend}: from ${formatCount(first)} to ${formatCount(
    last,
  )} (peak ${formatCount(Math.max(...points))})`;
  return (
    <svg
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
    >
      <title>{label}</title>
      <polyline
        points={line}
        fill="none"
        stroke={color}
        strokeWidth={1.5}
        strokeLinejoin="round"
        strokeLinecap="round"
      />
      <circle
        cx={pad + (points.length - 1) * step}
        cy={y(last)}
        r={2}
        fill={color}
      />
    </svg>
  );
};
