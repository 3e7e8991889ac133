import { useState } from 'react';
import { InfoCard, Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  kafkaHubMessagesReadPermission,
  KafkaEnvironmentTopics,
  KafkaTopic,
  KafkaTopicDrift,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Box from '@material-ui/core/Box';
import Collapse from '@material-ui/core/Collapse';
import IconButton from '@material-ui/core/IconButton';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import { IdText, useTableTextStyles } from '../ListControls';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import KeyboardArrowDownIcon from '@material-ui/icons/KeyboardArrowDown';
import KeyboardArrowUpIcon from '@material-ui/icons/KeyboardArrowUp';
import ListAltIcon from '@material-ui/icons/ListAlt';
import Tooltip from '@material-ui/core/Tooltip';
import useAsync from 'react-use/esm/useAsync';
import { kafkaHubApiRef } from '../../api';
import { errorMessage, RelativeTime } from '../ProvisioningCommon';
import { DriftChip } from './DriftChip';
import { formatBytes, formatEstimate, formatRetention } from './format';
import { TopicMessagesDialog } from './TopicMessagesDialog';

const COLUMNS = 11;

const useStyles = makeStyles(theme => ({
  underReplicated: {
    color: theme.palette.error.main,
    fontWeight: 600,
  },
  muted: { color: theme.palette.text.secondary },
  nowrap: { whiteSpace: 'nowrap' },
  name: { wordBreak: 'break-all' },
  detailCell: { paddingTop: 0, paddingBottom: 0 },
  environment: { marginTop: theme.spacing(2) },
}));

const Unknown = () => {
  const classes = useStyles();
  return <span className={classes.muted}>—</span>;
};

/** What is not known of a topic (a failed detail) reads as a dash. */
const orUnknown = <T,>(value: T | undefined, format: (v: T) => string) =>
  value === undefined ? <Unknown /> : format(value);

const TopicDetail = ({ topic }: { topic: KafkaTopic }) => {
  const overrides = Object.entries(topic.configOverrides ?? {});
  return (
    <Box marginY={1}>
      <Typography variant="subtitle2">Configs set on the topic</Typography>
      {topic.configOverrides === undefined && (
        <Typography variant="body2">
          Unknown: the broker did not describe its configs.
        </Typography>
      )}
      {topic.configOverrides !== undefined && overrides.length === 0 && (
        <Typography variant="body2">
          None: every config is the broker&apos;s default.
        </Typography>
      )}
      {overrides.length > 0 && (
        <Table size="small" aria-label={`Configs set on ${topic.name}`}>
          <TableBody>
            {overrides.map(([name, value]) => (
              <TableRow key={name}>
                <TableCell component="th" scope="row">
                  <code>{name}</code>
                </TableCell>
                <TableCell>
                  <code>{value ?? '(sensitive)'}</code>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <Box marginTop={1}>
        <Typography variant="subtitle2">Partitions</Typography>
        <Table size="small" aria-label={`Partitions of ${topic.name}`}>
          <TableHead>
            <TableRow>
              <TableCell>Partition</TableCell>
              <TableCell>Leader</TableCell>
              <TableCell>Replicas</TableCell>
              <TableCell>In sync</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {topic.partitionDetail.map(p => (
              <TableRow key={p.partition}>
                <TableCell>{p.partition}</TableCell>
                <TableCell>{p.leader ?? 'none (offline)'}</TableCell>
                <TableCell>{p.replicas.join(', ')}</TableCell>
                <TableCell>{p.inSyncReplicas.join(', ')}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Box>
      {topic.diskBytes !== undefined && (
        <Typography variant="body2">
          On disk with every replica: {formatBytes(topic.diskBytes)}
        </Typography>
      )}
    </Box>
  );
};

/** Opens a topic's messages; shown only to callers who may read them. */
type ReadMessages = (topic: KafkaTopic) => void;

const TopicRow = ({
  topic,
  drift,
  onReadMessages,
}: {
  topic: KafkaTopic;
  drift?: KafkaTopicDrift;
  onReadMessages?: ReadMessages;
}) => {
  const classes = useStyles();
  const tableText = useTableTextStyles();
  const [open, setOpen] = useState(false);
  const subjects = [topic.keySubject, topic.valueSubject].filter(
    (s): s is string => s !== undefined,
  );
  return (
    <>
      <TableRow hover>
        <TableCell padding="checkbox">
          <IconButton
            size="small"
            aria-label={`${open ? 'Hide' : 'Show'} configs and partitions of ${
              topic.name
            }`}
            aria-expanded={open}
            onClick={() => setOpen(o => !o)}
          >
            {open ? <KeyboardArrowUpIcon /> : <KeyboardArrowDownIcon />}
          </IconButton>
        </TableCell>
        <TableCell className={`${classes.name} ${tableText.idCell}`}>
          <IdText text={topic.name} />
          {drift && <DriftChip drift={drift} />}
          {onReadMessages && (
            <Tooltip title="Read messages">
              <IconButton
                size="small"
                aria-label={`Read messages of ${topic.name}`}
                onClick={() => onReadMessages(topic)}
              >
                <ListAltIcon fontSize="small" />
              </IconButton>
            </Tooltip>
          )}
        </TableCell>
        <TableCell align="right">{topic.partitions}</TableCell>
        <TableCell align="right">{topic.replicationFactor}</TableCell>
        <TableCell className={classes.nowrap}>
          {topic.underReplicatedPartitions > 0 ? (
            <span className={classes.underReplicated}>
              {topic.underReplicatedPartitions} under-replicated
            </span>
          ) : (
            'All in sync'
          )}
          {topic.offlinePartitions > 0 && (
            <span className={classes.underReplicated}>
              , {topic.offlinePartitions} offline
            </span>
          )}
        </TableCell>
        <TableCell align="right" className={classes.nowrap}>
          {orUnknown(topic.sizeBytes, formatBytes)}
        </TableCell>
        <TableCell align="right" className={classes.nowrap}>
          {orUnknown(topic.messageEstimate, formatEstimate)}
        </TableCell>
        <TableCell className={classes.nowrap}>
          {orUnknown(topic.retentionMs, formatRetention)}
        </TableCell>
        <TableCell className={classes.nowrap}>
          {orUnknown(topic.cleanupPolicy, v => v)}
        </TableCell>
        <TableCell>
          {topic.consumerGroups.length ? (
            <IdText text={topic.consumerGroups.join(', ')} />
          ) : (
            <Unknown />
          )}
        </TableCell>
        <TableCell>
          {subjects.length ? (
            <IdText text={subjects.join(', ')} />
          ) : (
            <Unknown />
          )}
        </TableCell>
      </TableRow>
      <TableRow>
        <TableCell className={classes.detailCell} colSpan={COLUMNS}>
          <Collapse in={open} timeout="auto" unmountOnExit>
            <TopicDetail topic={topic} />
          </Collapse>
        </TableCell>
      </TableRow>
    </>
  );
};

const MissingRow = ({ drift }: { drift: KafkaTopicDrift }) => {
  const classes = useStyles();
  const tableText = useTableTextStyles();
  return (
    <TableRow>
      <TableCell padding="checkbox" />
      <TableCell className={`${classes.name} ${tableText.idCell}`}>
        <IdText text={drift.topic} />
        <DriftChip drift={drift} />
      </TableCell>
      <TableCell colSpan={COLUMNS - 2} className={classes.muted}>
        {drift.message}
      </TableCell>
    </TableRow>
  );
};

const EnvironmentTopics = ({
  entityRef,
  environment,
  prefix,
  mayReadMessages,
}: {
  entityRef: string;
  environment: KafkaEnvironmentTopics;
  prefix: string;
  mayReadMessages: boolean;
}) => {
  const [reading, setReading] = useState<KafkaTopic>();
  const classes = useStyles();
  const tableText = useTableTextStyles();
  const driftOf = new Map(
    environment.drift.filter(d => d.kind !== 'missing').map(d => [d.topic, d]),
  );
  const missing = environment.drift.filter(d => d.kind === 'missing');
  const rows: Array<{
    name: string;
    topic?: KafkaTopic;
    drift?: KafkaTopicDrift;
  }> = [
    ...environment.topics.map(topic => ({ name: topic.name, topic })),
    ...missing.map(drift => ({ name: drift.topic, drift })),
  ].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <section
      className={classes.environment}
      aria-label={`Topics in ${environment.environment}`}
    >
      <Typography variant="h6" component="h3">
        {environment.environment}
      </Typography>
      <Typography variant="body2" className={classes.muted}>
        {environment.sampledAt ? (
          <>
            Sampled <RelativeTime iso={environment.sampledAt} />
          </>
        ) : (
          'Not sampled yet: the topic sampler has not read this environment yet.'
        )}
      </Typography>
      {environment.error && (
        <WarningPanel
          severity="warning"
          title={
            environment.sampledAt
              ? 'The last sample failed: these topics are from the last one that worked'
              : 'The topic sampler could not read this environment'
          }
          message={environment.error}
        />
      )}
      {environment.sampledAt && rows.length === 0 && (
        <Typography variant="body2">
          No topics under <code>{prefix}</code> on the broker, and none
          declared.
        </Typography>
      )}
      {rows.length > 0 && (
        <TableContainer>
          <Table
            size="small"
            className={tableText.table}
            aria-label={`Topics of ${prefix}* in ${environment.environment}`}
          >
            <TableHead>
              <TableRow>
                <TableCell padding="checkbox" />
                <TableCell>Topic</TableCell>
                <TableCell align="right">Partitions</TableCell>
                <TableCell align="right">Replication</TableCell>
                <TableCell>Replicas in sync</TableCell>
                <TableCell align="right">Size</TableCell>
                <TableCell align="right">Messages</TableCell>
                <TableCell>Retention</TableCell>
                <TableCell>Cleanup</TableCell>
                <TableCell>Consumer groups</TableCell>
                <TableCell>Subjects</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {rows.map(row =>
                row.topic ? (
                  <TopicRow
                    key={row.name}
                    topic={row.topic}
                    drift={driftOf.get(row.name)}
                    onReadMessages={mayReadMessages ? setReading : undefined}
                  />
                ) : (
                  <MissingRow key={row.name} drift={row.drift!} />
                ),
              )}
            </TableBody>
          </Table>
        </TableContainer>
      )}
      {reading && (
        <TopicMessagesDialog
          open
          onClose={() => setReading(undefined)}
          entityRef={entityRef}
          topic={reading.name}
          environment={environment.environment}
          partitions={reading.partitions}
        />
      )}
    </section>
  );
};

/**
 * The application's topics as the broker has them, per environment:
 * partitions, replicas, size, messages, retention, readers and subjects,
 * the configs set on each topic, and the drift against its declaration.
 * Served from what the topic sampler stored. Callers with
 * `kafka-hub.messages.read` open a topic's decoded messages from its row.
 */
export const EntityTopicsCard = ({ entityRef }: { entityRef: string }) => {
  const api = useApi(kafkaHubApiRef);
  // The backend checks it again on every read.
  const messagesPermission = usePermission({
    permission: kafkaHubMessagesReadPermission,
    resourceRef: entityRef,
  });
  const { value, loading, error } = useAsync(
    () => api.getApplicationTopics(entityRef),
    [api, entityRef],
  );
  const notKnown =
    (error as { response?: { status?: number } } | undefined)?.response
      ?.status === 404;
  return (
    <InfoCard title="Topics" subheader="From the broker, as last sampled">
      {loading && <Progress />}
      {error && notKnown && (
        <Typography variant="body2">
          Kafka Hub does not know this application yet: its topics show once it
          is provisioned.
        </Typography>
      )}
      {error && !notKnown && (
        <WarningPanel
          severity="error"
          title="Could not load the topics"
          message={errorMessage(error)}
        />
      )}
      {value && value.environments.length === 0 && (
        <Typography variant="body2">
          Not sampled yet: no environment has topics of this application.
        </Typography>
      )}
      {value?.environments.map(environment => (
        <EnvironmentTopics
          key={environment.environment}
          entityRef={entityRef}
          environment={environment}
          prefix={value.prefix}
          mayReadMessages={messagesPermission.allowed}
        />
      ))}
    </InfoCard>
  );
};
