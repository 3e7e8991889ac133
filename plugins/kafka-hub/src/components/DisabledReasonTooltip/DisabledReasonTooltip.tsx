import { ReactElement, useState } from 'react';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';

const useStyles = makeStyles(theme => ({
  // Keeps the focus ring around the button, not a line of text.
  focusable: {
    display: 'inline-block',
    borderRadius: theme.shape.borderRadius,
    cursor: 'not-allowed',
  },
}));

/**
 * Why a button is disabled, for the mouse and the keyboard. A disabled
 * button takes no focus and fires no events, so, as MUI advises, a wrapper
 * carries the tooltip; this one also takes focus (tabIndex 0). Focusing it
 * opens the tooltip whatever the browser's focus-visible heuristics say
 * (MUI's own opens only on a focus it deems visible), Escape or leaving
 * closes it, and the tooltip is the wrapper's description
 * (aria-describedby while open, its title while closed).
 */
export const DisabledReasonTooltip = ({
  reason,
  children,
}: {
  reason: string;
  /** The disabled button. */
  children: ReactElement;
}) => {
  const classes = useStyles();
  const [open, setOpen] = useState(false);
  return (
    <Tooltip
      title={reason}
      open={open}
      onOpen={() => setOpen(true)}
      onClose={() => setOpen(false)}
    >
      {/* MUI's wrapper for a disabled element, focusable so the keyboard
          reaches the reason: the rules below want no tabIndex or handlers
          on a span, which would leave keyboard users without it. */}
      {/* eslint-disable-next-line jsx-a11y/no-static-element-interactions */}
      <span
        // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
        tabIndex={0}
        className={classes.focusable}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={event => {
          if (event.key === 'Escape') setOpen(false);
        }}
      >
        {children}
      </span>
    </Tooltip>
  );
};
