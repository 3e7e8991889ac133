import {
  StatusAborted,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import {
  SchemaFormat,
  SchemaStatus,
  SchemaSubject,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Chip from '@material-ui/core/Chip';
import { makeStyles, Theme } from '@material-ui/core/styles';
import Tooltip from '@material-ui/core/Tooltip';
import { readableColour, surfaces } from '../../theme/readableColour';

/** How each format is named in the UI. */
export const FORMAT_LABELS: Record<SchemaFormat, string> = {
  AVRO: 'Avro',
  PROTOBUF: 'Protobuf',
  JSON: 'JSON Schema',
};

/** How each status is named in the UI. */
export const STATUS_LABELS: Record<SchemaStatus, string> = {
  registered: 'Registered',
  deleted: 'Deleted',
  stale: 'Stale',
};

const STATUS_HINTS: Record<SchemaStatus, string> = {
  registered: 'Live in the Schema Registry',
  deleted: 'Soft-deleted in the Schema Registry',
  stale:
    "Absent from the Schema Registry's last complete listing; Kafka Hub keeps its history",
};

const formatHue = (theme: Theme, format: SchemaFormat): string => {
  const dark = theme.palette.type === 'dark';
  switch (format) {
    case 'AVRO':
      return dark ? '#90caf9' : '#1565c0';
    case 'PROTOBUF':
      return dark ? '#ce93d8' : '#7b1fa2';
    default:
      return dark ? '#a5d6a7' : '#2e7d32';
  }
};

// Readable on the card and on striped rows of the theme (Protobuf's purple
// was 4.2:1 on the dark card).
const formatColor = (theme: Theme, format: SchemaFormat): string =>
  readableColour(formatHue(theme, format), surfaces(theme));

const useStyles = makeStyles(theme => ({
  AVRO: {
    color: formatColor(theme, 'AVRO'),
    borderColor: formatColor(theme, 'AVRO'),
  },
  PROTOBUF: {
    color: formatColor(theme, 'PROTOBUF'),
    borderColor: formatColor(theme, 'PROTOBUF'),
  },
  JSON: {
    color: formatColor(theme, 'JSON'),
    borderColor: formatColor(theme, 'JSON'),
  },
}));

/** The schema format as a small outlined badge, coloured per format. */
export const FormatBadge = ({ format }: { format: SchemaFormat }) => {
  const classes = useStyles();
  return (
    <Chip
      size="small"
      variant="outlined"
      label={FORMAT_LABELS[format] ?? format}
      className={classes[format]}
      aria-label={`Format: ${FORMAT_LABELS[format] ?? format}`}
    />
  );
};

/** The subject's status as a status indicator with its label and a hint. */
export const SchemaStatusLabel = ({ status }: { status: SchemaStatus }) => {
  const label = STATUS_LABELS[status] ?? status;
  let indicator;
  switch (status) {
    case 'registered':
      indicator = <StatusOK>{label}</StatusOK>;
      break;
    case 'stale':
      indicator = <StatusWarning>{label}</StatusWarning>;
      break;
    default:
      indicator = <StatusAborted>{label}</StatusAborted>;
  }
  return (
    <Tooltip title={STATUS_HINTS[status] ?? ''}>
      <span>{indicator}</span>
    </Tooltip>
  );
};

/** `BACKWARD`, `BACKWARD (global)` when it is the registry-wide level, or `—`. */
export function compatibilityText(
  subject: Pick<SchemaSubject, 'compatibility' | 'compatibilitySource'>,
): string {
  if (!subject.compatibility) {
    return '—';
  }
  return subject.compatibilitySource === 'global'
    ? `${subject.compatibility} (global)`
    : subject.compatibility;
}

/** `Key`, `Value` or `—`. */
export function roleText(role?: 'key' | 'value'): string {
  if (role === 'key') return 'Key';
  if (role === 'value') return 'Value';
  return '—';
}
