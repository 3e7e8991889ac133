import { Fragment } from 'react';
import { makeStyles } from '@material-ui/core/styles';

/**
 * Styles for Kafka Hub's tables. The Backstage theme lets cells break
 * anywhere, which splits headers, statuses and environment names mid-word
 * at 1280 px: here nothing breaks inside a word, headers stay on one line,
 * and ids break only where {@link IdText} allows.
 */
export const useTableTextStyles = makeStyles(theme => ({
  table: {
    '& td, & th': { wordBreak: 'normal', overflowWrap: 'normal' },
    '& th': { whiteSpace: 'nowrap' },
  },
  noWrap: { whiteSpace: 'nowrap' },
  id: {
    fontFamily: 'monospace',
    wordBreak: 'normal',
    overflowWrap: 'normal',
  },
  idCell: { minWidth: theme.spacing(20) },
}));

/**
 * A Kafka name (topic, group id, subject, member id) in monospace that
 * wraps only after a '.', '-' or '_', never mid-word; its full text is the
 * element's title.
 */
export const IdText = ({ text }: { text: string }) => {
  const classes = useTableTextStyles();
  return (
    <span className={classes.id} title={text}>
      {text.split(/(?<=[._-])/).map((part, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {part}
        </Fragment>
      ))}
    </span>
  );
};
