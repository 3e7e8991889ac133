import { ProvisioningStatus } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Chip from '@material-ui/core/Chip';
import { makeStyles, Theme, useTheme } from '@material-ui/core/styles';
import SvgIcon from '@material-ui/core/SvgIcon';
import AutorenewIcon from '@material-ui/icons/Autorenew';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import ScheduleIcon from '@material-ui/icons/Schedule';
import WarningIcon from '@material-ui/icons/Warning';
import { readableColour, surfaces } from '../../theme/readableColour';

type StatusColour = 'pending' | 'running' | 'ok' | 'warning' | 'error';

const LOOK: Record<
  ProvisioningStatus,
  { label: string; Icon: typeof SvgIcon; colour: StatusColour }
> = {
  pending: { label: 'Pending', Icon: ScheduleIcon, colour: 'pending' },
  in_progress: { label: 'In progress', Icon: AutorenewIcon, colour: 'running' },
  completed: { label: 'Completed', Icon: CheckCircleIcon, colour: 'ok' },
  partial: { label: 'Partial', Icon: WarningIcon, colour: 'warning' },
  failed: { label: 'Failed', Icon: ErrorIcon, colour: 'error' },
};

// The theme's status colour, as text that reaches AA contrast on the card
// and on the tints striped, hovered and selected table rows take:
// the status colours are tuned as fills (Backstage's pending yellow is 1.2:1
// on white, its error red 4.4:1 on the light theme's rows).
const statusColour = (theme: Theme, colour: StatusColour): string =>
  readableColour(
    (theme.palette as unknown as { status: Record<StatusColour, string> })
      .status[colour],
    surfaces(theme),
  );

const useStyles = makeStyles(theme => ({
  chip: {
    fontWeight: theme.typography.fontWeightMedium as number,
  },
  icon: {
    color: 'inherit',
  },
  spin: {
    animation: '$spin 1.2s linear infinite',
    '@media (prefers-reduced-motion: reduce)': {
      animation: 'none',
    },
  },
  '@keyframes spin': {
    from: { transform: 'rotate(0deg)' },
    to: { transform: 'rotate(360deg)' },
  },
}));

/**
 * Props of {@link ProvisioningStatusBadge}.
 *
 * @public
 */
export interface ProvisioningStatusBadgeProps {
  /** The application's provisioning status. */
  status: ProvisioningStatus;
}

/**
 * The provisioning status of an application: icon, colour and label for each
 * of the five states; the in-progress icon spins.
 *
 * @public
 */
export const ProvisioningStatusBadge = ({
  status,
}: ProvisioningStatusBadgeProps) => {
  const { label, Icon, colour } = LOOK[status];
  const classes = useStyles();
  const theme = useTheme();
  const color = statusColour(theme, colour);
  const spinning = status === 'in_progress';
  return (
    <Chip
      size="small"
      variant="outlined"
      className={classes.chip}
      style={{ color, borderColor: color }}
      aria-label={`Provisioning status: ${label}`}
      label={label}
      icon={
        <Icon
          className={`${classes.icon} ${spinning ? classes.spin : ''}`}
          data-spinning={spinning}
        />
      }
    />
  );
};
