import { Fragment } from 'react';
import { makeStyles } from '@material-ui/core/styles';

/**
 * Styles for Kafka Hub's tables. The Backstage theme lets cells break
 * anywhere, which splits headers, statuses and environment names mid-word
 * at 1280 px: here nothing breaks inside a word (headers may wrap between
 * words, "Latest / version"), ids break only where {@link IdText} allows,
 * and cells are a little narrower than MUI's, so that a nine-column table
 * fits beside Backstage's sidebar at 1280 px (checked in the browser by the
 * end-to-end walks).
 */
export const useTableTextStyles = makeStyles(theme => ({
  table: {
    '& td, & th': {
      wordBreak: 'normal',
      overflowWrap: 'normal',
      paddingLeft: theme.spacing(1.5),
      paddingRight: theme.spacing(1.5),
    },
  },
  noWrap: { whiteSpace: 'nowrap' },
  id: {
    wordBreak: 'normal',
    overflowWrap: 'normal',
  },
  monospace: { fontFamily: 'monospace' },
  idCell: { minWidth: theme.spacing(15) },
}));

/**
 * A Kafka name (topic, group id, subject, member id) in monospace, or a
 * constant such as `BACKWARD_TRANSITIVE` in the text font (`plain`), that
 * wraps only after a '.', '-' or '_', never mid-word; its full text is the
 * element's title.
 */
export const IdText = ({ text, plain }: { text: string; plain?: boolean }) => {
  const classes = useTableTextStyles();
  return (
    <span
      className={plain ? classes.id : `${classes.id} ${classes.monospace}`}
      title={text}
    >
      {text.split(/(?<=[._-])/).map((part, i) => (
        <Fragment key={i}>
          {i > 0 && <wbr />}
          {part}
        </Fragment>
      ))}
    </span>
  );
};
