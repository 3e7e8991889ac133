import { ReactNode, useEffect, useState } from 'react';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  ConsumerGroupDetail as ConsumerGroupDetailType,
  LAG_HISTORY_RANGES,
  LagHistoryRange,
  kafkaHubEntityChannel,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import LinearProgress from '@material-ui/core/LinearProgress';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import ArrowBackIcon from '@material-ui/icons/ArrowBack';
import { RefreshButton } from '../RefreshButton';
import Alert from '@material-ui/lab/Alert';
import { useSearchParams } from 'react-router-dom';
import { kafkaHubApiRef } from '../../api';
import {
  CONSUMER_GROUP_REFRESH_MS,
  ConsumerGroupStatusChip,
  formatCount,
  groupTypeDescription,
  groupTypeLabel,
  LIFECYCLE_DESCRIPTIONS,
  LIFECYCLE_LABELS,
  STATE_LABELS,
  STATUS_DESCRIPTIONS,
  TimeLagText,
} from '../ConsumerGroupTable';
import { useLivePolling } from '../../hooks/useLivePolling';
import { errorMessage, RelativeTime } from '../ProvisioningCommon';
import { ConsumerGroupLagChart, DEFAULT_RANGE } from './ConsumerGroupLagChart';
import { ConsumerGroupMembersTable } from './ConsumerGroupMembersTable';
import { PartitionLagTable } from './PartitionLagTable';
import { IdText } from '../ListControls';

/** Lag samples reload consumer group views. */
const LAG = ['consumer-groups'] as const;

/**
 * Props of {@link ConsumerGroupDetail}.
 *
 * @public
 */
export interface ConsumerGroupDetailProps {
  /** The environment the group runs in. */
  environment: string;
  /** The consumer group's id. */
  groupId: string;
  /** Where "Back to consumer groups" goes; no back link when undefined. */
  backLink?: string;
  /** Reload interval while the page is visible; false: only on demand. */
  refreshIntervalMs?: number | false;
}

const useStyles = makeStyles(theme => ({
  header: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1),
  },
  title: { fontFamily: 'monospace' },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(3),
    rowGap: theme.spacing(1),
    margin: 0,
    '& dt': { color: theme.palette.text.secondary },
    '& dd': { margin: 0, wordBreak: 'break-word' },
  },
  reason: { marginTop: theme.spacing(1) },
  nowrap: { whiteSpace: 'nowrap' },
}));

const Fact = ({ label, children }: { label: string; children: ReactNode }) => (
  <>
    <Typography component="dt" variant="body2">
      {label}
    </Typography>
    <Typography component="dd" variant="body2">
      {children}
    </Typography>
  </>
);

const Facts = ({ group }: { group: ConsumerGroupDetailType }) => {
  const classes = useStyles();
  const { lag } = group;
  return (
    <dl className={classes.facts} aria-label="Group facts">
      <Fact label="Type">
        <span className={classes.nowrap}>
          {groupTypeLabel(group.type, group.protocolType)}
        </span>
        <Typography variant="caption" display="block" color="textSecondary">
          {groupTypeDescription(group.type)}
        </Typography>
      </Fact>
      <Fact label="State">
        {STATE_LABELS[group.state] ?? group.state}
        {group.lifecycle !== 'active' &&
          ` · ${LIFECYCLE_LABELS[group.lifecycle]}`}
      </Fact>
      <Fact label="Members">
        {group.describedWith ? group.memberCount : 'Not described'}
      </Fact>
      <Fact label="Total lag">
        {lag
          ? `${formatCount(
              lag.totalLag,
            )} messages (largest partition: ${formatCount(
              lag.maxPartitionLag,
            )})`
          : 'Not sampled yet'}
      </Fact>
      <Fact label="Time lag">
        <TimeLagText seconds={lag?.timeLagSeconds} />
        {lag?.timeLagSeconds !== undefined && ' (estimate)'}
      </Fact>
      {!!lag?.partitionsWithoutCommit && (
        <Fact label="Without commit">
          {`${formatCount(lag.partitionsWithoutCommit)} partition${
            lag.partitionsWithoutCommit === 1 ? '' : 's'
          } (not counted in the lag)`}
        </Fact>
      )}
      <Fact label="Coordinator">{group.coordinator || 'Unknown'}</Fact>
      <Fact label="Protocol type">{group.protocolType || 'Unknown'}</Fact>
      <Fact label="Assignor">{group.assignmentStrategy || 'None'}</Fact>
      {group.groupEpoch !== undefined && (
        <Fact label="Epochs">
          {`group ${group.groupEpoch} · target assignment ${
            group.assignmentEpoch ?? '?'
          }`}
        </Fact>
      )}
      {group.describedWith && (
        <Fact label="Described with">{group.describedWith}</Fact>
      )}
      <Fact label="Topics">
        {group.topics.length ? group.topics.join(', ') : 'None'}
      </Fact>
      <Fact label="Entity">
        {group.entityRef ? (
          <EntityRefLink entityRef={group.entityRef} />
        ) : (
          'Not linked'
        )}
      </Fact>
      <Fact label="Last sample">
        <RelativeTime iso={lag?.sampledAt} />
      </Fact>
      <Fact label="First seen">
        <RelativeTime iso={group.firstSeenAt} />
      </Fact>
      <Fact label="Last seen">
        <RelativeTime iso={group.lastSeenAt} />
      </Fact>
    </dl>
  );
};

/**
 * One consumer group: its state, status with the reason in words,
 * coordinator and protocol; the lag chart over a range kept in the URL
 * (`?range=7d`); the latest lag of every partition; its members. Reloads
 * every 30 s while the page is visible.
 *
 * @public
 */
export const ConsumerGroupDetail = (props: ConsumerGroupDetailProps) => {
  const {
    environment,
    groupId,
    backLink,
    refreshIntervalMs = CONSUMER_GROUP_REFRESH_MS,
  } = props;
  const classes = useStyles();
  const api = useApi(kafkaHubApiRef);
  const [params, setParams] = useSearchParams();
  const rangeParam = params.get('range');
  const range = (LAG_HISTORY_RANGES as readonly string[]).includes(
    rangeParam ?? '',
  )
    ? (rangeParam as LagHistoryRange)
    : DEFAULT_RANGE;

  const key = JSON.stringify([environment, groupId]);
  // Follows the signals of the group's application once it is known.
  const [channel, setChannel] = useState<string>();
  const { value, error, loading, refresh } = useLivePolling(
    () => api.getConsumerGroup(environment, groupId),
    { key, intervalMs: refreshIntervalMs, live: { channel, kinds: LAG } },
  );
  const entityRef = value?.entityRef;
  useEffect(() => {
    setChannel(entityRef ? kafkaHubEntityChannel(entityRef) : undefined);
  }, [entityRef]);

  const back = backLink !== undefined && (
    <Box mb={2}>
      <Link to={backLink}>
        <Box component="span" display="inline-flex" alignItems="center">
          <ArrowBackIcon fontSize="small" />
          &nbsp;Back to consumer groups
        </Box>
      </Link>
    </Box>
  );

  if (error && !value) {
    return (
      <>
        {back}
        <ResponseErrorPanel
          error={error}
          title={`Could not load consumer group ${groupId} in ${environment}`}
        />
      </>
    );
  }
  if (!value) {
    return (
      <>
        {back}
        <Progress />
      </>
    );
  }

  const { lag } = value;
  return (
    <>
      {back}
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <Box className={classes.header}>
            <Typography variant="h4" component="h2" className={classes.title}>
              <IdText text={value.groupId} />
            </Typography>
            <Chip size="small" label={value.environment} variant="outlined" />
            <ConsumerGroupStatusChip lag={lag} size="medium" />
            <RefreshButton
              label="Refresh consumer group"
              onRefresh={refresh}
              loading={loading}
            />
          </Box>
          {loading && <LinearProgress aria-label="Reloading consumer group" />}
          {error && (
            <Alert severity="warning">
              Could not refresh the group: {errorMessage(error)}. Showing the
              last answer.
            </Alert>
          )}
        </Grid>
        {value.samplingError && (
          <Grid item xs={12}>
            <Alert severity="warning">
              {`The last lag sample of ${value.environment} failed: ${value.samplingError}. The lag shown is from the last successful sample.`}
            </Alert>
          </Grid>
        )}
        {value.describeError && (
          <Grid item xs={12}>
            <Alert severity="warning">
              {`The last sync could not describe this group: ${value.describeError}. Its state is the one listed; its members are the ones last described.`}
            </Alert>
          </Grid>
        )}
        {value.lifecycle !== 'active' && (
          <Grid item xs={12}>
            <Alert severity="info">
              {`This group is ${LIFECYCLE_LABELS[
                value.lifecycle
              ].toLocaleLowerCase('en-US')}: ${
                LIFECYCLE_DESCRIPTIONS[value.lifecycle]
              }`}
            </Alert>
          </Grid>
        )}
        <Grid item xs={12} md={5}>
          <InfoCard title="Status">
            <Typography variant="h6" component="p">
              {lag ? lag.status : 'Not sampled yet'}
            </Typography>
            <Typography
              variant="body1"
              className={classes.reason}
              aria-label="Status reason"
            >
              {lag
                ? lag.statusReason || STATUS_DESCRIPTIONS[lag.status]
                : 'The lag sampler has not sampled this group yet.'}
            </Typography>
            <Box mt={2}>
              <Facts group={value} />
            </Box>
          </InfoCard>
        </Grid>
        <Grid item xs={12} md={7}>
          <InfoCard title="Lag history">
            <ConsumerGroupLagChart
              environment={value.environment}
              groupId={value.groupId}
              range={range}
              onRangeChange={next =>
                setParams(
                  prev => {
                    const p = new URLSearchParams(prev);
                    if (next === DEFAULT_RANGE) p.delete('range');
                    else p.set('range', next);
                    return p;
                  },
                  { replace: true },
                )
              }
              refreshIntervalMs={refreshIntervalMs}
            />
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <InfoCard
            title="Partitions"
            subheader="Latest offsets from the last sample; the most lagging first"
          >
            <PartitionLagTable partitions={value.partitions} />
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <InfoCard
            title="Members"
            subheader={
              value.describedWith
                ? `${value.members.length} member${
                    value.members.length === 1 ? '' : 's'
                  }`
                : undefined
            }
          >
            {value.describedWith || value.members.length > 0 ? (
              <ConsumerGroupMembersTable members={value.members} />
            ) : (
              <Typography variant="body2" color="textSecondary">
                {value.type === 'share' || value.type === 'streams'
                  ? `Kafka Hub lists ${value.type} groups with their state; it does not describe their members.`
                  : 'Kafka Hub could not describe the members of this group yet.'}
              </Typography>
            )}
          </InfoCard>
        </Grid>
      </Grid>
    </>
  );
};
