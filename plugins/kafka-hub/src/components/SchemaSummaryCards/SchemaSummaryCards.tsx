import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  SCHEMA_FORMATS,
  SCHEMA_STATUSES,
} from '@kafka-hub/backstage-plugin-kafka-hub-common';
import Card from '@material-ui/core/Card';
import CardContent from '@material-ui/core/CardContent';
import Grid from '@material-ui/core/Grid';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { kafkaHubApiRef } from '../../api';
import { FORMAT_LABELS, STATUS_LABELS } from '../SchemaTable/SchemaBadges';

const useStyles = makeStyles(theme => ({
  card: { height: '100%' },
  value: { fontSize: theme.typography.h4.fontSize, fontWeight: 600 },
}));

/**
 * Props of {@link SchemaSummaryCards}.
 *
 * @public
 */
export interface SchemaSummaryCardsProps {
  /** Only subjects of these entities; undefined: everything the caller may read. */
  entityRefs?: string[];
}

const SummaryCard = ({ label, value }: { label: string; value: number }) => {
  const classes = useStyles();
  return (
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
};

/**
 * Counts of the schema subjects the caller may read: the total, per format
 * and per status.
 *
 * @public
 */
export const SchemaSummaryCards = ({ entityRefs }: SchemaSummaryCardsProps) => {
  const api = useApi(kafkaHubApiRef);
  const key = JSON.stringify(entityRefs ?? null);
  const { value, loading, error } = useAsync(
    () =>
      api.getSchemaSummary({
        entityRefs: JSON.parse(key) ?? undefined,
      }),
    [api, key],
  );
  if (loading) {
    return <Progress />;
  }
  if (error || !value) {
    return (
      <ResponseErrorPanel
        error={error ?? new Error('No summary')}
        title="Could not load the schema summary"
      />
    );
  }
  const cards: Array<[string, number]> = [
    ['Total subjects', value.total],
    ...SCHEMA_FORMATS.map(
      f => [FORMAT_LABELS[f], value.byFormat[f] ?? 0] as [string, number],
    ),
    ...SCHEMA_STATUSES.map(
      s => [STATUS_LABELS[s], value.byStatus[s] ?? 0] as [string, number],
    ),
  ];
  return (
    <Grid container spacing={2} aria-label="Schema summary" role="list">
      {cards.map(([label, count]) => (
        <Grid item xs={6} sm={4} md key={label} role="listitem">
          <SummaryCard label={label} value={count} />
        </Grid>
      ))}
    </Grid>
  );
};
