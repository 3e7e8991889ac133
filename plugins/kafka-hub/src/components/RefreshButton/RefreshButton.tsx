import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import RefreshIcon from '@material-ui/icons/Refresh';

/** Props of {@link RefreshButton}. */
export interface RefreshButtonProps {
  /** The button's accessible name, saying what it reloads ("Refresh schemas"). */
  label: string;
  onRefresh: () => void;
  /** While a load runs, a click does nothing and the tooltip says why. */
  loading?: boolean;
}

/**
 * The reload button of a card or page. While loading it stays focusable
 * (`aria-disabled`, not `disabled`), so a keyboard user who reaches it
 * hears why it does nothing instead of losing focus.
 */
export const RefreshButton = ({
  label,
  onRefresh,
  loading = false,
}: RefreshButtonProps) => (
  <Tooltip title={loading ? 'Loading…' : 'Refresh'}>
    <IconButton
      aria-label={label}
      aria-disabled={loading}
      onClick={loading ? undefined : () => onRefresh()}
    >
      <RefreshIcon />
    </IconButton>
  </Tooltip>
);
