import { KafkaTopicDrift } from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Chip from '@material-ui/core/Chip';
import { makeStyles, Theme } from '@material-ui/core/styles';
import { readableColour } from '../../theme/readableColour';

const driftFill = (theme: Theme, kind: KafkaTopicDrift['kind']) =>
  readableColour(
    kind === 'missing' ? theme.palette.error.main : theme.palette.warning.main,
    theme.palette.common.white,
  );

const useStyles = makeStyles(theme => ({
  chip: {
    fontWeight: 600,
    color: theme.palette.common.white,
  },
  inline: { marginLeft: theme.spacing(1) },
  missing: { backgroundColor: driftFill(theme, 'missing') },
  undeclared: { backgroundColor: driftFill(theme, 'undeclared') },
  'fewer-partitions': { backgroundColor: driftFill(theme, 'fewer-partitions') },
}));

/** A drift's label: what a topic table shows of it. */
const driftLabel = (drift: KafkaTopicDrift): string => {
  switch (drift.kind) {
    case 'missing':
      return 'Missing';
    case 'undeclared':
      return 'Undeclared';
    default:
      return `Fewer partitions (${drift.partitions} < ${drift.declaredPartitions} declared)`;
  }
};

/** A topic's drift against its declaration, in the theme's warning or error colour; the message is its title. */
export const DriftChip = ({
  drift,
  inline = true,
}: {
  drift: KafkaTopicDrift;
  /** Beside a topic name (with a gap before it); false in a column of its own. */
  inline?: boolean;
}) => {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      label={driftLabel(drift)}
      title={drift.message}
      className={`${classes.chip} ${classes[drift.kind]} ${
        inline ? classes.inline : ''
      }`}
    />
  );
};
