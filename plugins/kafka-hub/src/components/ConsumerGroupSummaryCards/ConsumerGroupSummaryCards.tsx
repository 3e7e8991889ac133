import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  CONSUMER_GROUP_STATES,
  CONSUMER_GROUP_STATUSES,
  ConsumerGroupsSummary,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Card from '@material-ui/core/Card';
import CardContent from '@material-ui/core/CardContent';
import Grid from '@material-ui/core/Grid';
import { makeStyles } from '@material-ui/core/styles';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { kafkaHubApiRef } from '../../api';
import type { ConsumerGroupSummaryRequest } from '../../api/KafkaHubApi';
import {
  CONSUMER_GROUP_REFRESH_MS,
  formatCount,
  STATE_LABELS,
} from '../ConsumerGroupTable';
import { scopeChannel, useLivePolling } from '../../hooks/useLivePolling';

/** Lag samples reload consumer group views. */
const LAG = ['consumer-groups'] as const;

const useStyles = makeStyles(theme => ({
  card: { height: '100%' },
  value: { fontSize: theme.typography.h4.fontSize, fontWeight: 600 },
}));

/**
 * Props of {@link ConsumerGroupSummaryCards}.
 *
 * @public
 */
export interface ConsumerGroupSummaryCardsProps {
  /** Only groups of these entities; undefined: everything the caller may read. */
  entityRefs?: string[];
  /** Only groups of this owner's applications (a Group's entity ref). */
  owner?: string;
  /** Only groups of this environment. */
  environment?: string;
  /** Reload interval while the page is visible; false: only once. */
  refreshIntervalMs?: number | false;
}

const SummaryCard = ({
  label,
  value,
  help,
}: {
  label: string;
  value: string;
  help?: string;
}) => {
  const classes = useStyles();
  const card = (
    <Card
      component="section"
      aria-label={label}
      className={classes.card}
      variant="outlined"
    >
      <CardContent>
        <Typography variant="body2" color="textSecondary">
          {label}
        </Typography>
        <Typography className={classes.value}>{value}</Typography>
      </CardContent>
    </Card>
  );
  return help ? <Tooltip title={help}>{card}</Tooltip> : card;
};

function cards(
  summary: ConsumerGroupsSummary,
): Array<{ label: string; value: number; help?: string }> {
  const state = (s: keyof ConsumerGroupsSummary['byState']) =>
    summary.byState[s] ?? 0;
  const attention = CONSUMER_GROUP_STATUSES.filter(s => s !== 'OK');
  const rest = CONSUMER_GROUP_STATES.filter(
    s =>
      ![
        'Stable',
        'PreparingRebalance',
        'CompletingRebalance',
        'Empty',
      ].includes(s),
  );
  return [
    { label: 'Consumer groups', value: summary.total },
    { label: 'Stable', value: state('Stable') },
    {
      label: 'Rebalancing',
      value: state('PreparingRebalance') + state('CompletingRebalance'),
      help: `${STATE_LABELS.PreparingRebalance} or ${STATE_LABELS.CompletingRebalance}`,
    },
    { label: 'Empty', value: state('Empty') },
    {
      label: 'Dead or unknown',
      value: rest.reduce((sum, s) => sum + state(s), 0),
    },
    {
      label: 'Total lag',
      value: summary.totalLag,
      help: 'Messages behind, summed over every group at its latest sample',
    },
    { label: 'Groups with lag', value: summary.groupsWithLag },
    {
      label: 'Need attention',
      value: attention.reduce((sum, s) => sum + (summary.byStatus[s] ?? 0), 0),
      help: attention
        .map(s => `${s}: ${formatCount(summary.byStatus[s] ?? 0)}`)
        .join(', '),
    },
  ];
}

/**
 * Counts of the consumer groups the caller may read: the total, by state,
 * the total lag, groups with lag and groups whose status is not OK.
 * Reloads every 30 s while the page is visible, less often while nothing
 * changes.
 *
 * @public
 */
export const ConsumerGroupSummaryCards = ({
  entityRefs,
  owner,
  environment,
  refreshIntervalMs = CONSUMER_GROUP_REFRESH_MS,
}: ConsumerGroupSummaryCardsProps) => {
  const api = useApi(kafkaHubApiRef);
  const key = JSON.stringify({ entityRefs, owner, environment });
  const { value, error } = useLivePolling(
    () =>
      api.getConsumerGroupSummary(
        JSON.parse(key) as ConsumerGroupSummaryRequest,
      ),
    {
      key,
      intervalMs: refreshIntervalMs,
      live: { channel: scopeChannel({ entityRefs, owner }), kinds: LAG },
    },
  );
  if (error && !value) {
    return (
      <ResponseErrorPanel
        error={error}
        title="Could not load the consumer group summary"
      />
    );
  }
  if (!value) {
    return <Progress />;
  }
  return (
    <Grid container spacing={2} aria-label="Consumer group summary" role="list">
      {cards(value).map(card => (
        <Grid item xs={6} sm={3} md key={card.label} role="listitem">
          <SummaryCard
            label={card.label}
            value={formatCount(card.value)}
            help={card.help}
          />
        </Grid>
      ))}
    </Grid>
  );
};
