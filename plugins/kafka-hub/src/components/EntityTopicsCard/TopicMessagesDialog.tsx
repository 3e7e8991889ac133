import { FormEvent, useCallback, useEffect, useState } from 'react';
import { Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  KafkaMessage,
  KafkaMessageList,
  KafkaMessagePart,
  KafkaMessageStart,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { kafkaHubApiRef } from '../../api';
import { errorMessage } from '../ProvisioningCommon';

const useStyles = makeStyles(theme => ({
  controls: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'flex-end',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  },
  field: { minWidth: 140 },
  data: {
    margin: 0,
    fontFamily: 'monospace',
    fontSize: 12,
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
    maxHeight: 240,
    overflow: 'auto',
  },
  format: { marginBottom: theme.spacing(0.5) },
  error: { color: theme.palette.error.main, fontSize: 12 },
  muted: { color: theme.palette.text.secondary },
  nowrap: { whiteSpace: 'nowrap' },
  cell: { verticalAlign: 'top' },
}));

const STOPPED_BY: Record<KafkaMessageList['stoppedBy'], string> = {
  end: 'Read up to the end of each partition.',
  limit: 'Stopped at the message limit: there are more messages.',
  bytes: 'Stopped at the size limit: there are more messages.',
  time: 'Stopped at the time limit: there are more messages.',
};

const FORMAT_LABELS: Record<KafkaMessagePart['format'], string> = {
  avro: 'Avro',
  protobuf: 'Protobuf',
  'json-schema': 'JSON Schema',
  json: 'JSON',
  text: 'Text',
  hex: 'Hex',
};

const Part = ({ part }: { part?: KafkaMessagePart }) => {
  const classes = useStyles();
  if (!part) return <span className={classes.muted}>null</span>;
  const text =
    typeof part.data === 'string'
      ? part.data
      : JSON.stringify(part.data, null, 2);
  return (
    <>
      <Chip
        size="small"
        variant="outlined"
        className={classes.format}
        label={`${FORMAT_LABELS[part.format]}${
          part.schemaId !== undefined && !part.error
            ? ` · schema ${part.schemaId}`
            : ''
        }`}
      />
      {part.error && (
        <div className={classes.error} role="note">
          Not decoded: {part.error}
        </div>
      )}
      <pre className={classes.data}>{text}</pre>
    </>
  );
};

const MessageRow = ({ message }: { message: KafkaMessage }) => {
  const classes = useStyles();
  return (
    <TableRow>
      <TableCell className={classes.cell} align="right">
        {message.partition}
      </TableCell>
      <TableCell className={classes.cell} align="right">
        {message.offset}
      </TableCell>
      <TableCell className={`${classes.cell} ${classes.nowrap}`}>
        {message.timestamp}
      </TableCell>
      <TableCell className={classes.cell}>
        <Part part={message.key} />
      </TableCell>
      <TableCell className={classes.cell}>
        <Part part={message.value} />
      </TableCell>
      <TableCell className={classes.cell}>
        {message.headers.length === 0 ? (
          <span className={classes.muted}>—</span>
        ) : (
          <pre className={classes.data}>
            {message.headers
              .map(
                h =>
                  `${h.key}: ${h.value ?? 'null'}${
                    h.format === 'hex' ? ' (hex)' : ''
                  }`,
              )
              .join('\n')}
          </pre>
        )}
      </TableCell>
    </TableRow>
  );
};

export interface TopicMessagesDialogProps {
  open: boolean;
  onClose: () => void;
  entityRef: string;
  topic: string;
  environment: string;
  partitions: number;
}

interface Query {
  partition: string;
  start: KafkaMessageStart;
  limit: string;
  offset: string;
  timestamp: string;
}

const INITIAL: Query = {
  partition: 'all',
  start: 'latest',
  limit: '20',
  offset: '0',
  timestamp: '',
};

/**
 * A topic's messages in one environment, decoded by the backend: the
 * latest N per partition, or from an offset or a time; partition, offset,
 * time, key, value (pretty-printed, with its format) and headers.
 */
export const TopicMessagesDialog = (props: TopicMessagesDialogProps) => {
  const { open, onClose, entityRef, topic, environment, partitions } = props;
  const classes = useStyles();
  const api = useApi(kafkaHubApiRef);
  const [query, setQuery] = useState<Query>(INITIAL);
  const [state, setState] = useState<
    | { kind: 'idle' }
    | { kind: 'loading' }
    | { kind: 'done'; list: KafkaMessageList }
    | { kind: 'error'; message: string }
  >({ kind: 'idle' });

  const load = useCallback(
    async (q: Query) => {
      setState({ kind: 'loading' });
      try {
        const list = await api.readTopicMessages(entityRef, topic, {
          environment,
          partition: q.partition === 'all' ? undefined : Number(q.partition),
          start: q.start,
          limit: Number(q.limit),
          offset: q.start === 'offset' ? q.offset : undefined,
          timestamp:
            q.start === 'timestamp' && q.timestamp
              ? new Date(q.timestamp).toISOString()
              : undefined,
        });
        setState({ kind: 'done', list });
      } catch (error) {
        setState({ kind: 'error', message: errorMessage(error) });
      }
    },
    [api, entityRef, topic, environment],
  );

  // The latest messages as soon as the dialog opens.
  useEffect(() => {
    if (open) {
      setQuery(INITIAL);
      load(INITIAL);
    } else {
      setState({ kind: 'idle' });
    }
  }, [open, load]);

  const set =
    (field: keyof Query) => (event: React.ChangeEvent<{ value: unknown }>) =>
      setQuery(q => ({ ...q, [field]: String(event.target.value) }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    load(query);
  };

  const invalid =
    !/^[1-9]\d*$/.test(query.limit) ||
    (query.start === 'offset' && !/^\d+$/.test(query.offset)) ||
    (query.start === 'timestamp' &&
      Number.isNaN(new Date(query.timestamp).getTime()));

  return (
    <Dialog
      open={open}
      onClose={onClose}
      maxWidth="lg"
      fullWidth
      aria-labelledby="kafka-hub-messages-title"
    >
      <DialogTitle id="kafka-hub-messages-title">
        Messages of {topic} in {environment}
      </DialogTitle>
      <DialogContent>
        <form
          className={classes.controls}
          onSubmit={submit}
          aria-label="Which messages"
        >
          <TextField
            select
            id="kafka-hub-messages-partition"
            label="Partition"
            value={query.partition}
            onChange={set('partition')}
            className={classes.field}
          >
            <MenuItem value="all">All</MenuItem>
            {Array.from({ length: partitions }, (_, i) => (
              <MenuItem key={i} value={String(i)}>
                {i}
              </MenuItem>
            ))}
          </TextField>
          <TextField
            select
            id="kafka-hub-messages-start"
            label="Start"
            value={query.start}
            onChange={set('start')}
            className={classes.field}
          >
            <MenuItem value="latest">Latest</MenuItem>
            <MenuItem value="offset">From offset</MenuItem>
            <MenuItem value="timestamp">From time</MenuItem>
          </TextField>
          {query.start === 'offset' && (
            <TextField
              id="kafka-hub-messages-offset"
              label="Offset"
              value={query.offset}
              onChange={set('offset')}
              inputProps={{ inputMode: 'numeric' }}
              className={classes.field}
            />
          )}
          {query.start === 'timestamp' && (
            <TextField
              id="kafka-hub-messages-time"
              label="Time"
              type="datetime-local"
              value={query.timestamp}
              onChange={set('timestamp')}
              InputLabelProps={{ shrink: true }}
              className={classes.field}
            />
          )}
          <TextField
            id="kafka-hub-messages-limit"
            label="Messages per partition"
            value={query.limit}
            onChange={set('limit')}
            inputProps={{ inputMode: 'numeric' }}
            className={classes.field}
          />
          <Button
            type="submit"
            variant="contained"
            color="primary"
            disabled={invalid || state.kind === 'loading'}
          >
            Read
          </Button>
        </form>
        {state.kind === 'loading' && <Progress />}
        {state.kind === 'error' && (
          <WarningPanel
            severity="error"
            title="Could not read the messages"
            message={state.message}
          />
        )}
        {state.kind === 'done' && (
          <>
            <Typography variant="body2" className={classes.muted}>
              {state.list.messages.length} messages.{' '}
              {STOPPED_BY[state.list.stoppedBy]}
            </Typography>
            {state.list.messages.length === 0 ? (
              <Box marginY={2}>
                <Typography variant="body2">
                  No messages in this range.
                </Typography>
              </Box>
            ) : (
              <TableContainer>
                <Table size="small" aria-label={`Messages of ${topic}`}>
                  <TableHead>
                    <TableRow>
                      <TableCell align="right">Partition</TableCell>
                      <TableCell align="right">Offset</TableCell>
                      <TableCell>Time</TableCell>
                      <TableCell>Key</TableCell>
                      <TableCell>Value</TableCell>
                      <TableCell>Headers</TableCell>
                    </TableRow>
                  </TableHead>
                  <TableBody>
                    {state.list.messages.map(message => (
                      <MessageRow
                        key={`${message.partition}:${message.offset}`}
                        message={message}
                      />
                    ))}
                  </TableBody>
                </Table>
              </TableContainer>
            )}
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
};
